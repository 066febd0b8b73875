/**
 * A uniform view of the two kinds of drift data: a Frame (every value) or a ReferenceSnapshot
 * (summaries and sketches). Reports and charts ask it for one column's side at a time.
 */
import type { Frame } from '../../core/index.js';
import { type ColumnSide, sideFromColumn } from '../internal/column-side.js';
import { isReferenceSnapshot, type ReferenceSnapshot, sideFromSnapshotColumn } from './snapshot.js';

/** A drift reference: a frame, or a snapshot built from one. */
export type DriftReference = Frame | ReferenceSnapshot;

/** Column names and sides of a frame or snapshot. */
export interface DriftSource {
  readonly kind: 'frame' | 'snapshot';
  readonly rows: number;
  readonly names: string[];
  /** The side of column `name` (must be one of `names`). */
  side(name: string, missingAsCategory: boolean): ColumnSide;
}

/** Wraps a frame or snapshot as a `DriftSource`. */
export function driftSource(data: DriftReference): DriftSource {
  if (isReferenceSnapshot(data)) {
    const byName = new Map(data.columns.map((c) => [c.name, c]));
    return {
      kind: 'snapshot',
      rows: data.rowCount,
      names: data.columns.map((c) => c.name),
      side: (name, missing) => sideFromSnapshotColumn(byName.get(name)!, missing),
    };
  }
  return {
    kind: 'frame',
    rows: data.rowCount,
    names: data.names,
    side: (name, missing) => sideFromColumn(data.column(name), missing),
  };
}
