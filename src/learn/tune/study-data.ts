import { KeelError } from '../../core/index.js';
import type { ResolvedPrunerSpec } from './pruner.js';
import type { ResolvedSamplerSpec } from './sampler.js';
import type { Params, SpaceSpec } from './space-spec.js';
import type { Direction, TrialRecord, TrialState } from './trial.js';

/**
 * The whole state of a study as JSON-safe plain data (`Study.toJSON()`), so it can be stored in the
 * metadata store and resumed with `Study.fromJSON()`. Non-finite numbers are written as the strings
 * "NaN", "Infinity" and "-Infinity".
 */

/** A Mersenne Twister stream as stored: the 624-word key in base64 (little-endian) and the position. */
export interface RandomStreamData {
  readonly key: string;
  readonly pos: number;
}

/** The random streams of a sampler (TPE has two, seeded alike as Optuna: start-up and TPE). */
export interface SamplerStateData {
  readonly random?: RandomStreamData;
  readonly tpe?: RandomStreamData;
  readonly grid?: RandomStreamData;
}

/** Resource sizes a pruner fixed from the first complete trial ('auto' options). */
export interface PrunerStateData {
  readonly minResource?: number;
  readonly maxResource?: number;
}

/** A number as stored: finite numbers as themselves, others as "NaN" / "Infinity" / "-Infinity". */
export type StoredNumber = number | 'NaN' | 'Infinity' | '-Infinity';

/** A trial as stored. */
export interface TrialData {
  readonly number: number;
  readonly state: TrialState;
  readonly params: Params;
  readonly value: StoredNumber | null;
  readonly intermediate: readonly { readonly step: number; readonly value: StoredNumber }[];
  readonly rungs: readonly StoredNumber[];
}

/** A study as stored (format 1). */
export interface StudyData {
  readonly format: 'keel.study';
  readonly version: 1;
  readonly name: string;
  readonly direction: Direction;
  /** The seed every random stream started from. */
  readonly seed: number;
  readonly space: SpaceSpec;
  readonly sampler: ResolvedSamplerSpec;
  readonly pruner: ResolvedPrunerSpec;
  /** Random streams of the sampler (base64 Mersenne Twister keys and positions). */
  readonly samplerState: SamplerStateData;
  /** Resource sizes the pruner fixed ('auto' options). */
  readonly prunerState: PrunerStateData;
  /** Parameters enqueued for the next trials, first first. */
  readonly queue: readonly Params[];
  readonly trials: readonly TrialData[];
}

/** Encodes a number for JSON. */
export function storeNumber(v: number): StoredNumber {
  if (Number.isFinite(v)) return v;
  if (Number.isNaN(v)) return 'NaN';
  return v > 0 ? 'Infinity' : '-Infinity';
}

/** Encodes a trial for JSON. */
export function storeTrial(t: TrialRecord): TrialData {
  return {
    number: t.number,
    state: t.state,
    params: { ...t.params },
    value: t.value === null ? null : storeNumber(t.value),
    intermediate: t.intermediate.map((iv) => ({ step: iv.step, value: storeNumber(iv.value) })),
    rungs: t.rungs.map(storeNumber),
  };
}

function bad(path: string, message: string): KeelError {
  return new KeelError('KEEL_TUNE_BAD_STUDY', `Saved study, ${path}: ${message}`, { details: { path } });
}

function loadNumber(v: unknown, path: string): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (v === 'NaN') return Number.NaN;
  if (v === 'Infinity') return Number.POSITIVE_INFINITY;
  if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
  throw bad(path, `expected a number, "NaN", "Infinity" or "-Infinity", got ${JSON.stringify(v)}.`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function arrayAt(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) throw bad(path, 'expected a list.');
  return v;
}

const STATES: readonly TrialState[] = ['running', 'complete', 'pruned', 'failed'];

/** Decodes one stored trial (its parameters are checked against the space by the study). */
export function loadTrial(v: unknown, index: number): TrialRecord {
  const path = `trials[${index}]`;
  if (!isObject(v)) throw bad(path, 'expected an object.');
  if (v.number !== index)
    throw bad(`${path}.number`, `expected ${index} (trials are stored in number order).`);
  if (!STATES.includes(v.state as TrialState))
    throw bad(`${path}.state`, `expected one of ${STATES.join(', ')}.`);
  if (!isObject(v.params)) throw bad(`${path}.params`, 'expected an object.');
  let lastStep = -1;
  const intermediate = arrayAt(v.intermediate, `${path}.intermediate`).map((iv, i) => {
    const p = `${path}.intermediate[${i}]`;
    if (!isObject(iv) || !Number.isSafeInteger(iv.step) || (iv.step as number) <= lastStep) {
      throw bad(p, 'expected { step, value } with integer steps in increasing order.');
    }
    lastStep = iv.step as number;
    return { step: lastStep, value: loadNumber(iv.value, `${p}.value`) };
  });
  return {
    number: index,
    state: v.state as TrialState,
    params: v.params as Params,
    value: v.value === null ? null : loadNumber(v.value, `${path}.value`),
    intermediate,
    rungs: arrayAt(v.rungs, `${path}.rungs`).map((r, i) => loadNumber(r, `${path}.rungs[${i}]`)),
  };
}

/** Checks the envelope of stored study data; fields are then checked by the study as it rebuilds. */
export function checkStudyEnvelope(v: unknown): asserts v is StudyData {
  if (!isObject(v) || v.format !== 'keel.study')
    throw bad('format', 'expected "keel.study" (write it with study.toJSON()).');
  if (v.version !== 1) throw bad('version', `this Keel reads version 1, got ${JSON.stringify(v.version)}.`);
  if (typeof v.name !== 'string') throw bad('name', 'expected a string.');
  if (v.direction !== 'minimize' && v.direction !== 'maximize')
    throw bad('direction', 'expected "minimize" or "maximize".');
  if (!Number.isInteger(v.seed) || (v.seed as number) < 0 || (v.seed as number) >= 2 ** 32) {
    throw bad('seed', 'expected an integer in [0, 2^32).');
  }
  for (const key of ['space', 'sampler', 'pruner', 'samplerState', 'prunerState']) {
    if (!isObject(v[key])) throw bad(key, 'expected an object.');
  }
  arrayAt(v.queue, 'queue').forEach((q, i) => {
    if (!isObject(q)) throw bad(`queue[${i}]`, 'expected an object of parameter values.');
  });
  arrayAt(v.trials, 'trials');
}
