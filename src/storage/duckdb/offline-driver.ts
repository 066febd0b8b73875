import { KeelError } from '../../core/index.js';
import { positiveIntParam } from '../cache-validation.js';
import type { OfflineStore } from '../contracts/index.js';
import type { DriverSpec } from '../driver.js';
import { checkKnownParams } from '../store-url.js';

const KNOWN_PARAMS = ['threads', 'memory_limit'];

/**
 * The embedded offline store: `duckdb:.keel/offline` (a folder for push/stream logs and spill
 * files) or `duckdb::memory:` (logs in a temporary folder removed on close). Parameters: `threads`
 * (DuckDB worker threads, default all cores) and `memory_limit` (e.g. `4GB`; DuckDB spills beyond it).
 */
export const duckdbOfflineDriver: DriverSpec<OfflineStore> = {
  backend: 'duckdb',
  schemes: ['duckdb'],
  example: 'duckdb:.keel/offline',
  capabilities: { durableLog: true },
  async open(url) {
    checkKnownParams(url, KNOWN_PARAMS, 'offline store');
    const memoryLimit = url.params.memory_limit;
    if (memoryLimit !== undefined && !/^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(memoryLimit)) {
      throw new KeelError(
        'KEEL_STORE_BAD_URL',
        `memory_limit in ${url.redacted} must be a size such as 4GB, not "${memoryLimit}".`,
        { details: { url: url.redacted, param: 'memory_limit' } },
      );
    }
    const threads =
      url.params.threads === undefined ? undefined : positiveIntParam(url.params, 'threads', 1, url.redacted);
    const { DuckDBOfflineStore } = await import('./duckdb-offline-store.js');
    return DuckDBOfflineStore.open(url.path, {
      ...(threads === undefined ? {} : { threads }),
      ...(memoryLimit === undefined ? {} : { memoryLimit }),
    });
  },
};
