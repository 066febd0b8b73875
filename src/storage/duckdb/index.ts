import type { DuckDBEngine, DuckDBEngineOptions } from './duckdb-engine.js';

export type { DuckDBEngine, DuckDBEngineOptions } from './duckdb-engine.js';
export type { DuckDBSession, QueryFrameOptions, RowValue } from './duckdb-session.js';
export type {
  FrameConversionOptions,
  StreamFrameOptions,
  StringColumnStats,
  WriteTableOptions,
} from './frame-options.js';
export { quoteIdent, quoteLiteral } from './sql.js';

/**
 * Opens a DuckDB engine. The native module is loaded on first use, so importing the storage
 * layer stays cheap for commands that never touch DuckDB.
 */
export async function openDuckDBEngine(options: DuckDBEngineOptions = {}): Promise<DuckDBEngine> {
  const { DuckDBEngine } = await import('./duckdb-engine.js');
  return DuckDBEngine.open(options);
}
