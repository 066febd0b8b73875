/**
 * Reference snapshots: a small, JSON-serialisable summary of a training frame that drift
 * reports can use in place of the frame. Categorical columns keep every category count; numeric
 * columns keep exact summaries (count, missing, mean, population std, min, max, PSI decile bins
 * and, with at most 20 distinct values, every value count) plus their values — all of them up to
 * `sampleSize`, else `sampleSize` evenly spaced order statistics (a quantile sketch).
 */
import { z } from 'zod';
import { type Frame, KeelError } from '../../core/index.js';
import {
  type ColumnSide,
  categoricalSideFromCounts,
  type NumericSide,
  once,
  sideFromColumn,
} from '../internal/column-side.js';

/** The `format` tag of a serialised snapshot. */
export const SNAPSHOT_FORMAT = 'keel.drift-reference';
/** Default number of values kept per numeric column. */
export const DEFAULT_SNAPSHOT_SAMPLE_SIZE = 1000;

/** A numeric column of a snapshot. */
export interface NumericSnapshotColumn {
  readonly name: string;
  readonly kind: 'numeric';
  /** The frame column type ('numeric' or 'integer'). */
  readonly type: string;
  /** Non-missing values, and missing ones (NaN, ±Infinity). */
  readonly count: number;
  readonly missing: number;
  readonly mean: number;
  /** Population standard deviation (ddof = 0), over every value. */
  readonly std: number;
  readonly min: number;
  readonly max: number;
  /** PSI cut points (unique reference deciles) and the counts of every value in those bins. */
  readonly cutPoints: number[];
  readonly binCounts: number[];
  /** [value, count] for every distinct value when there are at most 20, else null. */
  readonly valueCounts: [number, number][] | null;
  /** True when `values` holds every value; false when it is a quantile sketch. */
  readonly exact: boolean;
  /** Ascending values: all of them, or the order statistics at ranks floor((i + 0.5) n / m). */
  readonly values: number[];
}

/** A categorical (or boolean) column of a snapshot. */
export interface CategoricalSnapshotColumn {
  readonly name: string;
  readonly kind: 'categorical';
  readonly type: string;
  readonly count: number;
  readonly missing: number;
  /** [category, count] for every category present, most frequent first. */
  readonly categories: [string, number][];
}

/** A column drift reports do not test (text, timestamp); kept so reports can say so. */
export interface UnsupportedSnapshotColumn {
  readonly name: string;
  readonly kind: 'unsupported';
  readonly type: string;
  readonly count: number;
  readonly missing: number;
}

/** One column of a snapshot. */
export type SnapshotColumn = NumericSnapshotColumn | CategoricalSnapshotColumn | UnsupportedSnapshotColumn;

/** A reference snapshot (see the module doc); serialise with JSON.stringify. */
export interface ReferenceSnapshot {
  readonly format: typeof SNAPSHOT_FORMAT;
  readonly version: 1;
  readonly rowCount: number;
  readonly sampleSize: number;
  readonly columns: SnapshotColumn[];
}

/** Options of `buildReferenceSnapshot`. */
export interface SnapshotOptions {
  /** Values kept per numeric column (default 1000); more values become a quantile sketch. */
  readonly sampleSize?: number;
  /** Columns to keep (default: all). */
  readonly columns?: readonly string[];
}

/** True when `value` is a reference snapshot object (checks the format tag only). */
export function isReferenceSnapshot(value: unknown): value is ReferenceSnapshot {
  return (
    typeof value === 'object' && value !== null && (value as { format?: unknown }).format === SNAPSHOT_FORMAT
  );
}

/** m evenly spaced order statistics of an ascending array (all of it when m >= its length). */
function quantileSketch(sorted: Float64Array, m: number): number[] {
  const n = sorted.length;
  if (n <= m) return Array.from(sorted);
  return Array.from({ length: m }, (_, i) => sorted[Math.floor(((i + 0.5) * n) / m)]!);
}

function numericColumn(side: NumericSide, sampleSize: number): NumericSnapshotColumn {
  const bins = side.count === 0 ? null : side.bins();
  const vc = side.valueCounts();
  return {
    name: side.name,
    kind: 'numeric',
    type: side.type,
    count: side.count,
    missing: side.missing,
    mean: side.count ? side.mean() : 0,
    std: side.count ? side.std() : 0,
    min: side.count ? side.min() : 0,
    max: side.count ? side.max() : 0,
    cutPoints: bins?.cutPoints ?? [],
    binCounts: bins?.counts ?? [],
    valueCounts: vc ? vc.values.map((v, i) => [v, vc.counts[i]!]) : null,
    exact: side.count <= sampleSize,
    values: quantileSketch(side.sorted(), sampleSize),
  };
}

