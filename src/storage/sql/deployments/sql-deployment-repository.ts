import { KeelError } from '../../../core/index.js';
import type {
  Attribution,
  Deployment,
  DeploymentEvent,
  DeploymentRepository,
  DeploymentSpec,
  DeploymentUse,
} from '../../contracts/index.js';
import { insertMany, parseJson } from '../internal/sql-helpers.js';
import type { SqlDriver } from '../sql-driver.js';
import { isSqlError } from '../sql-errors.js';
import type { SqlRow } from '../sql-value.js';

type EventInput = Attribution & {
  readonly action: string;
  readonly evidence?: Readonly<Record<string, unknown>>;
};

/** `DeploymentRepository` over any `SqlDriver`: revisions checked in the write itself, so it is race-free. */
export class SqlDeploymentRepository implements DeploymentRepository {
  private readonly db: SqlDriver;

  constructor(db: SqlDriver) {
    this.db = db;
  }

  put(
    name: string,
    spec: DeploymentSpec,
    uses: readonly DeploymentUse[],
    event: EventInput,
    expectedRevision?: number,
  ): Promise<Deployment> {
    return this.db.transaction(async (tx) => {
      const revision = await writeSpec(tx, name, JSON.stringify(spec), event.at, expectedRevision);
      await tx.execute('DELETE FROM keel_deployment_uses WHERE deployment = ?', [name]);
      if (uses.length > 0) {
        await insertMany(
          tx,
          'keel_deployment_uses',
          ['deployment', 'model', 'version', 'alias'],
          uses.map((u) => [name, u.model, u.version, u.alias]),
        );
      }
      await insertEvent(tx, name, event, revision);
      return this.getIn(tx, name);
    });
  }

  get(name: string): Promise<Deployment> {
    return this.getIn(this.db, name);
  }

  async find(name: string): Promise<Deployment | null> {
    const rows = await this.db.query('SELECT * FROM keel_deployments WHERE name = ?', [name]);
    return rows[0] ? toDeployment(rows[0]) : null;
  }

  async list(): Promise<Deployment[]> {
    return (await this.db.query('SELECT * FROM keel_deployments ORDER BY name')).map(toDeployment);
  }

  async delete(name: string, by: Attribution): Promise<void> {
    await this.db.transaction(async (tx) => {
      const current = await this.getIn(tx, name);
      await tx.execute('DELETE FROM keel_deployments WHERE name = ?', [name]);
      await insertEvent(tx, name, { ...by, action: 'delete' }, current.revision);
    });
  }

  recordEvent(name: string, event: EventInput): Promise<DeploymentEvent> {
    return this.db.transaction(async (tx) => {
      const current = await this.getIn(tx, name);
      return insertEvent(tx, name, event, current.revision);
    });
  }

  async history(name: string): Promise<DeploymentEvent[]> {
    const rows = await this.db.query(
      'SELECT * FROM keel_deployment_events WHERE deployment = ? ORDER BY seq',
      [name],
    );
    return rows.map((r) => ({
      deployment: String(r.deployment),
      action: String(r.action),
      actor: String(r.actor),
      reason: String(r.reason),
      evidence: parseJson<Record<string, unknown>>(r.evidence),
      revision: Number(r.revision),
      at: Number(r.at),
    }));
  }

  private async getIn(db: SqlDriver, name: string): Promise<Deployment> {
    const rows = await db.query('SELECT * FROM keel_deployments WHERE name = ?', [name]);
    if (!rows[0]) {
      throw new KeelError(
        'KEEL_DEPLOY_NOT_FOUND',
        `Deployment "${name}" does not exist. List deployments with: keel deployments list`,
        { details: { deployment: name } },
      );
    }
    return toDeployment(rows[0]);
  }
}

/** Writes the spec and returns the new revision, checking `expected` in the same statement. */
async function writeSpec(
  tx: SqlDriver,
  name: string,
  spec: string,
  at: number,
  expected: number | undefined,
): Promise<number> {
  if (expected === 0) {
    try {
      await tx.execute(
        'INSERT INTO keel_deployments (name, spec, revision, created_at, updated_at) VALUES (?, ?, 1, ?, ?)',
        [name, spec, at, at],
      );
      return 1;
    } catch (error) {
      if (isSqlError(error, 'unique')) throw conflict(name, expected, 'it already exists', error.cause);
      throw error;
    }
  }
  if (expected !== undefined) {
    const rows = await tx.query<{ revision: number }>(
      'UPDATE keel_deployments SET spec = ?, revision = revision + 1, updated_at = ? WHERE name = ? AND revision = ? RETURNING revision',
      [spec, at, name, expected],
    );
    if (rows[0]) return Number(rows[0].revision);
    const current = await tx.query<{ revision: number }>(
      'SELECT revision FROM keel_deployments WHERE name = ?',
      [name],
    );
    throw conflict(
      name,
      expected,
      current[0] ? `it is at revision ${current[0].revision}` : 'it does not exist',
    );
  }
  const rows = await tx.query<{ revision: number }>(
    `INSERT INTO keel_deployments (name, spec, revision, created_at, updated_at) VALUES (?, ?, 1, ?, ?)
     ${tx.dialect.onConflict(['name'], ['spec', 'revision = keel_deployments.revision + 1', 'updated_at'])}
     RETURNING revision`,
    [name, spec, at, at],
  );
  return Number(rows[0]!.revision);
}

async function insertEvent(
  tx: SqlDriver,
  name: string,
  e: EventInput,
  revision: number,
): Promise<DeploymentEvent> {
  const evidence = e.evidence ?? {};
  await tx.execute(
    'INSERT INTO keel_deployment_events (deployment, action, actor, reason, evidence, revision, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [name, e.action, e.actor, e.reason, JSON.stringify(evidence), revision, e.at],
  );
  return {
    deployment: name,
    action: e.action,
    actor: e.actor,
    reason: e.reason,
    evidence,
    revision,
    at: e.at,
  };
}

function conflict(name: string, expected: number, why: string, cause?: unknown): KeelError {
  return new KeelError(
    'KEEL_STORE_CONFLICT',
    `Deployment "${name}" changed: expected revision ${expected}, but ${why}. Read it again and retry.`,
    { cause, details: { deployment: name, expectedRevision: expected } },
  );
}

function toDeployment(r: SqlRow): Deployment {
  return {
    name: String(r.name),
    spec: parseJson<DeploymentSpec>(r.spec),
    revision: Number(r.revision),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}
