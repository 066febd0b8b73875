import { describe, expect, it } from 'vitest';
import { loadGbdtModel } from '../../../src/learn/index.js';
import { runTuneJob, TUNE_TAGS, type TuneEvent } from '../../../src/pipelines/index.js';
import { DATASETS, SMALL_GBDT, useTuneServices } from './helpers/services.js';

const open = useTuneServices();
const BC = 'breast_cancer/breast_cancer.csv';

describe('runTuneJob', () => {
  it('runs a TPE + median-pruned study as child runs, picks the argmax and registers the final model', async () => {
    const { deps, tracking, registry, artifacts, metadata } = await open();
    const events: TuneEvent[] = [];
    const result = await runTuneJob(deps, {
      data: BC,
      target: 'target',
      space: SMALL_GBDT,
      trials: 12,
      sampler: 'tpe',
      pruner: 'median',
      split: { method: 'stratified' },
      validationFraction: 0.25,
      seed: 3,
      experiment: 'bc-tune',
      register: 'bc',
      aliases: ['champion'],
      onEvent: (e) => events.push(e),
    });
    expect(result).toMatchObject({ task: 'binary', metric: 'auc', direction: 'maximize', resumed: false });
    expect(result.counts.trials).toBe(12);
    expect(result.counts.complete + result.counts.pruned + result.counts.failed).toBe(12);
    expect(result.counts.running).toBe(0);
    // Median pruning (5 start-up trials) stops some trials on these tiny, noisy curves.
    expect(result.counts.pruned).toBeGreaterThan(0);

    const parent = await tracking.getRun(result.parentRunId);
    expect(parent.status).toBe('FINISHED');
    expect(parent.tags[TUNE_TAGS.role]).toBe('study');
    expect(parent.params).toMatchObject({ sampler: 'tpe', pruner: 'median', metric: 'auc', trials: '12' });
    const { runs } = await tracking.searchRuns({
      experiments: ['bc-tune'],
      filter: `tags.keel.tune.study = '${result.studyId}' and tags.keel.tune.role = 'trial'`,
      maxResults: 100,
    });
    expect(runs).toHaveLength(12);
    expect(new Set(runs.map((r) => r.tags[TUNE_TAGS.trial]))).toEqual(
      new Set(Array.from({ length: 12 }, (_, i) => String(i))),
    );
    for (const run of runs) {
      const trial = result.trials[Number(run.tags[TUNE_TAGS.trial])]!;
      expect(run.parentRunId).toBe(result.parentRunId);
      expect(run.id).toBe(trial.runId);
      expect(Number(run.params.learningRate)).toBe(trial.params.learningRate);
      expect(run.params.numTrees).toBe('30');
      if (trial.state === 'pruned') {
        expect(run.status).toBe('KILLED');
        expect(run.tags).toMatchObject({ [TUNE_TAGS.pruned]: 'true', [TUNE_TAGS.state]: 'PRUNED' });
        expect(Number(run.tags[TUNE_TAGS.prunedAt])).toBeLessThan(30);
      } else {
        expect(trial.state).toBe('complete');
        expect(run.status).toBe('FINISHED');
        expect(run.metrics['validation.auc']!.value).toBe(trial.value);
      }
      // Every round was trained and logged once (complete trials add the final value at the last round).
      const steps = (await tracking.metricHistory(run.id, 'validation.logloss')).map((p) => p.step);
      const perRound = Array.from({ length: trial.rounds! }, (_, i) => i + 1);
      expect(steps).toEqual(trial.state === 'complete' ? [...perRound, trial.rounds] : perRound);
    }
    const complete = result.trials.filter((t) => t.state === 'complete');
    const argmax = complete.reduce((a, b) => (b.value! > a.value! ? b : a));
    expect(result.best?.number).toBe(argmax.number);
    expect(result.best?.value).toBe(Math.max(...complete.map((t) => t.value!)));
    expect(parent.tags[TUNE_TAGS.bestRun]).toBe(argmax.runId);
    expect(result.bestParams).toEqual({ ...SMALL_GBDT.fixed, ...argmax.params });

    // The final model: a child run with the best params, evaluated on the untouched test rows.
    const final = await tracking.getRun(result.final!.runId);
    expect(final.parentRunId).toBe(result.parentRunId);
    expect(final.tags[TUNE_TAGS.role]).toBe('final');
    expect(Number(final.params.learningRate)).toBe(argmax.params.learningRate);
    expect(result.final!.metrics.test.auc).toBeGreaterThan(0.95);
    const version = await registry.resolve('bc@champion');
    expect(version.version).toBe(result.version!.version);
    expect(version.lineage.runId).toBe(result.parentRunId);
    expect(version.lineage.params.learningRate).toBe(String(argmax.params.learningRate));
    expect(version.tags).toMatchObject({
      [TUNE_TAGS.study]: result.studyId,
      'keel.tune.final_run': final.id,
    });
    expect(loadGbdtModel(await artifacts.get(version.artifactDigest)).features).toHaveLength(30);

    const stored = await metadata.studies.getStudy(result.studyId);
    expect(stored).toMatchObject({ status: 'FINISHED', parentRunId: result.parentRunId });
    expect(events.filter((e) => e.kind === 'trial-finished')).toHaveLength(12);
    expect(events.at(-1)).toMatchObject({ kind: 'final-finished', runId: final.id });
  });

  it('runs 2 trials at a time on worker threads: same trial numbers, no duplicate work', async () => {
    const { deps, tracking } = await open();
    const rounds: Array<[number, number]> = [];
    let maxRunning = 0;
    const result = await runTuneJob(deps, {
      data: `${DATASETS}${BC}`,
      target: 'target',
      space: SMALL_GBDT,
      trials: 6,
      parallel: 2,
      pruner: 'asha',
      prunerOptions: { minResource: 3, reductionFactor: 3 },
      metric: 'logloss',
      seed: 5,
      trainFinal: false,
      onEvent: (e) => {
        if (e.kind === 'trial-round') rounds.push([e.number, e.round]);
        if (e.kind === 'trial-started') maxRunning = Math.max(maxRunning, e.counts.running);
      },
    });
    expect(result.direction).toBe('minimize');
    expect(result.trials.map((t) => t.number)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(maxRunning).toBe(2);
    expect(new Set(rounds.map(([n, r]) => `${n}:${r}`)).size).toBe(rounds.length);
    for (const t of result.trials) {
      expect(['complete', 'pruned']).toContain(t.state);
      expect(rounds.filter(([n]) => n === t.number)).toHaveLength(t.rounds!);
      const run = await tracking.getRun(t.runId!);
      expect(run.params.threads).toBe('1');
    }
    expect(result.final).toBeNull();
    const parent = await tracking.getRun(result.parentRunId);
    expect(JSON.parse(parent.params['pruner.options']!)).toEqual({ minResource: 3, reductionFactor: 3 });
    // Pruned trials stop exactly at a rung: 3, 9 or 27 rounds (rungs at 3·3^r below numTrees 30;
    // which rung depends on what the other worker reported first).
    for (const t of result.trials.filter((x) => x.state === 'pruned')) expect([3, 9, 27]).toContain(t.rounds);
  });
});
