import type { MetadataStore } from '../contracts/index.js';
import type { OpenStoreOptions } from '../driver.js';
import { openSqlMetadataStore } from '../sql/index.js';
import type { StoreUrl } from '../store-url.js';
import { PostgresDriver } from './postgres-driver.js';
import { parsePostgresUrl } from './postgres-url.js';

/** Opens (and migrates) the PostgreSQL metadata store at `url`, in its `?schema=` (created when absent). */
export async function openPostgresMetadataStore(
  url: StoreUrl,
  options: OpenStoreOptions,
): Promise<MetadataStore> {
  const target = parsePostgresUrl(url);
  const driver = await PostgresDriver.open(target, url.redacted, options.log);
  return openSqlMetadataStore(driver, {
    backend: 'postgres',
    capabilities: { concurrentWriters: true, ephemeral: false },
    now: options.clock.now(),
    url: url.redacted,
  });
}
