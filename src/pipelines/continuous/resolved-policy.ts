import type { DataOptions, LearningPolicyOptions, TrainingOptions } from './policy-types.js';

/** Triggers with defaults filled and durations in ms; null = not used. */
export interface ResolvedTriggers {
  readonly drift: { readonly share: number; readonly windowMs: number; readonly minRows: number } | null;
  readonly decay: {
    readonly metric: string;
    readonly min: number | null;
    readonly max: number | null;
    readonly maxDrop: number | null;
    readonly windowMs: number;
    readonly minLabels: number;
    readonly estimated: boolean;
  } | null;
  readonly schedule: {
    readonly cron: string;
    readonly timezone: string;
    /** The first fire time strictly after `afterMs`, or null. */
    next(afterMs: number): number | null;
  } | null;
  readonly labels: { readonly count: number } | null;
  /** How often triggers are evaluated, in ms. */
  readonly intervalMs: number;
}

/** The training set's source with its window in ms (null = everything up to now). */
export type ResolvedData =
  | {
      readonly kind: 'file';
      readonly file: string;
      readonly timeColumn: string | null;
      readonly windowMs: number | null;
    }
  | {
      readonly kind: 'featureService';
      readonly service: string;
      readonly entities: string;
      readonly timestampColumn: string;
      readonly windowMs: number | null;
    }
  | {
      readonly kind: 'code';
      readonly load: Extract<DataOptions, { load: unknown }>['load'] | null;
      readonly timeColumn: string | null;
    };

/** The gate: absolute bounds (null = open end) and required improvements over the champion. */
export interface ResolvedGate {
  readonly metrics: Readonly<Record<string, { readonly min: number | null; readonly max: number | null }>>;
  readonly improvement: Readonly<Record<string, number>>;
}

/** The live-quality bound of the canary. */
export interface ResolvedQualityBound {
  readonly metric: string;
  readonly maxDrop: number;
  readonly minLabels: number;
  readonly estimated: boolean;
}

/** Rollout settings with defaults filled, durations in ms. */
export interface ResolvedRollout {
  readonly shadow: {
    readonly durationMs: number;
    readonly percent: number;
    readonly minRequests: number;
    readonly minLabelAgreement: number | null;
    readonly maxMeanAbsDiff: number | null;
  } | null;
  readonly canary: {
    readonly steps: readonly number[];
    readonly intervalMs: number;
    readonly minRequests: number;
    readonly maxStepDurationMs: number;
  };
  readonly bounds: {
    readonly errorRateIncrease: number;
    readonly latencyP99Ratio: number;
    readonly latencyP99SlackMs: number;
    readonly latencyP99MaxMs: number;
    readonly quality: ResolvedQualityBound | null;
  };
}

/** A checked continuous-learning policy with every default filled (see `defineLearningPolicy`). */
export interface LearningPolicy {
  readonly deployment: string;
  /** Registered model; null = the model of the deployment's reference (filled when applied). */
  readonly model: string | null;
  readonly target: string;
  readonly championAlias: string;
  readonly challengerAlias: string;
  /** How often the controller advances the rollout, in ms. */
  readonly intervalMs: number;
  readonly triggers: ResolvedTriggers;
  readonly data: ResolvedData;
  readonly training: TrainingOptions;
  readonly evaluation: { readonly holdout: number; readonly file: string | null; readonly minRows: number };
  readonly gate: ResolvedGate;
  readonly rollout: ResolvedRollout;
  readonly guards: {
    readonly holdoutPercent: number;
    readonly maxRetrainsPerDay: number;
    readonly minNewLabels: number;
    readonly trainingTimeoutMs: number;
  };
  readonly actor: string;
  /** The options it was defined from (what is stored; a code data loader is stored as a marker). */
  readonly options: LearningPolicyOptions;
}
