import { isKeelError } from '../core/index.js';

/** Exit codes of every `keel` command. */
export const EXIT = {
  /** Everything worked and every check passed. */
  ok: 0,
  /** The command ran but a check failed (validation, drift, a gate) or the work itself failed. */
  failed: 1,
  /** Usage or input error: a bad flag, a missing file, an unknown model. Nothing was changed. */
  usage: 2,
} as const;

/** The exit code for an error: 2 for user input (4xx, except 422 failed checks), 1 otherwise. */
export function exitCodeFor(error: unknown): number {
  if (isKeelError(error)) {
    if (error.status === 422) return EXIT.failed;
    return error.status >= 400 && error.status < 500 ? EXIT.usage : EXIT.failed;
  }
  return EXIT.failed;
}
