import { KeelError } from '../../../core/index.js';

/** Validates split fractions: each in [0, 1), together below 1. */
export function checkFractions(test: number, validation: number): void {
  for (const [name, v] of [
    ['test', test],
    ['validation', validation],
  ] as const) {
    if (!(Number.isFinite(v) && v >= 0 && v < 1)) {
      throw new KeelError('KEEL_INVALID_ARGUMENT', `Split fraction "${name}" must be in [0, 1), got ${v}.`, {
        details: { [name]: v },
      });
    }
  }
  if (test + validation >= 1) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `Split fractions test (${test}) + validation (${validation}) leave no training rows; keep their sum below 1.`,
      { details: { test, validation } },
    );
  }
}

/** Sizes of the test and validation parts: ceil(fraction x n), as scikit-learn sizes its test part. */
export function partSizes(
  n: number,
  test: number,
  validation: number,
): { nTest: number; nValidation: number } {
  const nTest = Math.ceil(test * n);
  const nValidation = Math.ceil(validation * n);
  if (n - nTest - nValidation < 1) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `${n} rows are too few for test ${test} and validation ${validation}: no training row is left.`,
      { details: { rows: n, test, validation } },
    );
  }
  return { nTest, nValidation };
}

/** Sorted copy of indices as an Int32Array. */
export function sortedIndices(values: ArrayLike<number>): Int32Array {
  return Int32Array.from(values).sort();
}
