import { KeelError } from '../../../core/index.js';

/** Numbers a metric accepts: plain arrays or typed arrays. */
export type Numbers = ArrayLike<number>;

/** Refuses empty inputs, mismatched lengths and non-finite values, naming the metric and argument. */
export function checkInputs(
  metric: string,
  yTrue: Numbers,
  other: Numbers,
  otherName: string,
  sampleWeight: Numbers | undefined,
  otherWidth = 1,
): void {
  const n = yTrue.length;
  if (n === 0) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `${metric}: yTrue is empty; a metric needs at least one row.`,
      {
        details: { metric },
      },
    );
  }
  if (other.length !== n * otherWidth) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `${metric}: yTrue has ${n} rows but ${otherName} has ${other.length} values` +
        (otherWidth > 1 ? ` (expected ${n} x ${otherWidth}).` : '.'),
      { details: { metric, rows: n, values: other.length } },
    );
  }
  if (sampleWeight && sampleWeight.length !== n) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `${metric}: yTrue has ${n} rows but sampleWeight has ${sampleWeight.length}.`,
      { details: { metric, rows: n, weights: sampleWeight.length } },
    );
  }
  assertFinite(metric, 'yTrue', yTrue);
  assertFinite(metric, otherName, other);
  if (sampleWeight) assertFinite(metric, 'sampleWeight', sampleWeight);
}

/** Refuses NaN and infinities (scikit-learn's `assert_all_finite`). */
export function assertFinite(metric: string, name: string, values: Numbers): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) {
      throw new KeelError(
        'KEEL_INVALID_ARGUMENT',
        `${metric}: ${name}[${i}] is ${values[i]}; metrics need finite numbers (drop or fill missing values first).`,
        { details: { metric, argument: name, index: i } },
      );
    }
  }
}

/** Refuses binary labels other than 0 and 1 (the positive class is 1). */
export function assertBinaryLabels(metric: string, yTrue: Numbers): void {
  for (let i = 0; i < yTrue.length; i++) {
    const v = yTrue[i]!;
    if (v !== 0 && v !== 1) {
      throw new KeelError(
        'KEEL_INVALID_ARGUMENT',
        `${metric}: yTrue[${i}] is ${v}; binary metrics take labels 0 and 1 (1 = positive class).`,
        { details: { metric, index: i, value: v } },
      );
    }
  }
}

/** The number of score columns: `scores.length / rows`, refused unless a whole number >= 1. */
export function scoreWidth(metric: string, rows: number, scores: Numbers): number {
  const k = rows > 0 ? scores.length / rows : 0;
  if (!Number.isInteger(k) || k < 1) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `${metric}: ${scores.length} scores for ${rows} rows; pass one score per row or a row-major n x k matrix.`,
      { details: { metric, rows, values: scores.length } },
    );
  }
  return k;
}

/** A metric that is undefined for this input (the code is `KEEL_LEARN_METRIC_UNDEFINED`). */
export function undefinedMetric(metric: string, why: string): KeelError {
  return new KeelError('KEEL_LEARN_METRIC_UNDEFINED', `${metric} is undefined: ${why}`, {
    details: { metric },
  });
}

/** A bad argument to a metric (the code is `KEEL_INVALID_ARGUMENT`). */
export function badMetricArgument(metric: string, message: string): KeelError {
  return new KeelError('KEEL_INVALID_ARGUMENT', `${metric}: ${message}`, { details: { metric } });
}
