/**
 * The drift tests as report building blocks: for each test, whether it is a p-value or a distance,
 * its default threshold and comparison (as Evidently compares), which columns it applies to, and
 * how it runs on a column's two sides.
 */
import { KeelError } from '../../core/index.js';
import type { NumericSide } from '../internal/column-side.js';
import { chi2Contingency, chiSquareGoodnessOfFit } from './stats/chi-squared.js';
import { gTest } from './stats/g-test.js';
import { jensenShannon } from './stats/jensen-shannon.js';
import { ks2sampSorted, ksAsymptoticPValue } from './stats/ks.js';
import { binCountsSorted, psiFromCounts } from './stats/psi.js';
import { wassersteinSorted } from './stats/wasserstein.js';
import { proportionsZTest } from './stats/z-test.js';
import type { StatTestName } from './types.js';

/** Counts over the sorted union of values seen on either side. */
export interface DiscreteCounts {
  readonly keys: string[];
  readonly reference: number[];
  readonly current: number[];
}

/** What a test sees of one column: numeric sides (with discrete counts when <= 5 values) or counts. */
export type ColumnPair =
  | {
      readonly kind: 'numeric';
      readonly reference: NumericSide;
      readonly current: NumericSide;
      readonly discrete: DiscreteCounts | null;
    }
  | { readonly kind: 'categorical'; readonly discrete: DiscreteCounts };

/** The raw result of one test. */
export interface TestValue {
  readonly statistic: number;
  readonly pValue: number | null;
  readonly distance: number | null;
  readonly approximate: boolean;
}

/** How one test is run and judged. */
export interface StatTestSpec {
  readonly name: StatTestName;
  readonly kind: 'p_value' | 'distance';
  readonly defaultThreshold: number;
  /** Evidently's comparison: p <= t for ks, p < t for other p-values, distance >= t. */
  isDrift(score: number, threshold: number): boolean;
  applies(pair: ColumnPair): boolean;
  run(pair: ColumnPair): TestValue;
}

const pValueTest = (statistic: number, pValue: number, approximate = false): TestValue => ({
  statistic,
  pValue,
  distance: null,
  approximate,
});
const distanceTest = (statistic: number, distance: number, approximate = false): TestValue => ({
  statistic,
  pValue: null,
  distance,
  approximate,
});

function numeric(pair: ColumnPair): { reference: NumericSide; current: NumericSide } {
  if (pair.kind !== 'numeric')
    throw new KeelError('KEEL_INTERNAL', 'A numeric drift test ran on a categorical column.');
  return pair;
}

function discrete(pair: ColumnPair): DiscreteCounts {
  if (!pair.discrete)
    throw new KeelError('KEEL_INTERNAL', 'A count-based drift test ran on a continuous column.');
  return pair.discrete;
}

/** Bin counts used by PSI and Jensen–Shannon: per value when discrete, reference deciles otherwise. */
function binnedCounts(pair: ColumnPair): { reference: number[]; current: number[] } {
  if (pair.discrete) return pair.discrete;
  const { reference, current } = numeric(pair);
  const bins = reference.bins();
  return { reference: bins.counts, current: binCountsSorted(current.sorted(), bins.cutPoints) };
}

const isNumeric = (pair: ColumnPair): boolean => pair.kind === 'numeric';
const isDiscrete = (pair: ColumnPair): boolean => pair.discrete !== null;
const pLessOrEqual = (p: number, t: number): boolean => p <= t;
const pLess = (p: number, t: number): boolean => p < t;
const atLeast = (d: number, t: number): boolean => d >= t;

