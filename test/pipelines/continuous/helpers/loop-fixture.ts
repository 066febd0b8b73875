// A whole serving project on embedded stores with a ManualClock, for the continuous-learning loop:
// SQLite metadata (a file, so it can be reopened as after a restart), file artifacts, an in-process
// stream, the prediction log and labels written to the offline folder, an inference engine over the
// registry and the stored deployments, and the synthetic fraud generator as the world.
import { join } from 'node:path';
import {
  Frame,
  ManualClock,
  numberColumn,
  type Scalar,
  silentLogger,
  valueAt,
} from '../../../../src/core/index.js';
import { generateCardTransactions, writeFrame } from '../../../../src/data/index.js';
import {
  attachReferenceSnapshot,
  buildReferenceSnapshot,
  type FeedbackLabel,
  PredictionLogger,
  predictionLogSink,
  writeLabels,
} from '../../../../src/monitor/index.js';
import {
  LearningController as Controller,
  engineServingSignals,
  type LearningController,
  type LearningPolicy,
  monitorSignals,
  runTrainJob,
} from '../../../../src/pipelines/index.js';
import { Registry } from '../../../../src/registry/index.js';
import {
  builtinLoaders,
  InferenceEngine,
  RegistryModelSource,
  StoreDeploymentSource,
} from '../../../../src/serve/index.js';
import {
  type ArtifactStore,
  type DeploymentEvent,
  MemoryStreamStore,
  type MetadataStore,
  openStore,
} from '../../../../src/storage/index.js';
import { Tracking } from '../../../../src/track/index.js';

/** The model's inputs (ids and the timestamp are not features). */
export const FEATURES = [
  'amount',
  'merchant_category',
  'country',
  'device_type',
  'device_trust',
  'distance_from_home',
  'hour',
  'tx_count_24h',
] as const;

/** 2024-03-01T00:00:00Z: the champion is deployed; drifted traffic starts. */
export const T0 = Date.UTC(2024, 2, 1);
export const HOUR = 3_600_000;
export const MINUTE = 60_000;
const DAY = 24 * HOUR;

/** One project: stores, engine, prediction log, the data file the loop trains from. */
export interface LoopFixture {
  readonly root: string;
  readonly clock: ManualClock;
  readonly metadata: MetadataStore;
  readonly artifacts: ArtifactStore;
  readonly registry: Registry;
  readonly tracking: Tracking;
  readonly engine: InferenceEngine;
  readonly offline: string;
  /** The training file: the labelled history, grown as labels arrive. */
  readonly dataFile: string;
  /** A controller for `policies` over this project (a new one simulates a restarted process). */
  controller(policies?: readonly LearningPolicy[]): LearningController;
  /** Rows of the drifted stream stamped before `t` (the stream is in time order). */
  rowsUntil(t: number): number;
  /** Sends rows [from, to) of the drifted stream as one-row requests (request id = transaction id). */
  send(from: number, to: number): Promise<{ readonly variants: Readonly<Record<string, number>> }>;
  /** Labels rows [from, to) now (delayed feedback) and appends them to the training file. */
  label(from: number, to: number): Promise<void>;
  /** Writes the prediction log's buffered rows to Parquet. */
  flush(): Promise<void>;
  /** The deployment's history. */
  history(): Promise<DeploymentEvent[]>;
  /** Closes everything (the metadata file stays, for a reopen). */
  close(): Promise<void>;
}

const EVENT_TICK = (): Promise<void> => new Promise((r) => setImmediate(r));

function records(frame: Frame, from: number, to: number): Record<string, Scalar>[] {
  const out: Record<string, Scalar>[] = [];
  for (let i = from; i < to; i++) {
    const r: Record<string, Scalar> = {};
    for (const f of FEATURES) r[f] = valueAt(frame.column(f), i);
    out.push(r);
  }
  return out;
}

/**
 * Builds the project in `root`: trains the champion on `baseRows` undrifted transactions of the
 * four weeks before T0 (registered as fraud@champion with a reference snapshot) and deploys it as
 * `fraud`; the world then serves `trafficRows` drifted transactions (`drift` 1) from T0 on.
 */
