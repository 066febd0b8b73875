import {
  type DuckDBConnection,
  type DuckDBMaterializedResult,
  type DuckDBResult,
  DuckDBTypeId,
  StatementType,
} from '@duckdb/node-api';
import { quoteIdent } from '../sql.js';
import type { BuilderColumn } from './frame-builder.js';

/** A query ready to run for conversion to frames, with the layout of its result chunks. */
export interface QueryPlan {
  readonly columns: readonly BuilderColumn[];
  run(): Promise<DuckDBMaterializedResult>;
  stream(): Promise<DuckDBResult>;
}

function uniqueNames(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((name) => {
    const n = seen.get(name) ?? 0;
    seen.set(name, n + 1);
    return n === 0 ? name : `${name}_${n}`;
  });
}

/**
 * Prepares `sql` to learn its result columns. A SELECT with VARCHAR columns is wrapped so each
 * of them also yields DuckDB's 64-bit `hash()`, computed in parallel inside DuckDB: long strings
 * are then dictionary-encoded by hash instead of being decoded row by row. Anything else (and a
 * text that cannot be prepared alone, e.g. several statements) runs as it is.
 */
export async function planQuery(connection: DuckDBConnection, sql: string): Promise<QueryPlan> {
  const text = sql.trim().replace(/;+\s*$/, '');
  let prepared: Awaited<ReturnType<DuckDBConnection['prepare']>>;
  try {
    prepared = await connection.prepare(text);
  } catch {
    // Not preparable on its own: let DuckDB run it and report its own error, if any.
    return { columns: [], run: () => connection.run(sql), stream: () => connection.stream(sql) };
  }
  const count = prepared.columnCount;
  const names = uniqueNames(Array.from({ length: count }, (_, j) => prepared.columnName(j)));
  const types = Array.from({ length: count }, (_, j) => prepared.columnType(j));
  const strings = types.flatMap((t, j) => (t.typeId === DuckDBTypeId.VARCHAR ? [j] : []));
  if (prepared.statementType !== StatementType.SELECT || strings.length === 0) {
    const columns = names.map((name, j) => ({ name, type: types[j]!, index: j }));
    return { columns, run: () => prepared.run(), stream: () => prepared.stream() };
  }
  prepared.destroySync();
  const alias = (j: number): string => quoteIdent(`keel_c${j}`);
  const hashes = strings.map((j) => `hash(t.${alias(j)})`);
  const wrapped = `SELECT t.*, ${hashes.join(', ')} FROM (${text}) AS t(${names.map((_, j) => alias(j)).join(', ')})`;
  const hashIndex = new Map(strings.map((j, k) => [j, count + k]));
  const columns = names.map((name, j) => {
    const h = hashIndex.get(j);
    return h === undefined
      ? { name, type: types[j]!, index: j }
      : { name, type: types[j]!, index: j, hashIndex: h };
  });
  return { columns, run: () => connection.run(wrapped), stream: () => connection.stream(wrapped) };
}

/** The plan's columns, or (for unprepared text) those of the result itself. */
export function columnsOf(plan: QueryPlan, result: DuckDBResult): readonly BuilderColumn[] {
  if (plan.columns.length > 0 || result.columnCount === 0) return plan.columns;
  const names = uniqueNames(result.columnNames());
  return names.map((name, j) => ({ name, type: result.columnType(j), index: j }));
}
