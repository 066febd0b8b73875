import { KeelError } from '../../../core/index.js';
import type { JsonValue, LearningPolicyRecord, LearningRepository } from '../../contracts/index.js';
import { parseJson } from '../internal/sql-helpers.js';
import type { SqlDriver } from '../sql-driver.js';
import type { SqlRow } from '../sql-value.js';

/** `LearningRepository` over any `SqlDriver`: an upsert per policy, a conditional UPDATE per state save. */
export class SqlLearningRepository implements LearningRepository {
  constructor(private readonly db: SqlDriver) {}

  async putPolicy(
    deployment: string,
    policy: JsonValue,
    initialState: JsonValue,
    at: number,
  ): Promise<LearningPolicyRecord> {
    const d = this.db.dialect;
    await this.db.execute(
      `INSERT INTO keel_learning_policies (deployment, policy, state, revision, created_at, updated_at)
       VALUES (?, ?, ?, 1, ?, ?)
       ${d.onConflict(['deployment'], ['policy', 'revision = keel_learning_policies.revision + 1', 'updated_at'])}`,
      [deployment, JSON.stringify(policy), JSON.stringify(initialState), at, at],
    );
    return this.getPolicy(deployment);
  }

  async getPolicy(deployment: string): Promise<LearningPolicyRecord> {
    const found = await this.findPolicy(deployment);
    if (!found) throw notFound(deployment);
    return found;
  }

  async findPolicy(deployment: string): Promise<LearningPolicyRecord | null> {
    const rows = await this.db.query('SELECT * FROM keel_learning_policies WHERE deployment = ?', [
      deployment,
    ]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async listPolicies(): Promise<LearningPolicyRecord[]> {
    return (await this.db.query('SELECT * FROM keel_learning_policies ORDER BY deployment')).map(toRecord);
  }

  async saveState(
    deployment: string,
    state: JsonValue,
    expectedRevision: number,
    at: number,
  ): Promise<LearningPolicyRecord> {
    const changed = await this.db.execute(
      `UPDATE keel_learning_policies SET state = ?, revision = revision + 1, updated_at = ?
       WHERE deployment = ? AND revision = ?`,
      [JSON.stringify(state), at, deployment, expectedRevision],
    );
    if (changed === 1) return this.getPolicy(deployment);
    const current = await this.getPolicy(deployment);
    throw new KeelError(
      'KEEL_POLICY_CONFLICT',
      `The learning state of deployment "${deployment}" is at revision ${current.revision}, not ${expectedRevision}: another controller (or keel policy apply) saved it since. Run one controller per deployment.`,
      { details: { deployment, expectedRevision, revision: current.revision } },
    );
  }

  async deletePolicy(deployment: string): Promise<boolean> {
    return (
      (await this.db.execute('DELETE FROM keel_learning_policies WHERE deployment = ?', [deployment])) > 0
    );
  }
}

function notFound(deployment: string): KeelError {
  return new KeelError(
    'KEEL_POLICY_NOT_FOUND',
    `Deployment "${deployment}" has no continuous-learning policy. Apply one with: keel policy apply <file>`,
    { details: { deployment } },
  );
}

function toRecord(r: SqlRow): LearningPolicyRecord {
  return {
    deployment: String(r.deployment),
    policy: parseJson<JsonValue>(r.policy),
    state: parseJson<JsonValue>(r.state),
    revision: Number(r.revision),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}
