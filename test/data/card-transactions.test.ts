import { describe, expect, it } from 'vitest';
import { valueAt } from '../../src/core/index.js';
import { fingerprint, generateCardTransactions } from '../../src/data/index.js';

const DAY = 86_400_000;
const median = (v: Float64Array): number => {
  const s = Float64Array.from(v).sort();
  return s[s.length >> 1]!;
};

describe('synthetic card transactions', () => {
  const base = generateCardTransactions({ rows: 5000, seed: 7 });

  it('is deterministic for a seed and different across seeds', () => {
    expect(fingerprint(generateCardTransactions({ rows: 5000, seed: 7 }).transactions)).toBe(
      fingerprint(base.transactions),
    );
    expect(fingerprint(generateCardTransactions({ rows: 5000, seed: 8 }).transactions)).not.toBe(
      fingerprint(base.transactions),
    );
  });

  it('produces the requested rows in time order with a plausible fraud rate', () => {
    const t = base.transactions;
    expect(t.rowCount).toBe(5000);
    const ts = t.numberColumn('event_timestamp').values;
    for (let i = 1; i < ts.length; i++) expect(ts[i]!).toBeGreaterThanOrEqual(ts[i - 1]!);
    const y = t.numberColumn('is_fraud').values;
    const rate = y.reduce((s, v) => s + v, 0) / y.length;
    expect(rate).toBeGreaterThan(0.01);
    expect(rate).toBeLessThan(0.08);
    expect(t.names).toEqual([
      'transaction_id',
      'event_timestamp',
      'user_id',
      'merchant_id',
      'amount',
      'merchant_category',
      'country',
      'device_type',
      'device_trust',
      'distance_from_home',
      'hour',
      'tx_count_24h',
      'is_fraud',
    ]);
  });

  it('computes tx_count_24h from the same user earlier rows only', () => {
    const t = base.transactions;
    const users = t.column('user_id');
    const ts = t.numberColumn('event_timestamp').values;
    const v = t.numberColumn('tx_count_24h').values;
    for (const i of [100, 2000, 4999]) {
      const u = valueAt(users, i);
      let expected = 0;
      for (let j = 0; j < i; j++) if (valueAt(users, j) === u && ts[j]! > ts[i]! - DAY) expected++;
      expect(v[i]).toBe(expected);
    }
  });

  it('stamps daily user stats from earlier days only (point-in-time correct)', () => {
    const stats = base.userStats;
    const row = Math.floor(stats.rowCount / 2);
    const user = valueAt(stats.column('user_id'), row);
    const at = stats.numberColumn('event_timestamp').values[row]!;
    const t = base.transactions;
    const ts = t.numberColumn('event_timestamp').values;
    let n7 = 0;
    for (let j = 0; j < t.rowCount; j++) {
      if (valueAt(t.column('user_id'), j) === user && ts[j]! < at && ts[j]! >= at - 7 * DAY) n7++;
    }
    expect(stats.numberColumn('tx_count_7d').values[row]).toBe(n7);
    expect(at % DAY).toBe(0);
  });

  it('shifts distributions under drift, keeping the schema', () => {
    const drifted = generateCardTransactions({ rows: 5000, seed: 7, drift: 1 });
    expect(drifted.transactions.names).toEqual(base.transactions.names);
    expect(median(drifted.transactions.numberColumn('amount').values)).toBeGreaterThan(
      median(base.transactions.numberColumn('amount').values) * 1.15,
    );
  });

  it('refuses too few rows', () => {
    expect(() => generateCardTransactions({ rows: 10 })).toThrow(/rows must be a whole number >= 100/);
  });
});
