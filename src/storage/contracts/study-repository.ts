import type { JsonValue } from './queue.js';

/**
 * Tuning studies in the metadata store, so a study outlives the process that runs it and can be
 * resumed after a crash. The store keeps `config` and `state` verbatim (opaque JSON: the tuning
 * orchestrator writes them, `Study.toJSON()` data included) and guards every save with a revision,
 * so two processes never both believe they own a study.
 */

/** Where a study stands: being run (or crashed while running), finished, failed or interrupted. */
export type StudyStatus = 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED';

/** One stored study. Times are epoch ms (UTC). */
export interface StoredStudy {
  /** Unique id (a `newId()`), chosen by the caller. */
  readonly id: string;
  /** Human name (the tracking parent run's name by default); not unique. */
  readonly name: string;
  /** The tracking run the trials are children of, or null when none is tracked. */
  readonly parentRunId: string | null;
  readonly status: StudyStatus;
  /** What the study was started with (immutable after creation). */
  readonly config: JsonValue;
  /** The latest saved state (replaced by each save). */
  readonly state: JsonValue;
  /** 1 after creation, +1 on every save. */
  readonly revision: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** What `saveStudy` replaces. */
export interface StudyUpdate {
  readonly status: StudyStatus;
  readonly state: JsonValue;
  readonly updatedAt: number;
}

/** Tuning studies by id. */
export interface StudyRepository {
  /**
   * Creates a study at revision 1 (`updatedAt` = `createdAt`). An id that exists fails with
   * `KEEL_STORE_CONFLICT` and writes nothing.
   */
  createStudy(study: Omit<StoredStudy, 'revision' | 'updatedAt'>): Promise<StoredStudy>;
  /** The study with this id; `KEEL_TUNE_STUDY_NOT_FOUND` otherwise. */
  getStudy(id: string): Promise<StoredStudy>;
  /** The study whose trials are children of tracking run `runId` (the newest when several), or null. */
  findStudyByParentRun(runId: string): Promise<StoredStudy | null>;
  /**
   * Replaces status and state when the stored revision is `expectedRevision` and returns the study at
   * the next revision; otherwise fails with `KEEL_TUNE_STUDY_CONFLICT` (another process saved it since)
   * and writes nothing. `KEEL_TUNE_STUDY_NOT_FOUND` when the id is unknown.
   */
  saveStudy(id: string, update: StudyUpdate, expectedRevision: number): Promise<StoredStudy>;
  /** Every study, oldest first (ties by id). */
  listStudies(): Promise<StoredStudy[]>;
  /** Removes a study; false when there was none (idempotent). Tracking runs are left alone. */
  deleteStudy(id: string): Promise<boolean>;
}
