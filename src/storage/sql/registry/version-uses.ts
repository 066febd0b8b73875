import type { SqlDriver } from '../sql-driver.js';

/**
 * Deployments that use a model version, sorted by name: pinned to it, through an alias that points
 * at it, or through the bare model name (latest) when it is the model's highest existing version.
 */
export async function versionUsers(db: SqlDriver, model: string, version: number): Promise<string[]> {
  const rows = await db.query<{ deployment: string }>(
    `SELECT DISTINCT u.deployment AS deployment FROM keel_deployment_uses u
     WHERE u.model = ? AND (
       u.version = ?
       OR u.alias IN (SELECT a.alias FROM keel_aliases a WHERE a.model = ? AND a.version = ?)
       OR (u.version IS NULL AND u.alias IS NULL
           AND ? = (SELECT MAX(v.version) FROM keel_model_versions v WHERE v.model = ?)))
     ORDER BY u.deployment`,
    [model, version, model, version, version, model],
  );
  return rows.map((r) => String(r.deployment));
}
