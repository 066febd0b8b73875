import {
  type Clock,
  type Frame,
  KeelError,
  type Logger,
  randomHex,
  type Scalar,
  valueAt,
} from '../../core/index.js';
import { readFrame } from '../../data/index.js';
import type { DuckDBEngine, StreamStore } from '../../storage/index.js';
import { ParquetSink } from '../log/parquet-sink.js';
import { writePartitioned } from '../log/partitioned-write.js';
import type { SinkWorker } from '../log/sink-worker-client.js';
import type { KeelMetrics } from '../metrics/keel-metrics.js';
import {
  decodeLabels,
  encodeLabels,
  type FeedbackLabel,
  type LabelExpectation,
  labelsFrame,
  parseFeedback,
} from './feedback-label.js';

/** The stream topic of feedback labels. */
export const FEEDBACK_TOPIC = 'feedback';
/** The durable consumer that writes labels to Parquet. */
export const FEEDBACK_CONSUMER = 'label-sink';

/** Options of `FeedbackRecorder`. */
export interface FeedbackRecorderOptions {
  readonly stream: StreamStore;
  readonly clock: Clock;
  readonly metrics?: KeelMetrics;
  /** What labels a model accepts (from its registered signature), for bodies that name a `model`. */
  readonly expectationFor?: (model: string) => Promise<LabelExpectation | null>;
}

/** What `FeedbackRecorder.record` accepted. */
export interface FeedbackReceipt {
  readonly accepted: number;
}

/**
 * Records ground truth that arrives after the prediction (`POST /v1/feedback`): validates the body
 * (all or nothing, `KEEL_MONITOR_BAD_FEEDBACK` with the reasons), then publishes the labels to the
 * `feedback` topic, resolving once the stream holds them; the label sink writes them to Parquet.
 * A body may name its `model` (`{ "model": "fraud", "labels": [...] }`) to have labels checked
 * against the model's classes or numeric output at once. Labels for request ids that match no
 * logged prediction are accepted (the prediction may be in flight or sampled out) and counted when
 * quality is computed.
 */
export class FeedbackRecorder {
  constructor(private readonly options: FeedbackRecorderOptions) {}

  /** Validates and records a feedback body; see the class doc. */
  async record(body: unknown): Promise<FeedbackReceipt> {
    const model =
      body && typeof body === 'object' && !Array.isArray(body)
        ? (body as { model?: unknown }).model
        : undefined;
    if (model !== undefined && typeof model !== 'string') {
      throw new KeelError('KEEL_MONITOR_BAD_FEEDBACK', 'Feedback "model" must be a model name.', {
        details: { problems: [{ index: 0, requestId: null, reason: 'model must be a string' }] },
      });
    }
    const expect = model && this.options.expectationFor ? await this.options.expectationFor(model) : null;
    let labels: FeedbackLabel[];
    try {
      labels = parseFeedback(body, this.options.clock.now(), expect);
    } catch (error) {
      const invalid = (error as KeelError).details?.invalid;
      this.options.metrics?.count(
        'keel_feedback_labels_total',
        ['rejected'],
        typeof invalid === 'number' ? invalid : 1,
      );
      throw error;
    }
    await this.options.stream.publish(FEEDBACK_TOPIC, [encodeLabels(labels)]);
    this.options.metrics?.count('keel_feedback_labels_total', ['accepted'], labels.length);
    return { accepted: labels.length };
  }
}

/** The sink writing labels to `<offline>/labels/date=YYYY-MM-DD/part-*.parquet` (day of receipt). */
export function feedbackSink(options: {
  readonly stream: StreamStore;
  readonly offline: string;
  readonly clock: Clock;
  readonly flushIntervalMs?: number;
  readonly log?: Logger;
  /** Decode and write on this worker thread (see `SinkWorker`). */
  readonly worker?: SinkWorker;
}): ParquetSink<FeedbackLabel> {
  return new ParquetSink({
    stream: options.stream,
    topic: FEEDBACK_TOPIC,
    consumer: FEEDBACK_CONSUMER,
    offline: options.offline,
    dataset: 'labels',
    flushIntervalMs: options.flushIntervalMs ?? 1_000,
    clock: options.clock,
    codec: { decode: decodeLabels, rows: () => 1, frame: labelsFrame, timeColumn: 'received_at' },
    ...(options.log ? { log: options.log } : {}),
    ...(options.worker ? { worker: options.worker } : {}),
  });
}

/** Writes labels straight to the labels dataset (the CLI's `keel feedback --file`); returns the files. */
export async function writeLabels(
  offline: string,
  labels: readonly FeedbackLabel[],
  options: { readonly now: number; readonly engine?: DuckDBEngine },
): Promise<string[]> {
  if (labels.length === 0) return [];
  return writePartitioned(labelsFrame(labels), {
    timeColumn: 'received_at',
    offline,
    dataset: 'labels',
    stamp: `${options.now}-file-${randomHex(4)}`,
    ...(options.engine ? { engine: options.engine } : {}),
  });
}

const valueAtFrame = (frame: Frame, column: string, i: number): Scalar => valueAt(frame.column(column), i);

/**
 * Reads labels from a CSV, JSON Lines or Parquet file with columns `request_id` and `label` (and
 * optionally `row`), validated like the API (`KEEL_MONITOR_BAD_FEEDBACK` naming the first bad line).
 */
export async function readFeedbackFile(
  path: string,
  options: { readonly cwd: string; readonly now: number; readonly expect?: LabelExpectation | null },
): Promise<FeedbackLabel[]> {
  const frame = await readFrame(path, { cwd: options.cwd });
  for (const needed of ['request_id', 'label']) {
    if (!frame.has(needed)) {
      throw new KeelError(
        'KEEL_MONITOR_BAD_FEEDBACK',
        `${path} has no "${needed}" column (columns: ${frame.columns.map((c) => c.name).join(', ')}). Feedback files need request_id and label.`,
        { details: { file: path, column: needed } },
      );
    }
  }
  const items = Array.from({ length: frame.rowCount }, (_, i) => {
    const id = valueAtFrame(frame, 'request_id', i);
    const row = frame.has('row') ? valueAtFrame(frame, 'row', i) : null;
    return {
      request_id: id === null ? null : String(id),
      label: valueAtFrame(frame, 'label', i),
      ...(row === null ? {} : { row }),
    };
  });
  try {
    return parseFeedback(items, options.now, options.expect ?? null);
  } catch (error) {
    const problems = ((error as KeelError).details?.problems ?? []) as { index: number; reason: string }[];
    const first = problems[0];
    throw new KeelError(
      'KEEL_MONITOR_BAD_FEEDBACK',
      first
        ? `${path}, data row ${first.index + 1}: ${first.reason} (${problems.length} bad row(s)). Nothing was recorded.`
        : `${path}: ${(error as Error).message}`,
      { cause: error, details: { file: path, problems: problems.slice(0, 20) } },
    );
  }
}
