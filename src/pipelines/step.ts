import type { Clock, Logger } from '../core/index.js';
import { KeelError } from '../core/index.js';
import type { FeatureStore } from '../features/index.js';
import type { ArtifactStore, JsonValue, MetadataStore, StepArtifact } from '../storage/index.js';
import type { ActiveRun } from '../track/index.js';
import { asJsonValue, sha256 } from './internal/canonical-json.js';
import { type RetryOptions, type RetryPolicy, resolveRetryPolicy } from './retry.js';

/** Step parameters: names to JSON values; their defaults fix their types for `--param` coercion. */
export type StepParams = Record<string, JsonValue>;

/** Blob helpers a step gets: results bigger than a small JSON value go through these. */
export interface StepArtifacts {
  /**
   * Stores content (bytes, or a local file streamed) under `name` (a relative `/` path). The blob is
   * recorded with the step (lineage, cache validity) and on its tracked run as `artifacts/<name>`.
   * Returns `{ name, digest, size }`: put it in the step's result so downstream steps can read it.
   */
  save(name: string, content: Uint8Array | { readonly file: string }): Promise<StepArtifact>;
  /** The bytes of a blob by digest (or anything with a `digest`), checksum verified. */
  read(ref: string | { readonly digest: string }): Promise<Buffer>;
  /** Copies a blob to a local file (atomically, checksum verified). */
  readToFile(ref: string | { readonly digest: string }, path: string): Promise<void>;
}

/**
 * Project services the host (CLI, SDK, worker) lends to steps, opened on first use. Built-in steps
 * that need one fail with a clear error when the host did not provide it.
 */
export interface StepServices {
  /** The project's feature store (the built-in `training-set` step reads it). */
  readonly featureStore?: () => Promise<FeatureStore>;
}

/** What a step's `run` receives besides its inputs and params. */
export interface StepContext {
  readonly pipeline: string;
  /** The experiment the pipeline's tracked runs go to. */
  readonly experiment: string;
  readonly runId: string;
  readonly step: string;
  /** 1 for the first attempt, counting every earlier attempt of this step in this run. */
  readonly attempt: number;
  readonly log: Logger;
  /** Time and sleeping: use it (not Date.now / setTimeout) so tests can drive time. */
  readonly clock: Clock;
  /** Aborted on cancellation, on the step's timeout, or when its worker shuts down: stop promptly. */
  readonly signal: AbortSignal;
  readonly artifacts: StepArtifacts;
  /** The step's tracked run (a child of the pipeline run): log metrics, params and tags to it. */
  readonly run: ActiveRun;
  /** The project root; relative paths in params resolve against it. */
  readonly root: string;
  /** The project's metadata and artifact stores (built-in steps build services from them). */
  readonly stores: { readonly metadata: MetadataStore; readonly artifacts: ArtifactStore };
  /** Services the host provides (feature store...). */
  readonly services: StepServices;
}

/** A declared step: use `step()` to build one. */
export interface Step<O = unknown, P extends StepParams = StepParams> {
  readonly kind: 'keel.step';
  readonly name: string;
  readonly description: string | null;
  /** Input name → the step whose result it receives. */
  readonly inputs: Readonly<Record<string, string>>;
  /** Default parameters (overridable per run). */
  readonly params: P;
  /** The code version in the cache key: `v:<version>` when declared, else `src:<hash of run's source>`. */
  readonly codeVersion: string;
  readonly retry: RetryPolicy;
  /** Time limit of one attempt in ms, or null for none. */
  readonly timeoutMs: number | null;
  /** Whether results are cached and reused (default true). */
  readonly cache: boolean;
  /** The built-in step kind (`train`, `evaluate`...) or null for a user step. */
  readonly builtin: string | null;
  /** The work (method syntax: a step with narrower params is still a `Step`). */
  run(inputs: Record<string, unknown>, params: P, ctx: StepContext): unknown;
  /** Type-level only: the step's result type. */
  readonly __output?: O;
}

/** Something a step input can name: a step, or a step's name. */
export type StepRef = Step<unknown, StepParams> | string;

/** The values a step's `run` receives for inputs declared as `I`. */
export type InputValues<I> = {
  [K in keyof I]: I[K] extends Step<infer X, StepParams> ? X : unknown;
};

