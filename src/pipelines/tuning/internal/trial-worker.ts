import { parentPort, workerData } from 'node:worker_threads';
import { isKeelError } from '../../../core/index.js';
import { frameFromShared } from './shared-frame.js';
import { type TrialData, trainTrial } from './trial-runner.js';
import {
  CONTINUE,
  DECISION,
  PENDING,
  type TrialMessage,
  type TrialWorkerData,
  type WireError,
  type WorkerMessage,
} from './worker-protocol.js';

// A trial worker: trains the trials the study sends, one at a time, on data shared once.
const init = workerData as TrialWorkerData;
const port = parentPort!;
const control = new Int32Array(init.control);
const data: TrialData = {
  learner: init.learner,
  target: init.target,
  features: init.features,
  task: init.task,
  train: frameFromShared(init.train),
  validation: frameFromShared(init.validation),
};

const post = (message: WorkerMessage): void => port.postMessage(message);

function toWire(error: unknown): WireError {
  if (isKeelError(error)) return { code: error.code, message: error.message, details: error.details };
  return { code: null, message: error instanceof Error ? error.message : String(error), details: {} };
}

port.on('message', (message: TrialMessage) => {
  if (message?.type !== 'trial') return;
  const { request } = message;
  trainTrial(data, request, (round, metrics) => {
    if (!request.decide) {
      post({ type: 'round', number: request.number, round, metrics });
      return true;
    }
    Atomics.store(control, DECISION, PENDING);
    post({ type: 'round', number: request.number, round, metrics });
    // Block until the study decides: pruning happens at exactly this round, as in one thread.
    while (Atomics.load(control, DECISION) === PENDING) Atomics.wait(control, DECISION, PENDING, 1000);
    return Atomics.load(control, DECISION) === CONTINUE;
  }).then(
    (outcome) => post({ type: 'done', number: request.number, outcome }),
    (error: unknown) => post({ type: 'error', number: request.number, error: toWire(error) }),
  );
});

post({ type: 'ready' });
