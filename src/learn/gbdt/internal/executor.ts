import { Worker } from 'node:worker_threads';
import { KeelError, workerEntry } from '../../../core/index.js';
import { gradientRange } from './gradient-kernels.js';
import { chunkOf, type HistogramKernel, histogramKernel, partitionRows } from './kernels.js';
import { addNodeValues, finalScan, type ScanKernel, scanKernel } from './scan-kernel.js';
import { CTRL, OP, type SharedTrainingState } from './shared-state.js';

/** Ranges shorter than this run on the calling thread alone (dispatch costs more than it saves). */
const PARALLEL_MIN_ROWS = 16_384;
/** How long the training thread blocks on a worker before falling back to an async wait. */
const SYNC_WAIT_MS = 2_000;

/**
 * Runs the histogram and partition kernels over a node's rows, on the calling thread alone or
 * spread over a pool of workers that share the state's memory. Results never depend on the
 * number of threads (histogram sums are exact, partitions stable).
 */
export class HistExecutor {
  private readonly workers: Worker[] = [];
  private failure: Error | null = null;
  private seq = 0;
  private kernel: HistogramKernel | null = null;
  private scanner: ScanKernel | null = null;

  private constructor(readonly state: SharedTrainingState) {}

  /** Starts `state.threads - 1` workers (none when 1) and waits until they are ready. */
  static async start(state: SharedTrainingState): Promise<HistExecutor> {
    const ex = new HistExecutor(state);
    const entry = workerEntry(import.meta.url, './hist-worker');
    const ready: Promise<void>[] = [];
    for (let t = 1; t < state.threads; t++) {
      const worker = new Worker(entry.script, { eval: entry.eval, workerData: { state, thread: t } });
      ex.workers.push(worker);
      ready.push(
        new Promise<void>((resolve, reject) => {
          worker.once('message', () => resolve());
          worker.once('error', reject);
          worker.once('exit', (code) => reject(new Error(`histogram worker exited with code ${code}`)));
        }),
      );
      worker.on('error', (error) => (ex.failure ??= error));
      worker.on('exit', (code) => (ex.failure ??= new Error(`histogram worker exited with code ${code}`)));
      worker.on('message', (m: { error?: string }) => {
        if (m && typeof m === 'object' && m.error) ex.failure ??= new Error(m.error);
      });
    }
    try {
      await Promise.all(ready);
    } catch (error) {
      await ex.close();
      throw new KeelError('KEEL_INTERNAL', `Could not start GBDT histogram workers: ${String(error)}`, {
        cause: error,
      });
    }
    return ex;
  }

  /** Computes this round's (g, h) for every row with gradient kernel `kind` (the plan is in the state). */
  async gradients(kind: number, k: number): Promise<void> {
    const s = this.state;
    if (this.workers.length === 0 || s.n < PARALLEL_MIN_ROWS) {
      gradientRange(kind, k, s.plan, s.scores, s.y, s.w, s.gh, s.n, 0, s.n);
      return;
    }
    s.ctrl[CTRL.gradientKind] = kind;
    s.ctrl[CTRL.k] = k;
    this.dispatch(OP.gradients, 0, s.n);
    const [a, b] = chunkOf(0, s.n, 0, s.threads);
    gradientRange(kind, k, s.plan, s.scores, s.y, s.w, s.gh, s.n, a, b);
    await this.join();
  }

  /** Uses features `feats[j]` (bins from `binBase[j]`), j < nf, for the next histograms. */
  setFeatures(feats: readonly number[], binBase: readonly number[]): void {
    const s = this.state;
    s.feats.set(feats);
    s.binBase.set(binBase);
    s.ctrl[CTRL.nf] = feats.length;
    s.ctrl[CTRL.featuresVersion] = s.ctrl[CTRL.featuresVersion]! + 1;
    this.kernel = histogramKernel(s.p, s.feats, s.binBase, feats.length);
    this.scanner = scanKernel(s.p, s.feats, s.binBase, feats.length);
  }

  /**
   * Runs one level scan over every row (see `ScanKernel`) and writes the histogram of slot `j`
   * (summed over threads) into `out[j]`.
   */
  async scan(ghOffset: number, out: readonly Float64Array[]): Promise<void> {
    const s = this.state;
    const len = s.totalBins * 3;
    const slots = out.length;
    const scanner = this.scanner!;
    const serial = this.workers.length === 0 || s.n < PARALLEL_MIN_ROWS;
    if (!serial) {
      s.ctrl[CTRL.ghOffset] = ghOffset;
      s.ctrl[CTRL.slots] = slots;
      this.dispatch(OP.scan, 0, s.n);
    }
    const [a, b] = serial ? [0, s.n] : chunkOf(0, s.n, 0, s.threads);
    const mine = s.partials[0]!;
    mine.fill(0, 0, slots * len);
    scanner(s.bins, s.gh, ghOffset, s.pos, s.inSample, s.level, mine, len, a, b);
    if (!serial) await this.join();
    for (let j = 0; j < slots; j++) {
      const target = out[j]!;
      target.set(mine.subarray(j * len, (j + 1) * len));
      for (let t = 1; t < (serial ? 1 : s.threads); t++) {
        const part = s.partials[t]!;
        const o = j * len;
        for (let i = 0; i < len; i++) target[i]! += part[o + i]!;
      }
    }
  }

