import type { AlertRuleRepository, StoredAlertRule } from '../../contracts/index.js';
import { parseJson } from '../internal/sql-helpers.js';
import type { SqlDriver } from '../sql-driver.js';
import type { SqlRow } from '../sql-value.js';

/** `AlertRuleRepository` over any `SqlDriver` (one upsert per put, so concurrent puts are safe). */
export class SqlAlertRuleRepository implements AlertRuleRepository {
  constructor(private readonly db: SqlDriver) {}

  async putRule(rule: StoredAlertRule): Promise<StoredAlertRule> {
    const d = this.db.dialect;
    await this.db.execute(
      `INSERT INTO keel_alert_rules (name, expression, severity, description, webhooks, enabled, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ${d.onConflict(['name'], ['expression', 'severity', 'description', 'webhooks', 'enabled', 'updated_at'])}`,
      [
        rule.name,
        rule.expression,
        rule.severity,
        rule.description,
        JSON.stringify(rule.webhooks),
        rule.enabled ? 1 : 0,
        rule.createdAt,
        rule.updatedAt,
      ],
    );
    return (await this.findRule(rule.name))!;
  }

  async findRule(name: string): Promise<StoredAlertRule | null> {
    const rows = await this.db.query('SELECT * FROM keel_alert_rules WHERE name = ?', [name]);
    return rows[0] ? toRule(rows[0]) : null;
  }

  async listRules(): Promise<StoredAlertRule[]> {
    return (await this.db.query('SELECT * FROM keel_alert_rules ORDER BY name')).map(toRule);
  }

  async deleteRule(name: string): Promise<boolean> {
    return (await this.db.execute('DELETE FROM keel_alert_rules WHERE name = ?', [name])) > 0;
  }
}

function toRule(r: SqlRow): StoredAlertRule {
  return {
    name: String(r.name),
    expression: String(r.expression),
    severity: String(r.severity),
    description: String(r.description),
    webhooks: parseJson<string[]>(r.webhooks),
    enabled: Number(r.enabled) === 1,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}
