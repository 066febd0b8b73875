import { z } from 'zod';
import { KeelError } from '../../core/index.js';

/** A query value as fastify parses it: one string, or several for a repeated key. */
type RawQuery = Readonly<Record<string, string | string[] | undefined>>;

/** An optional query string: one value (the last when repeated), trimmed, at most `max` characters. */
export const queryText = (max = 2000) =>
  z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? (v[v.length - 1] ?? '') : v).trim())
    .pipe(z.string().max(max, `at most ${max} characters`))
    .optional();

/** An optional list: repeated keys and comma-separated values both count; empty entries dropped. */
export const queryList = (maxItems: number, maxLength = 250) =>
  z
    .union([z.string(), z.array(z.string())])
    .transform((v) =>
      (Array.isArray(v) ? v : [v])
        .flatMap((s) => s.split(','))
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
    )
    .pipe(z.array(z.string().max(maxLength, `entries are at most ${maxLength} characters`)).max(maxItems))
    .optional();

/** An optional whole number in [min, max] written in decimal. */
export const queryInt = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .optional();

/** An optional boolean written `true`/`false` (or `1`/`0`). */
export const queryBool = () =>
  z
    .enum(['true', 'false', '1', '0'])
    .transform((v) => v === 'true' || v === '1')
    .optional();

/**
 * Parses `query` with `shape` (unknown keys are refused); `KEEL_INVALID_ARGUMENT` (400) names each
 * bad parameter and lists the known ones.
 */
export function parseQuery<S extends z.ZodRawShape>(
  query: unknown,
  shape: S,
): z.infer<z.ZodObject<S, 'strict'>> {
  const schema = z.object(shape).strict();
  const result = schema.safeParse((query ?? {}) as RawQuery);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') return `unknown parameter ${issue.keys.join(', ')}`;
    return `${issue.path.join('.') || 'query'}: ${issue.message}`;
  });
  throw new KeelError(
    'KEEL_INVALID_ARGUMENT',
    `Bad query: ${problems.join('; ')}. Known parameters: ${Object.keys(shape).join(', ') || 'none'}.`,
    { details: { problems, parameters: Object.keys(shape) } },
  );
}

/** A positive version number from a path segment; `KEEL_INVALID_ARGUMENT` otherwise. */
export function parseVersionParam(raw: string): number {
  if (!/^[1-9]\d{0,8}$/.test(raw)) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `Version "${raw}" is not a version number; use a whole number such as 3.`,
      { details: { version: raw } },
    );
  }
  return Number(raw);
}
