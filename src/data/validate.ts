import { type Column, type Frame, isMissingAt, type Scalar, valueAt } from '../core/index.js';
import type { ColumnExpectation, Expectations } from './expectations.js';
import { columnChecks, type RowCheck } from './internal/column-checks.js';
import type { BadRowReport } from './read-options.js';

/** Example rows listed per failure. */
export const MAX_EXAMPLES = 5;

/** One failing row: its number in the source (1-based data row; `line` for rows that could not be parsed) and value. */
export interface FailureExample {
  readonly row?: number;
  readonly line?: number;
  readonly value: Scalar;
}

/** A rule that failed: which column (null for table rules and unparseable rows), how many rows, examples. */
export interface RuleFailure {
  readonly column: string | null;
  /** `rows`, `exists`, `type`, `nullable`, `maxMissingShare`, `min`, `max`, `allowed`, `unique`, `regex` or `parse`. */
  readonly rule: string;
  /** What was expected, for humans (`>= 0`, `no missing values`...). */
  readonly expected: string;
  /** Rows breaking the rule (for `rows`, the actual row count). */
  readonly failing: number;
  /** Up to `MAX_EXAMPLES` failing rows, in source order. */
  readonly examples: readonly FailureExample[];
}

/** The outcome of `validateFrame`. */
export interface ValidationReport {
  readonly rows: number;
  /** True when no rule failed. */
  readonly passed: boolean;
  /** Rules evaluated (each rule of each column counts once). */
  readonly checked: number;
  readonly failures: readonly RuleFailure[];
}

/** Options for `validateFrame`. */
export interface ValidateOptions {
  /** Source row number of each frame row (from `ReadResult.rowNumbers`); default row i → i + 1. */
  readonly rowNumbers?: ArrayLike<number>;
  /** Rows left out while reading (`ReadResult.badRows`); each becomes a `parse` failure. */
  readonly badRows?: BadRowReport;
}

function exampleValue(column: Column, i: number): Scalar {
  const v = valueAt(column, i);
  return column.type === 'timestamp' && typeof v === 'number' ? new Date(v).toISOString() : v;
}

function runCheck(column: Column, check: RowCheck, rowOf: (i: number) => number): RuleFailure | null {
  let failing = 0;
  const examples: FailureExample[] = [];
  const n = column.type === 'categorical' ? column.codes.length : column.values.length;
  for (let i = 0; i < n; i++) {
    if (check.skipMissing && isMissingAt(column, i)) continue;
    if (check.fails(i)) {
      failing++;
      if (examples.length < MAX_EXAMPLES) examples.push({ row: rowOf(i), value: exampleValue(column, i) });
    }
  }
  if (failing === 0) return null;
  return { column: column.name, rule: check.rule, expected: check.expected, failing, examples };
}

function tableFailures(
  frame: Frame,
  table: Expectations['table'],
): { checked: number; failures: RuleFailure[] } {
  const failures: RuleFailure[] = [];
  let checked = 0;
  const rows = frame.rowCount;
  if (table?.minRows !== undefined) {
    checked++;
    if (rows < table.minRows)
      failures.push({
        column: null,
        rule: 'rows',
        expected: `>= ${table.minRows} rows`,
        failing: rows,
        examples: [],
      });
  }
  if (table?.maxRows !== undefined) {
    checked++;
    if (rows > table.maxRows)
      failures.push({
        column: null,
        rule: 'rows',
        expected: `<= ${table.maxRows} rows`,
        failing: rows,
        examples: [],
      });
  }
  return { checked, failures };
}

function parseFailures(badRows: BadRowReport | undefined): RuleFailure[] {
  if (!badRows || badRows.count === 0) return [];
  return [
    {
      column: null,
      rule: 'parse',
      expected: 'a well-formed row',
      failing: badRows.count,
      examples: badRows.rows
        .slice(0, MAX_EXAMPLES)
        .map((r) => ({ line: r.line, value: `${r.column === null ? '' : `${r.column}: `}${r.message}` })),
    },
  ];
}

function columnFailures(frame: Frame, name: string, rules: ColumnExpectation, rowOf: (i: number) => number) {
  if (!frame.has(name)) {
    const required = rules.required ?? true;
    return {
      checked: required ? 1 : 0,
      failures: required
        ? [
            {
              column: name,
              rule: 'exists',
              expected: 'the column to exist',
              failing: frame.rowCount,
              examples: [],
            },
          ]
        : [],
    };
  }
  const column = frame.column(name);
  const checks = columnChecks(column, rules, frame.rowCount);
  const failures = checks.map((c) => runCheck(column, c, rowOf)).filter((f): f is RuleFailure => f !== null);
  return { checked: checks.length, failures };
}

/**
 * Checks a frame against expectations and lists every failing rule with the number of failing
 * rows and up to five example rows (numbered as in the source: 1-based data rows, header not
 * counted). Rows that could not be read at all (`badRows`) are reported under the `parse` rule.
 */
export function validateFrame(
  frame: Frame,
  expectations: Expectations,
  options: ValidateOptions = {},
): ValidationReport {
  const numbers = options.rowNumbers;
  const rowOf = numbers ? (i: number) => numbers[i]! : (i: number) => i + 1;
  const table = tableFailures(frame, expectations.table);
  let checked = table.checked;
  const failures: RuleFailure[] = [...parseFailures(options.badRows), ...table.failures];
  for (const [name, rules] of Object.entries(expectations.columns ?? {})) {
    const result = columnFailures(frame, name, rules, rowOf);
    checked += result.checked;
    failures.push(...result.failures);
  }
  if (options.badRows && options.badRows.count > 0) checked++;
  return { rows: frame.rowCount, passed: failures.length === 0, checked, failures };
}
