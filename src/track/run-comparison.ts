import type { Run } from '../storage/index.js';

/** One key across the compared runs: a value per run (null when the run lacks it). */
export interface ComparisonRow<T> {
  readonly key: string;
  readonly values: readonly (T | null)[];
  /** True when not every run has the same value (a missing value counts as different). */
  readonly differs: boolean;
}

/** Runs side by side: their identity, then params and latest metrics by key (sorted). */
export interface RunComparison {
  readonly runs: readonly {
    readonly id: string;
    readonly name: string;
    readonly status: string;
    readonly experimentId: string;
  }[];
  readonly params: readonly ComparisonRow<string>[];
  readonly metrics: readonly ComparisonRow<number>[];
}

/** Lines runs up by param and metric key (latest metric values), in the order the runs are given. */
export function compareRuns(runs: readonly Run[]): RunComparison {
  return {
    runs: runs.map((r) => ({ id: r.id, name: r.name, status: r.status, experimentId: r.experimentId })),
    params: rows(runs, (r) => r.params),
    metrics: rows(runs, (r) => Object.fromEntries(Object.entries(r.metrics).map(([k, m]) => [k, m.value]))),
  };
}

function rows<T extends string | number>(
  runs: readonly Run[],
  pick: (r: Run) => Readonly<Record<string, T>>,
): ComparisonRow<T>[] {
  const maps = runs.map(pick);
  const keys = [...new Set(maps.flatMap((m) => Object.keys(m)))].sort();
  return keys.map((key) => {
    const values = maps.map((m) => (key in m ? m[key]! : null));
    const first = values[0];
    const same = (v: T | null) =>
      v === first ||
      (typeof v === 'number' && typeof first === 'number' && Number.isNaN(v) && Number.isNaN(first));
    return { key, values, differs: !values.every(same) || first === null };
  });
}
