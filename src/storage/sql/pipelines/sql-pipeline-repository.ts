import { isKeelError, KeelError } from '../../../core/index.js';
import type {
  AttemptOutcome,
  JsonValue,
  ListPipelineRunsOptions,
  PipelineEventRecord,
  PipelineRepository,
  PipelineRunRecord,
  PipelineRunStatus,
  PipelineState,
  StepAttemptRecord,
  StepCacheEntry,
  StepCompletion,
  StepError,
  StepRunRecord,
} from '../../contracts/index.js';
import { insertMany } from '../internal/sql-helpers.js';
import type { SqlDriver } from '../sql-driver.js';
import type { SqlValue } from '../sql-value.js';
import { errorJson, toAttempt, toPipelineRun, toStepRun } from './pipeline-rows.js';
import { SqlPipelineState } from './sql-pipeline-state.js';

const OPEN = "('PENDING', 'RUNNING')";

/** `PipelineRepository` over any `SqlDriver`: claims are single conditional writes, so they are race-free. */
export class SqlPipelineRepository implements PipelineRepository {
  private readonly state: SqlPipelineState;

  constructor(private readonly db: SqlDriver) {
    this.state = new SqlPipelineState(db);
  }

  createRun(
    run: Omit<PipelineRunRecord, 'status' | 'error' | 'endedAt'>,
    steps: readonly string[],
  ): Promise<PipelineRunRecord> {
    return this.db.transaction(async (tx) => {
      await tx.execute(
        `INSERT INTO keel_pipeline_runs (id, pipeline, digest, source, params, status, runner, trigger_info,
           resumed_from, tracking_run_id, error, created_at, ended_at)
         VALUES (?, ?, ?, ?, ?, 'RUNNING', ?, ?, ?, ?, NULL, ?, NULL)`,
        [
          run.id,
          run.pipeline,
          run.digest,
          run.source,
          JSON.stringify(run.params),
          run.runner,
          run.trigger,
          run.resumedFrom,
          run.trackingRunId,
          run.createdAt,
        ],
      );
      if (steps.length > 0) {
        await insertMany(
          tx,
          'keel_pipeline_steps',
          ['run_id', 'step', 'position', 'status', 'cache_hit', 'attempts', 'artifacts'],
          steps.map((s, i) => [run.id, s, i, 'PENDING', 0, 0, '[]']),
        );
      }
      return this.getRunIn(tx, run.id);
    });
  }

  getRun(id: string): Promise<PipelineRunRecord> {
    return this.getRunIn(this.db, id);
  }

  async listRuns(options: ListPipelineRunsOptions = {}): Promise<PipelineRunRecord[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (options.pipeline !== undefined) {
      where.push('pipeline = ?');
      params.push(options.pipeline);
    }
    if (options.status !== undefined) {
      where.push('status = ?');
      params.push(options.status);
    }
    const rows = await this.db.query(
      `SELECT * FROM keel_pipeline_runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY created_at DESC, id DESC LIMIT ?`,
      [...params, Math.max(1, Math.floor(options.limit ?? 50))],
    );
    return rows.map(toPipelineRun);
  }

  async finishRun(
    id: string,
    end: {
      readonly status: Exclude<PipelineRunStatus, 'RUNNING'>;
      readonly endedAt: number;
      readonly error?: StepError | null;
    },
  ): Promise<boolean> {
    const changed = await this.db.execute(
      "UPDATE keel_pipeline_runs SET status = ?, ended_at = ?, error = ? WHERE id = ? AND status = 'RUNNING'",
      [end.status, end.endedAt, errorJson(end.error), id],
    );
    if (changed === 0) await this.getRun(id);
    return changed === 1;
  }

  async getSteps(runId: string): Promise<StepRunRecord[]> {
    const rows = await this.db.query('SELECT * FROM keel_pipeline_steps WHERE run_id = ? ORDER BY position', [
      runId,
    ]);
    if (rows.length === 0) await this.getRun(runId);
    return rows.map(toStepRun);
  }

  getStep(runId: string, step: string): Promise<StepRunRecord> {
    return this.getStepIn(this.db, runId, step);
  }

  startStep(
    runId: string,
    step: string,
    start: { readonly worker: string; readonly at: number; readonly cacheKey: string | null },
  ): Promise<StepRunRecord | null> {
    return this.db.transaction(async (tx) => {
      const changed = await tx.execute(
        `UPDATE keel_pipeline_steps SET status = 'RUNNING', worker = ?, started_at = COALESCE(started_at, ?),
           cache_key = ? WHERE run_id = ? AND step = ? AND status IN ${OPEN}`,
        [start.worker, start.at, start.cacheKey, runId, step],
      );
      if (changed === 0) {
        await this.getStepIn(tx, runId, step);
        return null;
      }
      await tx.execute(
        "UPDATE keel_pipeline_attempts SET outcome = 'lost', ended_at = ? WHERE run_id = ? AND step = ? AND outcome = 'running'",
        [start.at, runId, step],
      );
      return this.getStepIn(tx, runId, step);
    });
  }

  async setStepTrackingRun(runId: string, step: string, trackingRunId: string): Promise<void> {
    await this.db.execute(
      'UPDATE keel_pipeline_steps SET tracking_run_id = ? WHERE run_id = ? AND step = ?',
      [trackingRunId, runId, step],
    );
  }

