import { KeelError } from '../../core/index.js';
import type { JsonValue } from '../../storage/index.js';
import { asJsonValue } from '../internal/canonical-json.js';
import type { RetryOptions } from '../retry.js';
import { buildStep, isStep, type Step, type StepParams, type StepRef } from '../step.js';
import type { BuiltinDefinition } from './definition.js';
import { deployStep } from './deploy.js';
import { evaluateStep } from './evaluate.js';
import { ingestStep } from './ingest.js';
import { registerStep } from './register.js';
import { trainStep } from './train.js';
import { trainingSetStep } from './training-set.js';
import { tuneStep } from './tune.js';
import { validateStep } from './validate.js';

/** Every built-in step kind, in the order of the ML loop. */
export const BUILTIN_STEPS: ReadonlyMap<string, BuiltinDefinition> = new Map(
  [
    ingestStep,
    validateStep,
    trainingSetStep,
    tuneStep,
    trainStep,
    evaluateStep,
    registerStep,
    deployStep,
  ].map((d) => [d.kind, d]),
);

/** How a built-in step is used in a pipeline. */
export interface BuiltinStepOptions {
  /** The step's name in the pipeline. */
  readonly name: string;
  readonly description?: string;
  /** Input name → upstream step (or its name); must cover the kind's required inputs. */
  readonly inputs?: Readonly<Record<string, StepRef>>;
  /** Params over the kind's defaults; unknown names fail. */
  readonly params?: Readonly<Record<string, JsonValue>>;
  readonly retry?: RetryOptions;
  readonly timeoutMs?: number;
  /** Override the kind's cache default. */
  readonly cache?: boolean;
}

/**
 * A built-in step (`ingest`, `validate`, `training-set`, `tune`, `train`, `evaluate`, `register`,
 * `deploy`) configured for a pipeline. Unknown kinds, missing or unknown inputs and params, and
 * params of the wrong type fail with `KEEL_PIPELINE_INVALID` naming the step.
 */
export function builtin(kind: string, options: BuiltinStepOptions): Step {
  const def = BUILTIN_STEPS.get(kind);
  const where = `Step "${String(options?.name)}"`;
  const invalid = (message: string, details: Record<string, unknown> = {}): never => {
    throw new KeelError('KEEL_PIPELINE_INVALID', `${where}: ${message}`, {
      details: { step: options?.name, uses: kind, ...details },
    });
  };
  if (!def)
    invalid(`unknown built-in step "${kind}". Built-in steps: ${[...BUILTIN_STEPS.keys()].join(', ')}.`);
  const d = def!;
  const inputs = options.inputs ?? {};
  for (const name of Object.keys(inputs)) {
    if (!d.inputs.includes(name) && !d.optionalInputs.includes(name)) {
      invalid(
        `"${kind}" has no input "${name}". Its inputs: ${[...d.inputs, ...d.optionalInputs].join(', ') || '(none)'}.`,
        {
          input: name,
        },
      );
    }
  }
  for (const name of d.inputs)
    if (!(name in inputs)) invalid(`"${kind}" needs input "${name}".`, { input: name });
  const given = asJsonValue(options.params ?? {}, `${where} params`) as StepParams;
  for (const [key, value] of Object.entries(given)) {
    if (!(key in d.params)) {
      invalid(`"${kind}" has no parameter "${key}". Its parameters: ${Object.keys(d.params).join(', ')}.`, {
        param: key,
      });
    }
    const expected = d.params[key] ?? null;
    if (expected !== null && value !== null && typeOf(expected) !== typeOf(value)) {
      invalid(`parameter "${key}" must be ${typeOf(expected)}, got ${typeOf(value)}.`, { param: key });
    }
  }
  const params: StepParams = { ...d.params, ...given };
  for (const key of d.required) {
    if (params[key] === null || params[key] === undefined)
      invalid(`"${kind}" needs parameter "${key}".`, { param: key });
  }
  const problem = d.check?.(params) ?? null;
  if (problem) invalid(problem);
  return buildStep(
    {
      name: options.name,
      description: options.description ?? d.description,
      inputs: Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, isStep(v) ? v.name : v])),
      params,
      version: `builtin:${kind}@${d.version}`,
      ...(options.retry ? { retry: options.retry } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      cache: options.cache ?? d.cache,
      run: (stepInputs: Record<string, unknown>, stepParams: StepParams, ctx) =>
        d.run(stepInputs, stepParams, ctx),
    },
    kind,
  ) as Step;
}

function typeOf(value: JsonValue): string {
  return value === null
    ? 'null'
    : Array.isArray(value)
      ? 'a list'
      : typeof value === 'object'
        ? 'an object'
        : `a ${typeof value}`;
}
