import { type DataType, KeelError } from '../../../core/index.js';
import type { OfflineValueType } from '../../contracts/index.js';

/** The Keel frame type a declared offline type comes back as. */
export function frameType(type: OfflineValueType): DataType {
  switch (type) {
    case 'int64':
      return 'integer';
    case 'float64':
      return 'numeric';
    case 'bool':
      return 'boolean';
    case 'timestamp':
      return 'timestamp';
    default:
      return 'categorical';
  }
}

/** Maps a DuckDB failure to what it means for the user: a bad value, a bad definition, a missing file. */
export function offlineError(error: unknown, what: string): KeelError {
  if (error instanceof KeelError) return error;
  const message = (error as Error).message ?? String(error);
  const first = message.split('\n')[0] ?? message;
  if (/Conversion Error|Could not convert|Invalid Input Error/i.test(message)) {
    return new KeelError(
      'KEEL_FEATURE_BAD_VALUE',
      `${what}: a source value does not fit its declared type: ${first}`,
      {
        cause: error,
      },
    );
  }
  if (/Binder Error/i.test(message)) {
    return new KeelError(
      'KEEL_FEATURE_DEFINITION_INVALID',
      `${what}: the source does not have the declared columns: ${first}`,
      { cause: error },
    );
  }
  if (/No files found|does not exist|IO Error/i.test(message)) {
    return new KeelError('KEEL_DATA_FILE_NOT_FOUND', `${what}: ${first}`, { cause: error });
  }
  return new KeelError('KEEL_INTERNAL', `${what}: ${first}`, { cause: error });
}