/** What `step()` takes. */
export interface StepOptions<I extends Record<string, StepRef>, P extends StepParams, O> {
  /** A letter, then letters, digits, `_` or `-` (at most 64). Unique in the pipeline. */
  readonly name: string;
  readonly description?: string;
  /** Input name → upstream step (or its name). The step runs after those, with their results. */
  readonly inputs?: I;
  /** Default parameters; a run overrides them with `--param <step>.<key>=<value>` or `<key>=<value>`. */
  readonly params?: P;
  /**
   * The code version for the cache key. Default: a hash of `run`'s source text, which does not see
   * helpers it calls; bump `version` when those change.
   */
  readonly version?: string;
  readonly retry?: RetryOptions;
  /** Time limit of one attempt in ms (default none). On expiry the attempt fails with KEEL_TIMEOUT. */
  readonly timeoutMs?: number;
  /** Set false for steps whose result must never be reused (default true). */
  readonly cache?: boolean;
  /** The work: a plain (async) function of the inputs' results, the params and a context. Returns JSON. */
  readonly run: (inputs: InputValues<I>, params: P, ctx: StepContext) => O | Promise<O>;
}

const STEP_NAME_RE = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const INPUT_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** True when `value` was built by `step()`. */
export function isStep(value: unknown): value is Step {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'keel.step';
}

/**
 * Declares a pipeline step: a plain async function of typed inputs (other steps' results),
 * params and a context. Checks the declaration; errors are `KEEL_PIPELINE_INVALID` naming the step.
 */
export function step<
  const I extends Record<string, StepRef> = Record<never, never>,
  P extends StepParams = Record<never, never>,
  O = unknown,
>(options: StepOptions<I, P, O>): Step<Awaited<O>, P> {
  return buildStep(options as unknown as StepOptions<Record<string, StepRef>, P, O>, null);
}

/** Builds a step, for `step()` and for the built-in catalog (`builtin` = its kind). */
export function buildStep<P extends StepParams, O>(
  options: StepOptions<Record<string, StepRef>, P, O>,
  builtin: string | null,
): Step<Awaited<O>, P> {
  const name = options?.name;
  const where = `Step "${String(name)}"`;
  const invalid = (message: string, details: Record<string, unknown> = {}): never => {
    throw new KeelError('KEEL_PIPELINE_INVALID', `${where}: ${message}`, {
      details: { step: name, ...details },
    });
  };
  if (typeof name !== 'string' || !STEP_NAME_RE.test(name)) {
    invalid('the name must start with a letter, then letters, digits, _ or - (at most 64).');
  }
  if (typeof options.run !== 'function') invalid('run must be a function (inputs, params, ctx) => result.');
  const inputs: Record<string, string> = {};
  for (const [input, ref] of Object.entries(options.inputs ?? {})) {
    if (!INPUT_NAME_RE.test(input)) invalid(`input name "${input}" must be an identifier.`, { input });
    const upstream = isStep(ref) ? ref.name : ref;
    if (typeof upstream !== 'string' || upstream === '') {
      invalid(`input "${input}" must name a step or be a step.`, { input });
    }
    inputs[input] = upstream;
  }
  const params = asJsonValue(options.params ?? {}, `${where} params`);
  if (typeof params !== 'object' || params === null || Array.isArray(params))
    invalid('params must be an object.');
  const timeoutMs = options.timeoutMs ?? null;
  if (timeoutMs !== null && !(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    invalid(`timeoutMs must be a positive number of ms, got ${String(timeoutMs)}.`);
  }
  if (options.version !== undefined && (typeof options.version !== 'string' || options.version === '')) {
    invalid('version must be a non-empty string.');
  }
  return {
    kind: 'keel.step',
    name,
    description: options.description ?? null,
    inputs,
    params: params as P,
    codeVersion:
      options.version !== undefined
        ? `v:${options.version}`
        : `src:${sha256(String(options.run)).slice(0, 16)}`,
    retry: resolveRetryPolicy(options.retry, where),
    timeoutMs,
    cache: options.cache !== false,
    builtin,
    run: options.run as Step<Awaited<O>, P>['run'],
  };
}
