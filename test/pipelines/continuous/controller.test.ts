// The loop's state machine, transition by transition, on real stores with fake signals: retrain,
// gate, shadow, canary steps, promotion, every rollback, the guards, and resuming after a restart.
import { beforeAll, describe, expect, it } from 'vitest';
import { KeelError } from '../../../src/core/index.js';
import type { LearningPolicyOptions } from '../../../src/pipelines/index.js';
import { useTestStores } from '../../helpers/stores.js';
import { type FakeLoop, fakeLoop, MIN, type TinyModels, tinyModels } from './helpers/fake-loop.js';

const healthy = { requests: 200, errors: 0, p99Ms: 2 };

describe('learning controller', () => {
  const open = useTestStores();
  let models: TinyModels;
  beforeAll(async () => {
    models = await tinyModels();
  });
  const setup = async (over: Partial<LearningPolicyOptions> = {}): Promise<FakeLoop> =>
    fakeLoop(await open(), models, over);

  /** Drift fires, the good challenger is blessed and mirrored. */
  async function toShadow(loop: FakeLoop): Promise<void> {
    loop.signals.share = 0.75;
    await loop.tick();
    expect((await loop.state()).phase).toBe('shadow');
  }

  /** Shadow passes: the canary starts at its first step. */
  async function toCanary(loop: FakeLoop): Promise<void> {
    await toShadow(loop);
    loop.serving.variants = { primary: healthy };
    loop.serving.mirrored = {
      requests: 50,
      errors: 0,
      p99Ms: 2,
      primaryP99Ms: 2,
      labelAgreement: 1,
      meanAbsDiff: 0.01,
    };
    await loop.tick(10 * MIN);
    expect((await loop.state()).phase).toBe('canary');
  }

  it('walks idle → training → blessed → shadow → canary 10% → 50% → 100% → promoted', async () => {
    const loop = await setup();
    await loop.tick();
    expect(await loop.state()).toMatchObject({ phase: 'idle', lastTrainedAt: null });
    expect(loop.trainings).toBe(0);

    await toShadow(loop);
    const shadowing = await loop.metadata.deployments.get('fraud');
    expect(shadowing.spec.shadow).toEqual({ ref: 'fraud/2', percent: 100 });
    expect((await loop.registry.resolve('fraud@challenger')).version).toBe(2);
    expect((await loop.state()).rollout).toMatchObject({
      model: 'fraud',
      challenger: { version: 2, ref: 'fraud/2' },
      champion: { version: 1 },
      step: -1,
    });

    // Not enough mirrored traffic yet: it waits, changing nothing.
    loop.serving.mirrored = {
      requests: 3,
      errors: 0,
      p99Ms: 2,
      primaryP99Ms: 2,
      labelAgreement: 1,
      meanAbsDiff: 0,
    };
    await loop.tick(10 * MIN);
    expect((await loop.state()).phase).toBe('shadow');
    loop.serving.variants = { primary: healthy };
    loop.serving.mirrored = {
      requests: 50,
      errors: 0,
      p99Ms: 2,
      primaryP99Ms: 2,
      labelAgreement: 1,
      meanAbsDiff: 0.01,
    };
    await loop.tick();
    const canary = await loop.metadata.deployments.get('fraud');
    expect(canary.spec).toMatchObject({
      mode: 'canary',
      shadow: null,
      variants: [
        { name: 'stable', ref: 'fraud@champion', weight: 90 },
        { name: 'canary', ref: 'fraud/2', weight: 10 },
      ],
      options: { holdout: { percent: 5, variant: 'stable' } },
    });

    loop.serving.variants = { stable: healthy, canary: { requests: 30, errors: 0, p99Ms: 2.2 } };
    await loop.tick(5 * MIN);
    expect((await loop.state()).rollout?.step).toBe(0);
    await loop.tick(5 * MIN);
    expect((await loop.metadata.deployments.get('fraud')).spec.variants[1]!.weight).toBe(50);
    await loop.tick(10 * MIN);
    expect((await loop.metadata.deployments.get('fraud')).spec.variants[1]!.weight).toBe(100);
    await loop.tick(10 * MIN);
    const done = await loop.metadata.deployments.get('fraud');
    expect(done.spec).toMatchObject({
      mode: 'single',
      variants: [{ name: 'primary', ref: 'fraud@champion' }],
      shadow: null,
      options: {},
    });
    expect((await loop.registry.resolve('fraud@champion')).version).toBe(2);
    await expect(loop.registry.resolve('fraud@challenger')).rejects.toMatchObject({
      code: 'KEEL_REGISTRY_ALIAS_NOT_FOUND',
    });
    expect((await loop.registry.resolve('fraud/2')).tags).toMatchObject({
      'keel.blessing': 'blessed',
      'keel.rollout': 'promoted',
    });
    expect(await loop.state()).toMatchObject({
      phase: 'idle',
      rollout: null,
      retrains: [expect.any(Number)],
    });
    expect(await loop.actions()).toEqual([
      'create',
      'policy-apply',
      'trigger',
      'retrain-start',
      'retrain-finish',
      'bless',
      'shadow-start',
      'shadow-end',
      'canary-start',
      'canary-step',
      'canary-step',
      'promote',
    ]);
    const promote = (await loop.events()).at(-1)!;
    expect(promote.evidence).toMatchObject({
      alias: 'champion',
      fromVersion: 1,
      toVersion: 2,
      percent: 100,
      step: 3,
      of: 3,
      verdict: { outcome: 'pass' },
    });
    const aliasMoves = await loop.registry.aliasHistory('fraud', 'champion');
    expect(aliasMoves.at(-1)).toMatchObject({
      fromVersion: 1,
      toVersion: 2,
      actor: 'keel-learning',
      reason: expect.stringContaining('promoted fraud/2'),
    });
  });

  it('refuses a worse challenger at the gate: nothing is rolled out', async () => {
    const loop = await setup({ gate: { improvement: { auc: 0.01 } } });
    loop.next = models.bad;
    loop.signals.share = 1;
    await loop.tick();
    expect((await loop.state()).phase).toBe('idle');
    const refuse = (await loop.events()).at(-1)!;
    expect(refuse.action).toBe('refuse');
    expect(refuse.reason).toMatch(/^auc 0\.\d+ vs champion 0\.\d+: worse by/);
    const evidence = refuse.evidence as {
      challenger: { metrics: { auc: number } };
      champion: { metrics: { auc: number } };
      checks: { passed: boolean }[];
      evaluation: { rows: number };
    };
    expect(evidence.challenger.metrics.auc).toBeLessThan(evidence.champion.metrics.auc);
    expect(evidence.checks).toEqual([
      expect.objectContaining({ metric: 'auc', kind: 'improvement', passed: false }),
    ]);
    expect(evidence.evaluation.rows).toBe(750);
    expect((await loop.metadata.deployments.get('fraud')).revision).toBe(1);
    expect((await loop.registry.resolve('fraud/2')).tags['keel.blessing']).toBe('refused');
  });

  it('rolls back from the shadow when the challenger errors', async () => {
    const loop = await setup();
    await toShadow(loop);
    loop.serving.variants = { primary: healthy };
    loop.serving.mirrored = {
      requests: 50,
      errors: 5,
      p99Ms: 2,
      primaryP99Ms: 2,
      labelAgreement: 1,
      meanAbsDiff: 0,
    };
    await loop.tick(10 * MIN);
    const last = (await loop.events()).at(-1)!;
    expect([last.action, last.reason]).toEqual([
      'rollback',
      'shadow failed: error rate 0.1 vs champion 0 (> +0.01)',
    ]);
    expect((await loop.metadata.deployments.get('fraud')).spec).toMatchObject({
      mode: 'single',
      shadow: null,
      variants: [{ ref: 'fraud@champion' }],
    });
    expect((await loop.registry.resolve('fraud@champion')).version).toBe(1);
    await expect(loop.registry.resolve('fraud@challenger')).rejects.toMatchObject({
      code: 'KEEL_REGISTRY_ALIAS_NOT_FOUND',
    });
    expect((await loop.registry.resolve('fraud/2')).tags['keel.rollout']).toBe('rolled-back');
  });

  it.each([
    ['error rate', { requests: 100, errors: 4, p99Ms: 2 }, /error rate 0\.04 vs champion 0 \(> \+0\.01\)/],
    [
      'latency',
      { requests: 100, errors: 0, p99Ms: 40 },
      /p99 40 ms vs champion 2 ms: more than ×1\.5 and \+5 ms/,
    ],
  ])('rolls back a canary step on %s', async (_name, canary, reason) => {
    const loop = await setup();
    await toCanary(loop);
    loop.serving.variants = { stable: healthy, canary };
    await loop.tick(10 * MIN);
    const last = (await loop.events()).at(-1)!;
    expect(last.action).toBe('rollback');
    expect(last.reason).toMatch(reason);
    expect(last.evidence).toMatchObject({ phase: 'canary', percent: 10, verdict: { outcome: 'fail' } });
    const spec = (await loop.metadata.deployments.get('fraud')).spec;
    expect(spec).toMatchObject({ mode: 'single', variants: [{ name: 'primary', ref: 'fraud@champion' }] });
    expect(spec.options).toEqual({});
    expect(await loop.state()).toMatchObject({ phase: 'idle', rollout: null });
  });

  it('rolls back a canary on live quality, and a step that stays inconclusive too long', async () => {
    const loop = await setup({
      rollout: {
        shadow: false,
        canary: { steps: [10, 100], interval: '10m', minRequests: 10, maxStepDuration: '30m' },
        bounds: { quality: { metric: 'auc', maxDrop: 0.02, minLabels: 50, estimated: false } },
      },
    });
    loop.signals.share = 1;
    await loop.tick();
    expect((await loop.actions()).slice(-2)).toEqual(['bless', 'canary-start']);
    loop.serving.variants = { stable: healthy, canary: healthy };
    // No labels yet: quality cannot be judged, so the step waits...
    await loop.tick(10 * MIN);
    expect((await loop.state()).phase).toBe('canary');
    // ...until maxStepDuration, then it is rolled back as inconclusive.
    await loop.tick(20 * MIN);
    let last = (await loop.events()).at(-1)!;
    expect([last.action, last.reason]).toEqual([
      'rollback',
      expect.stringMatching(
        /^canary at 10% failed: inconclusive after 1800 s: auc: 0 and 0 labelled predictions/,
      ),
    ]);

    // Next retrain: the challenger's realised AUC drops by more than 0.02.
    loop.signals.qualities = [
      { version: 1, predictions: 900, labelled: 400, metrics: { auc: 0.86 }, estimated: null },
      { version: 3, predictions: 100, labelled: 60, metrics: { auc: 0.8 }, estimated: null },
    ];
    await loop.tick();
    expect((await loop.state()).rollout?.challenger.version).toBe(3);
    await loop.tick(10 * MIN);
    last = (await loop.events()).at(-1)!;
    expect([last.action, last.reason]).toEqual([
      'rollback',
      'canary at 10% failed: auc 0.8 vs champion 0.86 (realised): worse by 0.06 (> 0.02 allowed)',
    ]);
    const quality = (last.evidence as { verdict: { checks: { name: string }[] } }).verdict.checks.find(
      (c) => c.name === 'quality',
    );
    expect(quality).toMatchObject({
      passed: false,
      source: 'labels',
      challenger: 0.8,
      champion: 0.86,
      bound: 0.02,
    });
  });

  it('guards: a retrain limit per day, recorded once, and a minimum of new labels', async () => {
    const loop = await setup({ guards: { maxRetrainsPerDay: 1, minNewLabels: 100 } });
    loop.signals.share = 1;
    loop.signals.qualities = [{ version: 1, predictions: 500, labelled: 60, metrics: {}, estimated: null }];
    await loop.tick();
    expect((await loop.events()).at(-1)).toMatchObject({
      action: 'retrain-skip',
      reason: expect.stringMatching(/^only 60 labelled predictions since .*; a retrain needs 100$/),
      evidence: {
        guard: 'minNewLabels',
        labelled: 60,
        minNewLabels: 100,
        triggers: [expect.objectContaining({ type: 'drift' })],
      },
    });
    await loop.tick();
    expect((await loop.actions()).filter((a) => a === 'retrain-skip')).toHaveLength(1);
    loop.next = models.bad;
    loop.signals.qualities = [{ version: 1, predictions: 500, labelled: 150, metrics: {}, estimated: null }];
    await loop.tick();
    expect(loop.trainings).toBe(1);
    // The bad challenger passes the loose gate; roll it back so the loop is idle again.
    loop.serving.variants = { primary: healthy };
    loop.serving.mirrored = {
      requests: 50,
      errors: 50,
      p99Ms: 2,
      primaryP99Ms: 2,
      labelAgreement: 0,
      meanAbsDiff: 1,
    };
    await loop.tick(10 * MIN);
    expect((await loop.state()).phase).toBe('idle');
    await loop.tick();
    await loop.tick();
    expect(loop.trainings).toBe(1);
    const skips = (await loop.events()).filter((e) => e.action === 'retrain-skip');
    expect(skips).toHaveLength(2);
    expect(skips[1]!.evidence).toMatchObject({ guard: 'maxRetrainsPerDay', retrainsLast24h: 1, limit: 1 });
    // A day after the retrain it may run again.
    await loop.tick(24 * 60 * MIN);
    expect(loop.trainings).toBe(2);
  });

  it('records a failed retrain and goes back to idle', async () => {
    const loop = await setup();
    loop.next = new KeelError('KEEL_DATA_EMPTY', 'nothing to train on');
    loop.signals.share = 1;
    await loop.tick();
    expect((await loop.events()).at(-1)).toMatchObject({
      action: 'retrain-fail',
      reason: 'nothing to train on',
      evidence: { code: 'KEEL_DATA_EMPTY' },
    });
    expect(await loop.state()).toMatchObject({
      phase: 'idle',
      training: null,
      retrains: [expect.any(Number)],
    });
  });

  it('abandons a rollout someone changed by hand', async () => {
    const loop = await setup();
    await toCanary(loop);
    const d = await loop.metadata.deployments.get('fraud');
    await loop.metadata.deployments.put(
      'fraud',
      { ...d.spec, mode: 'single', variants: [{ name: 'primary', ref: 'fraud@champion', weight: 100 }] },
      [],
      { actor: 'ops', reason: 'manual rollback', at: loop.clock.now(), action: 'rollback' },
      d.revision,
    );
    await loop.tick();
    expect((await loop.events()).at(-1)).toMatchObject({
      action: 'rollout-abandon',
      reason: expect.stringContaining('no longer runs a canary of fraud/2'),
    });
    expect((await loop.state()).phase).toBe('idle');
  });

  it('resumes mid-canary after a restart, and fails a retrain whose process died after the timeout', async () => {
    const loop = await setup();
    await toCanary(loop);
    loop.serving.variants = { stable: healthy, canary: healthy };
    await loop.tick(10 * MIN);
    expect((await loop.state()).rollout?.step).toBe(1);
    // A new process: a fresh controller (new id, nothing in memory) over the same metadata store.
    const before = loop.controller.id;
    expect(loop.restart().id).not.toBe(before);
    await loop.tick(10 * MIN);
    await loop.tick(10 * MIN);
    expect(loop.trainings).toBe(1);
    expect((await loop.actions()).slice(-4)).toEqual([
      'canary-start',
      'canary-step',
      'canary-step',
      'promote',
    ]);

    // A retrain claimed by a process that died: left alone until the timeout, then recorded as failed.
    const record = await loop.metadata.learning.getPolicy('fraud');
    const state = await loop.state();
    await loop.metadata.learning.saveState(
      'fraud',
      {
        ...state,
        phase: 'training',
        since: loop.clock.now(),
        training: { owner: 'dead', startedAt: loop.clock.now(), reason: 'drift' },
      } as never,
      record.revision,
      loop.clock.now(),
    );
    await loop.tick(60 * MIN);
    expect((await loop.state()).phase).toBe('training');
    await loop.tick(6 * 60 * MIN);
    expect((await loop.events()).at(-1)).toMatchObject({
      action: 'retrain-fail',
      evidence: { owner: 'dead', timeoutMs: 21_600_000 },
    });
    expect((await loop.state()).phase).toBe('idle');
  });
});
