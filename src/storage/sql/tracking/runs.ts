import { KeelError, newId } from '../../../core/index.js';
import {
  type CreateRunInput,
  RUN_STATUSES,
  type Run,
  type RunArtifact,
  type RunInput,
  type RunStatus,
} from '../../contracts/index.js';
import { groupTags, insertMany, numOrNull, selectIn } from '../internal/sql-helpers.js';
import type { SqlDriver } from '../sql-driver.js';
import type { SqlRow } from '../sql-value.js';
import { requireExperiment } from './experiments.js';

/** Inserts a run (RUNNING unless given) with its tags; the experiment and parent must exist. */
export async function createRun(db: SqlDriver, input: CreateRunInput): Promise<Run> {
  const status = input.status ?? 'RUNNING';
  assertStatus(status);
  const id = newId(input.startTime);
  await db.transaction(async (tx) => {
    await requireExperiment(tx, input.experimentId);
    if (input.parentRunId) await requireRun(tx, input.parentRunId);
    await tx.execute(
      `INSERT INTO keel_runs (id, experiment_id, name, status, start_time, end_time, parent_run_id)
       VALUES (?, ?, ?, ?, ?, NULL, ?)`,
      [id, input.experimentId, input.name ?? '', status, input.startTime, input.parentRunId ?? null],
    );
    await writeRunTags(tx, id, input.tags ?? {});
  });
  return getRun(db, id);
}

/** The run with everything logged to it; `KEEL_TRACK_RUN_NOT_FOUND` otherwise. */
export async function getRun(db: SqlDriver, id: string): Promise<Run> {
  const [run] = await loadRuns(db, [id]);
  if (!run) throw runNotFound(id);
  return run;
}

/** Updates status, end time and/or name. */
export async function updateRun(
  db: SqlDriver,
  id: string,
  patch: { readonly status?: RunStatus; readonly endTime?: number | null; readonly name?: string },
): Promise<Run> {
  const sets: string[] = [];
  const params: (string | number | null)[] = [];
  if (patch.status !== undefined) {
    assertStatus(patch.status);
    sets.push('status = ?');
    params.push(patch.status);
  }
  if (patch.endTime !== undefined) {
    sets.push('end_time = ?');
    params.push(patch.endTime);
  }
  if (patch.name !== undefined) {
    sets.push('name = ?');
    params.push(patch.name);
  }
  if (sets.length > 0) {
    const n = await db.execute(`UPDATE keel_runs SET ${sets.join(', ')} WHERE id = ?`, [...params, id]);
    if (n === 0) throw runNotFound(id);
  }
  return getRun(db, id);
}

/** Deletes a run and everything logged to it (children keep running, detached from it). */
export async function deleteRun(db: SqlDriver, id: string): Promise<void> {
  const n = await db.execute('DELETE FROM keel_runs WHERE id = ?', [id]);
  if (n === 0) throw runNotFound(id);
}

/** Throws `KEEL_TRACK_RUN_NOT_FOUND` unless the run exists. */
export async function requireRun(db: SqlDriver, id: string): Promise<void> {
  const rows = await db.query('SELECT 1 AS x FROM keel_runs WHERE id = ?', [id]);
  if (rows.length === 0) throw runNotFound(id);
}

/** `KEEL_TRACK_RUN_NOT_FOUND` for an id. */
export function runNotFound(id: string): KeelError {
  return new KeelError(
    'KEEL_TRACK_RUN_NOT_FOUND',
    `Run ${id} does not exist. List runs with: keel runs list`,
    {
      details: { runId: id },
    },
  );
}

/** Upserts run tags. */
export async function writeRunTags(
  db: SqlDriver,
  runId: string,
  tags: Readonly<Record<string, string>>,
): Promise<void> {
  const entries = Object.entries(tags);
  if (entries.length === 0) return;
  await insertMany(
    db,
    'keel_run_tags',
    ['run_id', 'key', 'value'],
    entries.map(([k, v]) => [runId, k, String(v)]),
    db.dialect.onConflict(['run_id', 'key'], ['value']),
  );
}

/** Loads runs by id with params, latest metrics, tags, inputs and artifacts, in the order of `ids` (missing ids skipped). */
export async function loadRuns(db: SqlDriver, ids: readonly string[]): Promise<Run[]> {
  if (ids.length === 0) return [];
  const rows = await selectIn(db, 'SELECT * FROM keel_runs WHERE id', ids);
  const params = groupTags(
    await selectIn(db, 'SELECT * FROM keel_params WHERE run_id', ids, 'ORDER BY key'),
    'run_id',
  );
  const tags = groupTags(
    await selectIn(db, 'SELECT * FROM keel_run_tags WHERE run_id', ids, 'ORDER BY key'),
    'run_id',
  );
  const metrics = group(
    await selectIn(db, 'SELECT * FROM keel_latest_metrics WHERE run_id', ids, 'ORDER BY key'),
  );
  const inputs = group(await selectIn(db, 'SELECT * FROM keel_run_inputs WHERE run_id', ids, 'ORDER BY seq'));
  const artifacts = group(
    await selectIn(db, 'SELECT * FROM keel_run_artifacts WHERE run_id', ids, 'ORDER BY path'),
  );
  const byId = new Map(rows.map((r) => [String(r.id), r]));
  const out: Run[] = [];
  for (const id of ids) {
    const r = byId.get(id);
    if (!r) continue;
    out.push({
      id,
      experimentId: String(r.experiment_id),
      name: String(r.name),
      status: r.status as RunStatus,
      startTime: Number(r.start_time),
      endTime: numOrNull(r.end_time),
      parentRunId: r.parent_run_id === null ? null : String(r.parent_run_id),
      params: params.get(id) ?? {},
      metrics: Object.fromEntries((metrics.get(id) ?? []).map((m) => [String(m.key), metricPoint(m)])),
      tags: tags.get(id) ?? {},
      inputs: (inputs.get(id) ?? []).map(runInput),
      artifacts: (artifacts.get(id) ?? []).map(runArtifact),
    });
  }
  return out;
}

/** A metric row (history or latest) as a `MetricPoint`; NaN is stored as 0 with `is_nan = 1`. */
export function metricPoint(r: SqlRow): { key: string; value: number; step: number; timestamp: number } {
  return {
    key: String(r.key),
    value: Number(r.is_nan) === 1 ? Number.NaN : Number(r.value),
    step: Number(r.step),
    timestamp: Number(r.ts),
  };
}

function runInput(r: SqlRow): RunInput {
  return {
    fingerprint: String(r.fingerprint),
    name: String(r.name),
    source: r.source === null ? null : String(r.source),
    context: String(r.context),
    rowCount: numOrNull(r.row_count),
  };
}

function runArtifact(r: SqlRow): RunArtifact {
  return { path: String(r.path), digest: String(r.digest), size: Number(r.size) };
}

function group(rows: readonly SqlRow[]): Map<string, SqlRow[]> {
  const out = new Map<string, SqlRow[]>();
  for (const r of rows) {
    const id = String(r.run_id);
    let list = out.get(id);
    if (!list) out.set(id, (list = []));
    list.push(r);
  }
  return out;
}

function assertStatus(status: string): void {
  if (!RUN_STATUSES.includes(status as RunStatus)) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `Run status "${status}" is not one of ${RUN_STATUSES.join(', ')}.`,
      { details: { status } },
    );
  }
}
