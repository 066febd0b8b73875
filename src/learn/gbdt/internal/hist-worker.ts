// Histogram worker: waits on the shared control block and runs its chunk of each operation.
import { parentPort, workerData } from 'node:worker_threads';
import { gradientRange } from './gradient-kernels.js';
import { chunkOf, type HistogramKernel, histogramKernel, partitionRows } from './kernels.js';
import { addNodeValues, finalScan, type ScanKernel, scanKernel } from './scan-kernel.js';
import { CTRL, OP, type SharedTrainingState } from './shared-state.js';

const { state, thread } = workerData as { state: SharedTrainingState; thread: number };
const { ctrl, threads } = state;

let kernel: HistogramKernel | null = null;
let scanner: ScanKernel | null = null;
let kernelVersion = -1;

function refreshKernels(): void {
  if (kernelVersion === ctrl[CTRL.featuresVersion]) return;
  kernel = histogramKernel(state.p, state.feats, state.binBase, ctrl[CTRL.nf]!);
  scanner = scanKernel(state.p, state.feats, state.binBase, ctrl[CTRL.nf]!);
  kernelVersion = ctrl[CTRL.featuresVersion]!;
}

function run(op: number): void {
  const start = ctrl[CTRL.start]!;
  const end = ctrl[CTRL.end]!;
  const [s, e] = chunkOf(start, end, thread, threads);
  if (op === OP.histogram) {
    refreshKernels();
    kernel!(
      state.bins,
      state.gh,
      ctrl[CTRL.ghOffset]!,
      state.idx,
      s,
      e,
      state.partials[thread]!.subarray(0, state.totalBins * 3),
    );
  } else if (op === OP.scan) {
    refreshKernels();
    const len = state.totalBins * 3;
    const mine = state.partials[thread]!;
    mine.fill(0, 0, ctrl[CTRL.slots]! * len);
    scanner!(
      state.bins,
      state.gh,
      ctrl[CTRL.ghOffset]!,
      state.pos,
      state.inSample,
      state.level,
      mine,
      len,
      s,
      e,
    );
  } else if (op === OP.finalScan) {
    finalScan(
      state.bins,
      state.p,
      state.pos,
      state.level,
      state.scores,
      ctrl[CTRL.k]!,
      ctrl[CTRL.column]!,
      s,
      e,
    );
  } else if (op === OP.scores) {
    addNodeValues(state.pos, state.level.nodeValue, state.scores, ctrl[CTRL.k]!, ctrl[CTRL.column]!, s, e);
  } else if (op === OP.gradients) {
    const { scores, y, w, gh, plan, n } = state;
    gradientRange(ctrl[CTRL.gradientKind]!, ctrl[CTRL.k]!, plan, scores, y, w, gh, n, s, e);
  } else if (op === OP.partition) {
    const left = partitionRows(
      state.bins,
      state.p,
      state.idx,
      state.tmp,
      s,
      e,
      ctrl[CTRL.feature]!,
      state.leftTable,
    );
    ctrl[CTRL.leftCount + thread] = left;
  }
}

let seen = 0;
parentPort!.postMessage('ready');
for (;;) {
  Atomics.wait(ctrl, CTRL.seq, seen);
  seen = Atomics.load(ctrl, CTRL.seq);
  const op = ctrl[CTRL.op]!;
  if (op === OP.exit) break;
  try {
    run(op);
  } catch (error) {
    Atomics.store(ctrl, CTRL.error, thread);
    parentPort!.postMessage({ error: String(error instanceof Error ? error.stack : error) });
  }
  Atomics.store(ctrl, CTRL.done + thread, seen);
  Atomics.notify(ctrl, CTRL.done + thread);
}
