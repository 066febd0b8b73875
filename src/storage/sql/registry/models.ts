import { KeelError } from '../../../core/index.js';
import type { RegisteredModel } from '../../contracts/index.js';
import { groupTags, insertMany, numOrNull, selectIn } from '../internal/sql-helpers.js';
import type { SqlDriver } from '../sql-driver.js';
import { rethrowAs } from '../sql-errors.js';
import type { SqlRow } from '../sql-value.js';

/** Inserts a model; `KEEL_REGISTRY_MODEL_EXISTS` when the name is taken. */
export async function createModel(
  db: SqlDriver,
  input: {
    readonly name: string;
    readonly description?: string;
    readonly tags?: Readonly<Record<string, string>>;
    readonly createdAt: number;
  },
): Promise<RegisteredModel> {
  await db.transaction(async (tx) => {
    try {
      await tx.execute(
        'INSERT INTO keel_models (name, description, latest_version, created_at, updated_at) VALUES (?, ?, NULL, ?, ?)',
        [input.name, input.description ?? '', input.createdAt, input.createdAt],
      );
    } catch (error) {
      rethrowAs(
        error,
        'unique',
        (cause) =>
          new KeelError(
            'KEEL_REGISTRY_MODEL_EXISTS',
            `A model named "${input.name}" already exists. Add a version to it, or pick another name.`,
            { cause, details: { model: input.name } },
          ),
      );
    }
    await writeModelTags(tx, input.name, input.tags ?? {});
  });
  return getModel(db, input.name);
}

/** The model or null. */
export async function findModel(db: SqlDriver, name: string): Promise<RegisteredModel | null> {
  const rows = await db.query('SELECT * FROM keel_models WHERE name = ?', [name]);
  return (await hydrateModels(db, rows))[0] ?? null;
}

/** The model; `KEEL_REGISTRY_MODEL_NOT_FOUND` otherwise. */
export async function getModel(db: SqlDriver, name: string): Promise<RegisteredModel> {
  const model = await findModel(db, name);
  if (!model) throw modelNotFound(name);
  return model;
}

/** All models ordered by name. */
export async function listModels(db: SqlDriver): Promise<RegisteredModel[]> {
  return hydrateModels(db, await db.query('SELECT * FROM keel_models ORDER BY name'));
}

/** Updates the description (when given) and `updatedAt`. */
export async function updateModel(
  db: SqlDriver,
  name: string,
  patch: { readonly description?: string; readonly updatedAt: number },
): Promise<void> {
  const n =
    patch.description === undefined
      ? await db.execute('UPDATE keel_models SET updated_at = ? WHERE name = ?', [patch.updatedAt, name])
      : await db.execute('UPDATE keel_models SET description = ?, updated_at = ? WHERE name = ?', [
          patch.description,
          patch.updatedAt,
          name,
        ]);
  if (n === 0) throw modelNotFound(name);
}

/** Upserts model tags. */
export async function setModelTags(
  db: SqlDriver,
  name: string,
  tags: Readonly<Record<string, string>>,
): Promise<void> {
  await db.transaction(async (tx) => {
    await requireModel(tx, name);
    await writeModelTags(tx, name, tags);
  });
}

/** Removes a model tag; absent tags are ignored. */
export async function deleteModelTag(db: SqlDriver, name: string, key: string): Promise<void> {
  await db.transaction(async (tx) => {
    await requireModel(tx, name);
    await tx.execute('DELETE FROM keel_model_tags WHERE model = ? AND key = ?', [name, key]);
  });
}

/** Deletes a model and its versions; `KEEL_REGISTRY_VERSION_IN_USE` when any deployment uses it. */
export async function deleteModel(db: SqlDriver, name: string): Promise<void> {
  await db.transaction(async (tx) => {
    await requireModel(tx, name);
    const uses = await tx.query<{ deployment: string }>(
      'SELECT DISTINCT deployment FROM keel_deployment_uses WHERE model = ? ORDER BY deployment',
      [name],
    );
    if (uses.length > 0) {
      const names = uses.map((u) => String(u.deployment));
      throw new KeelError(
        'KEEL_REGISTRY_VERSION_IN_USE',
        `Model "${name}" is used by deployment(s) ${names.map((n) => `"${n}"`).join(', ')}; remove it from them before deleting the model.`,
        { details: { model: name, deployments: names } },
      );
    }
    await tx.execute('DELETE FROM keel_models WHERE name = ?', [name]);
  });
}

/** Throws `KEEL_REGISTRY_MODEL_NOT_FOUND` unless the model exists. */
export async function requireModel(db: SqlDriver, name: string): Promise<void> {
  const rows = await db.query('SELECT 1 AS x FROM keel_models WHERE name = ?', [name]);
  if (rows.length === 0) throw modelNotFound(name);
}

/** `KEEL_REGISTRY_MODEL_NOT_FOUND` for a name. */
export function modelNotFound(name: string): KeelError {
  return new KeelError(
    'KEEL_REGISTRY_MODEL_NOT_FOUND',
    `Model "${name}" is not registered. List models with: keel models list`,
    { details: { model: name } },
  );
}

async function writeModelTags(
  db: SqlDriver,
  name: string,
  tags: Readonly<Record<string, string>>,
): Promise<void> {
  const entries = Object.entries(tags);
  if (entries.length === 0) return;
  await insertMany(
    db,
    'keel_model_tags',
    ['model', 'key', 'value'],
    entries.map(([k, v]) => [name, k, String(v)]),
    db.dialect.onConflict(['model', 'key'], ['value']),
  );
}

async function hydrateModels(db: SqlDriver, rows: readonly SqlRow[]): Promise<RegisteredModel[]> {
  if (rows.length === 0) return [];
  const names = rows.map((r) => String(r.name));
  const tags = groupTags(
    await selectIn(db, 'SELECT * FROM keel_model_tags WHERE model', names, 'ORDER BY key'),
    'model',
  );
  const aliasRows = await selectIn(db, 'SELECT * FROM keel_aliases WHERE model', names, 'ORDER BY alias');
  const aliases = new Map<string, Record<string, number>>();
  for (const a of aliasRows) {
    const m = String(a.model);
    let rec = aliases.get(m);
    if (!rec) aliases.set(m, (rec = {}));
    rec[String(a.alias)] = Number(a.version);
  }
  return rows.map((r) => ({
    name: String(r.name),
    description: String(r.description),
    tags: tags.get(String(r.name)) ?? {},
    aliases: aliases.get(String(r.name)) ?? {},
    latestVersion: numOrNull(r.latest_version),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  }));
}
