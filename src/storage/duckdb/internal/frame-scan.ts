import { type DuckDBConnection, DuckDBTableFunction, type DuckDBType, VARCHAR } from '@duckdb/node-api';
import type { Frame } from '../../../core/index.js';
import { duckdbTypeOf, fillChunk, VECTOR_SIZE } from './frame-writer.js';

const SCAN_FUNCTION = 'keel_frame_scan';

/** Frames being scanned, by token (the scan's only parameter). */
const frames = new Map<string, { readonly frame: Frame; readonly types: readonly DuckDBType[] }>();
const registered = new WeakSet<DuckDBConnection>();
let tokens = 0;

/**
 * The table function `keel_frame_scan(token)`: DuckDB pulls the frame's rows from JS one data chunk
 * at a time (the callbacks run on the JS thread while the statement runs on DuckDB's), so a
 * statement such as `COPY (SELECT ...) TO` reads a frame without it being appended to a table
 * first — an append also maintains the table's statistics, which costs more than the copy.
 */
function scanFunction(): DuckDBTableFunction {
  return DuckDBTableFunction.create({
    name: SCAN_FUNCTION,
    parameterTypes: [VARCHAR],
    bindFunction: (info) => {
      const scan = frames.get(String(info.getParameter(0)));
      if (!scan) {
        info.setError('keel_frame_scan: no frame is registered under this token');
        return;
      }
      scan.frame.columns.forEach((c, j) => {
        info.addResultColumn(c.name, scan.types[j]!);
      });
      info.setBindData(scan);
    },
    initFunction: (info) => info.setInitData({ next: 0 }),
    mainFunction: (info, output) => {
      const { frame, types } = info.bindData as { frame: Frame; types: readonly DuckDBType[] };
      const state = info.initData as { next: number };
      const to = Math.min(frame.rowCount, state.next + VECTOR_SIZE);
      if (to <= state.next) {
        output.rowCount = 0;
        return;
      }
      try {
        fillChunk(output, types, frame, state.next, to);
      } catch (error) {
        info.setError(`keel_frame_scan: ${(error as Error).message}`);
        output.rowCount = 0;
        return;
      }
      state.next = to;
    },
  });
}

/**
 * Runs `fn` with a SQL table expression that reads `frame` (`keel_frame_scan('<token>')`, column
 * types as `duckdbTypeOf`), valid on `connection` until `fn` settles.
 */
export async function withFrameScan<T>(
  connection: DuckDBConnection,
  frame: Frame,
  fn: (table: string) => Promise<T>,
): Promise<T> {
  if (!registered.has(connection)) {
    connection.registerTableFunction(scanFunction());
    registered.add(connection);
  }
  const token = `f${++tokens}`;
  frames.set(token, { frame, types: frame.columns.map(duckdbTypeOf) });
  try {
    return await fn(`${SCAN_FUNCTION}('${token}')`);
  } finally {
    frames.delete(token);
  }
}