  /** Routes every row through the last level's splits and adds its leaf's `level.nodeValue` to the scores. */
  async finalScan(k: number, column: number): Promise<void> {
    const s = this.state;
    if (this.workers.length === 0 || s.n < PARALLEL_MIN_ROWS) {
      finalScan(s.bins, s.p, s.pos, s.level, s.scores, k, column, 0, s.n);
      return;
    }
    s.ctrl[CTRL.k] = k;
    s.ctrl[CTRL.column] = column;
    this.dispatch(OP.finalScan, 0, s.n);
    const [a, b] = chunkOf(0, s.n, 0, s.threads);
    finalScan(s.bins, s.p, s.pos, s.level, s.scores, k, column, a, b);
    await this.join();
  }

  /** Adds `level.nodeValue[pos[row]]` to output `column` of `k` of every row's raw score. */
  async addNodeValues(k: number, column: number): Promise<void> {
    const s = this.state;
    if (this.workers.length === 0 || s.n < PARALLEL_MIN_ROWS) {
      addNodeValues(s.pos, s.level.nodeValue, s.scores, k, column, 0, s.n);
      return;
    }
    s.ctrl[CTRL.k] = k;
    s.ctrl[CTRL.column] = column;
    this.dispatch(OP.scores, 0, s.n);
    const [a, b] = chunkOf(0, s.n, 0, s.threads);
    addNodeValues(s.pos, s.level.nodeValue, s.scores, k, column, a, b);
    await this.join();
  }

  /** Builds the histogram of `idx[start..end)` for the current features into `out`. */
  async histogram(ghOffset: number, start: number, end: number, out: Float64Array): Promise<void> {
    const s = this.state;
    const kernel = this.kernel!;
    if (this.workers.length === 0 || end - start < PARALLEL_MIN_ROWS) {
      kernel(s.bins, s.gh, ghOffset, s.idx, start, end, out);
      return;
    }
    s.ctrl[CTRL.ghOffset] = ghOffset;
    this.dispatch(OP.histogram, start, end);
    const [a, b] = chunkOf(start, end, 0, s.threads);
    kernel(s.bins, s.gh, ghOffset, s.idx, a, b, out);
    await this.join();
    const len = s.totalBins * 3;
    for (let t = 1; t < s.threads; t++) {
      const part = s.partials[t]!;
      for (let i = 0; i < len; i++) out[i]! += part[i]!;
    }
  }

  /**
   * Reorders `idx[start..end)` so rows with `leftTable[bin of feature] === 1` come first, both sides
   * in their original order; returns the left count.
   */
  async partition(start: number, end: number, feature: number): Promise<number> {
    const s = this.state;
    if (this.workers.length === 0 || end - start < PARALLEL_MIN_ROWS) {
      const left = partitionRows(s.bins, s.p, s.idx, s.tmp, start, end, feature, s.leftTable);
      s.idx.set(s.tmp.subarray(start, end - left), start + left);
      return left;
    }
    s.ctrl[CTRL.feature] = feature;
    this.dispatch(OP.partition, start, end);
    const [a, b] = chunkOf(start, end, 0, s.threads);
    s.ctrl[CTRL.leftCount] = partitionRows(s.bins, s.p, s.idx, s.tmp, a, b, feature, s.leftTable);
    await this.join();
    // Gather: every chunk's left rows in chunk order, then every chunk's right rows.
    let dst = start;
    for (let t = 0; t < s.threads; t++) {
      const [cs] = chunkOf(start, end, t, s.threads);
      const left = s.ctrl[CTRL.leftCount + t]!;
      if (dst !== cs) s.idx.copyWithin(dst, cs, cs + left);
      dst += left;
    }
    const totalLeft = dst - start;
    for (let t = 0; t < s.threads; t++) {
      const [cs, ce] = chunkOf(start, end, t, s.threads);
      const right = ce - cs - s.ctrl[CTRL.leftCount + t]!;
      s.idx.set(s.tmp.subarray(cs, cs + right), dst);
      dst += right;
    }
    return totalLeft;
  }

  /** Stops the workers; safe to call twice. */
  async close(): Promise<void> {
    const workers = this.workers.splice(0);
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private dispatch(op: number, start: number, end: number): void {
    const c = this.state.ctrl;
    c[CTRL.op] = op;
    c[CTRL.start] = start;
    c[CTRL.end] = end;
    this.seq = (this.seq + 1) | 0 || 1;
    Atomics.store(c, CTRL.seq, this.seq);
    Atomics.notify(c, CTRL.seq);
  }

  private async join(): Promise<void> {
    const c = this.state.ctrl;
    const deadline = performance.now() + SYNC_WAIT_MS;
    for (let t = 1; t < this.state.threads; t++) {
      for (;;) {
        const v = Atomics.load(c, CTRL.done + t);
        if (v === this.seq) break;
        const left = deadline - performance.now();
        if (left > 0) {
          Atomics.wait(c, CTRL.done + t, v, left);
          continue;
        }
        // Slow path: let the event loop deliver worker errors and exits.
        if (this.failure) break;
        await new Promise((r) => setTimeout(r, 5));
      }
    }
    if (this.failure || Atomics.load(c, CTRL.error) !== 0) {
      throw new KeelError('KEEL_INTERNAL', `A GBDT histogram worker failed: ${String(this.failure)}`, {
        cause: this.failure,
      });
    }
  }
}
