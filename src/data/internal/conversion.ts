import { type DataType, KeelError } from '../../core/index.js';
import type { QueryFrameOptions } from '../../storage/index.js';
import { stringColumnType } from '../infer.js';
import type { ReadOptions } from '../read-options.js';

/** SQL ` LIMIT n` for a row limit, validated. */
export function limitSql(limit: number | undefined): string {
  if (limit === undefined) return '';
  if (!Number.isInteger(limit) || limit < 0) {
    throw new KeelError('KEEL_INVALID_ARGUMENT', `The row limit must be a whole number >= 0, got ${limit}.`, {
      details: { limit },
    });
  }
  return ` LIMIT ${limit}`;
}

/** How query results become frames for a read: declared types, the string rule, progress. */
export function conversionOptions(
  options: ReadOptions,
  types: Readonly<Record<string, DataType>>,
): QueryFrameOptions {
  const progress = options.onProgress;
  return {
    types,
    stringType: stringColumnType,
    ...(progress
      ? {
          onQueryProgress: (percent: number) => progress({ phase: 'scan', done: percent, total: 100 }),
          onRows: (rows: number) => progress({ phase: 'convert', done: rows, total: 0 }),
        }
      : {}),
  };
}
