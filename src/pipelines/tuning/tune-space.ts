import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { isKeelError, KeelError } from '../../core/index.js';
import { defineSpace, type ParamSpec, type SpaceSpec, type Task } from '../../learn/index.js';
import { learnerFor } from '../training/index.js';
import type { TuneSpace } from './tune-types.js';

/**
 * The default search spaces of `keel tune`, per learner (documented in docs/tuning.md):
 * GBDT searches learning rate, depth, child weight, L2, row and column subsampling with 200 trees;
 * linear models search C (log) and the penalty, with the elastic-net mix only for `elasticnet`.
 */
export const DEFAULT_TUNE_SPACES: Readonly<Record<string, TuneSpace>> = {
  gbdt: {
    space: {
      learningRate: { type: 'float', low: 0.01, high: 0.3, log: true },
      maxDepth: { type: 'int', low: 3, high: 10 },
      minChildWeight: { type: 'float', low: 1e-3, high: 10, log: true },
      l2: { type: 'float', low: 1e-3, high: 10, log: true },
      rowSubsample: { type: 'float', low: 0.5, high: 1 },
      colSubsample: { type: 'float', low: 0.5, high: 1 },
    },
    fixed: { numTrees: 200 },
  },
  linear: {
    space: {
      C: { type: 'float', low: 1e-3, high: 100, log: true },
      penalty: { type: 'categorical', choices: ['l2', 'l1', 'elasticnet'] },
      l1Ratio: { type: 'float', low: 0.05, high: 0.95, when: { penalty: ['elasticnet'] } },
    },
    fixed: {},
  },
};

/** The default space of `learner`; `KEEL_TUNE_BAD_SPACE` for a learner without one (pass a space). */
export function defaultTuneSpace(learner: string): TuneSpace {
  const found = DEFAULT_TUNE_SPACES[learner];
  if (!found) {
    throw new KeelError(
      'KEEL_TUNE_BAD_SPACE',
      `Learner "${learner}" has no default search space; pass one with --space <file>.`,
      { details: { learner, known: Object.keys(DEFAULT_TUNE_SPACES) } },
    );
  }
  return found;
}

/**
 * Reads a space file (`.json`, `.yaml`/`.yml`): either `{ space: {...}, fixed: {...} }`, or a flat
 * map where an object value is a parameter spec (`{ type: float, low, high, log }`) and a plain
 * value (`numTrees: 300`) is fixed. Relative paths resolve from `cwd`.
 */
export async function readTuneSpaceFile(file: string, cwd: string): Promise<TuneSpace> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, file), 'utf8');
  } catch (error) {
    throw new KeelError('KEEL_DATA_FILE_NOT_FOUND', `Cannot read the space file ${file}: ${String(error)}.`, {
      details: { file },
      cause: error,
    });
  }
  let doc: unknown;
  try {
    doc = extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw badSpace(`The space file ${file} is not valid JSON/YAML: ${(error as Error).message}`, '', error);
  }
  return parseTuneSpace(doc, file);
}

/** Turns a space document (see `readTuneSpaceFile`) into a `TuneSpace`; `source` names it in errors. */
export function parseTuneSpace(doc: unknown, source = 'the space'): TuneSpace {
  if (!isRecord(doc)) {
    throw badSpace(`${source} must be a map of parameter names to specs (or fixed values).`, '');
  }
  const keys = Object.keys(doc);
  if (keys.includes('space') && keys.every((k) => k === 'space' || k === 'fixed')) {
    const space = doc.space;
    const fixed = doc.fixed ?? {};
    if (!isRecord(space) || !isRecord(fixed)) {
      throw badSpace(`${source}: "space" and "fixed" must be maps.`, '');
    }
    for (const [name, spec] of Object.entries(space)) {
      if (!isRecord(spec)) throw badSpace(`${source}: "space.${name}" must be a parameter spec.`, name);
    }
    return { space: space as unknown as SpaceSpec, fixed };
  }
  const space: Record<string, ParamSpec> = {};
  const fixed: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(doc)) {
    if (isRecord(value)) space[name] = value as unknown as ParamSpec;
    else fixed[name] = value;
  }
  return { space, fixed };
}

/**
 * Checks a tuning space against the learner before anything runs: the space itself (`defineSpace`),
 * no parameter both searched and fixed, and every searched value and fixed param one the learner
 * accepts for `task` (all as `KEEL_TUNE_BAD_SPACE`, `details.param` naming the parameter).
 */
export function checkTuneSpace(learner: string, task: Task, tune: TuneSpace): void {
  defineSpace(tune.space);
  const entry = learnerFor(learner);
  for (const name of Object.keys(tune.space)) {
    if (Object.hasOwn(tune.fixed, name)) {
      throw badSpace(
        `Parameter "${name}" is both searched and fixed (to ${JSON.stringify(tune.fixed[name])}); drop one of them.`,
        name,
      );
    }
  }
  // A representative trial: fixed params plus the first value of every unconditional parameter; each
  // value of each parameter is then tried in it (conditional ones with their parents' first allowed values).
  const first = (spec: ParamSpec) => (spec.type === 'categorical' ? spec.choices[0] : spec.low);
  const base: Record<string, unknown> = { ...tune.fixed };
  for (const [name, spec] of Object.entries(tune.space)) if (!spec.when) base[name] = first(spec);
  attempt(tune.space, null, () => entry.resolve(base, task));
  for (const [name, spec] of Object.entries(tune.space)) {
    const parents = Object.fromEntries(Object.entries(spec.when ?? {}).map(([p, vs]) => [p, vs[0]]));
    const values = spec.type === 'categorical' ? spec.choices : [spec.low, spec.high];
    for (const value of values) {
      attempt(tune.space, name, () => entry.resolve({ ...base, ...parents, [name]: value }, task));
    }
  }
}

function attempt(space: SpaceSpec, param: string | null, fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    if (!isKeelError(error, 'KEEL_LEARN_INVALID_PARAM')) throw error;
    const name = param ?? String(error.details.param ?? '');
    const where = Object.hasOwn(space, name)
      ? `Search space parameter "${name}"`
      : `Fixed parameter "${name}"`;
    throw badSpace(`${where} is not valid for the learner: ${error.message}`, name, error);
  }
}

function badSpace(message: string, param: string, cause?: unknown): KeelError {
  return new KeelError('KEEL_TUNE_BAD_SPACE', message, {
    details: { param },
    ...(cause === undefined ? {} : { cause }),
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
