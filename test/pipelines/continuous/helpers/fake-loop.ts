// A controller on real stores (in-memory SQLite, temp artifacts, ManualClock) with fake signals and
// a trainer that registers pre-trained tiny models, so every transition of the state machine can
// be driven by hand in milliseconds.
import { expect } from 'vitest';
import { type Frame, type ManualClock, silentLogger } from '../../../../src/core/index.js';
import { generateCardTransactions } from '../../../../src/data/index.js';
import { trainGbdt } from '../../../../src/learn/index.js';
import {
  applyLearningPolicy,
  type ChallengerTrainer,
  type DriftObservation,
  defineLearningPolicy,
  LearningController,
  type LearningPolicy,
  type LearningPolicyOptions,
  type LearningSignals,
  type LearningState,
  parseLearningState,
  type QualityObservation,
  type ServingObservation,
  type ServingSignals,
  type ShadowObservation,
} from '../../../../src/pipelines/index.js';
import { Registry } from '../../../../src/registry/index.js';
import { nativeSignature } from '../../../../src/serve/index.js';
import type { DeploymentEvent, MetadataStore } from '../../../../src/storage/index.js';
import { Tracking } from '../../../../src/track/index.js';
import type { TestStores } from '../../../helpers/stores.js';

export const MIN = 60_000;
const FEATURES = ['amount', 'merchant_category', 'country', 'device_type', 'device_trust', 'hour'];

/** Data and three registered-able models: a champion, a better and a worse challenger (bytes). */
export interface TinyModels {
  readonly frame: Frame;
  readonly champion: Uint8Array;
  readonly good: Uint8Array;
  readonly bad: Uint8Array;
  readonly signature: ReturnType<typeof nativeSignature>;
}

/** Trains the tiny models once per file (a few tens of ms). */
export async function tinyModels(): Promise<TinyModels> {
  const frame = generateCardTransactions({ rows: 1500, seed: 11 }).transactions;
  const opts = { target: 'is_fraud', features: FEATURES, task: 'binary' as const };
  const champion = await trainGbdt(frame.slice(0, 300), { numTrees: 5, maxDepth: 2 }, opts);
  const good = await trainGbdt(frame, { numTrees: 30, maxDepth: 3 }, opts);
  const bad = await trainGbdt(frame.slice(0, 200), { numTrees: 1, maxDepth: 1, learningRate: 0.01 }, opts);
  return {
    frame,
    champion: champion.serialize(),
    good: good.serialize(),
    bad: bad.serialize(),
    signature: nativeSignature(champion),
  };
}

/** Drift and quality the test sets by hand. */
export class FakeSignals implements LearningSignals {
  share = 0;
  qualities: QualityObservation[] = [];
  async drift(modelRef: string, windowMs: number, now: number): Promise<DriftObservation> {
    const tested = 8;
    const drifted = Math.round(this.share * tested);
    return {
      model: modelRef.split('/')[0]!,
      version: Number(modelRef.split('/')[1] ?? 1),
      fromMs: now - windowMs,
      toMs: now,
      rows: 1000,
      testedColumns: tested,
      driftedColumns: drifted,
      share: drifted / tested,
      drifted: Array.from({ length: drifted }, (_, i) => ({
        column: `f${i}`,
        test: 'psi',
        statistic: 0.4,
        threshold: 0.1,
      })),
    };
  }
  async quality(): Promise<readonly QualityObservation[]> {
    return this.qualities;
  }
}

/** Serving facts the test sets by hand, per variant name. */
export class FakeServing implements ServingSignals {
  variants: Record<string, ServingObservation> = {};
  mirrored: ShadowObservation | null = null;
  samples = 0;
  sample(): void {
    this.samples++;
  }
  async variant(_d: string, variant: string): Promise<ServingObservation> {
    return this.variants[variant] ?? { requests: 0, errors: 0, p99Ms: null };
  }
  async shadow(): Promise<ShadowObservation | null> {
    return this.mirrored;
  }
}

