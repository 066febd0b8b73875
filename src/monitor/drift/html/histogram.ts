/**
 * Histogram data for the HTML report: the same bins for both sides of a column, as shares, so
 * the reference and current distributions can be overlaid. Numeric columns get up to 30 equal
 * bins over the pooled range (one bar per value with at most 20 values); categorical columns one
 * bar per category, the 20 most frequent, the rest pooled as "(other)".
 */
import type { ColumnSide, NumericSide } from '../../internal/column-side.js';

/** One histogram: bar labels and each side's share per bar. */
export interface Histogram {
  readonly kind: 'range' | 'values' | 'categories';
  readonly labels: string[];
  /** For 'range': the bin edges (labels.length + 1). */
  readonly edges: number[];
  readonly reference: number[];
  readonly current: number[];
}

const MAX_BINS = 30;
const MAX_CATEGORIES = 20;

const shares = (counts: number[]): number[] => {
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((c) => (total === 0 ? 0 : c / total));
};

function formatEdge(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const abs = Math.abs(v);
  return abs !== 0 && (abs < 1e-3 || abs >= 1e6) ? v.toExponential(2) : String(Number(v.toPrecision(4)));
}

function distinct(sorted: Float64Array, cap: number): number[] | null {
  const out: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    if (i > 0 && sorted[i] === sorted[i - 1]) continue;
    if (out.length === cap) return null;
    out.push(sorted[i]!);
  }
  return out;
}

const TAIL = 0.005;

function tail(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return q < 0.5 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function countInto(sorted: Float64Array, lo: number, width: number, bins: number): number[] {
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < sorted.length; i++) {
    const b = width === 0 ? 0 : Math.max(0, Math.min(bins - 1, Math.floor((sorted[i]! - lo) / width)));
    counts[b]!++;
  }
  return counts;
}

function numericHistogram(ref: NumericSide, cur: NumericSide): Histogram {
  const r = ref.sorted();
  const c = cur.sorted();
  const rv = distinct(r, MAX_CATEGORIES);
  const cv = rv ? distinct(c, MAX_CATEGORIES) : null;
  const values = rv && cv ? [...new Set([...rv, ...cv])].sort((a, b) => a - b) : null;
  if (values && values.length <= MAX_CATEGORIES) {
    const index = new Map(values.map((v, i) => [v, i]));
    const count = (s: Float64Array): number[] => {
      const out = new Array<number>(values.length).fill(0);
      for (let i = 0; i < s.length; i++) out[index.get(s[i]!)!]!++;
      return out;
    };
    return {
      kind: 'values',
      labels: values.map(formatEdge),
      edges: [],
      reference: shares(count(r)),
      current: shares(count(c)),
    };
  }
  // A robust range (0.5% to 99.5% of each side) keeps long tails from squashing the chart; values
  // beyond it fall into the first or last bin.
  let lo = Math.min(tail(r, TAIL), tail(c, TAIL));
  let hi = Math.max(tail(r, 1 - TAIL), tail(c, 1 - TAIL));
  if (!(hi > lo)) {
    lo = Math.min(r[0] ?? Number.POSITIVE_INFINITY, c[0] ?? Number.POSITIVE_INFINITY);
    hi = Math.max(r[r.length - 1] ?? Number.NEGATIVE_INFINITY, c[c.length - 1] ?? Number.NEGATIVE_INFINITY);
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi))
    return { kind: 'range', labels: [], edges: [], reference: [], current: [] };
  const width = (hi - lo) / MAX_BINS;
  const edges = Array.from({ length: MAX_BINS + 1 }, (_, i) => (i === MAX_BINS ? hi : lo + i * width));
  return {
    kind: 'range',
    labels: edges.slice(0, -1).map((e, i) => `${formatEdge(e)} – ${formatEdge(edges[i + 1]!)}`),
    edges,
    reference: shares(countInto(r, lo, width, MAX_BINS)),
    current: shares(countInto(c, lo, width, MAX_BINS)),
  };
}

function categoricalHistogram(ref: ReadonlyMap<string, number>, cur: ReadonlyMap<string, number>): Histogram {
  const rs = [...ref.values()].reduce((a, b) => a + b, 0) || 1;
  const cs = [...cur.values()].reduce((a, b) => a + b, 0) || 1;
  const keys = [...new Set([...ref.keys(), ...cur.keys()])];
  const weight = (k: string): number => (ref.get(k) ?? 0) / rs + (cur.get(k) ?? 0) / cs;
  keys.sort((a, b) => weight(b) - weight(a) || (a < b ? -1 : 1));
  const shown = keys.slice(0, MAX_CATEGORIES);
  const rest = keys.slice(MAX_CATEGORIES);
  const sum = (m: ReadonlyMap<string, number>, ks: string[]): number =>
    ks.reduce((a, k) => a + (m.get(k) ?? 0), 0);
  const labels = rest.length ? [...shown, `(other ${rest.length})`] : shown;
  const refCounts = [...shown.map((k) => ref.get(k) ?? 0), ...(rest.length ? [sum(ref, rest)] : [])];
  const curCounts = [...shown.map((k) => cur.get(k) ?? 0), ...(rest.length ? [sum(cur, rest)] : [])];
  return { kind: 'categories', labels, edges: [], reference: shares(refCounts), current: shares(curCounts) };
}

/** The overlaid histogram of one column, or null when the sides cannot be drawn together. */
export function columnHistogram(ref: ColumnSide, cur: ColumnSide): Histogram | null {
  if (ref.kind === 'numeric' && cur.kind === 'numeric') return numericHistogram(ref, cur);
  if (ref.kind === 'categorical' && cur.kind === 'categorical')
    return categoricalHistogram(ref.counts, cur.counts);
  return null;
}
