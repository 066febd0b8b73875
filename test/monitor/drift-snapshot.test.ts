// Reference snapshots: small, JSON-serialisable, and as good as the frame they summarise.
import { describe, expect, it } from 'vitest';
import { categoricalColumn, Frame, isKeelError, numberColumn } from '../../src/core/index.js';
import { buildReferenceSnapshot, detectDrift, parseReferenceSnapshot } from '../../src/monitor/index.js';

const refNum = (n: number): number[] => Array.from({ length: n }, (_, i) => ((i * 7919) % 1000) / 10);
const curNum = (n: number): number[] =>
  Array.from({ length: n }, (_, i) => (((i * 104729) % 1000) / 10) * 1.1 + 3.0);
function rel(actual: number | null, expected: number, tol = 1e-9): void {
  expect(actual).not.toBeNull();
  if (!Number.isFinite(expected)) return void expect(actual).toBe(expected);
  expect(Math.abs(actual! - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(
    tol * Math.max(1, Math.abs(expected)),
  );
}
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

describe('reference snapshots', () => {
  const padded = (values: number[], n: number): number[] =>
    Array.from({ length: n }, (_, i) => values[i] ?? Number.NaN);
  // amount: 20,000 values (sketched); small: 400 values (kept exactly); level: 4 values (discrete).
  const train = Frame.fromColumns([
    numberColumn(
      'amount',
      Array.from({ length: 20000 }, (_, i) => ((i * 7919) % 20011) / 100),
    ),
    numberColumn('small', padded(refNum(400), 20000)),
    numberColumn(
      'level',
      Array.from({ length: 20000 }, (_, i) => i % 4),
    ),
    categoricalColumn(
      'country',
      Array.from({ length: 20000 }, (_, i) => (i % 7 === 0 ? null : ['US', 'DE', 'FR'][i % 3]!)),
    ),
  ]);
  const current = Frame.fromColumns([
    numberColumn(
      'amount',
      Array.from({ length: 5000 }, (_, i) => ((i * 104729) % 20011) / 90),
    ),
    numberColumn('small', padded(curNum(300), 5000)),
    numberColumn(
      'level',
      Array.from({ length: 5000 }, (_, i) => (i % 5 === 0 ? 3 : i % 4)),
    ),
    categoricalColumn(
      'country',
      Array.from({ length: 5000 }, (_, i) => ['US', 'DE', 'FR', 'IT'][i % 4]!),
    ),
  ]);

  it('round-trips through JSON, stays small and matches the frame reference', () => {
    const snapshot = buildReferenceSnapshot(train);
    const json = JSON.stringify(snapshot);
    expect(json.length).toBeLessThan(40_000);
    const parsed = parseReferenceSnapshot(json);
    expect(parsed).toEqual(snapshot);
    const amount = parsed.columns.find((c) => c.name === 'amount')!;
    expect(amount.kind === 'numeric' && !amount.exact && amount.values.length === 1000).toBe(true);

    const options = { stattest: 'all' as const };
    const fromFrame = detectDrift(train, current, options);
    const fromSnapshot = detectDrift(parsed, current, options);
    expect(fromSnapshot.referenceKind).toBe('snapshot');
    for (const [i, c] of fromFrame.columns.entries()) {
      const s = fromSnapshot.columns[i]!;
      expect([s.column, s.test, s.drifted, s.newCategories, s.referenceSize]).toEqual([
        c.column,
        c.test,
        c.drifted,
        c.newCategories,
        c.referenceSize,
      ]);
      rel(s.missingShareChange, c.missingShareChange);
      for (const [j, t] of c.tests.entries()) {
        const st = s.tests[j]!;
        expect(st.test).toBe(t.test);
        if (c.column === 'amount' && (t.test === 'ks' || t.test === 'wasserstein')) {
          // A 1000-point quantile sketch of 20,000 values: close, and flagged as approximate.
          expect(st.approximate).toBe(true);
          expect(Math.abs(st.statistic - t.statistic)).toBeLessThan(0.01 * Math.max(1, t.statistic));
        } else {
          expect(st.approximate).toBe(false);
          rel(st.statistic, t.statistic);
          if (t.pValue !== null) rel(st.pValue, t.pValue, 1e-9);
        }
      }
    }
    expect(fromSnapshot.columns.find((c) => c.column === 'country')!.newCategories).toEqual(['IT']);
  });

  it('rejects a damaged snapshot with the place of the problem', () => {
    const snapshot = JSON.parse(JSON.stringify(buildReferenceSnapshot(train, { sampleSize: 50 })));
    snapshot.columns[0].values[3] = -1e9;
    const e = thrown(() => parseReferenceSnapshot(snapshot));
    expect(isKeelError(e, 'KEEL_MONITOR_BAD_SNAPSHOT')).toBe(true);
    expect((e as Error).message).toContain('"amount"');
    const e2 = thrown(() => parseReferenceSnapshot({ ...snapshot, format: 'nope' }));
    expect((e2 as Error).message).toContain('at format');
    expect(
      isKeelError(
        thrown(() => parseReferenceSnapshot('{')),
        'KEEL_MONITOR_BAD_SNAPSHOT',
      ),
    ).toBe(true);
  });
});
