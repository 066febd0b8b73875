import type { JsonValue } from './queue.js';

/**
 * Continuous-learning policies in the metadata store: one record per deployment holding the
 * policy as applied and the state machine of its loop (phase, challenger, canary step, guard
 * counters), so a restarted controller resumes mid-rollout. The store keeps both as opaque JSON
 * (the pipelines module validates them) and guards every state save with a revision, so two
 * controllers never both advance the same rollout.
 */

/** One deployment's policy and loop state. Times are epoch ms (UTC). */
export interface LearningPolicyRecord {
  /** The deployment the policy governs (unique). */
  readonly deployment: string;
  /** The policy as applied (JSON). */
  readonly policy: JsonValue;
  /** The loop's state (JSON), owned by the controller. */
  readonly state: JsonValue;
  /** 1 on creation, +1 on every policy replacement or state save. */
  readonly revision: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Continuous-learning policies and their loop state, by deployment. */
export interface LearningRepository {
  /**
   * Creates the record with `initialState` at revision 1, or replaces the policy of an existing one
   * (its state is kept, the revision grows by 1). Idempotent in effect; concurrent calls are safe.
   */
  putPolicy(
    deployment: string,
    policy: JsonValue,
    initialState: JsonValue,
    at: number,
  ): Promise<LearningPolicyRecord>;
  /** The record; `KEEL_POLICY_NOT_FOUND` when the deployment has no policy. */
  getPolicy(deployment: string): Promise<LearningPolicyRecord>;
  /** The record or null. */
  findPolicy(deployment: string): Promise<LearningPolicyRecord | null>;
  /** Every record, ordered by deployment name. */
  listPolicies(): Promise<LearningPolicyRecord[]>;
  /**
   * Replaces the state when the stored revision is `expectedRevision` and returns the record at the
   * next revision; otherwise fails with `KEEL_POLICY_CONFLICT` (another writer saved since) and
   * writes nothing. `KEEL_POLICY_NOT_FOUND` when there is no record.
   */
  saveState(
    deployment: string,
    state: JsonValue,
    expectedRevision: number,
    at: number,
  ): Promise<LearningPolicyRecord>;
  /** Removes the record; false when there was none (idempotent). The deployment's history is kept. */
  deletePolicy(deployment: string): Promise<boolean>;
}
