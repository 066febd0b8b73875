// Batch prediction worker: holds one model and predicts row ranges of shared input into shared output.
import { parentPort, workerData } from 'node:worker_threads';
import { loadGbdtModel } from '../gbdt-model.js';

/** Predict `rows` rows of `x` from row `xStart` into `out` from row `outStart`. */
interface Task {
  readonly x: Float64Array;
  readonly out: Float64Array;
  readonly xStart: number;
  readonly outStart: number;
  readonly rows: number;
}

const model = loadGbdtModel(workerData.model as Uint8Array);
const p = model.features.length;
const k = model.outputWidth;
parentPort!.on('message', (task: Task) => {
  try {
    const { x, out, xStart, outStart, rows } = task;
    model.predictEncoded(
      x.subarray(xStart * p, (xStart + rows) * p),
      rows,
      out.subarray(outStart * k, (outStart + rows) * k),
    );
    parentPort!.postMessage({ ok: true });
  } catch (error) {
    const e = error as { code?: string; message?: string };
    parentPort!.postMessage({
      ok: false,
      code: e.code ?? 'KEEL_INTERNAL',
      message: String(e.message ?? error),
    });
  }
});
parentPort!.postMessage({ ready: true });
