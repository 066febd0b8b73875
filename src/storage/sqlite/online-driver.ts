import { KeelError } from '../../core/index.js';
import type { OnlineStore } from '../contracts/index.js';
import type { DriverSpec } from '../driver.js';
import { checkKnownParams } from '../store-url.js';

const KNOWN_PARAMS = ['busy_timeout'];

/**
 * The embedded online store: `sqlite:.keel/online.db` (its own file, apart from the metadata store)
 * or `sqlite::memory:` (one process only). Parameter: `busy_timeout` (ms a writer waits for another
 * process's lock, default 5000). better-sqlite3 is loaded only when the scheme is used.
 */
export const sqliteOnlineDriver: DriverSpec<OnlineStore> = {
  backend: 'sqlite',
  schemes: ['sqlite'],
  example: 'sqlite:.keel/online.db',
  capabilities: { shared: true, atomicBatch: true, embedded: true },
  async open(url) {
    checkKnownParams(url, KNOWN_PARAMS, 'online store');
    const busy = url.params.busy_timeout ?? '5000';
    if (!/^\d+$/.test(busy)) {
      throw new KeelError(
        'KEEL_STORE_BAD_URL',
        `busy_timeout in ${url.redacted} must be a whole number of milliseconds, not "${busy}".`,
        { details: { url: url.redacted, param: 'busy_timeout' } },
      );
    }
    const { SqliteOnlineStore } = await import('./sqlite-online-store.js');
    return SqliteOnlineStore.open(url.path, { url: url.redacted, busyTimeoutMs: Number(busy) });
  },
};
