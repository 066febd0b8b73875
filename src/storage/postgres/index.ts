import type { MetadataStore } from '../contracts/index.js';
import type { DriverSpec } from '../driver.js';

/**
 * The scale-out metadata store: `postgres://user:password@host:5432/db?schema=keel`.
 * Parameters: `schema` (created when absent, default `public`), `pool_max` (default 10); other
 * parameters (`sslmode`...) go to `pg`, which is loaded only when the scheme is used.
 */
export const postgresMetadataDriver: DriverSpec<MetadataStore> = {
  backend: 'postgres',
  schemes: ['postgres', 'postgresql'],
  example: 'postgres://user@127.0.0.1:5432/keel?schema=keel',
  capabilities: { concurrentWriters: true, embedded: false },
  async open(url, options) {
    const { openPostgresMetadataStore } = await import('./postgres-metadata-store.js');
    return openPostgresMetadataStore(url, options);
  },
};

export { postgresDialect } from './postgres-dialect.js';
export { type PostgresTarget, parsePostgresUrl } from './postgres-url.js';
