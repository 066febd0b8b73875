import type { Clock, Logger } from '../../core/index.js';
import type { StreamStore } from '../../storage/index.js';
import type { KeelMetrics } from '../metrics/keel-metrics.js';
import { type BatchSections, batchRequestCount } from './log-codec.js';
import { batchesFrame, holdBatch } from './log-columns.js';
import { ParquetSink } from './parquet-sink.js';
import { PREDICTION_LOG_TOPIC } from './prediction-logger.js';
import type { SinkWorker } from './sink-worker-client.js';

/** The durable consumer name of the prediction-log sink. */
export const PREDICTION_LOG_CONSUMER = 'prediction-log-sink';

/** Options of `predictionLogSink`. */
export interface PredictionLogSinkOptions {
  readonly stream: StreamStore;
  /** The offline store folder (see `offlineFolder`). */
  readonly offline: string;
  /** `monitoring.logFlushIntervalMs` (default 1,000). */
  readonly flushIntervalMs?: number;
  readonly clock: Clock;
  readonly log?: Logger;
  readonly metrics?: KeelMetrics;
  /** Decode and write on this worker thread (see `SinkWorker`); default: the calling thread. */
  readonly worker?: SinkWorker;
}

/**
 * The sink that writes the prediction log: consumes the `predictions` topic and writes
 * `<offline>/prediction_log/date=YYYY-MM-DD/part-*.parquet` (columns `PREDICTION_LOG_COLUMNS`,
 * one row per predicted row) every `flushIntervalMs`. Call `start()` in the serving process (or a
 * worker), `stop()` on shutdown.
 */
export function predictionLogSink(options: PredictionLogSinkOptions): ParquetSink<BatchSections> {
  return new ParquetSink({
    stream: options.stream,
    topic: PREDICTION_LOG_TOPIC,
    consumer: PREDICTION_LOG_CONSUMER,
    offline: options.offline,
    dataset: 'prediction_log',
    flushIntervalMs: options.flushIntervalMs ?? 1_000,
    clock: options.clock,
    writtenCounter: 'keel_prediction_log_written_rows_total',
    codec: {
      // A message is held as one entry (its sections), decoded straight into columns at write time.
      decode: (data) => [holdBatch(data)],
      rows: (b) => b.header.n,
      count: batchRequestCount,
      frame: batchesFrame,
      timeColumn: 'ts',
    },
    ...(options.log ? { log: options.log } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.worker ? { worker: options.worker } : {}),
  });
}
