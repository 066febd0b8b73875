import { KeelError, type Scalar } from '../core/index.js';
import type { OnDemandRequest, ViewRequest } from './selection.js';
import type { FieldSpec } from './specs.js';
import { valueProblem } from './value-types.js';

/** Reads the inputs of row `row`: a feature of a view request, or a request field. */
export interface OnDemandInputs {
  feature(row: number, request: ViewRequest, feature: FieldSpec): Scalar;
  requestField(row: number, field: FieldSpec): Scalar;
}

/**
 * Runs an on-demand feature view over `rows` rows, one call of its transform per row, and returns
 * one array of values per output feature (in the view's order). This is the one code path for both
 * training sets and online reads, so both see identical values. Each input row holds every input
 * feature by name (when no two inputs share it) and as `name__feature`, plus the request fields.
 * A NaN output counts as missing. Fails with `KEEL_FEATURE_TRANSFORM_FAILED` (naming view and row) when the transform throws or
 * returns a value that does not fit its schema, and `KEEL_FEATURE_TRANSFORM_CHANGED` when the loaded
 * code is not the code that was applied.
 */
export function evaluateOnDemand(request: OnDemandRequest, rows: number, inputs: OnDemandInputs): Scalar[][] {
  const { odfv } = request;
  const name = odfv.spec.name;
  if (!odfv.transform) {
    throw new KeelError(
      'KEEL_FEATURE_TRANSFORM_FAILED',
      `On-demand feature view "${name}" has no code loaded: open the feature store with the repository that defines it (--repo).`,
      { details: { view: name } },
    );
  }
  if (odfv.transformChanged) {
    throw new KeelError(
      'KEEL_FEATURE_TRANSFORM_CHANGED',
      `The transform of on-demand feature view "${name}" differs from the one applied to the registry. Run \`keel features apply\` so training and serving use the same code.`,
      { details: { view: name } },
    );
  }
  const counts = new Map<string, number>();
  for (const input of request.inputs)
    for (const f of input.features) counts.set(f.name, (counts.get(f.name) ?? 0) + 1);
  const outputs = odfv.spec.features;
  const columns = outputs.map(() => new Array<Scalar>(rows));
  for (let i = 0; i < rows; i++) {
    const row: Record<string, Scalar> = {};
    for (const input of request.inputs) {
      for (const f of input.features) {
        const value = inputs.feature(i, input.request, f);
        row[`${input.name}__${f.name}`] = value;
        if (counts.get(f.name) === 1) row[f.name] = value;
      }
    }
    for (const field of odfv.requestFields) row[field.name] = inputs.requestField(i, field);
    let result: Record<string, unknown>;
    try {
      result = odfv.transform(row) as Record<string, unknown>;
    } catch (error) {
      throw new KeelError(
        'KEEL_FEATURE_TRANSFORM_FAILED',
        `On-demand feature view "${name}" failed on row ${i}: ${(error as Error).message ?? String(error)}`,
        { cause: error, details: { view: name, row: i } },
      );
    }
    if (result === null || typeof result !== 'object') {
      throw new KeelError(
        'KEEL_FEATURE_TRANSFORM_FAILED',
        `On-demand feature view "${name}" returned ${String(result)} on row ${i}, not an object of features.`,
        {
          details: { view: name, row: i },
        },
      );
    }
    outputs.forEach((f, j) => {
      const raw = result[f.name] ?? null;
      // NaN is Keel's missing number, as in frames.
      const value = typeof raw === 'number' && Number.isNaN(raw) ? null : raw;
      const problem = valueProblem(value, f.type);
      if (problem) {
        throw new KeelError(
          'KEEL_FEATURE_TRANSFORM_FAILED',
          `On-demand feature view "${name}", row ${i}, feature "${f.name}": ${problem} (declared ${f.type}).`,
          { details: { view: name, row: i, feature: f.name } },
        );
      }
      columns[j]![i] = value as Scalar;
    });
  }
  return columns;
}
