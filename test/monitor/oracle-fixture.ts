// Loads the SciPy drift oracle copied into test/fixtures/oracles/drift (see its README).
import { readFileSync } from 'node:fs';

const root = new URL('../fixtures/oracles/drift/', import.meta.url);

/** The parsed drift_oracles.json, with "NaN"/"Infinity" strings turned into numbers. */
export function loadDriftOracle(): DriftOracle {
  return JSON.parse(readFileSync(new URL('drift_oracles.json', root), 'utf8'), (_k, v) =>
    v === 'NaN'
      ? Number.NaN
      : v === 'Infinity'
        ? Number.POSITIVE_INFINITY
        : v === '-Infinity'
          ? Number.NEGATIVE_INFINITY
          : v,
  ) as DriftOracle;
}

/** The raw fields of a one-column sample CSV (header `value`; an empty field is missing → null). */
export function readSample(file: string): (string | null)[] {
  const lines = readFileSync(new URL(file, root), 'utf8').split('\n');
  if (lines[0] !== 'value') throw new Error(`${file}: expected a "value" header`);
  if (lines.at(-1) === '') lines.pop();
  return lines.slice(1).map((l) => (l === '' ? null : l));
}

/** A sample CSV as numbers (missing → NaN). */
export function readNumericSample(file: string): Float64Array {
  return Float64Array.from(readSample(file), (v) => (v === null ? Number.NaN : Number(v)));
}

export interface KsOracle {
  statistic: number;
  pvalue: number;
  statistic_location: number;
  statistic_sign: number;
  scipy_warning?: string;
}
export interface ContingencyOracle {
  statistic: number;
  pvalue: number;
  dof: number;
  expected_freq?: number[][];
}
export type OracleCase = Record<string, unknown> & {
  name: string;
  kind: 'numeric' | 'categorical';
  reference_file: string;
  current_file: string;
  n_reference: number;
  n_current: number;
};
export interface DriftOracle {
  generator: string;
  library_versions: Record<string, string>;
  conventions: Record<string, string>;
  cases: OracleCase[];
  direct: {
    jensenshannon: { p: number[]; q: number[]; base: number | null; value: number }[];
    wasserstein_distance: {
      u_values: number[];
      v_values: number[];
      u_weights: number[] | null;
      v_weights: number[] | null;
      value: number;
    }[];
    chi2_contingency: Record<string, unknown>[];
  };
}
