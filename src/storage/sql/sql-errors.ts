import { isKeelError, KeelError } from '../../core/index.js';
import type { SqlDialect, SqlErrorKind } from './sql-dialect.js';

/**
 * Turns a native database error into a `KeelError` with the original as `cause` and its kind in
 * `details.sqlError`: constraint violations and lock/serialization failures become
 * `KEEL_STORE_CONFLICT`, lost connections `KEEL_STORE_UNAVAILABLE` (naming the redacted URL),
 * anything else `KEEL_INTERNAL`. KeelErrors pass through unchanged.
 */
export function mapSqlError(error: unknown, dialect: SqlDialect, redactedUrl: string): KeelError {
  if (isKeelError(error)) return error;
  const kind = dialect.classifyError(error);
  const native = error instanceof Error ? error.message : String(error);
  const details = { sqlError: kind, backend: dialect.name, url: redactedUrl };
  switch (kind) {
    case 'unique':
    case 'foreign_key':
      return new KeelError('KEEL_STORE_CONFLICT', `Constraint violated in ${redactedUrl}: ${native}`, {
        cause: error,
        details,
      });
    case 'busy':
    case 'serialization':
      return new KeelError(
        'KEEL_STORE_CONFLICT',
        `The ${dialect.name} metadata store at ${redactedUrl} is busy with another writer (${native}); retry.`,
        { cause: error, details },
      );
    case 'unavailable':
      return storeUnavailable(dialect.name, redactedUrl, error);
    default:
      return new KeelError('KEEL_INTERNAL', `Metadata store error (${dialect.name}): ${native}`, {
        cause: error,
        details,
      });
  }
}

/** `KEEL_STORE_UNAVAILABLE` for a backend at a (redacted) URL, keeping the native error as cause. */
export function storeUnavailable(backend: string, redactedUrl: string, cause: unknown): KeelError {
  const native = cause instanceof Error ? cause.message || cause.name : String(cause);
  return new KeelError(
    'KEEL_STORE_UNAVAILABLE',
    `Cannot use the ${backend} metadata store at ${redactedUrl}: ${native}. Start the server or fix the URL (stores.metadata / KEEL_METADATA_URL).`,
    { cause, details: { backend, url: redactedUrl } },
  );
}

/** True when `error` is a mapped SQL error of `kind` (e.g. a unique violation). */
export function isSqlError(error: unknown, kind: SqlErrorKind): error is KeelError {
  return isKeelError(error) && error.details.sqlError === kind;
}

/**
 * Re-raises a mapped `kind` violation as the domain error `make` builds (keeping the native error
 * as its cause); any other error is rethrown as is.
 */
export function rethrowAs(error: unknown, kind: SqlErrorKind, make: (cause: unknown) => KeelError): never {
  if (isSqlError(error, kind)) throw make(error.cause);
  throw error;
}
