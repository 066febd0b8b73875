import { isValidName, KeelError } from '../core/index.js';
import type { DeploymentSpec, DeploymentVariant, ShadowSpec } from '../storage/index.js';

/**
 * What a user gives to create or update a deployment (the management API's body, the CLI's flags).
 * Give `model` (one variant) or `variants` (A/B when two or more); fields left out keep their
 * current value on an update (`null` clears `stickyKey`, `shadow` and `featureService`).
 */
export interface DeploymentInput {
  /** One model reference: a single-variant deployment (variant `primary`). */
  readonly model?: string;
  /** Weighted variants; names default to a, b, c... in order. */
  readonly variants?: readonly { readonly ref: string; readonly weight: number; readonly name?: string }[];
  readonly stickyKey?: string | null;
  readonly shadow?: ShadowSpec | null;
  readonly featureService?: string | null;
  /** Replaces the spec's `options` (cache, timeoutMs, extraFields, stickySalt, canary.stepPercent). */
  readonly options?: Readonly<Record<string, unknown>>;
}

function invalid(message: string, details: Record<string, unknown> = {}): KeelError {
  return new KeelError('KEEL_DEPLOY_INVALID', message, { details });
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function checkRef(value: unknown, where: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw invalid(`${where} must be a model reference such as fraud@champion or fraud/3.`);
  }
  return value.trim();
}

function checkWeight(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw invalid(`${where} must be a number >= 0 (weights are relative shares).`);
  }
  return value;
}

function checkShadow(value: unknown): ShadowSpec | null {
  if (value === null) return null;
  if (!isObject(value)) throw invalid('shadow must be { "ref": "<model ref>", "percent": 0..100 } or null.');
  const percent = value.percent === undefined ? 100 : value.percent;
  if (typeof percent !== 'number' || !(percent >= 0 && percent <= 100)) {
    throw invalid(`shadow.percent must be in 0..100, got ${JSON.stringify(percent)}.`);
  }
  return { ref: checkRef(value.ref, 'shadow.ref'), percent };
}

function nullableString(value: unknown, what: string): string | null {
  if (value === null) return null;
  if (typeof value !== 'string' || value.trim() === '')
    throw invalid(`${what} must be a non-empty string or null.`);
  return value.trim();
}

/** Checks an untrusted JSON body as a `DeploymentInput`; fails with `KEEL_DEPLOY_INVALID` naming the field. */
export function parseDeploymentInput(body: unknown): DeploymentInput {
  if (!isObject(body)) throw invalid('The body must be an object such as { "model": "fraud@champion" }.');
  const known = new Set(['model', 'variants', 'stickyKey', 'shadow', 'featureService', 'options']);
  for (const key of Object.keys(body)) {
    if (!known.has(key))
      throw invalid(`Unknown field "${key}". Fields: ${[...known].join(', ')}.`, { field: key });
  }
  const out: {
    -readonly [K in keyof DeploymentInput]: DeploymentInput[K];
  } = {};
  if (body.model !== undefined) out.model = checkRef(body.model, 'model');
  if (body.variants !== undefined) {
    if (!Array.isArray(body.variants) || body.variants.length === 0) {
      throw invalid('variants must be a non-empty array of { "ref", "weight", "name"? }.');
    }
    out.variants = body.variants.map((v: unknown, i) => {
      if (!isObject(v)) throw invalid(`variants[${i}] must be an object { "ref", "weight" }.`);
      const name = v.name === undefined ? undefined : nullableString(v.name, `variants[${i}].name`);
      if (name && !isValidName(name)) {
        throw invalid(
          `variants[${i}].name "${name.slice(0, 40)}" must start with a letter, then letters, digits, _ . - (it is sent as a header).`,
        );
      }
      return {
        ref: checkRef(v.ref, `variants[${i}].ref`),
        weight: checkWeight(v.weight, `variants[${i}].weight`),
        ...(name ? { name } : {}),
      };
    });
  }
  if (body.stickyKey !== undefined) out.stickyKey = nullableString(body.stickyKey, 'stickyKey');
  if (body.shadow !== undefined) out.shadow = checkShadow(body.shadow);
  if (body.featureService !== undefined)
    out.featureService = nullableString(body.featureService, 'featureService');
  if (body.options !== undefined) {
    if (!isObject(body.options)) throw invalid('options must be an object.');
    out.options = body.options;
  }
  return out;
}

