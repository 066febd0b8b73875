import { KeelError } from '../core/index.js';
import type { JsonValue } from '../storage/index.js';
import { canonicalJson, sha256 } from './internal/canonical-json.js';
import { topologicalOrder } from './internal/dag.js';
import { resolveSchedules, type Schedule, type ScheduleSpec } from './schedule.js';
import { isStep, type Step, type StepOptions, type StepParams, type StepRef, step } from './step.js';
import { resolveTriggers, type Trigger, type TriggerSpec } from './triggers.js';

/** A step as `definePipeline` accepts it: built by `step()`, or its plain options (inputs by name). */
// biome-ignore lint/suspicious/noExplicitAny: any step type is accepted; outputs are checked per step.
export type StepDeclaration = Step<any, any> | StepOptions<Record<string, StepRef>, StepParams, unknown>;

/** What `definePipeline` takes. */
export interface PipelineOptions {
  /** A letter, then letters, digits, `_ . -` (at most 128): also the default experiment of its runs. */
  readonly name: string;
  readonly description?: string;
  /** The steps, in any order; inputs define the graph. */
  readonly steps: readonly StepDeclaration[];
  /** Experiment the tracked runs go to (default: the pipeline name). */
  readonly experiment?: string;
  /** Steps run at once by default (default 4); a run can override it. */
  readonly concurrency?: number;
  readonly schedules?: readonly ScheduleSpec[];
  readonly triggers?: readonly TriggerSpec[];
  /** The scheduler starts no run while this many runs of the pipeline are RUNNING (default: no limit). */
  readonly maxActiveRuns?: number;
}

/** A checked pipeline: steps in topological order, its digest, schedules and triggers. */
export interface Pipeline {
  readonly kind: 'keel.pipeline';
  readonly name: string;
  readonly description: string | null;
  /** Steps by name, in `order`. */
  readonly steps: ReadonlyMap<string, Step>;
  /** A topological order (declaration order among independent steps). */
  readonly order: readonly string[];
  /** sha256 of the definition: steps, inputs, code versions, params defaults and policies. */
  readonly digest: string;
  readonly experiment: string;
  readonly concurrency: number;
  readonly schedules: readonly Schedule[];
  readonly triggers: readonly Trigger[];
  readonly maxActiveRuns: number | null;
  /** The file it was loaded from (absolute), or null when defined in code. */
  readonly source: string | null;
}

const PIPELINE_NAME_RE = /^[A-Za-z][A-Za-z0-9_.-]{0,127}$/;

/** True when `value` was built by `definePipeline`. */
export function isPipeline(value: unknown): value is Pipeline {
  return (
    typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'keel.pipeline'
  );
}

/**
 * Declares a pipeline: a DAG of steps. Checked now, not at run time: bad names, duplicate steps,
 * inputs naming unknown steps, bad policies and unknown built-ins fail with `KEEL_PIPELINE_INVALID`
 * naming the step or edge; cycles with `KEEL_PIPELINE_CYCLE` listing the cycle; bad cron
 * expressions with `KEEL_PIPELINE_BAD_SCHEDULE`.
 */
export function definePipeline(options: PipelineOptions, source: string | null = null): Pipeline {
  const name = options?.name;
  const invalid = (message: string, details: Record<string, unknown> = {}): never => {
    throw new KeelError('KEEL_PIPELINE_INVALID', message, { details: { pipeline: name, ...details } });
  };
  if (typeof name !== 'string' || !PIPELINE_NAME_RE.test(name)) {
    invalid(
      `Pipeline name ${JSON.stringify(name)} is not valid: start with a letter, then letters, digits, _ . - (at most 128).`,
    );
  }
  if (!Array.isArray(options.steps) || options.steps.length === 0) {
    invalid(`Pipeline "${name}" has no steps; list them in steps: [...].`);
  }
  const steps = new Map<string, Step>();
  for (const declared of options.steps) {
    const s = isStep(declared)
      ? declared
      : step(declared as StepOptions<Record<string, StepRef>, StepParams, unknown>);
    if (steps.has(s.name))
      invalid(`Pipeline "${name}" has two steps named "${s.name}"; step names must be unique.`, {
        step: s.name,
      });
    steps.set(s.name, s as Step);
  }
  for (const s of steps.values()) {
    for (const [input, upstream] of Object.entries(s.inputs)) {
      if (!steps.has(upstream)) {
        invalid(
          `Step "${s.name}" input "${input}" refers to step "${upstream}", which is not in pipeline "${name}". Known steps: ${[...steps.keys()].join(', ')}.`,
          { step: s.name, input, upstream },
        );
      }
    }
  }
  const order = topologicalOrder(
    [...steps.values()].map((s) => ({ name: s.name, deps: Object.values(s.inputs) })),
    name,
  );
  const concurrency = options.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    invalid(
      `Pipeline "${name}": concurrency must be a whole number ≥ 1, got ${String(options.concurrency)}.`,
    );
  }
  const maxActiveRuns = options.maxActiveRuns ?? null;
  if (maxActiveRuns !== null && !(Number.isInteger(maxActiveRuns) && maxActiveRuns >= 1)) {
    invalid(`Pipeline "${name}": maxActiveRuns must be a whole number ≥ 1.`);
  }
  const ordered = new Map(order.map((n) => [n, steps.get(n)!]));
  return {
    kind: 'keel.pipeline',
    name,
    description: options.description ?? null,
    steps: ordered,
    order,
    digest: pipelineDigest(name, ordered),
    experiment: options.experiment ?? name,
    concurrency,
    schedules: resolveSchedules(options.schedules, name),
    triggers: resolveTriggers(options.triggers, name),
    maxActiveRuns,
    source,
  };
}

/** The definition digest: what a worker checks before running a step of a run. */
function pipelineDigest(name: string, steps: ReadonlyMap<string, Step>): string {
  const body: JsonValue = {
    name,
    steps: [...steps.values()].map((s) => ({
      name: s.name,
      inputs: s.inputs,
      code: s.codeVersion,
      builtin: s.builtin,
      params: s.params,
      retry: { ...s.retry, retryOn: s.retry.retryOn ? sha256(String(s.retry.retryOn)).slice(0, 16) : null },
      timeoutMs: s.timeoutMs,
      cache: s.cache,
    })),
  };
  return sha256(canonicalJson(body));
}
