import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFrame } from '../../../src/data/index.js';
import {
  DEFAULT_TUNE_SPACES,
  parseTuneSpace,
  readTuneSpaceFile,
  runTuneJob,
  type TuneJobOptions,
} from '../../../src/pipelines/index.js';
import { tempDir } from '../../helpers/tmp.js';
import { DATASETS, SMALL_GBDT, useTuneServices } from './helpers/services.js';

const open = useTuneServices();
const BC = 'breast_cancer/breast_cancer.csv';
const dir = tempDir('keel-tune-space-');

describe('tuning inputs', () => {
  it('refuses bad settings with a coded error before anything is recorded', async () => {
    const { deps, tracking, metadata } = await open();
    // Read once: every case below fails before any trial, most after the data is loaded.
    const frame = await readFrame(BC, { cwd: DATASETS });
    const base: TuneJobOptions = { data: frame, target: 'target', space: SMALL_GBDT, trials: 3 };
    const cases: Array<[TuneJobOptions, string, RegExp]> = [
      [{ ...base, space: { space: {}, fixed: {} } }, 'KEEL_TUNE_BAD_SPACE', /no parameters/],
      [
        { ...base, space: { space: { maxDepth: { type: 'int', low: 8, high: 3 } }, fixed: {} } },
        'KEEL_TUNE_BAD_SPACE',
        /maxDepth/,
      ],
      [
        { ...base, params: { learningRate: 0.1 } },
        'KEEL_TUNE_BAD_SPACE',
        /"learningRate" is fixed by --param and searched/,
      ],
      [
        { ...base, space: { space: { eta: { type: 'float', low: 0.1, high: 0.3 } }, fixed: {} } },
        'KEEL_TUNE_BAD_SPACE',
        /"eta" is not valid for the learner/,
      ],
      [
        { ...base, space: { space: { learningRate: { type: 'float', low: 0.1, high: 2 } }, fixed: {} } },
        'KEEL_TUNE_BAD_SPACE',
        /learningRate/,
      ],
      [{ ...base, metric: 'rmse' }, 'KEEL_INVALID_ARGUMENT', /"rmse" is not a binary metric/],
      [
        { ...base, metric: 'f1', pruner: 'median' },
        'KEEL_INVALID_ARGUMENT',
        /does not report "f1" every round/,
      ],
      [{ ...base, trials: 0 }, 'KEEL_INVALID_ARGUMENT', /trials must be an integer ≥ 1/],
      [{ ...base, parallel: 0 }, 'KEEL_INVALID_ARGUMENT', /parallel/],
      [{ ...base, sampler: 'cmaes' as never }, 'KEEL_INVALID_ARGUMENT', /Unknown sampler "cmaes"/],
      [{ ...base, pruner: 'patient' as never }, 'KEEL_INVALID_ARGUMENT', /Unknown pruner "patient"/],
      [
        { ...base, pruner: 'asha', prunerOptions: { reductionFactor: 1 } },
        'KEEL_INVALID_ARGUMENT',
        /reductionFactor must be an integer ≥ 2/,
      ],
      [{ ...base, learner: 'forest' }, 'KEEL_LEARN_INVALID_PARAM', /Unknown learner "forest"/],
      [{ ...base, target: 'nope' }, 'KEEL_FRAME_COLUMN_NOT_FOUND', /nope/],
      [{ ...base, sampler: 'grid' }, 'KEEL_TUNE_BAD_SPACE', /grid/i],
    ];
    for (const [options, code, message] of cases) {
      const error = await runTuneJob(deps, options).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error, `${code} ${message}`).toMatchObject({ code });
      expect((error as Error).message).toMatch(message);
    }
    expect((await tracking.searchRuns({})).runs).toHaveLength(0);
    expect(await metadata.studies.listStudies()).toHaveLength(0);
  });

  it('reads flat and structured space files (JSON and YAML)', async () => {
    const yaml = join(dir, 'space.yaml');
    writeFileSync(yaml, 'learningRate: { type: float, low: 0.01, high: 0.3, log: true }\nnumTrees: 40\n');
    expect(await readTuneSpaceFile('space.yaml', dir)).toEqual({
      space: { learningRate: { type: 'float', low: 0.01, high: 0.3, log: true } },
      fixed: { numTrees: 40 },
    });
    const json = join(dir, 'space.json');
    writeFileSync(
      json,
      JSON.stringify({ space: { maxDepth: { type: 'int', low: 2, high: 4 } }, fixed: { seed: 1 } }),
    );
    expect(await readTuneSpaceFile(json, '/')).toEqual({
      space: { maxDepth: { type: 'int', low: 2, high: 4 } },
      fixed: { seed: 1 },
    });
    writeFileSync(join(dir, 'bad.json'), '{ "lr": ');
    await expect(readTuneSpaceFile('bad.json', dir)).rejects.toMatchObject({ code: 'KEEL_TUNE_BAD_SPACE' });
    await expect(readTuneSpaceFile('missing.yaml', dir)).rejects.toMatchObject({
      code: 'KEEL_DATA_FILE_NOT_FOUND',
    });
    expect(() => parseTuneSpace([1, 2])).toThrow(/must be a map/);
  });

  it('searches the default linear space, with l1Ratio only for elastic net', async () => {
    const { deps, tracking } = await open();
    const result = await runTuneJob(deps, {
      data: BC,
      target: 'target',
      learner: 'linear',
      trials: 6,
      sampler: 'random',
      params: { maxIter: 60 },
      trainFinal: false,
      seed: 2,
    });
    expect(Object.keys(DEFAULT_TUNE_SPACES.linear!.space)).toEqual(['C', 'penalty', 'l1Ratio']);
    expect(result.counts.complete).toBe(6);
    for (const t of result.trials) {
      expect('l1Ratio' in t.params).toBe(t.params.penalty === 'elasticnet');
      const run = await tracking.getRun(t.runId!);
      expect(run.params.penalty).toBe(t.params.penalty);
      expect(run.metrics['validation.auc']!.value).toBe(t.value);
    }
  });

  it('stops a grid study when the grid is exhausted, each point once', async () => {
    const { deps } = await open();
    const result = await runTuneJob(deps, {
      data: BC,
      target: 'target',
      learner: 'linear',
      space: {
        space: {
          penalty: { type: 'categorical', choices: ['l2', 'l1'] },
          C: { type: 'categorical', choices: [0.1, 1] },
        },
        fixed: { maxIter: 40 },
      },
      trials: 10,
      sampler: 'grid',
      metric: 'logloss',
      trainFinal: false,
    });
    expect(result.direction).toBe('minimize');
    expect(result.trials).toHaveLength(4);
    const points = result.trials.map((t) => `${t.params.penalty}/${t.params.C}`);
    expect(new Set(points)).toEqual(new Set(['l2/0.1', 'l2/1', 'l1/0.1', 'l1/1']));
  });
});
