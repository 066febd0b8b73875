/**
 * Validation and resolution of drift options: defaults, per-column overrides, which tests run on
 * a column and with which threshold.
 */
import { KeelError } from '../../core/index.js';
import type { ColumnPair } from './stat-tests.js';
import { STAT_TESTS } from './stat-tests.js';
import {
  type ColumnDriftOptions,
  type DriftOptions,
  STAT_TEST_NAMES,
  type StatTestName,
  type StatTestSelection,
} from './types.js';

/** Default share of drifted columns that makes the dataset drift (Evidently's drift_share). */
export const DEFAULT_DRIFT_SHARE = 0.5;
/** Default minimum of non-missing rows per side before a column is tested. */
export const DEFAULT_MIN_ROWS = 30;

/** A test to run with its threshold. */
export interface PlannedTest {
  readonly test: StatTestName;
  readonly threshold: number;
}

function checkSelection(selection: StatTestSelection | undefined, where: string): void {
  if (selection === undefined || selection === 'all') return;
  const names = typeof selection === 'string' ? [selection] : selection;
  if (names.length === 0) {
    throw new KeelError('KEEL_INVALID_ARGUMENT', `${where}: the stattest list is empty.`, {
      details: { where },
    });
  }
  for (const n of names) {
    if (!STAT_TEST_NAMES.includes(n)) {
      throw new KeelError(
        'KEEL_INVALID_ARGUMENT',
        `${where}: unknown stattest "${n}". Use one of: ${STAT_TEST_NAMES.join(', ')} or all.`,
        { details: { stattest: n, known: STAT_TEST_NAMES } },
      );
    }
  }
}

function checkThreshold(t: number | undefined, where: string): void {
  if (t !== undefined && !(Number.isFinite(t) && t >= 0)) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `${where}: threshold must be a finite number >= 0; got ${t}.`,
      {
        details: { threshold: t },
      },
    );
  }
}

function checkMinRows(n: number | undefined, where: string): void {
  if (n !== undefined && !(Number.isInteger(n) && n >= 1)) {
    throw new KeelError('KEEL_INVALID_ARGUMENT', `${where}: minRows must be an integer >= 1; got ${n}.`, {
      details: { minRows: n },
    });
  }
}

/** Throws `KEEL_INVALID_ARGUMENT` naming the first invalid option. */
export function validateDriftOptions(options: DriftOptions): void {
  checkSelection(options.stattest, 'stattest');
  checkThreshold(options.threshold, 'threshold');
  checkMinRows(options.minRows, 'minRows');
  const share = options.driftShare;
  if (share !== undefined && !(share > 0 && share <= 1)) {
    throw new KeelError('KEEL_INVALID_ARGUMENT', `driftShare must be in (0, 1]; got ${share}.`, {
      details: { driftShare: share },
    });
  }
  for (const [column, o] of Object.entries(options.perColumn ?? {})) {
    checkSelection(o.stattest, `perColumn.${column}.stattest`);
    checkThreshold(o.threshold, `perColumn.${column}.threshold`);
    checkMinRows(o.minRows, `perColumn.${column}.minRows`);
  }
}

function namesOf(selection: StatTestSelection): readonly StatTestName[] {
  return typeof selection === 'string' ? (selection === 'all' ? STAT_TEST_NAMES : [selection]) : selection;
}

/**
 * The tests for one column, primary first. Column overrides must apply to the column (else
 * `KEEL_INVALID_ARGUMENT`); global lists keep what applies and fall back to the default test.
 */
export function planTests(
  column: string,
  pair: ColumnPair,
  defaultTest: StatTestName,
  options: DriftOptions,
  columnOptions: ColumnDriftOptions | undefined,
): PlannedTest[] {
  const selection = columnOptions?.stattest ?? options.stattest;
  let tests: StatTestName[];
  if (selection === undefined) tests = [defaultTest];
  else if (selection === 'all') {
    tests = [defaultTest, ...STAT_TEST_NAMES.filter((t) => t !== defaultTest && STAT_TESTS[t].applies(pair))];
  } else {
    const wanted = namesOf(selection);
    tests = wanted.filter((t, i) => STAT_TESTS[t].applies(pair) && wanted.indexOf(t) === i);
    if (columnOptions?.stattest !== undefined && tests.length < wanted.length) {
      const applicable = STAT_TEST_NAMES.filter((t) => STAT_TESTS[t].applies(pair));
      const bad = wanted.find((t) => !STAT_TESTS[t].applies(pair));
      throw new KeelError(
        'KEEL_INVALID_ARGUMENT',
        `Column "${column}": stattest "${bad}" does not apply to it. Applicable: ${applicable.join(', ')}.`,
        { details: { column, stattest: bad, applicable } },
      );
    }
    if (tests.length === 0) tests = [defaultTest];
  }
  const primaryThreshold = columnOptions?.threshold ?? options.threshold;
  return tests.map((test, i) => ({
    test,
    threshold:
      i === 0 && primaryThreshold !== undefined ? primaryThreshold : STAT_TESTS[test].defaultThreshold,
  }));
}
