import type { LevelTables } from './shared-state.js';

/**
 * One level of a depth-wise tree over rows [start, end): every row in a splitting node moves to its
 * child (`pos`), and rows of the sample that land in a child with a histogram slot are added to
 * `hist` at `slot * histLength` (gradient, hessian, count per bin).
 */
export type ScanKernel = (
  bins: Uint8Array,
  gh: Float32Array,
  ghOffset: number,
  pos: Int32Array,
  inSample: Uint8Array,
  level: LevelTables,
  hist: Float64Array,
  histLength: number,
  start: number,
  end: number,
) => void;

const MAX_UNROLLED = 64;
/** Generated kernels kept per process (feature sets seen most recently). */
const KERNEL_CACHE_SIZE = 32;
const kernels = new Map<string, ScanKernel>();

function scanSource(p: number, updates: string): string {
  return `const { splitFeature, tableIndex, leftTables, leftChild, histSlot } = level;
for (let r = start; r < end; r++) {
  const node = pos[r];
  const f = splitFeature[node];
  if (f < 0) continue;
  const b = r * ${p};
  const child = leftChild[node] + 1 - leftTables[(tableIndex[node] << 8) + bins[b + f]];
  pos[r] = child;
  const slot = histSlot[child];
  if (slot < 0 || inSample[r] === 0) continue;
  const base = slot * histLength;
  const o = ghOffset + 2 * r;
  const g = gh[o];
  const h = gh[o + 1];
  ${updates}
}`;
}

const ARGS = [
  'bins',
  'gh',
  'ghOffset',
  'pos',
  'inSample',
  'level',
  'hist',
  'histLength',
  'start',
  'end',
] as const;

/**
 * The level-scan kernel for `nf` features `feats[j]` (bins from `binBase[j]`), `p` bins per row:
 * generated once per feature set with the per-feature updates unrolled (see `histogramKernel`);
 * a loop over the features beyond 64 of them.
 */
export function scanKernel(p: number, feats: Int32Array, binBase: Int32Array, nf: number): ScanKernel {
  const pairs: string[] = [];
  for (let j = 0; j < nf; j++) pairs.push(`${feats[j]!}@${binBase[j]!}`);
  const key = `${p}|${pairs.join(',')}`;
  let kernel = kernels.get(key);
  if (kernel) return kernel;
  let body: string;
  if (nf > MAX_UNROLLED) {
    body = `const feats = Int32Array.from([${Array.from(feats.subarray(0, nf)).join(',')}]);
const binBase = Int32Array.from([${Array.from(binBase.subarray(0, nf)).join(',')}]);
${scanSource(
  p,
  `for (let j = 0; j < ${nf}; j++) {
    const a = base + (binBase[j] + bins[b + feats[j]]) * 3;
    hist[a] += g; hist[a + 1] += h; hist[a + 2] += 1;
  }`,
)}`;
  } else {
    const lines: string[] = [];
    for (let j = 0; j < nf; j++) {
      lines.push(`const a${j} = base + (${binBase[j]!} + bins[b + ${feats[j]!}]) * 3;`);
      lines.push(`hist[a${j}] += g; hist[a${j} + 1] += h; hist[a${j} + 2] += 1;`);
    }
    body = scanSource(p, lines.join('\n  '));
  }
  // Generated from integers only (feature indices and offsets): no user text reaches the code.
  kernel = new Function(...ARGS, body) as ScanKernel;
  // Column subsampling makes a new feature set per tree: keep the cache small.
  if (kernels.size >= KERNEL_CACHE_SIZE) kernels.clear();
  kernels.set(key, kernel);
  return kernel;
}

/** Adds each row's node value to output `column` of `k` in the raw scores, rows [start, end). */
export function addNodeValues(
  pos: Int32Array,
  nodeValue: Float64Array,
  scores: Float64Array,
  k: number,
  column: number,
  start: number,
  end: number,
): void {
  for (let r = start; r < end; r++) scores[r * k + column]! += nodeValue[pos[r]!]!;
}

/**
 * The last level of a tree: routes each row of a splitting node to its child and adds the value of
 * the node it ends in (its leaf) to output `column` of `k` in the raw scores, rows [start, end).
 */
export function finalScan(
  bins: Uint8Array,
  p: number,
  pos: Int32Array,
  level: LevelTables,
  scores: Float64Array,
  k: number,
  column: number,
  start: number,
  end: number,
): void {
  const { splitFeature, tableIndex, leftTables, leftChild, nodeValue } = level;
  for (let r = start; r < end; r++) {
    let node = pos[r]!;
    const f = splitFeature[node]!;
    if (f >= 0) node = leftChild[node]! + 1 - leftTables[(tableIndex[node]! << 8) + bins[r * p + f]!]!;
    scores[r * k + column]! += nodeValue[node]!;
  }
}
