import { KeelError } from '../../../core/index.js';
import type { Attribution, CreateVersionInput, ModelVersion } from '../../contracts/index.js';
import { groupTags, insertMany, parseJson } from '../internal/sql-helpers.js';
import type { SqlDriver } from '../sql-driver.js';
import type { SqlRow } from '../sql-value.js';
import { modelNotFound, requireModel } from './models.js';
import { versionUsers } from './version-uses.js';

/**
 * Creates the next version atomically: the model row's counter is bumped with
 * `UPDATE ... RETURNING` inside the transaction, so concurrent callers get distinct numbers.
 */
export async function createVersion(
  db: SqlDriver,
  model: string,
  input: CreateVersionInput,
): Promise<ModelVersion> {
  return db.transaction(async (tx) => {
    const bumped = await tx.query<{ v: number }>(
      'UPDATE keel_models SET latest_version = COALESCE(latest_version, 0) + 1, updated_at = ? WHERE name = ? RETURNING latest_version AS v',
      [input.createdAt, model],
    );
    if (bumped.length === 0) throw modelNotFound(model);
    const version = Number(bumped[0]!.v);
    await tx.execute(
      `INSERT INTO keel_model_versions (model, version, flavor, artifact_digest, artifact_size, signature, metrics,
         lineage, run_id, description, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        model,
        version,
        input.flavor,
        input.artifactDigest,
        input.artifactSize,
        JSON.stringify(input.signature),
        JSON.stringify(input.metrics ?? {}),
        JSON.stringify(input.lineage),
        input.lineage.runId,
        input.description ?? '',
        input.createdAt,
        input.createdBy,
      ],
    );
    await writeVersionTags(tx, model, version, input.tags ?? {});
    return getVersion(tx, model, version);
  });
}

/** The version; `KEEL_REGISTRY_VERSION_NOT_FOUND` (or `..._MODEL_NOT_FOUND`) otherwise. */
export async function getVersion(db: SqlDriver, model: string, version: number): Promise<ModelVersion> {
  const rows = await db.query('SELECT * FROM keel_model_versions WHERE model = ? AND version = ?', [
    model,
    version,
  ]);
  if (rows.length === 0) {
    await requireModel(db, model);
    throw versionNotFound(model, version);
  }
  return (await hydrateVersions(db, model, rows))[0]!;
}

/** Versions of a model, newest first. */
export async function listVersions(db: SqlDriver, model: string): Promise<ModelVersion[]> {
  await requireModel(db, model);
  const rows = await db.query('SELECT * FROM keel_model_versions WHERE model = ? ORDER BY version DESC', [
    model,
  ]);
  return hydrateVersions(db, model, rows);
}

/** Upserts version tags. */
export async function setVersionTags(
  db: SqlDriver,
  model: string,
  version: number,
  tags: Readonly<Record<string, string>>,
): Promise<void> {
  await db.transaction(async (tx) => {
    await requireVersion(tx, model, version);
    await writeVersionTags(tx, model, version, tags);
  });
}

/** Removes a version tag; absent tags are ignored. */
export async function deleteVersionTag(
  db: SqlDriver,
  model: string,
  version: number,
  key: string,
): Promise<void> {
  await db.transaction(async (tx) => {
    await requireVersion(tx, model, version);
    await tx.execute('DELETE FROM keel_version_tags WHERE model = ? AND version = ? AND key = ?', [
      model,
      version,
      key,
    ]);
  });
}

/**
 * Deletes a version after removing (and recording) the aliases on it; refuses with
 * `KEEL_REGISTRY_VERSION_IN_USE` when a deployment uses it (see `versionUsers`).
 */
export async function deleteVersion(
  db: SqlDriver,
  model: string,
  version: number,
  by: Attribution,
): Promise<void> {
  await db.transaction(async (tx) => {
    await requireVersion(tx, model, version);
    const users = await versionUsers(tx, model, version);
    if (users.length > 0) {
      throw new KeelError(
        'KEEL_REGISTRY_VERSION_IN_USE',
        `Model "${model}" version ${version} is used by deployment(s) ${users.map((u) => `"${u}"`).join(', ')} (directly or through an alias on it); move them to another version before deleting it.`,
        { details: { model, version, deployments: users } },
      );
    }
    const aliases = await tx.query<{ alias: string }>(
      'SELECT alias FROM keel_aliases WHERE model = ? AND version = ? ORDER BY alias',
      [model, version],
    );
    for (const { alias } of aliases) {
      await tx.execute('DELETE FROM keel_aliases WHERE model = ? AND alias = ?', [model, alias]);
      await tx.execute(
        'INSERT INTO keel_alias_events (model, alias, from_version, to_version, actor, reason, at) VALUES (?, ?, ?, NULL, ?, ?, ?)',
        [model, alias, version, by.actor, by.reason || `version ${version} deleted`, by.at],
      );
    }
    await tx.execute('DELETE FROM keel_model_versions WHERE model = ? AND version = ?', [model, version]);
    await tx.execute('UPDATE keel_models SET updated_at = ? WHERE name = ?', [by.at, model]);
  });
}

/** Throws `..._MODEL_NOT_FOUND` / `..._VERSION_NOT_FOUND` unless the version exists. */
export async function requireVersion(db: SqlDriver, model: string, version: number): Promise<void> {
  const rows = await db.query('SELECT 1 AS x FROM keel_model_versions WHERE model = ? AND version = ?', [
    model,
    version,
  ]);
  if (rows.length > 0) return;
  await requireModel(db, model);
  throw versionNotFound(model, version);
}

/** `KEEL_REGISTRY_VERSION_NOT_FOUND` for a model version. */
export function versionNotFound(model: string, version: number): KeelError {
  return new KeelError(
    'KEEL_REGISTRY_VERSION_NOT_FOUND',
    `Model "${model}" has no version ${version}. List its versions with: keel models show ${model}`,
    { details: { model, version } },
  );
}

async function writeVersionTags(
  db: SqlDriver,
  model: string,
  version: number,
  tags: Readonly<Record<string, string>>,
): Promise<void> {
  const entries = Object.entries(tags);
  if (entries.length === 0) return;
  await insertMany(
    db,
    'keel_version_tags',
    ['model', 'version', 'key', 'value'],
    entries.map(([k, v]) => [model, version, k, String(v)]),
    db.dialect.onConflict(['model', 'version', 'key'], ['value']),
  );
}

async function hydrateVersions(
  db: SqlDriver,
  model: string,
  rows: readonly SqlRow[],
): Promise<ModelVersion[]> {
  if (rows.length === 0) return [];
  const tagRows = await db.query('SELECT * FROM keel_version_tags WHERE model = ? ORDER BY version, key', [
    model,
  ]);
  const tags = groupTags(tagRows, 'version');
  const aliasRows = await db.query('SELECT alias, version FROM keel_aliases WHERE model = ? ORDER BY alias', [
    model,
  ]);
  return rows.map((r) => {
    const version = Number(r.version);
    const metrics = parseJson<Record<string, number | null>>(r.metrics);
    return {
      model,
      version,
      flavor: String(r.flavor),
      artifactDigest: String(r.artifact_digest),
      artifactSize: Number(r.artifact_size),
      signature: parseJson(r.signature),
      metrics: Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, v === null ? Number.NaN : v])),
      lineage: parseJson(r.lineage),
      tags: tags.get(String(version)) ?? {},
      description: String(r.description),
      aliases: aliasRows.filter((a) => Number(a.version) === version).map((a) => String(a.alias)),
      createdAt: Number(r.created_at),
      createdBy: String(r.created_by),
    };
  });
}
