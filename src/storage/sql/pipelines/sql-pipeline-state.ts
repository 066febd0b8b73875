import type { JsonValue, PipelineEventRecord, PipelineState, StepCacheEntry } from '../../contracts/index.js';
import { parseJson } from '../internal/sql-helpers.js';
import type { SqlDriver } from '../sql-driver.js';
import type { SqlValue } from '../sql-value.js';
import { toCacheEntry, toEvent } from './pipeline-rows.js';

/**
 * The step cache, compare-and-set state rows and the event log of the pipeline repository: single
 * statements, so the compare-and-set is race-free on every backend.
 */
export class SqlPipelineState {
  constructor(private readonly db: SqlDriver) {}

  async findCache(key: string): Promise<StepCacheEntry | null> {
    const rows = await this.db.query('SELECT * FROM keel_pipeline_cache WHERE cache_key = ?', [key]);
    return rows[0] ? toCacheEntry(rows[0]) : null;
  }

  async putCache(e: StepCacheEntry): Promise<void> {
    const columns = ['output_digest', 'output_size', 'artifacts', 'run_id', 'created_at', 'pipeline', 'step'];
    await this.db.execute(
      `INSERT INTO keel_pipeline_cache (cache_key, ${columns.join(', ')}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ${this.db.dialect.onConflict(['cache_key'], columns)}`,
      [
        e.key,
        e.outputDigest,
        e.outputSize,
        JSON.stringify(e.artifacts),
        e.runId,
        e.createdAt,
        e.pipeline,
        e.step,
      ],
    );
  }

  async deleteCache(key: string): Promise<void> {
    await this.db.execute('DELETE FROM keel_pipeline_cache WHERE cache_key = ?', [key]);
  }

  async getState(name: string): Promise<PipelineState | null> {
    const rows = await this.db.query('SELECT * FROM keel_pipeline_states WHERE name = ?', [name]);
    const r = rows[0];
    if (!r) return null;
    return {
      name: String(r.name),
      state: parseJson<JsonValue>(r.state),
      version: Number(r.version),
      updatedAt: Number(r.updated_at),
    };
  }

  async compareAndSetState(
    name: string,
    expectedVersion: number,
    state: JsonValue,
    at: number,
  ): Promise<boolean> {
    const json = JSON.stringify(state);
    if (expectedVersion === 0) {
      const changed = await this.db.execute(
        `INSERT INTO keel_pipeline_states (name, state, version, updated_at) VALUES (?, ?, 1, ?)
         ${this.db.dialect.onConflict(['name'], [])}`,
        [name, json, at],
      );
      return changed === 1;
    }
    const changed = await this.db.execute(
      'UPDATE keel_pipeline_states SET state = ?, version = version + 1, updated_at = ? WHERE name = ? AND version = ?',
      [json, at, name, expectedVersion],
    );
    return changed === 1;
  }

  async appendEvent(event: Omit<PipelineEventRecord, 'seq'>): Promise<number> {
    const rows = await this.db.query<{ seq: number }>(
      'INSERT INTO keel_pipeline_events (kind, subject, payload, at) VALUES (?, ?, ?, ?) RETURNING seq',
      [event.kind, event.subject, JSON.stringify(event.payload), event.at],
    );
    return Number(rows[0]!.seq);
  }

  async listEvents(
    afterSeq: number,
    options: { readonly kind?: string; readonly limit?: number } = {},
  ): Promise<PipelineEventRecord[]> {
    const kind = options.kind === undefined ? '' : 'AND kind = ?';
    const params: SqlValue[] = [afterSeq, ...(options.kind === undefined ? [] : [options.kind])];
    const rows = await this.db.query(
      `SELECT * FROM keel_pipeline_events WHERE seq > ? ${kind} ORDER BY seq LIMIT ?`,
      [...params, Math.max(1, Math.floor(options.limit ?? 1000))],
    );
    return rows.map(toEvent);
  }
}
