export { METADATA_MIGRATIONS } from './migrations/index.js';
export {
  MIGRATIONS_TABLE,
  type MigrationResult,
  migrate,
  type SqlMigration,
  schemaVersion,
} from './migrator.js';
export {
  closeLikePattern,
  rewritePlaceholders,
  type SqlDialect,
  type SqlErrorKind,
  type SqlFragment,
  type SqlTypes,
  standardOnConflict,
} from './sql-dialect.js';
export type { SqlDriver } from './sql-driver.js';
export { isSqlError, mapSqlError, rethrowAs, storeUnavailable } from './sql-errors.js';
export { openSqlMetadataStore, SqlMetadataStore } from './sql-metadata-store.js';
export type { SqlRow, SqlValue } from './sql-value.js';
export { AsyncMutex, TransactionScope } from './transaction-scope.js';
