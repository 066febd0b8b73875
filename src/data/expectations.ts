import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { DATA_TYPES, type DataType, KeelError } from '../core/index.js';

const bound = z.union([z.number(), z.string()]);

const columnSchema = z
  .object({
    type: z.enum(DATA_TYPES as [DataType, ...DataType[]]).optional(),
    required: z.boolean().optional(),
    nullable: z.boolean().optional(),
    maxMissingShare: z.number().min(0).max(1).optional(),
    min: bound.optional(),
    max: bound.optional(),
    allowed: z
      .array(z.union([z.string(), z.number(), z.boolean()]))
      .min(1)
      .optional(),
    unique: z.boolean().optional(),
    regex: z.string().optional(),
  })
  .strict();

const expectationsSchema = z
  .object({
    table: z
      .object({
        minRows: z.number().int().min(0).optional(),
        maxRows: z.number().int().min(0).optional(),
      })
      .strict()
      .optional(),
    columns: z.record(columnSchema).optional(),
  })
  .strict();

/** What one column must satisfy. `min`/`max` are numbers, or ISO 8601 strings for timestamp columns. */
export type ColumnExpectation = z.infer<typeof columnSchema>;

/**
 * An expectations file: table-level row bounds and per-column rules. See docs/data.md for the
 * format and the exact meaning of each rule.
 */
export type Expectations = z.infer<typeof expectationsSchema>;

const KNOWN_KEYS: Readonly<Record<string, readonly string[]>> = {
  '': ['table', 'columns'],
  table: ['minRows', 'maxRows'],
  column: Object.keys(columnSchema.shape),
};

function keyPath(path: readonly (string | number)[]): string {
  return path.map(String).join('.');
}

function invalid(
  origin: string,
  key: string,
  problem: string,
  extra: Record<string, unknown> = {},
): KeelError {
  return new KeelError(
    'KEEL_DATA_EXPECTATIONS_INVALID',
    `${origin}: ${key === '' ? '' : `key "${key}" `}${problem}`,
    {
      details: { file: origin, key, ...extra },
    },
  );
}

function fromZod(origin: string, error: z.ZodError): KeelError {
  const issue = error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const key = keyPath([...issue.path, issue.keys[0]!]);
    const where = issue.path.length === 0 ? '' : issue.path[0] === 'table' ? 'table' : 'column';
    return invalid(origin, key, `is not a known key. Known keys here: ${KNOWN_KEYS[where]!.join(', ')}.`, {
      unknown: issue.keys,
    });
  }
  return invalid(origin, keyPath(issue.path), `is invalid: ${issue.message}.`);
}

function checkBound(
  origin: string,
  name: string,
  which: 'min' | 'max',
  value: string | number | undefined,
): number | undefined {
  if (value === undefined || typeof value === 'number') return value;
  const t = Date.parse(value);
  if (Number.isNaN(t)) {
    throw invalid(
      origin,
      `columns.${name}.${which}`,
      `must be a number or an ISO 8601 time, got "${value}".`,
    );
  }
  return t;
}

/**
 * Checks a parsed expectations document (from YAML or JSON): unknown keys, wrong value types,
 * `min` above `max`, regexes that do not compile and times that do not parse all fail with
 * `KEEL_DATA_EXPECTATIONS_INVALID` naming the key. `origin` names the file in messages.
 */
export function parseExpectations(document: unknown, origin = 'expectations'): Expectations {
  const parsed = expectationsSchema.safeParse(document ?? {});
  if (!parsed.success) throw fromZod(origin, parsed.error);
  const { table, columns } = parsed.data;
  if (table?.minRows !== undefined && table.maxRows !== undefined && table.minRows > table.maxRows) {
    throw invalid(origin, 'table.minRows', `(${table.minRows}) is above table.maxRows (${table.maxRows}).`);
  }
  for (const [name, rules] of Object.entries(columns ?? {})) {
    const min = checkBound(origin, name, 'min', rules.min);
    const max = checkBound(origin, name, 'max', rules.max);
    if (min !== undefined && max !== undefined && min > max) {
      throw invalid(
        origin,
        `columns.${name}.min`,
        `(${rules.min}) is above columns.${name}.max (${rules.max}).`,
      );
    }
    if (rules.regex !== undefined) {
      try {
        new RegExp(rules.regex, 'u');
      } catch (error) {
        throw invalid(
          origin,
          `columns.${name}.regex`,
          `is not a valid regular expression: ${(error as Error).message}.`,
        );
      }
    }
  }
  return parsed.data;
}

/** Reads and checks an expectations file: `.yaml`/`.yml` or `.json` (see `parseExpectations`). */
export async function loadExpectations(path: string): Promise<Expectations> {
  const file = resolve(path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new KeelError('KEEL_DATA_FILE_NOT_FOUND', `Expectations file ${file} does not exist.`, {
      cause: error,
      details: { file },
    });
  }
  let document: unknown;
  try {
    document = extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw invalid(
      file,
      '',
      `is not valid ${extname(file).toLowerCase() === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message}`,
    );
  }
  return parseExpectations(document, file);
}