/** Variant names for an A/B list: the given ones, else a, b, c... (aa, ab... past z). */
function variantName(i: number): string {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  return i < 26 ? letters[i]! : `${letters[Math.floor(i / 26) - 1]!}${letters[i % 26]!}`;
}

/**
 * The spec a `DeploymentInput` gives over the `current` spec (null when creating): `model` makes a
 * single deployment, `variants` an A/B one (single with one variant); other fields override the
 * current ones. Fails with `KEEL_DEPLOY_INVALID` when neither `model` nor `variants` is known.
 */
export function buildSpec(input: DeploymentInput, current: DeploymentSpec | null): DeploymentSpec {
  if (input.model !== undefined && input.variants !== undefined) {
    throw invalid('Give either "model" (one variant) or "variants" (A/B), not both.');
  }
  let mode: DeploymentSpec['mode'];
  let variants: readonly DeploymentVariant[];
  if (input.model !== undefined) {
    mode = 'single';
    variants = [{ name: 'primary', ref: input.model, weight: 100 }];
  } else if (input.variants !== undefined) {
    variants = input.variants.map((v, i) => ({
      name: v.name ?? variantName(i),
      ref: v.ref,
      weight: v.weight,
    }));
    mode = variants.length === 1 ? 'single' : 'ab';
  } else if (current) {
    mode = current.mode;
    variants = current.variants;
  } else {
    throw invalid('A new deployment needs a model (or variants): e.g. { "model": "fraud@champion" }.');
  }
  return {
    mode,
    variants,
    stickyKey: input.stickyKey !== undefined ? input.stickyKey : (current?.stickyKey ?? null),
    shadow: input.shadow !== undefined ? input.shadow : (current?.shadow ?? null),
    featureService:
      input.featureService !== undefined ? input.featureService : (current?.featureService ?? null),
    options: input.options ?? current?.options ?? {},
  };
}

/**
 * Parses an A/B list as the CLI takes it: `fraud/3=50,fraud/4=50` (reference = weight, comma
 * separated; the last `=` splits). Fails with `KEEL_USAGE` naming the bad item.
 */
export function parseAbList(text: string): { ref: string; weight: number }[] {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length < 2) {
    throw new KeelError(
      'KEEL_USAGE',
      `--ab needs at least two ref=weight items, e.g. fraud/3=50,fraud/4=50 (got "${text}").`,
    );
  }
  return items.map((item) => {
    const eq = item.lastIndexOf('=');
    const weight = Number(item.slice(eq + 1));
    if (eq <= 0 || item.slice(eq + 1).trim() === '' || !Number.isFinite(weight) || weight < 0) {
      throw new KeelError('KEEL_USAGE', `"${item}" is not ref=weight (e.g. fraud@champion=90).`, {
        details: { item },
      });
    }
    return { ref: item.slice(0, eq), weight };
  });
}

/** The spec with new weights for the named variants (others keep theirs); unknown names fail. */
export function withWeights(spec: DeploymentSpec, weights: Readonly<Record<string, number>>): DeploymentSpec {
  const names = new Set(spec.variants.map((v) => v.name));
  for (const [name, w] of Object.entries(weights)) {
    if (!names.has(name)) {
      throw invalid(`The deployment has no variant "${name}". Variants: ${[...names].join(', ')}.`, {
        variant: name,
      });
    }
    checkWeight(w, `weight of "${name}"`);
  }
  return { ...spec, variants: spec.variants.map((v) => ({ ...v, weight: weights[v.name] ?? v.weight })) };
}
