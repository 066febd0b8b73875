import { KeelError } from '../../../core/index.js';
import type {
  JsonValue,
  StoredStudy,
  StudyRepository,
  StudyStatus,
  StudyUpdate,
} from '../../contracts/index.js';
import { parseJson } from '../internal/sql-helpers.js';
import type { SqlDriver } from '../sql-driver.js';
import type { SqlRow } from '../sql-value.js';

const STATUSES: readonly StudyStatus[] = ['RUNNING', 'FINISHED', 'FAILED', 'KILLED'];

/** `StudyRepository` over any `SqlDriver`; saves are one conditional UPDATE on the revision. */
export class SqlStudyRepository implements StudyRepository {
  constructor(private readonly db: SqlDriver) {}

  async createStudy(study: Omit<StoredStudy, 'revision' | 'updatedAt'>): Promise<StoredStudy> {
    assertStatus(study.status);
    await this.db.execute(
      `INSERT INTO keel_studies (id, name, parent_run_id, status, config, state, revision, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)`,
      [
        study.id,
        study.name,
        study.parentRunId,
        study.status,
        JSON.stringify(study.config),
        JSON.stringify(study.state),
        study.createdAt,
        study.createdAt,
      ],
    );
    return this.getStudy(study.id);
  }

  async getStudy(id: string): Promise<StoredStudy> {
    const rows = await this.db.query('SELECT * FROM keel_studies WHERE id = ?', [id]);
    if (!rows[0]) throw notFound(id);
    return toStudy(rows[0]);
  }

  async findStudyByParentRun(runId: string): Promise<StoredStudy | null> {
    const rows = await this.db.query(
      'SELECT * FROM keel_studies WHERE parent_run_id = ? ORDER BY created_at DESC, id DESC LIMIT 1',
      [runId],
    );
    return rows[0] ? toStudy(rows[0]) : null;
  }

  async saveStudy(id: string, update: StudyUpdate, expectedRevision: number): Promise<StoredStudy> {
    assertStatus(update.status);
    const changed = await this.db.execute(
      `UPDATE keel_studies SET status = ?, state = ?, revision = revision + 1, updated_at = ?
       WHERE id = ? AND revision = ?`,
      [update.status, JSON.stringify(update.state), update.updatedAt, id, expectedRevision],
    );
    if (changed === 1) return this.getStudy(id);
    const current = await this.getStudy(id);
    throw new KeelError(
      'KEEL_TUNE_STUDY_CONFLICT',
      `Study ${id} is at revision ${current.revision}, not ${expectedRevision}: another process saved it since (was it resumed elsewhere?).`,
      { details: { study: id, expectedRevision, revision: current.revision } },
    );
  }

  async listStudies(): Promise<StoredStudy[]> {
    return (await this.db.query('SELECT * FROM keel_studies ORDER BY created_at, id')).map(toStudy);
  }

  async deleteStudy(id: string): Promise<boolean> {
    return (await this.db.execute('DELETE FROM keel_studies WHERE id = ?', [id])) > 0;
  }
}

function assertStatus(status: string): asserts status is StudyStatus {
  if (!STATUSES.includes(status as StudyStatus)) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `Study status "${status}" is not one of ${STATUSES.join(', ')}.`,
      { details: { status } },
    );
  }
}

function notFound(id: string): KeelError {
  return new KeelError(
    'KEEL_TUNE_STUDY_NOT_FOUND',
    `No tuning study has the id "${id}". Resume with the study id or its parent run id (keel runs list).`,
    { details: { study: id } },
  );
}

function toStudy(r: SqlRow): StoredStudy {
  return {
    id: String(r.id),
    name: String(r.name),
    parentRunId: r.parent_run_id === null || r.parent_run_id === undefined ? null : String(r.parent_run_id),
    status: String(r.status) as StudyStatus,
    config: parseJson<JsonValue>(r.config),
    state: parseJson<JsonValue>(r.state),
    revision: Number(r.revision),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}
