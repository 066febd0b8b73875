import { KeelError } from '../../core/index.js';
import { encodeLabels, evaluate, predictFrame } from '../../learn/index.js';
import type { JsonValue } from '../../storage/index.js';
import { asDataset, loadDataset } from './datasets.js';
import type { BuiltinDefinition } from './definition.js';
import { loadModel } from './models.js';

/** A bound on one metric: `min` and/or `max`, inclusive. */
type Bound = { readonly min?: number; readonly max?: number };

/**
 * `evaluate`: scores the `model` input on the `data` input with the learn module's standard
 * metrics of its task (scikit-learn's definitions) and applies `thresholds` as a gate: a metric
 * outside its bound fails the step with `KEEL_PIPELINE_GATE_FAILED` (not retried) naming the metric,
 * its value and the bound. The result passes the model on with its metrics for `register`.
 */
export const evaluateStep: BuiltinDefinition = {
  kind: 'evaluate',
  description: 'Score a model on a dataset and gate on thresholds',
  inputs: ['model', 'data'],
  optionalInputs: [],
  params: { thresholds: {} },
  required: [],
  cache: true,
  version: '1',
  check: (p) => thresholdProblem(p.thresholds),
  async run(inputs, params, ctx) {
    const { ref, model } = await loadModel(ctx, inputs.model, 'model');
    const data = asDataset(inputs.data, ctx.step, 'data');
    const frame = await loadDataset(ctx, data, 'data');
    const predictions = predictFrame(model, frame);
    const y = encodeLabels(frame, model.target, { task: model.task, classes: model.classes });
    const metrics = evaluate(model.task, y, predictions.outputs, model.classes);
    await ctx.run.logMetrics(metrics);
    await ctx.run.logInput({
      fingerprint: data.fingerprint,
      name: data.source,
      source: data.source,
      rowCount: data.rows,
      context: 'evaluation',
    });
    const misses: string[] = [];
    for (const [name, bound] of Object.entries(params.thresholds as Record<string, Bound>)) {
      const value = metrics[name];
      if (value === undefined) {
        throw new KeelError(
          'KEEL_PIPELINE_INVALID',
          `Step "${ctx.step}": threshold on "${name}", which a ${model.task} model does not report. Use one of: ${Object.keys(metrics).join(', ')}.`,
          { details: { step: ctx.step, metric: name } },
        );
      }
      if (bound.min !== undefined && value < bound.min)
        misses.push(`${name} ${value.toFixed(4)} < min ${bound.min}`);
      if (bound.max !== undefined && value > bound.max)
        misses.push(`${name} ${value.toFixed(4)} > max ${bound.max}`);
    }
    if (misses.length > 0) {
      throw new KeelError(
        'KEEL_PIPELINE_GATE_FAILED',
        `Model from run ${ref.runId} failed the gate: ${misses.join('; ')}.`,
        {
          details: { step: ctx.step, metrics, thresholds: params.thresholds },
        },
      );
    }
    return { ...ref, metrics: metrics as Record<string, JsonValue>, evaluatedOn: data.fingerprint };
  },
};

function thresholdProblem(value: JsonValue | undefined): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'thresholds must map metric names to { min, max }';
  }
  for (const [name, bound] of Object.entries(value)) {
    const b = bound as Record<string, unknown> | null;
    const ok =
      b !== null &&
      typeof b === 'object' &&
      Object.keys(b).every((k) => (k === 'min' || k === 'max') && typeof b[k] === 'number');
    if (!ok) return `thresholds.${name} must be { min?: number, max?: number }`;
  }
  return null;
}
