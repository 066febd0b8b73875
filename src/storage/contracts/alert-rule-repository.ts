/**
 * Alert rules of the monitoring module, kept in the metadata store so every process (server,
 * workers, CLI) evaluates the same rules. The store keeps them verbatim: parsing and validating
 * the expression is the monitoring module's job, done before `put`.
 */

/** One stored alert rule. Times are epoch ms (UTC). */
export interface StoredAlertRule {
  /** Unique name, 1..100 characters (letters, digits, `_ . -`). */
  readonly name: string;
  /** The rule expression, e.g. `auc < 0.85 for 1h`. */
  readonly expression: string;
  /** `info`, `warning` or `critical`. */
  readonly severity: string;
  readonly description: string;
  /** Webhook URLs notified when the rule fires or resolves (besides the configured ones). */
  readonly webhooks: readonly string[];
  readonly enabled: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Alert rules by name. */
export interface AlertRuleRepository {
  /** Creates or replaces the rule `rule.name` (a replaced rule keeps its `createdAt`). */
  putRule(rule: StoredAlertRule): Promise<StoredAlertRule>;
  /** The rule, or null when there is none of that name. */
  findRule(name: string): Promise<StoredAlertRule | null>;
  /** Every rule, ordered by name. */
  listRules(): Promise<StoredAlertRule[]>;
  /** Removes a rule; returns false when there was none (idempotent). */
  deleteRule(name: string): Promise<boolean>;
}
