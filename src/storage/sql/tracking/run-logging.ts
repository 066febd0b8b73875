import { KeelError } from '../../../core/index.js';
import { assertArtifactPath } from '../../artifact-path.js';
import type { MetricPoint, RunArtifact, RunInput } from '../../contracts/index.js';
import { insertMany, placeholderList } from '../internal/sql-helpers.js';
import type { SqlDriver } from '../sql-driver.js';
import { metricPoint, requireRun, writeRunTags } from './runs.js';

/**
 * Logs params in one transaction. Same key and value again is a no-op; another value fails with
 * `KEEL_TRACK_PARAM_CONFLICT` and nothing of the batch is written (also under concurrent writers:
 * the check runs after the insert, so a racing writer's value is seen).
 */
export async function logParams(
  db: SqlDriver,
  runId: string,
  params: Readonly<Record<string, string>>,
): Promise<void> {
  const entries = Object.entries(params).map(([k, v]) => [k, String(v)] as const);
  if (entries.length === 0) return requireRun(db, runId);
  await db.transaction(async (tx) => {
    await requireRun(tx, runId);
    await insertMany(
      tx,
      'keel_params',
      ['run_id', 'key', 'value'],
      entries.map(([k, v]) => [runId, k, v]),
      tx.dialect.onConflict(['run_id', 'key'], []),
    );
    const keys = entries.map(([k]) => k);
    const stored = await tx.query<{ key: string; value: string }>(
      `SELECT key, value FROM keel_params WHERE run_id = ? AND key IN ${placeholderList(keys.length)}`,
      [runId, ...keys],
    );
    const have = new Map(stored.map((r) => [String(r.key), String(r.value)]));
    for (const [k, v] of entries) {
      const old = have.get(k);
      if (old !== v) {
        throw new KeelError(
          'KEEL_TRACK_PARAM_CONFLICT',
          `Param "${k}" of run ${runId} is already "${old}"; it cannot change to "${v}". Params are immutable: start a new run to change one.`,
          { details: { runId, key: k, stored: old, given: v } },
        );
      }
    }
  });
}

/**
 * Appends metric points and keeps the latest value per key, the greatest (step, timestamp, value)
 * (NaN compares as 0, as MLflow stores it), in the same transaction.
 */
export async function logMetrics(
  db: SqlDriver,
  runId: string,
  points: readonly MetricPoint[],
): Promise<void> {
  for (const p of points) assertPoint(runId, p);
  if (points.length === 0) return requireRun(db, runId);
  const rows = points.map((p) => {
    const nan = Number.isNaN(p.value);
    return [runId, p.key, nan ? 0 : p.value, nan ? 1 : 0, p.step, p.timestamp] as const;
  });
  const latest = new Map<string, (typeof rows)[number]>();
  for (const r of rows) {
    const cur = latest.get(r[1]);
    if (!cur || compareTuple(r, cur) > 0) latest.set(r[1], r);
  }
  const cols = ['run_id', 'key', 'value', 'is_nan', 'step', 'ts'];
  await db.transaction(async (tx) => {
    await requireRun(tx, runId);
    await insertMany(tx, 'keel_metrics', cols, rows);
    const t = 'keel_latest_metrics';
    await insertMany(
      tx,
      t,
      cols,
      [...latest.values()],
      tx.dialect.onConflict(
        ['run_id', 'key'],
        ['value', 'is_nan', 'step', 'ts'],
        `(excluded.step, excluded.ts, excluded.value) > (${t}.step, ${t}.ts, ${t}.value)`,
      ),
    );
  });
}

/** Every point of one metric ordered by step, timestamp, then insertion. */
export async function getMetricHistory(db: SqlDriver, runId: string, key: string): Promise<MetricPoint[]> {
  await requireRun(db, runId);
  const rows = await db.query(
    'SELECT * FROM keel_metrics WHERE run_id = ? AND key = ? ORDER BY step, ts, seq',
    [runId, key],
  );
  return rows.map(metricPoint);
}

/** Upserts run tags. */
export async function setRunTags(
  db: SqlDriver,
  runId: string,
  tags: Readonly<Record<string, string>>,
): Promise<void> {
  await db.transaction(async (tx) => {
    await requireRun(tx, runId);
    await writeRunTags(tx, runId, tags);
  });
}

/** Removes a run tag; absent tags are ignored. */
export async function deleteRunTag(db: SqlDriver, runId: string, key: string): Promise<void> {
  await db.transaction(async (tx) => {
    await requireRun(tx, runId);
    await tx.execute('DELETE FROM keel_run_tags WHERE run_id = ? AND key = ?', [runId, key]);
  });
}

/** Records inputs; an existing (fingerprint, context) keeps its first record. */
export async function logInputs(db: SqlDriver, runId: string, inputs: readonly RunInput[]): Promise<void> {
  await db.transaction(async (tx) => {
    await requireRun(tx, runId);
    if (inputs.length === 0) return;
    await insertMany(
      tx,
      'keel_run_inputs',
      ['run_id', 'fingerprint', 'context', 'name', 'source', 'row_count'],
      inputs.map((i) => [runId, i.fingerprint, i.context, i.name, i.source, i.rowCount]),
      tx.dialect.onConflict(['run_id', 'fingerprint', 'context'], []),
    );
  });
}

/** Records (or replaces) the artifact at a validated path. */
export async function logArtifact(db: SqlDriver, runId: string, artifact: RunArtifact): Promise<void> {
  assertArtifactPath(artifact.path);
  await db.transaction(async (tx) => {
    await requireRun(tx, runId);
    await tx.execute(
      `INSERT INTO keel_run_artifacts (run_id, path, digest, size) VALUES (?, ?, ?, ?)
       ${tx.dialect.onConflict(['run_id', 'path'], ['digest', 'size'])}`,
      [runId, artifact.path, artifact.digest, artifact.size],
    );
  });
}

function compareTuple(a: readonly unknown[], b: readonly unknown[]): number {
  for (const i of [4, 5, 2]) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (x !== y) return x > y ? 1 : -1;
  }
  return 0;
}

function assertPoint(runId: string, p: MetricPoint): void {
  if (typeof p.key !== 'string' || p.key === '') {
    throw new KeelError('KEEL_INVALID_ARGUMENT', `A metric of run ${runId} has an empty key.`, {
      details: { runId },
    });
  }
  for (const [field, v] of [
    ['value', p.value],
    ['step', p.step],
    ['timestamp', p.timestamp],
  ] as const) {
    if (typeof v !== 'number' || (field !== 'value' && !Number.isSafeInteger(v))) {
      throw new KeelError(
        'KEEL_INVALID_ARGUMENT',
        `Metric "${p.key}" of run ${runId} has a bad ${field} (${String(v)}): ${field === 'value' ? 'a number' : 'an integer'} is needed.`,
        { details: { runId, key: p.key, field } },
      );
    }
  }
}
