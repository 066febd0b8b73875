/**
 * Data drift reports in the manner of Evidently's data-drift preset: one test per column chosen by
 * type and size (or as asked), per-column verdicts, missing-share changes and new categories, and
 * dataset drift when a share of the tested columns drift.
 */
import { type Frame, KeelError } from '../../core/index.js';
import { type ColumnSide, sideFromColumn } from '../internal/column-side.js';
import { categoricalPair, numericPair, type PreparedPair } from './column-pair.js';
import { DEFAULT_DRIFT_SHARE, DEFAULT_MIN_ROWS, planTests, validateDriftOptions } from './options.js';
import { type DriftReference, driftSource } from './reference-source.js';
import { defaultStatTest, STAT_TESTS } from './stat-tests.js';
import type { ColumnDrift, DriftOptions, DriftReport, StatTestOutcome } from './types.js';

const share = (part: number, whole: number): number => (whole === 0 ? 0 : part / whole);

/** The parts of a column result that do not depend on the tests. */
function columnFacts(column: string, ref: ColumnSide, cur: ColumnSide, prepared: PreparedPair | null) {
  const referenceMissingShare = share(ref.missing, ref.rows);
  const currentMissingShare = share(cur.missing, cur.rows);
  return {
    column,
    kind: prepared ? prepared.pair.kind : null,
    referenceSize: ref.count,
    currentSize: cur.count,
    referenceMissingShare,
    currentMissingShare,
    missingShareChange: currentMissingShare - referenceMissingShare,
    newCategories: prepared?.newCategories ?? [],
    uniqueValues: prepared?.uniqueValues ?? null,
  };
}

function untested(
  facts: ReturnType<typeof columnFacts>,
  status: 'not_enough_data' | 'skipped',
  reason: string,
): ColumnDrift {
  return {
    ...facts,
    status,
    reason,
    test: null,
    statistic: null,
    pValue: null,
    distance: null,
    threshold: null,
    drifted: false,
    tests: [],
  };
}

function prepare(ref: ColumnSide, cur: ColumnSide): PreparedPair | string {
  if (ref.kind === 'unsupported' || cur.kind === 'unsupported') {
    const type = ref.kind === 'unsupported' ? ref.type : cur.type;
    return `${type} columns are not tested for drift`;
  }
  if (ref.kind === 'numeric' && cur.kind === 'numeric') return numericPair(ref, cur);
  if (ref.kind === 'categorical' && cur.kind === 'categorical') return categoricalPair(ref, cur);
  return `the column type changed: ${ref.type} in the reference, ${cur.type} in the current data`;
}

function testColumn(column: string, ref: ColumnSide, cur: ColumnSide, options: DriftOptions): ColumnDrift {
  const prepared = prepare(ref, cur);
  if (typeof prepared === 'string') return untested(columnFacts(column, ref, cur, null), 'skipped', prepared);
  const facts = columnFacts(column, ref, cur, prepared);
  const columnOptions = options.perColumn?.[column];
  const minRows = columnOptions?.minRows ?? options.minRows ?? DEFAULT_MIN_ROWS;
  if (ref.count < minRows || cur.count < minRows) {
    const reason = `needs at least ${minRows} non-missing values per side; the reference has ${ref.count}, the current data ${cur.count}`;
    return untested(facts, 'not_enough_data', reason);
  }
  const { pair } = prepared;
  const defaultTest = defaultStatTest(pair.kind, prepared.uniqueValues, ref.count);
  const tests: StatTestOutcome[] = planTests(column, pair, defaultTest, options, columnOptions).map(
    ({ test, threshold }) => {
      const spec = STAT_TESTS[test];
      const value = spec.run(pair);
      const score = spec.kind === 'p_value' ? value.pValue! : value.distance!;
      return { test, ...value, threshold, drifted: spec.isDrift(score, threshold) };
    },
  );
  const primary = tests[0]!;
  return {
    ...facts,
    status: 'tested',
    reason: null,
    test: primary.test,
    statistic: primary.statistic,
    pValue: primary.pValue,
    distance: primary.distance,
    threshold: primary.threshold,
    drifted: primary.drifted,
    tests,
  };
}

function requireColumn(names: readonly string[], name: string, side: string): void {
  if (!names.includes(name)) {
    throw new KeelError(
      'KEEL_FRAME_COLUMN_NOT_FOUND',
      `No column "${name}" in the ${side} data. Columns are: ${names.join(', ') || '(none)'}.`,
      { details: { column: name, side, columns: names } },
    );
  }
}

/**
 * Compares `current` with `reference` (a frame or a `ReferenceSnapshot`) column by column and
 * decides dataset drift. Columns with too few rows or of untestable types are reported with a
 * status, never as drift. Throws `KEEL_INVALID_ARGUMENT` for bad options and
 * `KEEL_FRAME_COLUMN_NOT_FOUND` for a named column missing on either side.
 */
export function detectDrift(
  reference: DriftReference,
  current: Frame,
  options: DriftOptions = {},
): DriftReport {
  validateDriftOptions(options);
  const ref = driftSource(reference);
  const curNames = current.names;
  const prediction = options.predictionColumn;
  const missingAsCategory = options.categoricalMissing === 'category';
  for (const name of [...(options.columns ?? []), ...(prediction === undefined ? [] : [prediction])]) {
    requireColumn(ref.names, name, 'reference');
    requireColumn(curNames, name, 'current');
  }
  for (const name of Object.keys(options.perColumn ?? {})) requireColumn(ref.names, name, 'reference');
  const curSet = new Set(curNames);
  const refSet = new Set(ref.names);
  const names = (options.columns ?? ref.names.filter((n) => curSet.has(n))).filter((n) => n !== prediction);
  const run = (name: string): ColumnDrift =>
    testColumn(
      name,
      ref.side(name, missingAsCategory),
      sideFromColumn(current.column(name), missingAsCategory),
      options,
    );
  const columns = names.map(run);
  const tested = columns.filter((c) => c.status === 'tested');
  const drifted = tested.filter((c) => c.drifted).length;
  const driftShare = options.driftShare ?? DEFAULT_DRIFT_SHARE;
  const shareOfDriftedColumns = share(drifted, tested.length);
  return {
    columns,
    predictionDrift: prediction === undefined ? null : run(prediction),
    datasetDrift: tested.length > 0 && shareOfDriftedColumns >= driftShare,
    driftShare,
    testedColumns: tested.length,
    driftedColumns: drifted,
    shareOfDriftedColumns,
    referenceRows: ref.rows,
    currentRows: current.rowCount,
    referenceKind: ref.kind,
    onlyInReference: ref.names.filter((n) => !curSet.has(n) && n !== prediction),
    onlyInCurrent: curNames.filter((n) => !refSet.has(n) && n !== prediction),
  };
}
