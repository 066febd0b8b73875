import type { JsonValue } from '../../storage/index.js';

/**
 * Where a deployment's loop is: `idle` (watching triggers), `training` (a retrain running),
 * `shadow` (the challenger mirrored), `canary` (the challenger taking a share of traffic).
 */
export type LearningPhase = 'idle' | 'training' | 'shadow' | 'canary';

/** A challenger being rolled out. */
export interface RolloutState {
  readonly model: string;
  readonly challenger: { readonly version: number; readonly ref: string; readonly runId: string | null };
  readonly champion: { readonly version: number };
  /** -1 while in shadow; the index into the canary steps otherwise. */
  readonly step: number;
  /** When the current shadow period or canary step began (its analysis window starts here), epoch ms. */
  readonly stepStartedAt: number;
  readonly startedAt: number;
}

/** A retrain in progress: which controller runs it and since when. */
export interface TrainingClaim {
  readonly owner: string;
  readonly startedAt: number;
  readonly reason: string;
}

/** The persisted state machine of one deployment's loop (epoch ms everywhere). */
export interface LearningState {
  readonly phase: LearningPhase;
  /** When the current phase began. */
  readonly since: number;
  /** When the controller first saw the policy (schedule and label baselines start here). */
  readonly baselineAt: number;
  readonly lastTriggerCheckAt: number | null;
  /** When the last retrain started (its data was cut then); null before any. */
  readonly lastTrainedAt: number | null;
  /** The last schedule time handled (fires are times after it). */
  readonly lastScheduleAt: number;
  /** Start times of retrains in the last 24 hours (the per-day guard). */
  readonly retrains: readonly number[];
  /** The guard whose skip was last recorded (not repeated while it keeps holding), or null. */
  readonly skipped: string | null;
  readonly training: TrainingClaim | null;
  readonly rollout: RolloutState | null;
}

/** The state of a newly applied policy at `now`. */
export function initialLearningState(now: number): LearningState {
  return {
    phase: 'idle',
    since: now,
    baselineAt: now,
    lastTriggerCheckAt: null,
    lastTrainedAt: null,
    lastScheduleAt: now,
    retrains: [],
    skipped: null,
    training: null,
    rollout: null,
  };
}

const PHASES: readonly LearningPhase[] = ['idle', 'training', 'shadow', 'canary'];

/** Reads a stored state; unknown or missing fields take their initial values at `now`. */
export function parseLearningState(value: JsonValue, now: number): LearningState {
  const base = initialLearningState(now);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return base;
  const v = value as Partial<Record<keyof LearningState, unknown>>;
  const num = (x: unknown, fallback: number | null): number | null => (typeof x === 'number' ? x : fallback);
  const phase = PHASES.includes(v.phase as LearningPhase) ? (v.phase as LearningPhase) : 'idle';
  const rollout = (v.rollout ?? null) as RolloutState | null;
  const training = (v.training ?? null) as TrainingClaim | null;
  return {
    phase: (phase === 'shadow' || phase === 'canary') && !rollout ? 'idle' : phase,
    since: num(v.since, now)!,
    baselineAt: num(v.baselineAt, now)!,
    lastTriggerCheckAt: num(v.lastTriggerCheckAt, null),
    lastTrainedAt: num(v.lastTrainedAt, null),
    lastScheduleAt: num(v.lastScheduleAt, base.lastScheduleAt)!,
    retrains: Array.isArray(v.retrains) ? v.retrains.filter((x): x is number => typeof x === 'number') : [],
    skipped: typeof v.skipped === 'string' ? v.skipped : null,
    training: phase === 'training' ? training : null,
    rollout,
  };
}

/** The state as stored JSON. */
export function learningStateJson(state: LearningState): JsonValue {
  return JSON.parse(JSON.stringify(state)) as JsonValue;
}

/** `state` moved to `phase` at `now` (the phase start recorded), with `changes` applied. */
export function enterPhase(
  state: LearningState,
  phase: LearningPhase,
  now: number,
  changes: Partial<LearningState> = {},
): LearningState {
  return { ...state, phase, since: now, ...changes };
}
