import type { Frame } from '../../core/index.js';
import type { SplitPlan } from '../training/index.js';

/** A length of time: milliseconds, or text such as `90s`, `10m`, `1h`, `1d`, `2w`. */
export type DurationInput = number | string;

/** Retrain when the champion's inputs drift: share of drifted features over a window of its prediction log. */
export interface DriftTriggerOptions {
  /** Fire when drifted / tested features ≥ this (0..1]. */
  readonly share: number;
  /** Prediction-time window the current data is taken from. Default `1d`. */
  readonly window?: DurationInput;
  /** Logged values a feature needs to be tested (smaller windows never count as drift). Default 30. */
  readonly minRows?: number;
}

/**
 * Retrain when live quality decays: the champion's metric over a window of labelled predictions
 * (or its CBPE estimate where labels are missing) is out of `min`/`max`, or worse than the metric
 * it was registered with (`test.<metric>`, else `validation.<metric>`) by more than `maxDrop`.
 */
export interface DecayTriggerOptions {
  /** A metric of the model's task: `auc`, `logloss`, `accuracy`, `rmse`... */
  readonly metric: string;
  /** Fire when the live metric is below this. */
  readonly min?: number;
  /** Fire when the live metric is above this. */
  readonly max?: number;
  /** Fire when the live metric is worse than the training metric by more than this (absolute). */
  readonly maxDrop?: number;
  /** Prediction-time window. Default `1d`. */
  readonly window?: DurationInput;
  /** Labelled predictions needed for the realised metric. Default 100. */
  readonly minLabels?: number;
  /** Use the CBPE estimate (binary classifiers) when labels are fewer than `minLabels`. Default true. */
  readonly estimated?: boolean;
}

/** Retrain on a cron schedule (5 fields, e.g. `0 3 * * *`). */
export interface ScheduleTriggerOptions {
  readonly cron: string;
  /** IANA time zone the expression is read in. Default `UTC`. */
  readonly timezone?: string;
}

/** Retrain once this many labelled predictions were made since the last training. */
export interface LabelsTriggerOptions {
  readonly count: number;
}

/** What starts a retrain; any one firing is enough (all that fired are recorded). */
export interface TriggerOptions {
  readonly drift?: DriftTriggerOptions;
  readonly decay?: DecayTriggerOptions;
  readonly schedule?: ScheduleTriggerOptions;
  readonly labels?: LabelsTriggerOptions;
  /** How often triggers are evaluated (drift and quality read the prediction log). Default `15m`. */
  readonly interval?: DurationInput;
}

/** The training set built up to now: how to read it. */
export type DataOptions =
  | {
      /** A data file or table URL (CSV, Parquet, JSON Lines, `postgres://...`), relative to the project root. */
      readonly file: string;
      /** Timestamp column: only rows at or before the clock's now are used (and the latest are held out). */
      readonly timeColumn?: string;
      /** Only rows within this long before now. Default: all. */
      readonly window?: DurationInput;
    }
  | {
      /** A feature service: features joined point-in-time onto `entities` (the entity rows with labels). */
      readonly featureService: string;
      /** A file of entity rows (keys, event timestamp, the target). */
      readonly entities: string;
      /** The entity rows' timestamp column. Default `event_timestamp`. */
      readonly timestampColumn?: string;
      readonly window?: DurationInput;
    }
  | {
      /** Code that builds the training set up to `now` (TypeScript policies only; not stored). */
      readonly load: (context: { readonly now: number }) => Promise<Frame>;
      /** Timestamp column used to hold the latest rows out for evaluation. */
      readonly timeColumn?: string;
    };

/** Options of a `keel train`-like job (data, test and registration are set by the loop). */
export interface TrainTemplate {
  /** `gbdt` (default) or `linear`. */
  readonly learner?: string;
  readonly params?: Readonly<Record<string, unknown>>;
  readonly features?: readonly string[];
  readonly exclude?: readonly string[];
  readonly split?: SplitPlan;
  readonly validationFraction?: number;
  readonly experiment?: string;
  readonly seed?: number;
}

/** Options of a `keel tune`-like study (data, test and registration are set by the loop). */
export interface TuneTemplate extends TrainTemplate {
  readonly trials?: number;
  readonly sampler?: 'tpe' | 'random' | 'grid' | 'tpe-multivariate';
  readonly pruner?: 'none' | 'median' | 'asha' | 'hyperband';
  readonly metric?: string;
  readonly parallel?: number;
}

/** The training job run on fresh data: one of `train`, `tune` or `pipeline`. */
export type TrainingOptions =
  | { readonly train: TrainTemplate }
  | { readonly tune: TuneTemplate }
  | {
      /** A pipeline file whose `register` step registers the challenger under the policy's model. */
      readonly pipeline: string;
      readonly params?: Readonly<Record<string, unknown>>;
      /** Parameter that receives the training-set file. Default `data`. */
      readonly dataParam?: string;
      /** Parameter that receives the evaluation-set file. Default: not passed. */
      readonly testParam?: string;
    };

/** The frozen evaluation set champion and challenger are scored on. */
export interface EvaluationOptions {
  /** Share of the most recent rows held out of training (random when there is no time column). Default 0.2. */
  readonly holdout?: number;
  /** A fixed evaluation file instead of a holdout. */
  readonly file?: string;
  /** Fewest evaluation rows; fewer refuses the challenger. Default 100. */
  readonly minRows?: number;
}

