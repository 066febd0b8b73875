import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { isKeelError } from '../../src/core/index.js';

const FIXTURES = new URL('../fixtures/', import.meta.url).pathname;

/** Reads a JSON fixture under test/fixtures, turning the oracle strings "NaN"/"Infinity"/"-Infinity" into numbers. */
export function readOracle<T = unknown>(relative: string): T {
  return JSON.parse(readFileSync(FIXTURES + relative, 'utf8'), (_key, v) => {
    if (v === 'NaN') return Number.NaN;
    if (v === 'Infinity') return Number.POSITIVE_INFINITY;
    if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
    return v;
  }) as T;
}

/** Asserts two numbers (or nested arrays of numbers) agree to `tol` absolute; NaN equals NaN. */
export function expectClose(actual: unknown, expected: unknown, tol = 1e-9, where = ''): void {
  if (Array.isArray(expected) || ArrayBuffer.isView(expected)) {
    const e = Array.from(expected as ArrayLike<unknown>);
    const a = Array.from(actual as ArrayLike<unknown>);
    expect(a.length, `${where}: length`).toBe(e.length);
    e.forEach((v, i) => {
      expectClose(a[i], v, tol, `${where}[${i}]`);
    });
    return;
  }
  if (expected === null) {
    expect(actual, where).toBeNull();
    return;
  }
  const a = actual as number;
  const b = expected as number;
  if (Number.isNaN(b)) {
    expect(Number.isNaN(a), `${where}: expected NaN, got ${a}`).toBe(true);
    return;
  }
  expect(typeof a, `${where}: type`).toBe('number');
  expect(Math.abs(a - b) <= tol, `${where}: got ${a}, expected ${b}`).toBe(true);
}

/** Compares a metric's result with the oracle's: a number, {value, sklearn_warning}, {error}, or a curve. */
export function checkExpected(name: string, run: () => unknown, expected: unknown): void {
  if (expected && typeof expected === 'object' && 'error' in expected) {
    const message = String((expected as unknown as { message: string }).message);
    const code = /only one (class|label)/i.test(message)
      ? 'KEEL_LEARN_METRIC_UNDEFINED'
      : 'KEEL_INVALID_ARGUMENT';
    let thrown: unknown = null;
    try {
      run();
    } catch (error) {
      thrown = error;
    }
    expect(
      isKeelError(thrown, code),
      `${name}: expected ${code} (scikit-learn: ${message}), got ${thrown}`,
    ).toBe(true);
    return;
  }
  const actual = run();
  if (expected && typeof expected === 'object' && 'value' in expected) {
    expectClose(actual, (expected as { value: number }).value, 1e-9, name);
  } else if (expected && typeof expected === 'object' && 'fpr' in expected) {
    const e = expected as { fpr: number[]; tpr: number[]; thresholds: number[] };
    const a = actual as { fpr: Float64Array; tpr: Float64Array; thresholds: Float64Array };
    expectClose(a.fpr, e.fpr, 1e-9, `${name}.fpr`);
    expectClose(a.tpr, e.tpr, 1e-9, `${name}.tpr`);
    expectClose(a.thresholds, e.thresholds, 1e-9, `${name}.thresholds`);
  } else if (expected && typeof expected === 'object' && 'precision' in expected) {
    const e = expected as { precision: number[]; recall: number[]; thresholds: number[] };
    const a = actual as { precision: Float64Array; recall: Float64Array; thresholds: Float64Array };
    expectClose(a.precision, e.precision, 1e-9, `${name}.precision`);
    expectClose(a.recall, e.recall, 1e-9, `${name}.recall`);
    expectClose(a.thresholds, e.thresholds, 1e-9, `${name}.thresholds`);
  } else {
    expectClose(actual, expected, 1e-9, name);
  }
}