export async function openLoopFixture(options: {
  readonly root: string;
  readonly baseRows: number;
  readonly trafficRows: number;
  readonly seed: number;
  readonly championParams?: Readonly<Record<string, unknown>>;
  /** Reuse the stores of an earlier fixture in `root` (a restart); the champion is not retrained. */
  readonly reopen?: { readonly clockMs: number };
}): Promise<LoopFixture> {
  const { root } = options;
  const clock = new ManualClock(options.reopen?.clockMs ?? T0);
  const ctx = { root, log: silentLogger(), clock };
  const metadata = await openStore('metadata', 'sqlite:meta.db', ctx);
  const artifacts = await openStore('artifacts', 'file:artifacts', ctx);
  const registry = new Registry({ metadata, artifacts, clock, actor: 'test' });
  const tracking = new Tracking({ metadata, artifacts, clock });
  const offline = join(root, 'offline');
  const dataFile = join(root, 'data', 'transactions.parquet');
  const base = generateCardTransactions({
    rows: options.baseRows,
    seed: options.seed,
    startMs: T0 - 28 * 24 * HOUR,
    days: 28,
  }).transactions;
  // Traffic arrives at a steady rate over the day after T0 (row i at T0 + i × 1 d / n).
  const n = options.trafficRows;
  const generated = generateCardTransactions({
    rows: n,
    seed: options.seed + 1,
    drift: 1,
    startMs: T0,
    days: 1,
  }).transactions;
  const stamps = Float64Array.from({ length: generated.rowCount }, (_, i) => T0 + Math.floor((i * DAY) / n));
  const traffic = generated.withColumn(numberColumn('event_timestamp', stamps, 'timestamp'));
  let history = base;
  if (!options.reopen) {
    await writeFrame(base, dataFile);
    const trained = await runTrainJob(
      { tracking, registry, clock, log: silentLogger(), cwd: root },
      {
        data: base,
        target: 'is_fraud',
        features: [...FEATURES],
        params: options.championParams ?? { numTrees: 40, maxDepth: 4, learningRate: 0.1 },
        register: 'fraud',
        aliases: ['champion'],
      },
    );
    await attachReferenceSnapshot(
      { registry, artifacts },
      'fraud@champion',
      buildReferenceSnapshot(base, { columns: [...FEATURES] }),
    );
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
      { actor: 'test', reason: 'deploy the champion', at: clock.now(), action: 'create' },
      0,
    );
    void trained;
  }
  const engine = new InferenceEngine({
    source: new RegistryModelSource(registry),
    deployments: new StoreDeploymentSource(metadata.deployments, clock),
    loaders: builtinLoaders(),
    clock,
    pollIntervalMs: 0,
  });
  await engine.start();
  const stream = new MemoryStreamStore(clock);
  const logger = new PredictionLogger({ stream, clock });
  const unsubscribe = engine.subscribe(
    (e) => {
      if (e.type === 'prediction') logger.record(e);
    },
    ['prediction'],
  );
  const sink = predictionLogSink({ stream, offline, clock, flushIntervalMs: 60_000 });
  const serving = engineServingSignals(engine);
  const flush = async (): Promise<void> => {
    await EVENT_TICK();
    await logger.flush();
    await sink.drain();
  };
  const ids = traffic.column('transaction_id');
  return {
    root,
    clock,
    metadata,
    artifacts,
    registry,
    tracking,
    engine,
    offline,
    dataFile,
    controller: (policies = []) =>
      new Controller({
        metadata,
        artifacts,
        registry,
        tracking,
        clock,
        log: silentLogger(),
        root,
        signals: monitorSignals({ offline, registry, artifacts, beforeRead: flush }),
        serving,
        engine,
        policies,
      }),
    rowsUntil: (t) => Math.max(0, Math.min(traffic.rowCount, Math.ceil(((t - T0) * n) / DAY))),
    async send(from, to) {
      const variants: Record<string, number> = {};
      const rows = records(traffic, from, to);
      for (let i = 0; i < rows.length; i++) {
        const id = String(valueAt(ids, from + i));
        const r = await engine.predictDeploymentNow('fraud', [rows[i]!], { requestId: id, requestKey: id });
        variants[`${r.variant}:${r.version}`] = (variants[`${r.variant}:${r.version}`] ?? 0) + 1;
        // Requests arrive spread out: let mirrored calls run now and then (they are bounded in flight).
        if (i % 8 === 7) await EVENT_TICK();
      }
      await EVENT_TICK();
      return { variants };
    },
    async label(from, to) {
      const labels: FeedbackLabel[] = [];
      const y = traffic.column('is_fraud');
      for (let i = from; i < to; i++) {
        labels.push({
          requestId: String(valueAt(ids, i)),
          row: 0,
          label: String(valueAt(y, i)),
          receivedAt: clock.now(),
        });
      }
      await writeLabels(offline, labels, { now: clock.now() });
      history = Frame.concat([history, traffic.slice(from, to)]);
      await writeFrame(history, dataFile);
    },
    flush,
    history: () => metadata.deployments.history('fraud'),
    async close() {
      unsubscribe();
      serving.close();
      await flush();
      await sink.stop();
      await logger.close();
      await engine.shutdown({ timeoutMs: 1000 });
      await Promise.all([metadata.close(), artifacts.close()]);
    },
  };
}
