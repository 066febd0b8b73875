/** One logged request as the prediction logger receives it (the engine's `prediction` event fits). */
export interface PredictionLogEntry {
  /** The caller's request id; the logger assigns one when null. */
  readonly requestId: string | null;
  /** When the engine answered, epoch ms. */
  readonly at: number;
  readonly deployment: string | null;
  readonly model: string;
  readonly version: number;
  readonly variant: string | null;
  /** The input records (or feature values), one per row; null when the request came as tensors. */
  readonly records: readonly Readonly<Record<string, unknown>>[] | null;
  /** One output per row; null when not available (tensor requests). */
  readonly outputs: readonly Readonly<Record<string, unknown>>[] | null;
  readonly rows: number;
  readonly cached: boolean;
  /** Engine time, in microseconds. */
  readonly latencyUs: number;
}

/** The predicted label and a score (P(positive) for binary classifiers, the value for regressors) of one output. */
export function labelAndScore(output: Readonly<Record<string, unknown>> | undefined): {
  prediction: string | null;
  score: number | null;
} {
  if (!output) return { prediction: null, score: null };
  const label = output.label;
  const prediction =
    typeof label === 'string' || typeof label === 'number' || typeof label === 'boolean'
      ? String(label)
      : null;
  const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  let score = num(output.probability) ?? num(output.value);
  if (
    score === null &&
    output.probabilities &&
    typeof output.probabilities === 'object' &&
    prediction !== null
  ) {
    score = num((output.probabilities as Record<string, unknown>)[prediction]);
  }
  return { prediction, score };
}
