import type { StepContext, StepParams } from '../step.js';

/** A built-in step kind: what it needs, its parameter defaults and the adapter that runs it. */
export interface BuiltinDefinition {
  /** The name used in `uses:` (YAML) and `builtin()` (TypeScript). */
  readonly kind: string;
  readonly description: string;
  /** Inputs that must be connected. */
  readonly inputs: readonly string[];
  /** Inputs that may be connected. */
  readonly optionalInputs: readonly string[];
  /** Parameter defaults; `null` marks a parameter that has no default. */
  readonly params: StepParams;
  /** Parameters that must be given (their default is null). */
  readonly required: readonly string[];
  /** Whether results are reused by default: false for steps that read or change the world. */
  readonly cache: boolean;
  /** Bumped when the adapter's behaviour changes, so cached results stop matching. */
  readonly version: string;
  /** An extra check of the merged params; returns a problem to report, or null. */
  readonly check?: (params: StepParams) => string | null;
  /** The adapter; its result must be plain JSON (the executor checks). */
  run(inputs: Record<string, unknown>, params: StepParams, ctx: StepContext): Promise<unknown>;
}
