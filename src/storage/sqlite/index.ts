import type { MetadataStore } from '../contracts/index.js';
import type { DriverSpec } from '../driver.js';

/**
 * The embedded metadata store: `sqlite:.keel/metadata.db` (relative to the project root) or
 * `sqlite::memory:` (ephemeral). Parameter: `busy_timeout` (ms a writer waits for another
 * process's lock, default 5000). better-sqlite3 is loaded only when the scheme is used.
 */
export const sqliteMetadataDriver: DriverSpec<MetadataStore> = {
  backend: 'sqlite',
  schemes: ['sqlite'],
  example: 'sqlite:.keel/metadata.db',
  capabilities: { concurrentWriters: false, embedded: true },
  async open(url, options) {
    const { openSqliteMetadataStore } = await import('./sqlite-metadata-store.js');
    return openSqliteMetadataStore(url, options);
  },
};

export { likeToGlob, sqliteDialect } from './sqlite-dialect.js';
