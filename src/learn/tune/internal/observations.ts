import type { ResolvedParam } from '../param.js';
import type { Direction, TrialRecord } from '../trial.js';

/**
 * How TPE ranks past trials (Optuna 3.1's `_get_observation_pairs` and `_split_observation_pairs`):
 * complete trials by value; pruned trials after every complete one, those that got further first,
 * then by their last intermediate value; running trials (constant liar only) last of all.
 */

/** One ranked trial: its sort key (stage, score) and the trial. */
export interface Observation {
  /** −∞ complete; −(last step) pruned (1 if it reported nothing); +∞ running. */
  readonly stage: number;
  /** Value with the sign that makes smaller better (NaN intermediate values rank as +∞). */
  readonly score: number;
  readonly trial: TrialRecord;
}

/** The trials TPE learns from, in number order, with their sort keys. */
export interface ObservationSet {
  readonly observations: readonly Observation[];
  /** Number of finished (complete or pruned) observations: what gamma(n) and the start-up count see. */
  readonly nFinished: number;
  /** Per-parameter internal values, filled lazily by `gatherValues`. */
  readonly columns: Map<string, Float64Array>;
}

/** Collects the observations: complete and pruned trials, plus running ones when `constantLiar`. */
export function collectObservations(
  trials: readonly TrialRecord[],
  direction: Direction,
  constantLiar: boolean,
  current: number,
): ObservationSet {
  const sign = direction === 'minimize' ? 1 : -1;
  const observations: Observation[] = [];
  let nFinished = 0;
  for (const t of trials) {
    if (t.state === 'complete' && t.value !== null) {
      observations.push({ stage: Number.NEGATIVE_INFINITY, score: sign * t.value, trial: t });
      nFinished++;
    } else if (t.state === 'pruned') {
      const last = t.intermediate[t.intermediate.length - 1];
      if (last === undefined) observations.push({ stage: 1, score: 0, trial: t });
      else if (Number.isNaN(last.value))
        observations.push({ stage: -last.step, score: Number.POSITIVE_INFINITY, trial: t });
      else observations.push({ stage: -last.step, score: sign * last.value, trial: t });
      nFinished++;
    } else if (t.state === 'running' && constantLiar && t.number !== current) {
      // The trial being sampled has no value for the parameter at hand, so Optuna's inclusion of it
      // has no effect; leaving it out is equivalent.
      observations.push({ stage: Number.POSITIVE_INFINITY, score: Number.POSITIVE_INFINITY, trial: t });
    }
  }
  return { observations, nFinished, columns: new Map() };
}

/** Optuna's default gamma: the ⌈10 %⌉ best observations (at most 25) model the good region. */
export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/** Hyperopt's gamma: ⌈0.25·√n⌉ (at most 25). */
export function hyperoptGamma(n: number): number {
  return Math.min(Math.ceil(0.25 * Math.sqrt(n)), 25);
}

/** Splits observation indices into the `nBelow` best and the rest, each in number order (stable). */
export function splitObservations(set: ObservationSet, nBelow: number): { below: number[]; above: number[] } {
  const obs = set.observations;
  const order = obs.map((_, i) => i);
  order.sort((i, j) => {
    const a = obs[i]!;
    const b = obs[j]!;
    if (a.stage !== b.stage) return a.stage < b.stage ? -1 : 1;
    if (a.score !== b.score) return a.score < b.score ? -1 : 1;
    return i - j;
  });
  const below = order.slice(0, nBelow).sort((a, b) => a - b);
  const above = order.slice(nBelow).sort((a, b) => a - b);
  return { below, above };
}

/** Internal values of one parameter for every observation (NaN where a trial lacks it), cached per set. */
function columnOf(set: ObservationSet, p: ResolvedParam): Float64Array {
  let col = set.columns.get(p.name);
  if (col === undefined) {
    col = new Float64Array(set.observations.length);
    for (const [i, o] of set.observations.entries()) {
      col[i] = Object.hasOwn(o.trial.params, p.name)
        ? p.toInternal(o.trial.params[p.name] ?? null)
        : Number.NaN;
    }
    set.columns.set(p.name, col);
  }
  return col;
}

/**
 * The internal values of `params` at the given observation indices, keeping only observations that
 * have every parameter of the group (trials where a conditional parameter was inactive drop out).
 */
export function gatherValues(
  set: ObservationSet,
  indices: readonly number[],
  params: readonly ResolvedParam[],
): Float64Array[] {
  const cols = params.map((p) => columnOf(set, p));
  const kept = indices.filter((i) => cols.every((c) => !Number.isNaN(c[i]!)));
  return cols.map((c) => Float64Array.from(kept, (i) => c[i]!));
}
