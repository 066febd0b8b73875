import { isKeelError, KeelError } from '../../core/index.js';
import type { StepError } from '../../storage/index.js';

const MAX_MESSAGE = 4000;
const MAX_STACK = 8000;

/** A thrown value as a stored `StepError`: its code (Keel code or error name), message, cause chain and stack. */
export function describeError(error: unknown): StepError {
  const causes: string[] = [];
  let cause = error instanceof Error ? error.cause : undefined;
  for (let depth = 0; cause !== undefined && cause !== null && depth < 10; depth++) {
    causes.push(
      clip(cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause), MAX_MESSAGE),
    );
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  const code = isKeelError(error) ? error.code : error instanceof Error ? error.name || 'Error' : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  const stack = error instanceof Error && error.stack ? clip(error.stack, MAX_STACK) : null;
  return { code, message: clip(message, MAX_MESSAGE), causes, stack };
}

/** `KEEL_CANCELLED` for a run or step. */
export function cancelledError(runId: string, step?: string): KeelError {
  return new KeelError(
    'KEEL_CANCELLED',
    step ? `Step "${step}" of pipeline run ${runId} was cancelled.` : `Pipeline run ${runId} was cancelled.`,
    { details: { run: runId, ...(step ? { step } : {}) } },
  );
}

/** `KEEL_PIPELINE_STEP_FAILED` for a run whose step failed, carrying the step's stored error. */
export function stepFailedError(
  runId: string,
  step: string,
  attempts: number,
  error: StepError | null,
): KeelError {
  const why = error
    ? `${error.code}: ${error.message}${error.causes.length ? ` (cause: ${error.causes.join(' ← ')})` : ''}`
    : 'no error recorded';
  return new KeelError(
    'KEEL_PIPELINE_STEP_FAILED',
    `Step "${step}" of pipeline run ${runId} failed after ${attempts} attempt(s): ${why}. Fix it and resume with: keel pipeline run <file> --resume ${runId}`,
    { details: { run: runId, step, attempts, error } },
  );
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
