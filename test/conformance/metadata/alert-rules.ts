import { describe, expect, it } from 'vitest';
import type { StoredAlertRule } from '../../../src/storage/index.js';
import { type OpenFresh, T0 } from './fixtures.js';

const rule = (name: string, over: Partial<StoredAlertRule> = {}): StoredAlertRule => ({
  name,
  expression: 'auc < 0.85 for 1h',
  severity: 'warning',
  description: 'AUC dropped',
  webhooks: ['https://hooks.example.com/keel'],
  enabled: true,
  createdAt: T0,
  updatedAt: T0,
  ...over,
});

/** Alert rules: put (create or replace), find, list by name, delete. */
export function alertRuleConformance(fresh: OpenFresh): void {
  describe('alert rules', () => {
    it('creates, lists by name, replaces keeping createdAt, and deletes idempotently', async () => {
      const store = await fresh();
      expect(await store.alerts.listRules()).toEqual([]);
      expect(await store.alerts.findRule('nope')).toBeNull();
      await store.alerts.putRule(rule('b-drift', { expression: 'drift_share > 0.3', webhooks: [] }));
      const a = await store.alerts.putRule(rule('a-auc'));
      expect(a).toEqual(rule('a-auc'));
      expect((await store.alerts.listRules()).map((r) => r.name)).toEqual(['a-auc', 'b-drift']);
      const replaced = await store.alerts.putRule(
        rule('a-auc', { expression: 'auc < 0.8', enabled: false, createdAt: T0 + 500, updatedAt: T0 + 500 }),
      );
      expect(replaced).toMatchObject({
        expression: 'auc < 0.8',
        enabled: false,
        createdAt: T0,
        updatedAt: T0 + 500,
      });
      expect(await store.alerts.deleteRule('a-auc')).toBe(true);
      expect(await store.alerts.deleteRule('a-auc')).toBe(false);
      expect((await store.alerts.listRules()).map((r) => r.name)).toEqual(['b-drift']);
      expect((await store.alerts.findRule('b-drift'))?.webhooks).toEqual([]);
    });
  });
}
