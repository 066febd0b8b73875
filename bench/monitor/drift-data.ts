// Synthetic drift data for bench/monitor/drift.ts: 20 features (12 numeric, 8 categorical), some
// drifted, from a seeded generator; written as raw little-endian arrays + manifest.json so the
// SciPy peer (drift_scipy.py) reads exactly the same values with numpy.fromfile.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CategoricalColumn, type Column, Frame, type NumberColumn } from '../../src/core/index.js';

/** One column as written to disk. */
export interface ManifestColumn {
  readonly name: string;
  readonly kind: 'numeric' | 'categorical';
  readonly levels?: string[];
  readonly drifted: boolean;
}

/** manifest.json: sizes, seed and columns. */
export interface Manifest {
  readonly seed: number;
  readonly referenceRows: number;
  readonly currentRows: number;
  readonly columns: ManifestColumn[];
}

/** mulberry32: a small, fast, seeded 32-bit generator. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Gen = (u: () => number, normal: () => number, current: boolean) => number;

const NUMERIC: [string, boolean, Gen][] = [
  ['normal', false, (_u, z) => z()],
  ['normal_shift', true, (_u, z, cur) => z() + (cur ? 0.25 : 0)],
  ['lognormal', false, (_u, z) => Math.exp(z())],
  ['lognormal_scale', true, (_u, z, cur) => Math.exp(z() * (cur ? 1.3 : 1))],
  ['uniform', false, (u) => u() * 100],
  ['exponential_rate', true, (u, _z, cur) => -Math.log(1 - u()) / (cur ? 0.7 : 1)],
  ['with_missing', false, (u, z, cur) => (u() < (cur ? 0.1 : 0.05) ? Number.NaN : 10 + 2 * z())],
  ['counts', false, (u) => Math.floor(-Math.log(1 - u()) * 3)],
  ['level4', true, (u, _z, cur) => Math.min(3, Math.floor(u() * (cur ? 3.4 : 4)))],
  ['binary', false, (u) => (u() < 0.3 ? 1 : 0)],
  ['bimodal', true, (u, z, cur) => (u() < (cur ? 0.6 : 0.4) ? z() - 2 : z() + 2)],
  ['heavy_tail', false, (_u, z) => z() / Math.max(0.05, Math.abs(z()))],
];

const CATEGORICAL: [string, boolean, number, (u: () => number, k: number, current: boolean) => number][] = [
  ['cat3', false, 3, (u, k) => Math.floor(u() * k)],
  ['cat5_shift', true, 5, (u, k, cur) => Math.floor((cur ? u() ** 1.4 : u()) * k)],
  ['zipf20', false, 20, (u, k) => Math.min(k - 1, Math.max(0, Math.floor(1 / (u() + 0.05)) - 1))],
  ['cat50_new', true, 51, (u, _k, cur) => (cur && u() < 0.02 ? 50 : Math.floor(u() * 50))],
  ['yes_no', false, 2, (u) => (u() < 0.8 ? 0 : 1)],
  ['cat10', false, 10, (u, k) => Math.floor(u() * k)],
  ['cat4_missing', false, 4, (u, k, cur) => (u() < (cur ? 0.03 : 0.02) ? -1 : Math.floor(u() * k))],
  ['cat100_shift', true, 100, (u, k, cur) => Math.floor((cur ? u() ** 1.2 : u()) * k)],
];

function generate(rows: number, seed: number, current: boolean): Column[] {
  const u = rng(seed);
  let spare = Number.NaN;
  const normal = (): number => {
    if (!Number.isNaN(spare)) {
      const s = spare;
      spare = Number.NaN;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(1 - u()));
    const t = 2 * Math.PI * u();
    spare = r * Math.sin(t);
    return r * Math.cos(t);
  };
  const cols: Column[] = [];
  for (const [name, , gen] of NUMERIC) {
    const values = new Float64Array(rows);
    for (let i = 0; i < rows; i++) values[i] = gen(u, normal, current);
    cols.push({ name, type: 'numeric', values } satisfies NumberColumn);
  }
  for (const [name, , k, gen] of CATEGORICAL) {
    const codes = new Int32Array(rows);
    for (let i = 0; i < rows; i++) codes[i] = gen(u, k, current);
    const levels = Array.from({ length: k }, (_, j) => `${name}_${j}`);
    cols.push({ name, type: 'categorical', codes, levels } satisfies CategoricalColumn);
  }
  return cols;
}

function writeSide(dir: string, side: 'ref' | 'cur', cols: Column[]): void {
  for (const c of cols) {
    const data = c.type === 'categorical' ? c.codes : (c as NumberColumn).values;
    writeFileSync(
      join(dir, `${c.name}.${side}.${c.type === 'categorical' ? 'i32' : 'f64'}`),
      new Uint8Array(data.buffer),
    );
  }
}

/** Generates (once per size and seed) and loads the benchmark data as two frames. */
export function driftData(
  dir: string,
  referenceRows: number,
  currentRows: number,
  seed = 20240601,
): { reference: Frame; current: Frame; manifest: Manifest } {
  const reference = Frame.fromColumns(generate(referenceRows, seed, false));
  const current = Frame.fromColumns(generate(currentRows, seed + 1, true));
  const manifest: Manifest = {
    seed,
    referenceRows,
    currentRows,
    columns: [
      ...NUMERIC.map(([name, drifted]) => ({ name, kind: 'numeric' as const, drifted })),
      ...CATEGORICAL.map(([name, drifted, k]) => ({
        name,
        kind: 'categorical' as const,
        drifted,
        levels: Array.from({ length: k }, (_, j) => `${name}_${j}`),
      })),
    ],
  };
  const file = join(dir, 'manifest.json');
  const same = existsSync(file) && readFileSync(file, 'utf8') === JSON.stringify(manifest);
  if (!same) {
    mkdirSync(dir, { recursive: true });
    writeSide(dir, 'ref', reference.columns as Column[]);
    writeSide(dir, 'cur', current.columns as Column[]);
    writeFileSync(file, JSON.stringify(manifest));
  }
  return { reference, current, manifest };
}
