import type { JsonValue } from '../storage/index.js';
import { canonicalJson, sha256 } from './internal/canonical-json.js';
import type { Step } from './step.js';

/** Bumped when the key's recipe changes, so old entries stop matching. */
const CACHE_KEY_VERSION = 1;

/**
 * The cache key of a step execution: sha256 of the pipeline and step names, the step's code
 * version (declared `version`, or a hash of its function's source; the built-in kind and version
 * for built-ins), its resolved params and the digest of each input's result by input name.
 * Equal keys mean equal work, so a stored result can stand in for running the step.
 */
export function stepCacheKey(
  pipeline: string,
  step: Step,
  params: Readonly<Record<string, JsonValue>>,
  inputDigests: Readonly<Record<string, string>>,
): string {
  return sha256(
    canonicalJson({
      v: CACHE_KEY_VERSION,
      pipeline,
      step: step.name,
      code: step.codeVersion,
      builtin: step.builtin,
      params: params as JsonValue,
      inputs: inputDigests as JsonValue,
    }),
  );
}
