import { KeelError } from '../core/index.js';
import type { JsonValue } from '../storage/index.js';
import type { Pipeline } from './pipeline.js';

/** Resolved parameters of a run: step → param → value. */
export type RunParams = Readonly<Record<string, Readonly<Record<string, JsonValue>>>>;

/**
 * Parameters for a run: each step's defaults, then `base` (a resumed run's params, for keys the
 * step still declares), then `overrides`. An override key is `<step>.<param>` (one step) or
 * `<param>` (every step declaring it). String values (from `--param k=v`) are read as the type of
 * the default: numbers, `true`/`false`, strings as is, JSON for objects, arrays and null.
 * Unknown steps or params fail with `KEEL_INVALID_ARGUMENT` listing what exists.
 */
export function resolveRunParams(
  pipeline: Pipeline,
  overrides: Readonly<Record<string, unknown>> = {},
  base: RunParams = {},
): RunParams {
  const out: Record<string, Record<string, JsonValue>> = {};
  for (const [name, s] of pipeline.steps) {
    out[name] = { ...s.params };
    for (const [k, v] of Object.entries(base[name] ?? {})) if (k in s.params) out[name][k] = v;
  }
  for (const [key, raw] of Object.entries(overrides)) {
    const dot = key.indexOf('.');
    const targets =
      dot > 0 && pipeline.steps.has(key.slice(0, dot))
        ? [[key.slice(0, dot), key.slice(dot + 1)] as const]
        : [...pipeline.steps.keys()].filter((n) => key in out[n]!).map((n) => [n, key] as const);
    if (targets.length === 0 || targets.some(([stepName, p]) => !(p in out[stepName]!))) {
      const known = [...pipeline.steps].flatMap(([n, s]) => Object.keys(s.params).map((p) => `${n}.${p}`));
      throw new KeelError(
        'KEEL_INVALID_ARGUMENT',
        `Parameter "${key}" matches no parameter of pipeline "${pipeline.name}". Known: ${known.join(', ') || '(none)'}.`,
        { details: { param: key, known } },
      );
    }
    for (const [stepName, p] of targets)
      out[stepName]![p] = coerce(raw, out[stepName]![p]!, `${stepName}.${p}`);
  }
  return out;
}

/** Parses `k=v` strings (as given to `--param`) into an overrides object; `KEEL_USAGE` on a missing `=`. */
export function parseParamArgs(args: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq <= 0) {
      throw new KeelError('KEEL_USAGE', `--param "${arg}" must look like key=value or step.key=value.`, {
        details: { param: arg },
      });
    }
    out[arg.slice(0, eq)] = arg.slice(eq + 1);
  }
  return out;
}

function coerce(raw: unknown, current: JsonValue, where: string): JsonValue {
  if (typeof raw !== 'string') return JSON.parse(JSON.stringify(raw ?? null)) as JsonValue;
  const fail = (expected: string): never => {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `Parameter ${where}=${JSON.stringify(raw)} must be ${expected} (its default is ${JSON.stringify(current)}).`,
      { details: { param: where, value: raw } },
    );
  };
  switch (typeof current) {
    case 'number': {
      const n = Number(raw);
      return raw.trim() !== '' && Number.isFinite(n) ? n : fail('a number');
    }
    case 'boolean':
      return raw === 'true' ? true : raw === 'false' ? false : fail('true or false');
    case 'string':
      return raw;
    default:
      try {
        return JSON.parse(raw) as JsonValue;
      } catch {
        return fail('JSON');
      }
  }
}
