import { KeelError } from '../../core/index.js';
import type { MetadataStore } from '../contracts/index.js';
import type { OpenStoreOptions } from '../driver.js';
import { openSqlMetadataStore } from '../sql/index.js';
import type { StoreUrl } from '../store-url.js';
import { checkKnownParams } from '../store-url.js';
import { SqliteDriver } from './sqlite-driver.js';

const KNOWN_PARAMS = ['busy_timeout'];

/** Opens (and migrates) the SQLite metadata store at `url`: a file path, or `:memory:` (ephemeral). */
export async function openSqliteMetadataStore(
  url: StoreUrl,
  options: OpenStoreOptions,
): Promise<MetadataStore> {
  checkKnownParams(url, KNOWN_PARAMS, 'metadata store');
  const busy = url.params.busy_timeout;
  if (busy !== undefined && !/^\d+$/.test(busy)) {
    throw new KeelError(
      'KEEL_STORE_BAD_URL',
      `busy_timeout in ${url.redacted} must be a whole number of milliseconds, not "${busy}".`,
      { details: { url: url.redacted, param: 'busy_timeout' } },
    );
  }
  const driver = SqliteDriver.open(url.path, {
    redactedUrl: url.redacted,
    ...(busy === undefined ? {} : { busyTimeoutMs: Number(busy) }),
  });
  return openSqlMetadataStore(driver, {
    backend: 'sqlite',
    capabilities: { concurrentWriters: false, ephemeral: url.path === ':memory:' },
    now: options.clock.now(),
    url: url.redacted,
  });
}