/** A bound on one metric, inclusive. */
export interface MetricBound {
  readonly min?: number;
  readonly max?: number;
}

/**
 * The evaluation gate (TFMA-style): absolute bounds on the challenger's metrics and required
 * improvements over the champion on the same frozen evaluation set.
 */
export interface GateOptions {
  /** Absolute bounds: `{ auc: { min: 0.85 }, logloss: { max: 0.3 } }`. */
  readonly metrics?: Readonly<Record<string, MetricBound>>;
  /**
   * Required improvement over the champion per metric, absolute and in the metric's better
   * direction (`{ auc: 0.005 }` = at least +0.005 AUC; `{ logloss: 0.01 }` = at least 0.01 lower).
   * 0 = not worse; a negative value tolerates a small regression.
   */
  readonly improvement?: Readonly<Record<string, number>>;
}

/** The shadow period: the challenger answers a copy of the traffic, never the caller. */
export interface ShadowOptions {
  /** How long. Default `1h`. */
  readonly duration?: DurationInput;
  /** Share of requests mirrored, (0..100]. Default 100. */
  readonly percent?: number;
  /** Mirrored requests needed for a verdict. Default 100. */
  readonly minRequests?: number;
  /** Fewest rows where both answer the same label (binary/multiclass), 0..1. Default: not checked. */
  readonly minLabelAgreement?: number;
  /** Largest mean |champion − challenger| of numeric outputs. Default: not checked. */
  readonly maxMeanAbsDiff?: number;
}

/** The canary: the challenger's share of traffic raised step by step after each passed analysis. */
export interface CanaryOptions {
  /** Shares in percent, strictly increasing, in (0, 100]. Default [5, 25, 50, 100]. */
  readonly steps?: readonly number[];
  /** Least time at each step before it is analysed. Default `10m`. */
  readonly interval?: DurationInput;
  /** Canary requests a step needs before it is analysed. Default 50. */
  readonly minRequests?: number;
  /** Longest a step may stay inconclusive before the canary is rolled back. Default 6 × interval. */
  readonly maxStepDuration?: DurationInput;
}

/** Live quality compared in the canary: realised from labels where available, CBPE otherwise. */
export interface QualityBoundOptions {
  /** Default `auc` (binary), `accuracy` (multiclass), `rmse` (regression) — `auc` when unknown. */
  readonly metric?: string;
  /** Largest allowed drop vs the champion, absolute, in the metric's worse direction. Default 0.02. */
  readonly maxDrop?: number;
  /** Labelled predictions each version needs for the realised metric. Default 100. */
  readonly minLabels?: number;
  /** Fall back to CBPE estimates (binary classifiers) when labels are fewer. Default true. */
  readonly estimated?: boolean;
}

/** Bounds the challenger must stay within, compared with the champion, in shadow and canary. */
export interface RolloutBoundsOptions {
  /** Largest error rate above the champion's, absolute (0.01 = one point). Default 0.01. */
  readonly errorRateIncrease?: number;
  /** Largest p99 latency as a multiple of the champion's. Default 1.5. */
  readonly latencyP99Ratio?: number;
  /** A p99 within this many ms of the champion's always passes (noise on tiny latencies). Default 5. */
  readonly latencyP99SlackMs?: number;
  /** A p99 above this many ms always fails. Default 500 (Flagger's request-duration). */
  readonly latencyP99MaxMs?: number;
  /** Live quality bound (canary only); `false` = not checked. */
  readonly quality?: QualityBoundOptions | false;
}

/** Shadow, then canary in steps, then promotion, with automatic rollback. */
export interface RolloutOptions {
  /** `false` = straight to the canary. */
  readonly shadow?: ShadowOptions | false;
  readonly canary?: CanaryOptions;
  readonly bounds?: RolloutBoundsOptions;
}

/** Safety limits of the loop. */
export interface GuardOptions {
  /** Share of units that always get the champion, in percent [0, 50]. Default 5. */
  readonly holdoutPercent?: number;
  /** Retrains started in any 24 hours, at most. Default 2. */
  readonly maxRetrainsPerDay?: number;
  /**
   * Labelled predictions made since the last retrain (or since the policy was applied) needed
   * before a retrain: a drift alarm with too little fresh ground truth waits for it. Default 0.
   */
  readonly minNewLabels?: number;
  /** A retrain still marked running after this long (its process died) is recorded as failed. Default `6h`. */
  readonly trainingTimeout?: DurationInput;
}

/** A continuous-learning policy for one deployment, as written by a user (TypeScript or YAML). */
export interface LearningPolicyOptions {
  /** The deployment it governs; it must serve `<model>@<championAlias>`. */
  readonly deployment: string;
  /** Registered model name. Default: the model of the deployment's reference. */
  readonly model?: string;
  /** The column to predict. */
  readonly target: string;
  /** Alias the deployment serves and promotion moves. Default `champion`. */
  readonly championAlias?: string;
  /** Alias set on a blessed challenger during its rollout. Default `challenger`. */
  readonly challengerAlias?: string;
  /** How often the controller advances the rollout. Default `1m`. */
  readonly interval?: DurationInput;
  readonly triggers: TriggerOptions;
  readonly data: DataOptions;
  readonly training: TrainingOptions;
  readonly evaluation?: EvaluationOptions;
  readonly gate: GateOptions;
  readonly rollout?: RolloutOptions;
  readonly guards?: GuardOptions;
  /** Recorded as the actor of every decision. Default `keel-learning`. */
  readonly actor?: string;
}