/** Every test by name. */
export const STAT_TESTS: Readonly<Record<StatTestName, StatTestSpec>> = {
  ks: {
    name: 'ks',
    kind: 'p_value',
    defaultThreshold: 0.05,
    isDrift: pLessOrEqual,
    applies: isNumeric,
    run(pair) {
      const { reference, current } = numeric(pair);
      if (reference.exact) {
        const r = ks2sampSorted(reference.sorted(), current.sorted());
        return pValueTest(r.statistic, r.pValue);
      }
      // A sketched reference: D from the sketch's ECDF, the asymptotic p-value at the true size.
      const d = ks2sampSorted(reference.sorted(), current.sorted(), { method: 'asymp' }).statistic;
      return pValueTest(d, ksAsymptoticPValue(reference.count, current.count, d, 'two-sided'), true);
    },
  },
  wasserstein: {
    name: 'wasserstein',
    kind: 'distance',
    defaultThreshold: 0.1,
    isDrift: atLeast,
    applies: isNumeric,
    run(pair) {
      const { reference, current } = numeric(pair);
      const w = wassersteinSorted(reference.sorted(), current.sorted());
      return distanceTest(w, w / Math.max(reference.std(), 0.001), !reference.exact);
    },
  },
  psi: {
    name: 'psi',
    kind: 'distance',
    defaultThreshold: 0.1,
    isDrift: atLeast,
    applies: () => true,
    run(pair) {
      const b = binnedCounts(pair);
      const v = psiFromCounts(b.reference, b.current);
      return distanceTest(v, v);
    },
  },
  jensenshannon: {
    name: 'jensenshannon',
    kind: 'distance',
    defaultThreshold: 0.1,
    isDrift: atLeast,
    applies: () => true,
    run(pair) {
      const b = binnedCounts(pair);
      const v = jensenShannon(b.reference, b.current);
      return distanceTest(v, v);
    },
  },
  chisquare: {
    name: 'chisquare',
    kind: 'p_value',
    defaultThreshold: 0.05,
    isDrift: pLess,
    applies: isDiscrete,
    run(pair) {
      const d = discrete(pair);
      const nRef = d.reference.reduce((a, b) => a + b, 0);
      const nCur = d.current.reduce((a, b) => a + b, 0);
      const kNorm = nCur / nRef;
      const r = chiSquareGoodnessOfFit(
        d.current,
        d.reference.map((c) => c * kNorm),
      );
      return pValueTest(r.statistic, r.pValue);
    },
  },
  chi2_contingency: {
    name: 'chi2_contingency',
    kind: 'p_value',
    defaultThreshold: 0.05,
    isDrift: pLess,
    applies: isDiscrete,
    run(pair) {
      const d = discrete(pair);
      const r = chi2Contingency([d.reference, d.current], { correction: true });
      return pValueTest(r.statistic, r.pValue);
    },
  },
  g_test: {
    name: 'g_test',
    kind: 'p_value',
    defaultThreshold: 0.05,
    isDrift: pLess,
    applies: isDiscrete,
    run(pair) {
      const d = discrete(pair);
      const r = gTest([d.reference, d.current]);
      return pValueTest(r.statistic, r.pValue);
    },
  },
  z: {
    name: 'z',
    kind: 'p_value',
    defaultThreshold: 0.05,
    isDrift: pLess,
    applies: (pair) => pair.discrete !== null && pair.discrete.keys.length <= 2,
    run(pair) {
      const d = discrete(pair);
      const r = proportionsZTest(d.reference, d.current);
      return pValueTest(r.statistic, r.pValue);
    },
  },
};

/** What a report reader needs to know about a test: p-value or distance, default threshold, comparison. */
export interface StatTestInfo {
  readonly kind: 'p_value' | 'distance';
  readonly defaultThreshold: number;
  /** When the test flags drift: 'p <= threshold', 'p < threshold' or 'distance >= threshold'. */
  readonly driftWhen: string;
}

/** Every test's kind, default threshold and comparison, for documentation and output. */
export const STAT_TEST_INFO: Readonly<Record<StatTestName, StatTestInfo>> = Object.fromEntries(
  Object.values(STAT_TESTS).map((s) => [
    s.name,
    {
      kind: s.kind,
      defaultThreshold: s.defaultThreshold,
      driftWhen:
        s.kind === 'distance'
          ? 'distance >= threshold'
          : s.name === 'ks'
            ? 'p <= threshold'
            : 'p < threshold',
    },
  ]),
) as Record<StatTestName, StatTestInfo>;

/**
 * Evidently's default test for a column: by kind, the number of distinct values over both sides
 * (null = more than 20) and the reference size after dropping missing values.
 */
export function defaultStatTest(
  kind: 'numeric' | 'categorical',
  uniqueValues: number | null,
  referenceSize: number,
): StatTestName {
  const small = referenceSize <= 1000;
  if (kind === 'numeric' && (uniqueValues === null || uniqueValues > 5)) return small ? 'ks' : 'wasserstein';
  if (uniqueValues !== null && uniqueValues > 2) return small ? 'chisquare' : 'jensenshannon';
  return small ? 'z' : 'jensenshannon';
}