  async completeStep(runId: string, step: string, c: StepCompletion): Promise<boolean> {
    const sets: string[] = ['status = ?', 'ended_at = ?'];
    const values: SqlValue[] = [c.status, c.endedAt];
    const optional: [keyof StepCompletion, string, (v: never) => SqlValue][] = [
      ['outputDigest', 'output_digest', (v: string | null) => v],
      ['outputSize', 'output_size', (v: number | null) => v],
      ['artifacts', 'artifacts', (v: readonly unknown[]) => JSON.stringify(v)],
      ['error', 'error', (v: StepError | null) => errorJson(v)],
      ['cacheKey', 'cache_key', (v: string | null) => v],
      ['cacheHit', 'cache_hit', (v: boolean) => (v ? 1 : 0)],
      ['cachedFrom', 'cached_from', (v: string | null) => v],
      ['trackingRunId', 'tracking_run_id', (v: string | null) => v],
      ['worker', 'worker', (v: string | null) => v],
    ];
    for (const [key, column, encode] of optional) {
      if (c[key] === undefined) continue;
      sets.push(`${column} = ?`);
      values.push(encode(c[key] as never));
    }
    const changed = await this.db.execute(
      `UPDATE keel_pipeline_steps SET ${sets.join(', ')} WHERE run_id = ? AND step = ? AND status IN ${OPEN}`,
      [...values, runId, step],
    );
    if (changed === 0) await this.getStep(runId, step);
    return changed === 1;
  }

  async startAttempt(runId: string, step: string, worker: string, at: number): Promise<number> {
    for (let tries = 1; ; tries++) {
      try {
        return await this.db.transaction(async (tx) => {
          await this.getStepIn(tx, runId, step);
          const rows = await tx.query<{ n: number | null }>(
            'SELECT MAX(attempt) AS n FROM keel_pipeline_attempts WHERE run_id = ? AND step = ?',
            [runId, step],
          );
          const next = Number(rows[0]?.n ?? 0) + 1;
          await tx.execute(
            `INSERT INTO keel_pipeline_attempts (run_id, step, attempt, worker, outcome, error, started_at, ended_at)
             VALUES (?, ?, ?, ?, 'running', NULL, ?, NULL)`,
            [runId, step, next, worker, at],
          );
          await tx.execute('UPDATE keel_pipeline_steps SET attempts = ? WHERE run_id = ? AND step = ?', [
            next,
            runId,
            step,
          ]);
          return next;
        });
      } catch (error) {
        // Two workers numbered the same attempt at once: the loser takes the next number.
        if (tries >= 5 || !isKeelError(error, 'KEEL_STORE_CONFLICT')) throw error;
      }
    }
  }

  async endAttempt(
    runId: string,
    step: string,
    attempt: number,
    end: {
      readonly outcome: Exclude<AttemptOutcome, 'running'>;
      readonly at: number;
      readonly error?: StepError | null;
    },
  ): Promise<boolean> {
    const changed = await this.db.execute(
      `UPDATE keel_pipeline_attempts SET outcome = ?, ended_at = ?, error = ?
       WHERE run_id = ? AND step = ? AND attempt = ? AND outcome = 'running'`,
      [end.outcome, end.at, errorJson(end.error), runId, step, attempt],
    );
    return changed === 1;
  }

  async listAttempts(runId: string, step?: string): Promise<StepAttemptRecord[]> {
    const rows = await this.db.query(
      `SELECT a.* FROM keel_pipeline_attempts a
       JOIN keel_pipeline_steps s ON s.run_id = a.run_id AND s.step = a.step
       WHERE a.run_id = ? ${step === undefined ? '' : 'AND a.step = ?'}
       ORDER BY s.position, a.attempt`,
      step === undefined ? [runId] : [runId, step],
    );
    return rows.map(toAttempt);
  }

  findCache(key: string): Promise<StepCacheEntry | null> {
    return this.state.findCache(key);
  }

  putCache(entry: StepCacheEntry): Promise<void> {
    return this.state.putCache(entry);
  }

  deleteCache(key: string): Promise<void> {
    return this.state.deleteCache(key);
  }

  getState(name: string): Promise<PipelineState | null> {
    return this.state.getState(name);
  }

  compareAndSetState(name: string, expectedVersion: number, state: JsonValue, at: number): Promise<boolean> {
    return this.state.compareAndSetState(name, expectedVersion, state, at);
  }

  appendEvent(event: Omit<PipelineEventRecord, 'seq'>): Promise<number> {
    return this.state.appendEvent(event);
  }

  listEvents(
    afterSeq: number,
    options?: { readonly kind?: string; readonly limit?: number },
  ): Promise<PipelineEventRecord[]> {
    return this.state.listEvents(afterSeq, options);
  }

  private async getRunIn(db: SqlDriver, id: string): Promise<PipelineRunRecord> {
    const rows = await db.query('SELECT * FROM keel_pipeline_runs WHERE id = ?', [id]);
    if (!rows[0]) {
      throw new KeelError(
        'KEEL_PIPELINE_NOT_FOUND',
        `Pipeline run "${id}" does not exist. List runs with: keel pipeline runs`,
        { details: { run: id } },
      );
    }
    return toPipelineRun(rows[0]);
  }

  private async getStepIn(db: SqlDriver, runId: string, step: string): Promise<StepRunRecord> {
    const rows = await db.query('SELECT * FROM keel_pipeline_steps WHERE run_id = ? AND step = ?', [
      runId,
      step,
    ]);
    if (!rows[0]) {
      await this.getRunIn(db, runId);
      throw new KeelError(
        'KEEL_PIPELINE_NOT_FOUND',
        `Pipeline run "${runId}" has no step "${step}". Show its steps with: keel pipeline show ${runId}`,
        { details: { run: runId, step } },
      );
    }
    return toStepRun(rows[0]);
  }
}
