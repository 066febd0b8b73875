import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type ErrorCode, KeelError, workerEntry } from '../../core/index.js';
import type { GbdtModel } from './gbdt-model.js';

/** Batches smaller than this are predicted on the calling thread (a round trip to workers costs more). */
const PARALLEL_MIN_ROWS = 8_192;

/** Options of `createGbdtBatchPredictor`. */
export interface GbdtBatchPredictorOptions {
  /** Threads including the caller's: 0 = all cores (default), 1 = no workers. */
  readonly threads?: number;
}

interface Reply {
  readonly ok?: boolean;
  readonly ready?: boolean;
  readonly code?: string;
  readonly message?: string;
}

/**
 * Predicts large batches with one model on several threads: the rows are split into one
 * contiguous range per thread, the caller's thread taking the first. Outputs are identical to
 * `model.predictEncoded`. Holds worker threads until `close()`.
 */
export class GbdtBatchPredictor {
  private x: Float64Array = new Float64Array(new SharedArrayBuffer(8));
  private out: Float64Array = new Float64Array(new SharedArrayBuffer(8));

  private constructor(
    readonly model: GbdtModel,
    private readonly workers: Worker[],
  ) {}

  /** Starts the workers (each loads the model) and waits until they are ready. */
  static async create(
    model: GbdtModel,
    options: GbdtBatchPredictorOptions = {},
  ): Promise<GbdtBatchPredictor> {
    const threads =
      options.threads === undefined || options.threads === 0 ? availableParallelism() : options.threads;
    if (!Number.isInteger(threads) || threads < 1) {
      throw new KeelError(
        'KEEL_INVALID_ARGUMENT',
        `threads must be an integer >= 0, got ${options.threads}.`,
      );
    }
    const entry = workerEntry(import.meta.url, './internal/predict-worker');
    const bytes = model.serialize();
    const workers = Array.from(
      { length: threads - 1 },
      () => new Worker(entry.script, { eval: entry.eval, workerData: { model: bytes } }),
    );
    const predictor = new GbdtBatchPredictor(model, workers);
    try {
      await Promise.all(workers.map((w) => predictor.reply(w)));
    } catch (error) {
      await predictor.close();
      throw error;
    }
    return predictor;
  }

  /** Threads used, the caller's included. */
  get threads(): number {
    return this.workers.length + 1;
  }

  /**
   * Same contract as `Model.predictEncoded`: `x` is n × features, `out` n × outputWidth. The caller's
   * thread predicts its rows straight from `x` into `out`; only the workers' rows are copied into
   * (and their scores back out of) shared memory, and not at all when `x` / `out` already live in a
   * `SharedArrayBuffer`.
   */
  async predict(x: Float64Array, n: number, out: Float64Array): Promise<void> {
    const m = this.model;
    const p = m.features.length;
    const k = m.outputWidth;
    if (this.workers.length === 0 || n < PARALLEL_MIN_ROWS) {
      m.predictEncoded(x, n, out);
      return;
    }
    if (x.length < n * p || out.length < n * k) m.predictEncoded(x, n, out); // throws the shape error
    const threads = this.threads;
    const bound = (t: number) => Math.floor((t * n) / threads);
    const mine = bound(1);
    // Row r of the batch is row r - xBase of `sx` and row r - outBase of `so`.
    const xShared = x.buffer instanceof SharedArrayBuffer;
    const xBase = xShared ? 0 : mine;
    const sx = xShared ? x : this.sharedInput(x.subarray(mine * p, n * p));
    const outShared = out.buffer instanceof SharedArrayBuffer;
    const outBase = outShared ? 0 : mine;
    const so = outShared ? out : this.sharedOutput((n - mine) * k);
    const replies = this.workers.map((w, i) => {
      const done = this.reply(w);
      const start = bound(i + 1);
      const end = bound(i + 2);
      w.postMessage({ x: sx, out: so, xStart: start - xBase, outStart: start - outBase, rows: end - start });
      return done;
    });
    let failure: unknown = null;
    try {
      m.predictEncoded(x.subarray(0, mine * p), mine, out.subarray(0, mine * k));
    } catch (error) {
      failure = error;
    }
    // Wait for every worker before returning or throwing: they write into the shared output.
    const results = await Promise.allSettled(replies);
    if (failure) throw failure;
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    if (!outShared) out.set(so.subarray(0, (n - mine) * k), mine * k);
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    const workers = this.workers.splice(0);
    await Promise.all(workers.map((w) => w.terminate()));
  }

  /** `rows` copied into the (grown when needed) shared input buffer. */
  private sharedInput(rows: Float64Array): Float64Array {
    if (this.x.length < rows.length) this.x = new Float64Array(new SharedArrayBuffer(rows.length * 8));
    this.x.set(rows);
    return this.x;
  }

  /** The shared output buffer, grown to at least `len` values. */
  private sharedOutput(len: number): Float64Array {
    if (this.out.length < len) this.out = new Float64Array(new SharedArrayBuffer(len * 8));
    return this.out;
  }

  private reply(w: Worker): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onMessage = (m: Reply) => {
        cleanup();
        if (m.ok || m.ready) resolve();
        else
          reject(new KeelError((m.code ?? 'KEEL_INTERNAL') as ErrorCode, m.message ?? 'prediction failed'));
      };
      const onError = (e: Error) => {
        cleanup();
        reject(new KeelError('KEEL_INTERNAL', `GBDT prediction worker failed: ${e.message}`, { cause: e }));
      };
      const cleanup = () => {
        w.off('message', onMessage);
        w.off('error', onError);
      };
      w.on('message', onMessage);
      w.on('error', onError);
    });
  }
}

/** Starts a `GbdtBatchPredictor` for `model` (close it when done). */
export function createGbdtBatchPredictor(
  model: GbdtModel,
  options: GbdtBatchPredictorOptions = {},
): Promise<GbdtBatchPredictor> {
  return GbdtBatchPredictor.create(model, options);
}
