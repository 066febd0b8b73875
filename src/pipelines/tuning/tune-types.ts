import type { Clock, Frame, Logger } from '../../core/index.js';
import type { Direction, Params, SpaceSpec, Task, TrialState } from '../../learn/index.js';
import type { Registry } from '../../registry/index.js';
import type { MetadataStore, ModelVersion } from '../../storage/index.js';
import type { Tracking } from '../../track/index.js';
import type { SplitPlan, TrainJobResult } from '../training/index.js';

/** The samplers `keel tune --sampler` takes: TPE (default), random search, grid, multivariate TPE. */
export type TuneSamplerName = 'tpe' | 'random' | 'grid' | 'tpe-multivariate';

/** The pruners `keel tune --pruner` takes: none (default), median, ASHA (successive halving), Hyperband. */
export type TunePrunerName = 'none' | 'median' | 'asha' | 'hyperband';

/** The sampler names, in help order. */
export const TUNE_SAMPLERS: readonly TuneSamplerName[] = ['tpe', 'random', 'grid', 'tpe-multivariate'];

/** The pruner names, in help order. */
export const TUNE_PRUNERS: readonly TunePrunerName[] = ['none', 'median', 'asha', 'hyperband'];

/**
 * A search space plus learner parameters held fixed in every trial (e.g. `numTrees: 200`). A
 * parameter may not be both searched and fixed (`KEEL_TUNE_BAD_SPACE`).
 */
export interface TuneSpace {
  readonly space: SpaceSpec;
  readonly fixed: Readonly<Record<string, unknown>>;
}

/** What a tuning job searches, how, and on which data. */
export interface TuneJobOptions {
  /** A data file / table URL, or a frame in memory (a frame must be passed again to resume). */
  readonly data?: string | Frame;
  /** The column to predict (required for a new study). */
  readonly target?: string;
  /** `gbdt` (default) or `linear`. */
  readonly learner?: string;
  /** The search space and fixed params; default: the learner's documented default space (`defaultTuneSpace`). */
  readonly space?: TuneSpace;
  /** Learner params fixed in every trial, merged over `space.fixed` (e.g. `{ numTrees: 50 }`). */
  readonly params?: Readonly<Record<string, unknown>>;
  /** Trials to finish (complete, pruned or failed); default 50. Trials a crash interrupted do not count. */
  readonly trials?: number;
  /** Default `tpe`. */
  readonly sampler?: TuneSamplerName;
  /** Default `none`. */
  readonly pruner?: TunePrunerName;
  /**
   * Options merged into the pruner's spec (docs/tuning.md, Pruners), e.g. `{ minResource: 25,
   * reductionFactor: 3 }` for `asha`; checked by the tuning library (`KEEL_INVALID_ARGUMENT`).
   */
  readonly prunerOptions?: Readonly<Record<string, unknown>>;
  /** A metric of the task's standard set (`EVALUATION_METRICS`); default the task's primary one. */
  readonly metric?: string;
  /** Default: the metric's natural direction (`metricGoal`). */
  readonly direction?: Direction;
  /** Trials trained at once, each on its own worker thread when > 1; default 1 (in-process). */
  readonly parallel?: number;
  /** Seed of the sampler, the pruner and the split; default 0. */
  readonly seed?: number;
  /** Stop asking new trials after this many ms (running ones finish); default none. */
  readonly timeoutMs?: number;
  readonly split?: SplitPlan;
  /** Held-out file or frame the final model is evaluated on (no test rows are split off then). */
  readonly test?: string | Frame;
  /** Share of rows for validation (the trials' objective and pruning). Default 0.1. */
  readonly validationFraction?: number;
  /** Share of rows for the final model's test evaluation when no `test` is given. Default 0.2. */
  readonly testFraction?: number;
  readonly features?: readonly string[];
  readonly exclude?: readonly string[];
  /** Experiment of the parent run, the trials and the final run (default `Default`). */
  readonly experiment?: string;
  /** Name of the parent run (and the study); default `tune-<learner>-<random>`. */
  readonly name?: string;
  /** Register the final model under this name (lineage: the study's parent run). */
  readonly register?: string;
  readonly aliases?: readonly string[];
  /** Train the final model with the best params (default true). */
  readonly trainFinal?: boolean;
  /** Resume this study (its id or its parent run id); the stored settings apply, see docs/tuning.md. */
  readonly resume?: string;
  /** Progress events for displays (called synchronously; must not throw). */
  readonly onEvent?: (event: TuneEvent) => void;
  /** Aborting stops the study: running trials are interrupted (re-asked on resume), the study is KILLED. */
  readonly signal?: AbortSignal;
}

/** Services a tuning job records into. */
export interface TuneJobDeps {
  readonly tracking: Tracking;
  readonly registry: Registry;
  /** The metadata store (studies are saved in `metadata.studies`). */
  readonly metadata: MetadataStore;
  readonly clock: Clock;
  readonly log: Logger;
  /** Base folder for relative data paths. */
  readonly cwd: string;
}

/** Trial counts of a study. `running` is 0 once it ends. */
export interface TuneCounts {
  /** Trials asked so far (every state). */
  readonly trials: number;
  readonly complete: number;
  readonly pruned: number;
  readonly failed: number;
  readonly running: number;
}

/** One trial as the job reports it. */
export interface TuneTrialSummary {
  readonly number: number;
  readonly state: TrialState;
  readonly value: number | null;
  readonly params: Params;
  /** Its tracked child run. */
  readonly runId: string | null;
  /** Rounds it trained (the step it was pruned at for pruned trials). */
  readonly rounds: number | null;
}

/** Progress events of a tuning job. */
export type TuneEvent =
  | {
      readonly kind: 'study-started';
      readonly studyId: string;
      readonly parentRunId: string;
      readonly resumed: boolean;
      readonly metric: string;
      readonly direction: Direction;
      /** Trials the study will finish. */
      readonly trials: number;
    }
  | { readonly kind: 'trial-started'; readonly trial: TuneTrialSummary; readonly counts: TuneCounts }
  | {
      readonly kind: 'trial-round';
      readonly number: number;
      readonly round: number;
      /** The trial's `validation.<metric>` this round, when the learner reports it. */
      readonly value: number | undefined;
    }
  | {
      readonly kind: 'trial-finished';
      readonly trial: TuneTrialSummary;
      readonly counts: TuneCounts;
      readonly best: TuneTrialSummary | null;
    }
  | { readonly kind: 'final-started'; readonly params: Readonly<Record<string, unknown>> }
  | { readonly kind: 'final-finished'; readonly runId: string; readonly version: ModelVersion | null };

/** What a tuning job produced (the `--json` document is built from it, see docs/tuning.md). */
export interface TuneJobResult {
  readonly studyId: string;
  readonly parentRunId: string;
  readonly experimentId: string;
  readonly name: string;
  readonly learner: string;
  readonly task: Task;
  readonly target: string;
  readonly metric: string;
  readonly direction: Direction;
  readonly sampler: TuneSamplerName;
  readonly pruner: TunePrunerName;
  readonly counts: TuneCounts;
  readonly best: TuneTrialSummary | null;
  /** The best trial's params merged over the fixed ones: what the final model was trained with. */
  readonly bestParams: Readonly<Record<string, unknown>> | null;
  readonly trials: readonly TuneTrialSummary[];
  /** Trials a crash left running, failed and re-asked when this call resumed the study. */
  readonly interrupted: readonly number[];
  readonly final: TrainJobResult | null;
  readonly version: ModelVersion | null;
  readonly resumed: boolean;
  readonly durationMs: number;
}
