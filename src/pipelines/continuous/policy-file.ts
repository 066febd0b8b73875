import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { isKeelError, KeelError } from '../../core/index.js';
import type { JsonValue } from '../../storage/index.js';
import { CODE_DATA_MARKER } from './internal/resolve-data.js';
import { defineLearningPolicy } from './learning-policy.js';
import type { LearningPolicyOptions } from './policy-types.js';
import type { LearningPolicy } from './resolved-policy.js';

const CODE = /\.(ts|mts|cts|js|mjs|cjs)$/;

function invalid(file: string, why: string, cause?: unknown): KeelError {
  return new KeelError('KEEL_POLICY_INVALID', `Policy file ${file}: ${why}`, {
    details: { file },
    ...(cause === undefined ? {} : { cause }),
  });
}

/** Parses a policy written in YAML (or JSON, a subset) and checks it (`defineLearningPolicy`). */
export function parsePolicyText(text: string, file = 'policy.yaml'): LearningPolicy {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    throw invalid(file, `is not valid YAML: ${(error as Error).message}`, error);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw invalid(file, 'must be a mapping with deployment, target, triggers, data, training and gate.');
  }
  const policy = (doc as { policy?: unknown }).policy ?? doc;
  return defineLearningPolicy(policy as LearningPolicyOptions);
}

/**
 * Loads a policy file: YAML / JSON, or TypeScript/JavaScript (loaded with jiti) whose default
 * export (or `policy` export) is a `defineLearningPolicy(...)` result or its options. Relative
 * paths resolve against `root`. Fails with `KEEL_POLICY_INVALID` naming the file and the field.
 */
export async function loadPolicyFile(path: string, root: string): Promise<LearningPolicy> {
  const file = isAbsolute(path) ? path : resolve(root, path);
  const exists = await stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
  if (!exists) throw invalid(file, 'does not exist.');
  if (!CODE.test(file)) return parsePolicyText(await readFile(file, 'utf8'), file);
  let mod: Record<string, unknown>;
  try {
    const { createJiti } = await import('jiti');
    const jiti = createJiti(import.meta.url, { moduleCache: false, interopDefault: false });
    mod = (await jiti.import(file)) as Record<string, unknown>;
  } catch (error) {
    if (isKeelError(error)) throw error;
    throw invalid(file, `could not be loaded: ${(error as Error).message}`, error);
  }
  const exported = (mod.default ?? mod.policy) as Partial<LearningPolicy> | undefined;
  if (exported && typeof exported === 'object' && 'options' in exported && exported.options) {
    return defineLearningPolicy(exported.options);
  }
  if (exported && typeof exported === 'object' && 'deployment' in exported) {
    return defineLearningPolicy(exported as unknown as LearningPolicyOptions);
  }
  throw invalid(file, 'must export a policy: `export default defineLearningPolicy({ deployment, ... })`.');
}

/**
 * A policy as stored JSON: its options with `model` filled in, and a code data loader replaced by
 * a marker (the function cannot be stored; the process that defined it must run the controller).
 */
export function policyJson(policy: LearningPolicy, model: string): JsonValue {
  const data =
    'load' in policy.options.data ? { ...policy.options.data, load: CODE_DATA_MARKER } : policy.options.data;
  return JSON.parse(JSON.stringify({ ...policy.options, model, data })) as JsonValue;
}
