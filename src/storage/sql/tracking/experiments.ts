import { KeelError, newId } from '../../../core/index.js';
import type { Experiment, LifecycleStage } from '../../contracts/index.js';
import { groupTags, insertMany, selectIn } from '../internal/sql-helpers.js';
import type { SqlDriver } from '../sql-driver.js';
import { rethrowAs } from '../sql-errors.js';
import type { SqlRow } from '../sql-value.js';

/** Inserts an experiment; a taken name (deleted experiments included) is `KEEL_TRACK_EXPERIMENT_EXISTS`. */
export async function createExperiment(
  db: SqlDriver,
  input: {
    readonly name: string;
    readonly tags?: Readonly<Record<string, string>>;
    readonly createdAt: number;
  },
): Promise<Experiment> {
  const id = newId(input.createdAt);
  const tags = input.tags ?? {};
  await db.transaction(async (tx) => {
    try {
      await tx.execute(
        'INSERT INTO keel_experiments (id, name, lifecycle_stage, created_at) VALUES (?, ?, ?, ?)',
        [id, input.name, 'active', input.createdAt],
      );
    } catch (error) {
      rethrowAs(error, 'unique', (cause) => experimentExists(input.name, cause));
    }
    await writeTags(tx, id, tags);
  });
  return { id, name: input.name, tags: { ...tags }, lifecycleStage: 'active', createdAt: input.createdAt };
}

/** The experiment; `KEEL_TRACK_EXPERIMENT_NOT_FOUND` otherwise. */
export async function getExperiment(db: SqlDriver, id: string): Promise<Experiment> {
  const [row] = await db.query('SELECT * FROM keel_experiments WHERE id = ?', [id]);
  if (!row) throw experimentNotFound(id);
  return (await withTags(db, [row]))[0]!;
}

/** The experiment named `name`, or null. */
export async function findExperimentByName(db: SqlDriver, name: string): Promise<Experiment | null> {
  const [row] = await db.query('SELECT * FROM keel_experiments WHERE name = ?', [name]);
  return row ? (await withTags(db, [row]))[0]! : null;
}

/** Experiments oldest first; deleted ones only with `includeDeleted`. */
export async function listExperiments(db: SqlDriver, includeDeleted: boolean): Promise<Experiment[]> {
  const rows = await db.query(
    `SELECT * FROM keel_experiments ${includeDeleted ? '' : "WHERE lifecycle_stage = 'active'"} ORDER BY created_at, id`,
  );
  return withTags(db, rows);
}

/** Upserts experiment tags. */
export async function setExperimentTags(
  db: SqlDriver,
  id: string,
  tags: Readonly<Record<string, string>>,
): Promise<void> {
  await db.transaction(async (tx) => {
    await requireExperiment(tx, id);
    await writeTags(tx, id, tags);
  });
}

/** Moves an experiment between `active` and `deleted`. */
export async function setExperimentLifecycle(
  db: SqlDriver,
  id: string,
  stage: LifecycleStage,
): Promise<void> {
  if (stage !== 'active' && stage !== 'deleted') {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `Lifecycle stage must be "active" or "deleted", not "${stage}".`,
    );
  }
  const n = await db.execute('UPDATE keel_experiments SET lifecycle_stage = ? WHERE id = ?', [stage, id]);
  if (n === 0) throw experimentNotFound(id);
}

/** Throws `KEEL_TRACK_EXPERIMENT_NOT_FOUND` unless the experiment exists. */
export async function requireExperiment(db: SqlDriver, id: string): Promise<void> {
  const rows = await db.query('SELECT 1 AS x FROM keel_experiments WHERE id = ?', [id]);
  if (rows.length === 0) throw experimentNotFound(id);
}

/** `KEEL_TRACK_EXPERIMENT_NOT_FOUND` for an id. */
export function experimentNotFound(id: string): KeelError {
  return new KeelError(
    'KEEL_TRACK_EXPERIMENT_NOT_FOUND',
    `Experiment ${id} does not exist. List experiments with: keel experiments list`,
    { details: { experimentId: id } },
  );
}

function experimentExists(name: string, cause: unknown): KeelError {
  return new KeelError(
    'KEEL_TRACK_EXPERIMENT_EXISTS',
    `An experiment named "${name}" already exists (it may be deleted). Use it, or pick another name.`,
    { cause, details: { name } },
  );
}

async function writeTags(db: SqlDriver, id: string, tags: Readonly<Record<string, string>>): Promise<void> {
  const entries = Object.entries(tags);
  if (entries.length === 0) return;
  await insertMany(
    db,
    'keel_experiment_tags',
    ['experiment_id', 'key', 'value'],
    entries.map(([k, v]) => [id, k, v]),
    db.dialect.onConflict(['experiment_id', 'key'], ['value']),
  );
}

async function withTags(db: SqlDriver, rows: readonly SqlRow[]): Promise<Experiment[]> {
  const ids = rows.map((r) => String(r.id));
  const tags =
    ids.length === 0
      ? new Map<string, Record<string, string>>()
      : groupTags(
          await selectIn(db, 'SELECT * FROM keel_experiment_tags WHERE experiment_id', ids, 'ORDER BY key'),
          'experiment_id',
        );
  return rows.map((r) => ({
    id: String(r.id),
    name: String(r.name),
    tags: tags.get(String(r.id)) ?? {},
    lifecycleStage: r.lifecycle_stage as LifecycleStage,
    createdAt: Number(r.created_at),
  }));
}
