import { resolve } from 'node:path';
import type { DataType } from '../../core/index.js';
import { parseSource, readBatches } from '../../data/index.js';
import type { OfflineSource, OfflineStore, OfflineTable, OfflineValueType } from '../../storage/index.js';
import type { ResolvedView } from '../catalog.js';
import type { DataSourceSpec, FieldSpec } from '../specs.js';
import { frameTypeOf, offlineTypeOf } from '../value-types.js';

/** Where a view's columns are in its source: the time columns and the source column of each feature or key. */
export interface SourceLayout {
  readonly timestampField: string;
  readonly createdTimestampField: string | undefined;
  /** The source column holding the feature or join key `name` (after the source's field mapping). */
  column(name: string): string;
}

/**
 * The column layout of a view's source. Push and stream sources with a batch source use the batch
 * source's layout, so their logs and the batch data union by column name.
 */
export function layoutOf(view: ResolvedView): SourceLayout {
  const s: DataSourceSpec = view.batchSource ?? view.source;
  const reverse = new Map(Object.entries(s.fieldMapping).map(([col, name]) => [name, col]));
  return {
    timestampField: s.timestampField ?? 'event_timestamp',
    createdTimestampField: s.createdTimestampField,
    column: (name) => reverse.get(name) ?? name,
  };
}

/** A view's source as the offline store reads it, and how to release what was staged for it. */
export interface ResolvedOfflineSource {
  readonly source: OfflineSource;
  release(): Promise<void>;
}

const STAGE_BATCH_ROWS = 100_000;

async function tablesOf(
  spec: DataSourceSpec,
  columns: Readonly<Record<string, OfflineValueType>>,
  frameTypes: Readonly<Record<string, DataType>>,
  offline: OfflineStore,
  root: string,
  staged: OfflineTable[],
): Promise<OfflineTable[]> {
  if (spec.type === 'file') {
    const path = resolve(root, spec.path!);
    const format = spec.format!;
    if (offline.capabilities.nativeFormats.includes(format)) return [{ kind: 'file', format, path }];
    const table = await offline.stage(
      readBatches(path, { types: frameTypes, columns: Object.keys(columns), batchRows: STAGE_BATCH_ROWS }),
      columns,
    );
    staged.push(table);
    return [table];
  }
  if (spec.type === 'postgres') {
    const source = parseSource(spec.url!, {
      ...(spec.table === undefined ? {} : { table: spec.table }),
      ...(spec.query === undefined ? {} : { query: spec.query }),
    });
    const table = await offline.stage(
      readBatches(source, { types: frameTypes, columns: Object.keys(columns), batchRows: STAGE_BATCH_ROWS }),
      columns,
    );
    staged.push(table);
    return [table];
  }
  return [];
}

/**
 * Resolves a view's source for the offline store: Parquet files it reads natively; CSV, JSON Lines
 * and PostgreSQL through the data module (`readBatches`, declared types enforced) staged into it;
 * push and stream sources as their log plus their batch source. Only `fields` (keys and features)
 * and the time columns are read. Call `release` when done.
 */
export async function resolveOfflineSource(
  view: ResolvedView,
  fields: readonly FieldSpec[],
  offline: OfflineStore,
  root: string,
): Promise<ResolvedOfflineSource> {
  const layout = layoutOf(view);
  const columns: Record<string, OfflineValueType> = {};
  const frameTypes: Record<string, DataType> = {};
  for (const f of fields) {
    columns[layout.column(f.name)] = offlineTypeOf(f.type);
    frameTypes[layout.column(f.name)] = f.type === 'string' ? 'text' : frameTypeOf(f.type);
  }
  columns[layout.timestampField] = 'timestamp';
  frameTypes[layout.timestampField] = 'timestamp';
  if (layout.createdTimestampField) {
    columns[layout.createdTimestampField] = 'timestamp';
    frameTypes[layout.createdTimestampField] = 'timestamp';
  }
  const staged: OfflineTable[] = [];
  const release = async (): Promise<void> => {
    for (const t of staged.splice(0)) await offline.unstage(t);
  };
  try {
    const tables: OfflineTable[] = [];
    if (view.source.type === 'push' || view.source.type === 'stream') {
      tables.push({ kind: 'log', name: view.source.name });
      if (view.batchSource) {
        tables.push(...(await tablesOf(view.batchSource, columns, frameTypes, offline, root, staged)));
      }
    } else tables.push(...(await tablesOf(view.source, columns, frameTypes, offline, root, staged)));
    return {
      source: {
        tables,
        timestampColumn: layout.timestampField,
        ...(layout.createdTimestampField ? { createdTimestampColumn: layout.createdTimestampField } : {}),
      },
      release,
    };
  } catch (error) {
    await release();
    throw error;
  }
}
