import { type Column, type DataType, isMissingAt, valueAt } from '../../core/index.js';
import type { ColumnExpectation } from '../expectations.js';

/** One row-level rule on a column: `fails(i)` is true when row i breaks it. */
export interface RowCheck {
  readonly rule: string;
  readonly expected: string;
  /** Missing values are not judged by this rule (only `nullable` and `maxMissingShare` look at them). */
  readonly skipMissing: boolean;
  fails(i: number): boolean;
}

const BOOLEAN_TEXT = /^(true|false|0|1)$/i;
const NEVER = (): boolean => false;

function stringAt(column: Column): (i: number) => string {
  if (column.type === 'categorical') return (i) => column.levels[column.codes[i]!] ?? '';
  if (column.type === 'text') return (i) => column.values[i] ?? '';
  return (i) => String(valueAt(column, i));
}

/** Row i as a number: number columns as stored; strings parsed as numbers, or as times when `asTime`. */
function numberAt(column: Column, asTime: boolean): (i: number) => number {
  if (column.type !== 'categorical' && column.type !== 'text') return (i) => column.values[i]!;
  const text = stringAt(column);
  return (i) => {
    const s = text(i).trim();
    if (s === '') return Number.NaN;
    return asTime ? Date.parse(s) : Number(s);
  };
}

/** Whether row i holds a value of `type` (see docs/data.md: strings are parsed, numbers range-checked). */
function typeCheck(column: Column, type: DataType): (i: number) => boolean {
  const actual = column.type;
  const strings = actual === 'categorical' || actual === 'text';
  const num = numberAt(column, false);
  switch (type) {
    case 'numeric':
      return strings ? (i) => !Number.isFinite(num(i)) : actual === 'timestamp' ? () => true : NEVER;
    case 'integer':
      return actual === 'timestamp' ? () => true : (i) => !Number.isInteger(num(i));
    case 'boolean': {
      if (!strings) return actual === 'timestamp' ? () => true : (i) => num(i) !== 0 && num(i) !== 1;
      const text = stringAt(column);
      return (i) => !BOOLEAN_TEXT.test(text(i).trim());
    }
    case 'timestamp': {
      if (actual === 'timestamp') return NEVER;
      if (!strings) return () => true;
      const time = numberAt(column, true);
      return (i) => Number.isNaN(time(i));
    }
    default:
      return NEVER;
  }
}

function duplicates(column: Column, rows: number): Uint8Array {
  const dup = new Uint8Array(rows);
  const seen = new Set<string | number>();
  const key: (i: number) => string | number =
    column.type === 'categorical'
      ? (i) => column.codes[i]!
      : column.type === 'text'
        ? (i) => column.values[i]!
        : (i) => column.values[i]!;
  for (let i = 0; i < rows; i++) {
    if (isMissingAt(column, i)) continue;
    const k = key(i);
    if (seen.has(k)) dup[i] = 1;
    else seen.add(k);
  }
  return dup;
}

function bound(value: string | number): number {
  return typeof value === 'number' ? value : Date.parse(value);
}

/** The row checks for a column's expectations, in report order. */
export function columnChecks(column: Column, rules: ColumnExpectation, rows: number): RowCheck[] {
  const checks: RowCheck[] = [];
  const missing = (i: number): boolean => isMissingAt(column, i);
  if (rules.type !== undefined) {
    checks.push({
      rule: 'type',
      expected: `a ${rules.type} value`,
      skipMissing: true,
      fails: typeCheck(column, rules.type),
    });
  }
  if (rules.nullable === false)
    checks.push({ rule: 'nullable', expected: 'no missing values', skipMissing: false, fails: missing });
  if (rules.maxMissingShare !== undefined) {
    let count = 0;
    for (let i = 0; i < rows; i++) if (missing(i)) count++;
    const share = rows === 0 ? 0 : count / rows;
    const over = share > rules.maxMissingShare;
    checks.push({
      rule: 'maxMissingShare',
      expected: `missing share <= ${rules.maxMissingShare} (actual ${Number(share.toFixed(4))})`,
      skipMissing: false,
      fails: over ? missing : NEVER,
    });
  }
  for (const which of ['min', 'max'] as const) {
    const limit = rules[which];
    if (limit === undefined) continue;
    const value = numberAt(column, typeof limit === 'string');
    const b = bound(limit);
    checks.push({
      rule: which,
      expected: `${which === 'min' ? '>=' : '<='} ${limit}`,
      skipMissing: true,
      fails: which === 'min' ? (i) => value(i) < b : (i) => value(i) > b,
    });
  }
  if (rules.allowed !== undefined) {
    const allowed = new Set(rules.allowed.map(String));
    const text = stringAt(column);
    const shown = rules.allowed.map((a) => JSON.stringify(a)).join(', ');
    checks.push({
      rule: 'allowed',
      expected: `one of ${shown}`,
      skipMissing: true,
      fails: (i) => !allowed.has(text(i)),
    });
  }
  if (rules.unique === true) {
    const dup = duplicates(column, rows);
    checks.push({
      rule: 'unique',
      expected: 'no repeated values',
      skipMissing: true,
      fails: (i) => dup[i] === 1,
    });
  }
  if (rules.regex !== undefined) {
    const re = new RegExp(rules.regex, 'u');
    const text = stringAt(column);
    checks.push({
      rule: 'regex',
      expected: `matches /${rules.regex}/`,
      skipMissing: true,
      fails: (i) => !re.test(text(i)),
    });
  }
  return checks;
}
