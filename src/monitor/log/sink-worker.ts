// Worker thread of the offloaded log sink: decodes prediction-log or label messages into frames and
// writes them as Parquet, so the serving thread pays only for copying the bytes over.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import type { Frame } from '../../core/index.js';
import { type DuckDBEngine, openDuckDBEngine } from '../../storage/index.js';
import { decodeLabels, labelsFrame } from '../feedback/feedback-label.js';
import { batchesFrame, holdBatch } from './log-columns.js';
import type { MonitorDataset } from './log-layout.js';
import { writePartitioned } from './partitioned-write.js';

/** A write request from `SinkWorker`. */
export interface SinkWorkerRequest {
  readonly id: number;
  readonly dataset: MonitorDataset;
  readonly offline: string;
  readonly stamp: string;
  readonly payloads: readonly Uint8Array[];
}

/** A payload the worker could not read: its index in the request and why. */
export interface UnreadablePayload {
  readonly index: number;
  readonly error: string;
}

/** What the worker wrote, and the payloads it skipped as unreadable (the rest is written). */
export interface SinkWorkerResult {
  readonly rows: number;
  readonly files: number;
  readonly unreadable: readonly UnreadablePayload[];
}

/** The answer to a write request. */
export type SinkWorkerReply =
  | ({ readonly id: number } & SinkWorkerResult)
  | { readonly id: number; readonly error: string };

let engine: DuckDBEngine | null = null;

/**
 * Lowers this thread's scheduling priority (on Linux a thread has its own nice value), so that at
 * full load the serving thread gets the CPU first and the log is written with what is left over
 * instead of preempting requests (which shows as tail latency). Elsewhere, or when not allowed,
 * the thread keeps its priority.
 */
function yieldToServing(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, 10);
  } catch {
    // Not Linux, or not permitted: normal priority.
  }
}

yieldToServing();

/** Decodes each payload on its own, so that one unreadable message does not block the others. */
function decodeEach<T>(
  payloads: readonly Uint8Array[],
  decode: (data: Uint8Array) => T,
  unreadable: UnreadablePayload[],
): T[] {
  const out: T[] = [];
  payloads.forEach((data, index) => {
    try {
      out.push(decode(data));
    } catch (error) {
      unreadable.push({ index, error: (error as Error).message });
    }
  });
  return out;
}

function frameOf(
  dataset: MonitorDataset,
  payloads: readonly Uint8Array[],
  unreadable: UnreadablePayload[],
): Frame {
  return dataset === 'prediction_log'
    ? batchesFrame(decodeEach(payloads, holdBatch, unreadable))
    : labelsFrame(decodeEach(payloads, decodeLabels, unreadable).flat());
}

parentPort?.on('message', async (req: SinkWorkerRequest) => {
  try {
    const unreadable: UnreadablePayload[] = [];
    const frame = frameOf(req.dataset, req.payloads, unreadable);
    engine ??= await openDuckDBEngine({ threads: 1 });
    const paths = await writePartitioned(frame, {
      timeColumn: req.dataset === 'prediction_log' ? 'ts' : 'received_at',
      offline: req.offline,
      dataset: req.dataset,
      stamp: req.stamp,
      engine,
    });
    parentPort!.postMessage({
      id: req.id,
      rows: frame.rowCount,
      files: paths.length,
      unreadable,
    } satisfies SinkWorkerReply);
  } catch (error) {
    parentPort!.postMessage({ id: req.id, error: (error as Error).message } satisfies SinkWorkerReply);
  }
});