/** What a test drives. */
export interface FakeLoop {
  readonly clock: ManualClock;
  readonly metadata: MetadataStore;
  readonly registry: Registry;
  readonly signals: FakeSignals;
  readonly serving: FakeServing;
  readonly policy: LearningPolicy;
  /** Which bytes the next retrain registers (or an error it throws). */
  next: Uint8Array | Error;
  trainings: number;
  controller: LearningController;
  /** A new controller on the same stores (a restarted process). */
  restart(): LearningController;
  /** Advances the clock and runs one forced pass. */
  tick(ms?: number): Promise<void>;
  actions(): Promise<string[]>;
  events(): Promise<DeploymentEvent[]>;
  state(): Promise<LearningState>;
}

/** A deployed champion with a policy (triggers: drift share ≥ 0.5), controlled by fakes. */
export async function fakeLoop(
  stores: TestStores,
  models: TinyModels,
  over: Partial<LearningPolicyOptions> = {},
): Promise<FakeLoop> {
  const { metadata, artifacts } = stores;
  const clock: ManualClock = stores.clock;
  const registry = new Registry({ metadata, artifacts, clock, actor: 'test' });
  const tracking = new Tracking({ metadata, artifacts, clock });
  await registry.register({
    model: 'fraud',
    content: models.champion,
    flavor: 'keel-gbdt',
    signature: models.signature,
    aliases: ['champion'],
  });
  await metadata.deployments.put(
    'fraud',
    {
      mode: 'single',
      variants: [{ name: 'primary', ref: 'fraud@champion', weight: 100 }],
      stickyKey: null,
      shadow: null,
      featureService: null,
      options: {},
    },
    [{ model: 'fraud', version: null, alias: 'champion' }],
    { actor: 'test', reason: 'deploy', at: clock.now(), action: 'create' },
  );
  const policy = defineLearningPolicy({
    deployment: 'fraud',
    target: 'is_fraud',
    interval: '1m',
    triggers: { interval: '1m', drift: { share: 0.5 } },
    data: { load: async () => models.frame },
    evaluation: { holdout: 0.5 },
    training: { train: {} },
    gate: { metrics: { auc: { min: 0.5 } } },
    rollout: {
      shadow: { duration: '10m', minRequests: 10 },
      canary: { steps: [10, 50, 100], interval: '10m', minRequests: 10 },
      bounds: { quality: false },
    },
    guards: { holdoutPercent: 5, maxRetrainsPerDay: 3 },
    ...over,
  });
  await applyLearningPolicy({ metadata, registry, clock }, policy);
  const signals = new FakeSignals();
  const serving = new FakeServing();
  const loop: FakeLoop = {
    clock,
    metadata,
    registry,
    signals,
    serving,
    policy,
    next: models.good,
    trainings: 0,
    controller: undefined as unknown as LearningController,
    restart() {
      loop.controller = make();
      return loop.controller;
    },
    async tick(ms = MIN) {
      await clock.advance(ms);
      const [report] = await loop.controller.runOnce({ force: true });
      if (report?.error) throw new Error(report.error);
    },
    async actions() {
      return (await metadata.deployments.history('fraud')).map((e) => e.action);
    },
    events: () => metadata.deployments.history('fraud'),
    async state() {
      return parseLearningState((await metadata.learning.getPolicy('fraud')).state, clock.now());
    },
  };
  const trainer: ChallengerTrainer = async ({ model, data }) => {
    loop.trainings++;
    if (loop.next instanceof Error) throw loop.next;
    expect(data.evaluation.rowCount).toBe(750);
    const version = await registry.register({
      model,
      content: loop.next,
      flavor: 'keel-gbdt',
      signature: models.signature,
    });
    return { version, runId: null, metrics: {} };
  };
  const make = () =>
    new LearningController({
      metadata,
      artifacts,
      registry,
      tracking,
      clock,
      log: silentLogger(),
      root: '.',
      signals,
      serving,
      trainer,
      policies: [policy],
    });
  loop.controller = make();
  return loop;
}
