import { type Column, Frame, KeelError, numberColumn, valueAt } from '../core/index.js';
import { coerceKey } from './entity-keys.js';
import type { FeatureSelection } from './selection.js';
import type { FieldSpec } from './specs.js';
import { parseInstant } from './timestamps.js';
import { frameTypeOf, valueProblem } from './value-types.js';

/** Entity rows as given to `getHistoricalFeatures`: a frame, or row objects. */
export type EntityRows = Frame | readonly Readonly<Record<string, unknown>>[];

/** Entity rows ready for a point-in-time join: a frame whose timestamp column is epoch ms. */
export interface PreparedEntities {
  readonly frame: Frame;
  readonly timestampColumn: string;
}

function pickTimestampColumn(frame: Frame, requested: string | undefined): string {
  if (requested !== undefined) {
    if (!frame.has(requested)) {
      throw new KeelError(
        'KEEL_INVALID_ARGUMENT',
        `The entity rows have no column "${requested}" (the timestamp column asked for). Columns: ${frame.names.join(', ')}.`,
        {
          details: { column: requested },
        },
      );
    }
    return requested;
  }
  if (frame.has('event_timestamp')) return 'event_timestamp';
  const stamps = frame.columns.filter((c) => c.type === 'timestamp');
  if (stamps.length === 1) return stamps[0]!.name;
  throw new KeelError(
    'KEEL_INVALID_ARGUMENT',
    `The entity rows need an "event_timestamp" column (or exactly one timestamp column, or name it with timestampColumn); they have ${frame.names.join(', ') || 'no columns'}.`,
    { details: { columns: frame.names } },
  );
}

/** The timestamp column as epoch ms: strings are parsed and must carry a time zone; no value may be missing. */
function timestamps(frame: Frame, name: string): Column {
  const column = frame.column(name);
  const out = new Float64Array(frame.rowCount);
  for (let i = 0; i < frame.rowCount; i++) {
    const v = valueAt(column, i);
    if (v === null) {
      throw new KeelError(
        'KEEL_FEATURE_BAD_VALUE',
        `Entity row ${i}: "${name}" is missing; every entity row needs a timestamp.`,
        {
          details: { row: i, column: name },
        },
      );
    }
    out[i] =
      column.type === 'timestamp' ? (v as number) : parseInstant(v, `Entity row ${i}, column "${name}"`);
  }
  return numberColumn(name, out, 'timestamp');
}

function checkColumns(frame: Frame, selection: FeatureSelection): void {
  const missing = selection.entityColumns.filter((k) => !frame.has(k.name));
  if (missing.length > 0) {
    const needers = selection.views
      .filter((v) => v.keyColumns.some((k) => missing.some((m) => m.name === k.column)))
      .map((v) => v.view.spec.name);
    throw new KeelError(
      'KEEL_FEATURE_MISSING_JOIN_KEY',
      `The entity rows lack join key column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m.name}"`).join(', ')}, needed by ${needers.join(', ')}. Columns given: ${frame.names.join(', ') || '(none)'}.`,
      { details: { missing: missing.map((m) => m.name), views: needers } },
    );
  }
  const fields = selection.requestFields.filter((f) => !frame.has(f.name));
  if (fields.length > 0) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `The entity rows lack request field${fields.length > 1 ? 's' : ''} ${fields.map((f) => `"${f.name}"`).join(', ')}, read by on-demand feature views ${selection.onDemand.map((o) => o.odfv.spec.name).join(', ')}.`,
      { details: { missing: fields.map((f) => f.name) } },
    );
  }
}

function recordsToFrame(
  rows: readonly Readonly<Record<string, unknown>>[],
  selection: FeatureSelection,
  tsColumn: string,
): Frame {
  const names: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!names.includes(k)) names.push(k);
  const typed = new Map<string, FieldSpec>(selection.entityColumns.map((k) => [k.name, k]));
  for (const f of selection.requestFields) if (!typed.has(f.name)) typed.set(f.name, f);
  const columns = names.map((name): Column => {
    const values = rows.map((r) => r[name]);
    if (name === tsColumn) {
      return numberColumn(
        name,
        values.map((v, i) =>
          v === null || v === undefined ? null : parseInstant(v, `Entity row ${i}, column "${name}"`),
        ),
        'timestamp',
      );
    }
    const field = typed.get(name);
    if (field) {
      const isKey = selection.entityColumns.includes(field);
      const checked = values.map((v, i) => {
        if (v === null || v === undefined) return null;
        if (isKey) return coerceKey(v, field, `Entity row ${i}`);
        const parsed = field.type === 'timestamp' ? parseInstant(v, `Entity row ${i}, field "${name}"`) : v;
        const problem = valueProblem(parsed, field.type);
        if (problem)
          throw new KeelError('KEEL_FEATURE_BAD_VALUE', `Entity row ${i}, field "${name}": ${problem}.`, {
            details: { row: i, field: name },
          });
        return parsed;
      });
      return Frame.fromRecords(
        checked.map((v) => ({ [name]: v })),
        { fields: [{ name, type: frameTypeOf(field.type), nullable: true }] },
      ).columns[0]!;
    }
    return (
      Frame.fromRecords(values.map((v) => ({ [name]: v }))).columns[0] ??
      numberColumn(
        name,
        values.map(() => null),
      )
    );
  });
  return Frame.fromColumns(columns);
}

/**
 * Checks and normalises entity rows for a point-in-time join: finds the timestamp column
 * (`event_timestamp`, the only timestamp column, or `timestampColumn`), parses string timestamps
 * (a time zone is required: `KEEL_FEATURE_NO_TIMEZONE`), and checks that every join key and request
 * field the selection needs is present (`KEEL_FEATURE_MISSING_JOIN_KEY`) and well typed.
 */
export function prepareEntities(
  rows: EntityRows,
  selection: FeatureSelection,
  timestampColumn?: string,
): PreparedEntities {
  let frame: Frame;
  if (rows instanceof Frame) frame = rows;
  else {
    const names = new Set(rows.flatMap((r) => Object.keys(r)));
    const ts = timestampColumn ?? (names.has('event_timestamp') ? 'event_timestamp' : undefined);
    if (ts === undefined) {
      throw new KeelError(
        'KEEL_INVALID_ARGUMENT',
        `The entity rows need an "event_timestamp" field (or name the timestamp field with timestampColumn).`,
        {
          details: { fields: [...names] },
        },
      );
    }
    frame = recordsToFrame(rows, selection, ts);
  }
  const ts = pickTimestampColumn(frame, timestampColumn);
  checkColumns(frame, selection);
  return { frame: frame.withColumn(timestamps(frame, ts)), timestampColumn: ts };
}
