import { Worker } from 'node:worker_threads';
import { ERROR_CODES, type ErrorCode, KeelError, workerEntry } from '../../../core/index.js';
import { shareFrame } from './shared-frame.js';
import { cancelled, type TrialExecutor } from './trial-executor.js';
import type { RoundHook, TrialData, TrialOutcome, TrialRequest } from './trial-runner.js';
import {
  CONTINUE,
  DECISION,
  STOP,
  type TrialWorkerData,
  type WireError,
  type WorkerMessage,
} from './worker-protocol.js';

interface Busy {
  readonly request: TrialRequest;
  readonly onRound: RoundHook;
  readonly resolve: (outcome: TrialOutcome) => void;
  readonly reject: (error: unknown) => void;
  /** An error `onRound` threw: the trial is stopped and fails with it. */
  error?: unknown;
}

interface Slot {
  worker: Worker;
  readonly control: Int32Array;
  busy: Busy | null;
  ready: Promise<void>;
}

/**
 * Trains trials on `slots` worker threads. The training data is copied once into shared memory and
 * every worker reads the same buffers. Round reports come back as messages and `onRound` runs here,
 * on the study's thread; with `decide` the worker waits for the answer, so pruning decisions are
 * central and exact. A worker that dies fails its trial and is replaced for the next one.
 */
export class WorkerPoolExecutor implements TrialExecutor {
  private readonly pool: Slot[] = [];
  private readonly init: Omit<TrialWorkerData, 'control'>;
  private aborted = false;

  constructor(
    data: TrialData,
    readonly slots: number,
  ) {
    const columns = [...data.features, data.target];
    this.init = {
      learner: data.learner,
      target: data.target,
      features: data.features,
      task: data.task,
      train: shareFrame(data.train, columns),
      validation: shareFrame(data.validation, columns),
    };
  }

  async run(request: TrialRequest, onRound: RoundHook): Promise<TrialOutcome> {
    if (this.aborted) throw cancelled(request.number);
    const slot = this.idleSlot();
    // Claim the slot before waiting for the worker to start, so no other trial takes it meanwhile.
    const outcome = new Promise<TrialOutcome>((resolve, reject) => {
      slot.busy = { request, onRound, resolve, reject };
    });
    slot.ready.then(
      () => slot.worker.postMessage({ type: 'trial', request }),
      () => {}, // a worker that fails to start dies, and onDeath rejects the claimed trial
    );
    return outcome;
  }

  abort(): void {
    this.aborted = true;
    for (const slot of this.pool) {
      const busy = slot.busy;
      slot.busy = null;
      void slot.worker.terminate();
      busy?.reject(cancelled(busy.request.number));
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.pool.splice(0).map((s) => s.worker.terminate()));
  }

  private idleSlot(): Slot {
    const idle = this.pool.find((s) => s.busy === null);
    if (idle) return idle;
    if (this.pool.length >= this.slots) {
      throw new KeelError('KEEL_INTERNAL', `All ${this.slots} trial workers are busy.`);
    }
    const slot = this.spawn();
    this.pool.push(slot);
    return slot;
  }

  private spawn(): Slot {
    const control = new Int32Array(new SharedArrayBuffer(4));
    const entry = workerEntry(import.meta.url, './trial-worker');
    const worker = new Worker(entry.script, {
      eval: entry.eval,
      workerData: { ...this.init, control: control.buffer } satisfies TrialWorkerData,
    });
    const slot: Slot = { worker, control, busy: null, ready: Promise.resolve() };
    slot.ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'ready') resolve();
        else this.onMessage(slot, m);
      });
      const die = (error: Error): void => {
        reject(error);
        this.onDeath(slot, error);
      };
      worker.on('error', die);
      worker.on('exit', (code) => die(new Error(`trial worker exited with code ${code}`)));
    });
    // A failed start is reported through the trial that waits for it.
    slot.ready.catch(() => {});
    return slot;
  }

  private onMessage(slot: Slot, m: WorkerMessage): void {
    const busy = slot.busy;
    if (!busy || m.type === 'ready' || m.number !== busy.request.number) return;
    if (m.type === 'round') {
      let go = false;
      if (busy.error === undefined) {
        try {
          go = busy.onRound(m.round, m.metrics);
        } catch (error) {
          busy.error = error;
        }
      }
      if (busy.request.decide) {
        Atomics.store(slot.control, DECISION, go ? CONTINUE : STOP);
        Atomics.notify(slot.control, DECISION);
      }
      return;
    }
    slot.busy = null;
    if (busy.error !== undefined) busy.reject(busy.error);
    else if (m.type === 'done') busy.resolve(m.outcome);
    else busy.reject(fromWire(m.error));
  }

  private onDeath(slot: Slot, error: Error): void {
    const index = this.pool.indexOf(slot);
    if (index >= 0) this.pool.splice(index, 1);
    const busy = slot.busy;
    slot.busy = null;
    if (busy && !this.aborted) {
      busy.reject(
        new KeelError(
          'KEEL_INTERNAL',
          `The worker training trial ${busy.request.number} died: ${error.message}`,
          {
            cause: error,
            details: { trial: busy.request.number },
          },
        ),
      );
    }
  }
}

function fromWire(error: WireError): Error {
  if (error.code && error.code in ERROR_CODES) {
    return new KeelError(error.code as ErrorCode, error.message, { details: { ...error.details } });
  }
  return new Error(error.message);
}
