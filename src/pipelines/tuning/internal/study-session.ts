import type { Clock } from '../../../core/index.js';
import type { Direction, SpaceSpec, Study, StudyData, Task } from '../../../learn/index.js';
import type { JsonValue, StoredStudy, StudyRepository, StudyStatus } from '../../../storage/index.js';
import type { TunePrunerName, TuneSamplerName } from '../tune-types.js';
import type { TuneDataSpec } from './tune-data.js';

/** What a study was started with, stored once (format `keel.tune` version 1). */
export interface TuneConfig {
  readonly format: 'keel.tune';
  readonly version: 1;
  /** The data file, or null when a frame was passed (resume then needs the frame again). */
  readonly data: string | null;
  readonly test: string | null;
  readonly dataSpec: TuneDataSpec;
  readonly datasetFingerprint: string;
  readonly task: Task;
  readonly features: readonly string[];
  readonly learner: string;
  readonly metric: string;
  readonly direction: Direction;
  readonly sampler: TuneSamplerName;
  readonly pruner: TunePrunerName;
  /** Options merged into the pruner's spec (may be empty). */
  readonly prunerOptions: Readonly<Record<string, unknown>>;
  readonly parallel: number;
  readonly seed: number;
  readonly space: SpaceSpec;
  readonly fixed: Readonly<Record<string, unknown>>;
  readonly experiment: string;
  readonly name: string;
  readonly register: string | null;
  readonly aliases: readonly string[];
  readonly trainFinal: boolean;
}

/** The orchestrator's state around the study, saved after every ask and tell. */
export interface TuneState {
  /** `Study.toJSON()`. */
  study: StudyData;
  /** Trials to finish (a resume may raise it). */
  trials: number;
  /** Trial number → its child run id. */
  trialRuns: Record<string, string>;
  /** Trial number → rounds trained. */
  rounds: Record<string, number>;
  /** Trials a crash left running (failed and re-asked on resume; they do not count toward `trials`). */
  interrupted: number[];
  /** The final model's run, once started. */
  finalRunId: string | null;
}

/**
 * A study as this process owns it: the live `Study`, the orchestrator's state and the stored
 * revision. Saves are serialised and compare-and-set, so a process that lost the study to a resume
 * elsewhere fails with `KEEL_TUNE_STUDY_CONFLICT` instead of overwriting it.
 */
export class StudySession {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly repo: StudyRepository,
    private readonly clock: Clock,
    readonly id: string,
    readonly config: TuneConfig,
    readonly study: Study,
    readonly state: TuneState,
    private revision: number,
  ) {}

  /** Creates the stored study (revision 1). */
  static async create(
    repo: StudyRepository,
    clock: Clock,
    init: {
      readonly id: string;
      readonly parentRunId: string;
      readonly config: TuneConfig;
      readonly study: Study;
      readonly state: TuneState;
    },
  ): Promise<StudySession> {
    const stored = await repo.createStudy({
      id: init.id,
      name: init.config.name,
      parentRunId: init.parentRunId,
      status: 'RUNNING',
      config: init.config as unknown as JsonValue,
      state: init.state as unknown as JsonValue,
      createdAt: clock.now(),
    });
    return new StudySession(repo, clock, init.id, init.config, init.study, init.state, stored.revision);
  }

  /** Takes over a stored study (its state is replaced by the caller's first `save`). */
  static adopt(
    repo: StudyRepository,
    clock: Clock,
    stored: StoredStudy,
    config: TuneConfig,
    study: Study,
    state: TuneState,
  ): StudySession {
    return new StudySession(repo, clock, stored.id, config, study, state, stored.revision);
  }

  /** Saves the current state with `status` (after any save already queued). */
  save(status: StudyStatus = 'RUNNING'): Promise<void> {
    const next = this.chain.then(async () => {
      this.state.study = this.study.toJSON();
      const saved = await this.repo.saveStudy(
        this.id,
        { status, state: this.state as unknown as JsonValue, updatedAt: this.clock.now() },
        this.revision,
      );
      this.revision = saved.revision;
    });
    this.chain = next.catch(() => {});
    return next;
  }
}
