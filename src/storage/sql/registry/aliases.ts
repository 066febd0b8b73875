import { KeelError } from '../../../core/index.js';
import type { AliasEvent, Attribution, ModelVersion } from '../../contracts/index.js';
import { numOrNull } from '../internal/sql-helpers.js';
import type { SqlDriver } from '../sql-driver.js';
import type { SqlRow } from '../sql-value.js';
import { requireModel } from './models.js';
import { getVersion, requireVersion } from './versions.js';

/** Points `alias` at `version` (creating or moving it) and records the move, even to the same version. */
export async function setAlias(
  db: SqlDriver,
  model: string,
  alias: string,
  version: number,
  by: Attribution,
): Promise<AliasEvent> {
  return db.transaction(async (tx) => {
    await requireVersion(tx, model, version);
    const from = await currentVersion(tx, model, alias);
    await tx.execute(
      `INSERT INTO keel_aliases (model, alias, version) VALUES (?, ?, ?) ${tx.dialect.onConflict(['model', 'alias'], ['version'])}`,
      [model, alias, version],
    );
    await tx.execute('UPDATE keel_models SET updated_at = ? WHERE name = ?', [by.at, model]);
    return record(tx, { model, alias, fromVersion: from, toVersion: version, ...by });
  });
}

/** Removes an alias and records it; `KEEL_REGISTRY_ALIAS_NOT_FOUND` when absent. */
export async function deleteAlias(
  db: SqlDriver,
  model: string,
  alias: string,
  by: Attribution,
): Promise<AliasEvent> {
  return db.transaction(async (tx) => {
    const from = await currentVersion(tx, model, alias);
    if (from === null) {
      await requireModel(tx, model);
      throw aliasNotFound(model, alias);
    }
    await tx.execute('DELETE FROM keel_aliases WHERE model = ? AND alias = ?', [model, alias]);
    await tx.execute('UPDATE keel_models SET updated_at = ? WHERE name = ?', [by.at, model]);
    return record(tx, { model, alias, fromVersion: from, toVersion: null, ...by });
  });
}

/** The version an alias points at; `KEEL_REGISTRY_ALIAS_NOT_FOUND` otherwise. */
export async function resolveAlias(db: SqlDriver, model: string, alias: string): Promise<ModelVersion> {
  const version = await currentVersion(db, model, alias);
  if (version === null) {
    await requireModel(db, model);
    throw aliasNotFound(model, alias);
  }
  return getVersion(db, model, version);
}

/** Alias moves of a model (optionally one alias), oldest first; kept after deletions. */
export async function aliasHistory(db: SqlDriver, model: string, alias?: string): Promise<AliasEvent[]> {
  const rows =
    alias === undefined
      ? await db.query('SELECT * FROM keel_alias_events WHERE model = ? ORDER BY seq', [model])
      : await db.query('SELECT * FROM keel_alias_events WHERE model = ? AND alias = ? ORDER BY seq', [
          model,
          alias,
        ]);
  return rows.map(toEvent);
}

/** `KEEL_REGISTRY_ALIAS_NOT_FOUND` for a model alias. */
export function aliasNotFound(model: string, alias: string): KeelError {
  return new KeelError(
    'KEEL_REGISTRY_ALIAS_NOT_FOUND',
    `Model "${model}" has no alias "${alias}". Set one with: keel models alias ${model} ${alias} <version>`,
    { details: { model, alias } },
  );
}

async function currentVersion(db: SqlDriver, model: string, alias: string): Promise<number | null> {
  const rows = await db.query('SELECT version FROM keel_aliases WHERE model = ? AND alias = ?', [
    model,
    alias,
  ]);
  return rows[0] ? Number(rows[0].version) : null;
}

async function record(db: SqlDriver, e: AliasEvent): Promise<AliasEvent> {
  await db.execute(
    'INSERT INTO keel_alias_events (model, alias, from_version, to_version, actor, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [e.model, e.alias, e.fromVersion, e.toVersion, e.actor, e.reason, e.at],
  );
  return {
    model: e.model,
    alias: e.alias,
    fromVersion: e.fromVersion,
    toVersion: e.toVersion,
    actor: e.actor,
    reason: e.reason,
    at: e.at,
  };
}

function toEvent(r: SqlRow): AliasEvent {
  return {
    model: String(r.model),
    alias: String(r.alias),
    fromVersion: numOrNull(r.from_version),
    toVersion: numOrNull(r.to_version),
    actor: String(r.actor),
    reason: String(r.reason),
    at: Number(r.at),
  };
}