function snapshotColumn(side: ColumnSide, sampleSize: number): SnapshotColumn {
  if (side.kind === 'numeric') return numericColumn(side, sampleSize);
  if (side.kind === 'categorical') {
    const categories = [...side.counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    return {
      name: side.name,
      kind: 'categorical',
      type: side.type,
      count: side.count,
      missing: side.missing,
      categories,
    };
  }
  return { name: side.name, kind: 'unsupported', type: side.type, count: side.count, missing: side.missing };
}

/**
 * Summarises a (training) frame into a reference snapshot. Deterministic: the same frame gives
 * the same JSON. Throws `KEEL_INVALID_ARGUMENT` for a sampleSize below 1.
 */
export function buildReferenceSnapshot(frame: Frame, options: SnapshotOptions = {}): ReferenceSnapshot {
  const sampleSize = options.sampleSize ?? DEFAULT_SNAPSHOT_SAMPLE_SIZE;
  if (!Number.isInteger(sampleSize) || sampleSize < 1) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `sampleSize must be a positive integer; got ${sampleSize}.`,
      {
        details: { sampleSize },
      },
    );
  }
  const names = options.columns ?? frame.names;
  const columns = names.map((n) => snapshotColumn(sideFromColumn(frame.column(n), false), sampleSize));
  return { format: SNAPSHOT_FORMAT, version: 1, rowCount: frame.rowCount, sampleSize, columns };
}

const finite = z.number().finite();
const count = z.number().int().nonnegative();
const snapshotSchema = z.object({
  format: z.literal(SNAPSHOT_FORMAT),
  version: z.literal(1),
  rowCount: count,
  sampleSize: z.number().int().positive(),
  columns: z.array(
    z.discriminatedUnion('kind', [
      z.object({
        name: z.string(),
        kind: z.literal('numeric'),
        type: z.string(),
        count,
        missing: count,
        mean: finite,
        std: finite.nonnegative(),
        min: finite,
        max: finite,
        cutPoints: z.array(finite),
        binCounts: z.array(count),
        valueCounts: z.array(z.tuple([finite, count])).nullable(),
        exact: z.boolean(),
        values: z.array(finite),
      }),
      z.object({
        name: z.string(),
        kind: z.literal('categorical'),
        type: z.string(),
        count,
        missing: count,
        categories: z.array(z.tuple([z.string(), count])),
      }),
      z.object({ name: z.string(), kind: z.literal('unsupported'), type: z.string(), count, missing: count }),
    ]),
  ),
});

function bad(message: string, details: Record<string, unknown> = {}): KeelError {
  return new KeelError('KEEL_MONITOR_BAD_SNAPSHOT', message, { details });
}

function checkNumeric(c: NumericSnapshotColumn): void {
  const where = `column "${c.name}"`;
  if (c.count > 0 && c.binCounts.length !== c.cutPoints.length + 1)
    throw bad(`${where}: binCounts must have cutPoints + 1 entries.`);
  if (c.binCounts.reduce((a, b) => a + b, 0) !== c.count)
    throw bad(`${where}: binCounts do not add up to count.`);
  for (let i = 1; i < c.values.length; i++) {
    if (!(c.values[i - 1]! <= c.values[i]!)) throw bad(`${where}: values must be ascending (index ${i}).`);
  }
  if (c.exact && c.values.length !== c.count)
    throw bad(`${where}: exact columns keep all ${c.count} values.`);
  if (!c.exact && c.values.length === 0) throw bad(`${where}: a sketch needs values.`);
}

/**
 * Validates a parsed JSON value (or JSON text) as a reference snapshot. Throws
 * `KEEL_MONITOR_BAD_SNAPSHOT` naming the first problem and where it is.
 */
export function parseReferenceSnapshot(input: unknown): ReferenceSnapshot {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (error) {
      throw new KeelError(
        'KEEL_MONITOR_BAD_SNAPSHOT',
        `The reference snapshot is not JSON: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }
  const parsed = snapshotSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.join('.') || '(root)';
    throw bad(`The reference snapshot is invalid at ${path}: ${issue.message}.`, { path });
  }
  const snapshot = parsed.data as ReferenceSnapshot;
  for (const c of snapshot.columns) if (c.kind === 'numeric') checkNumeric(c);
  return snapshot;
}

/** The drift side of one snapshot column. */
export function sideFromSnapshotColumn(c: SnapshotColumn, missingAsCategory: boolean): ColumnSide {
  if (c.kind === 'categorical')
    return categoricalSideFromCounts(c.name, c.type, c.missing, c.categories, missingAsCategory);
  if (c.kind === 'unsupported') return { ...c, rows: c.count + c.missing };
  const vc = c.valueCounts;
  // With at most 20 distinct values the counts are the whole distribution: expand them back into
  // every value (up to a million) so KS and Wasserstein stay exact, not sketched.
  const expand = vc !== null && !c.exact && c.count <= MAX_EXPANDED_VALUES;
  const sorted = once(() => (expand ? expandValueCounts(vc) : Float64Array.from(c.values)));
  return {
    kind: 'numeric',
    name: c.name,
    type: c.type,
    rows: c.count + c.missing,
    missing: c.missing,
    count: c.count,
    exact: c.exact || expand,
    sorted,
    mean: () => c.mean,
    std: () => c.std,
    min: () => c.min,
    max: () => c.max,
    bins: () => ({ cutPoints: c.cutPoints, counts: c.binCounts }),
    valueCounts: () => (vc ? { values: vc.map(([v]) => v), counts: vc.map(([, n]) => n) } : null),
  };
}

const MAX_EXPANDED_VALUES = 1_000_000;

function expandValueCounts(vc: readonly (readonly [number, number])[]): Float64Array {
  const out = new Float64Array(vc.reduce((a, [, n]) => a + n, 0));
  let k = 0;
  for (const [v, n] of vc) {
    out.fill(v, k, k + n);
    k += n;
  }
  return out;
}
