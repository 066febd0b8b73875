import { Worker } from 'node:worker_threads';
import { KeelError, workerEntry } from '../../core/index.js';
import type { MonitorDataset } from './log-layout.js';
import type { SinkWorkerReply, SinkWorkerRequest, SinkWorkerResult } from './sink-worker.js';

/**
 * A worker thread that decodes and writes log-sink batches (see `ParquetSinkOptions.worker`): the
 * serving thread only copies message bytes to it. One worker can serve several sinks; writes run
 * one after another. `close()` terminates it.
 */
export class SinkWorker {
  private readonly worker: Worker;
  private readonly waiting = new Map<
    number,
    { resolve: (r: SinkWorkerResult) => void; reject: (e: Error) => void }
  >();
  private next = 0;

  constructor() {
    const entry = workerEntry(import.meta.url, './sink-worker');
    this.worker = new Worker(entry.script, { eval: entry.eval });
    this.worker.unref();
    this.worker.on('message', (reply: SinkWorkerReply) => {
      const w = this.waiting.get(reply.id);
      if (!w) return;
      this.waiting.delete(reply.id);
      if ('error' in reply) {
        w.reject(
          new KeelError('KEEL_DATA_WRITE_FAILED', `The log sink worker could not write: ${reply.error}`),
        );
      } else w.resolve(reply);
    });
    this.worker.on('error', (error) => this.failAll(error));
    this.worker.on('exit', (code) => this.failAll(new Error(`the log sink worker exited (code ${code})`)));
  }

  /**
   * Decodes `payloads` of `dataset` and writes them under `offline`; resolves with rows and files
   * written and the payloads skipped as unreadable.
   */
  write(
    dataset: MonitorDataset,
    offline: string,
    stamp: string,
    payloads: readonly Uint8Array[],
  ): Promise<SinkWorkerResult> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.ref();
      const req: SinkWorkerRequest = { id, dataset, offline, stamp, payloads };
      this.worker.postMessage(req);
    }).finally(() => {
      if (this.waiting.size === 0) this.worker.unref();
    }) as Promise<SinkWorkerResult>;
  }

  /** Stops the worker; writes in progress fail. */
  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private failAll(error: Error): void {
    for (const w of this.waiting.values()) {
      w.reject(
        new KeelError('KEEL_DATA_WRITE_FAILED', `The log sink worker failed: ${error.message}`, {
          cause: error,
        }),
      );
    }
    this.waiting.clear();
  }
}
