// Drift report over 1,000,000 current rows x 20 features against a 100,000-row reference, against
// the same statistics computed by SciPy 1.10.1 (Debian's /usr/bin/python3, drift_scipy.py) on the
// same data in the same run. Two modes: Evidently's default tests, and every applicable test.
//   npm run bench -- monitor/drift [--current-rows 1000000] [--reference-rows 100000] [--repeats 3]
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type DriftOptions, type DriftReport, detectDrift } from '../../src/monitor/index.js';
import { BENCH_DATA, machineLine, median } from '../lib/peers.js';
import { driftData } from './drift-data.js';

const { values: args } = parseArgs({
  options: {
    'current-rows': { type: 'string', default: '1000000' },
    'reference-rows': { type: 'string', default: '100000' },
    repeats: { type: 'string', default: '3' },
  },
});
const currentRows = Number(args['current-rows']);
const referenceRows = Number(args['reference-rows']);
const repeats = Number(args.repeats);
const dir = join(BENCH_DATA, 'monitor-drift');
const here = new URL('.', import.meta.url).pathname;

process.stdout.write(
  `Generating ${referenceRows} reference and ${currentRows} current rows x 20 features...\n`,
);
const { reference, current, manifest } = driftData(dir, referenceRows, currentRows);

const MODES: Record<string, DriftOptions> = { default: {}, all: { stattest: 'all' } };
interface Plan {
  tests: string[];
  discrete: boolean;
}
interface PeerStat {
  statistic: number | string;
  score: number | string;
}
interface PeerRun {
  scipy: string;
  numpy: string;
  modes: Record<string, { seconds: number; stats: Record<string, Record<string, PeerStat>> }>;
}

// Warm-up run per mode; its report also tells the peer which tests each column gets.
const plans: Record<string, Record<string, Plan>> = {};
const reports: Record<string, DriftReport> = {};
for (const [mode, options] of Object.entries(MODES)) {
  const report = detectDrift(reference, current, options);
  reports[mode] = report;
  plans[mode] = Object.fromEntries(
    report.columns
      .filter((c) => c.status === 'tested')
      .map((c) => [
        c.column,
        {
          tests: c.tests.map((t) => t.test),
          discrete: c.kind === 'numeric' && c.uniqueValues !== null && c.uniqueValues <= 5,
        },
      ]),
  );
}
const planFile = join(dir, 'plan.json');
writeFileSync(planFile, JSON.stringify(plans));

// Keel and SciPy alternate, so load from other processes on the machine hits both alike.
const keelTimes: Record<string, number[]> = { default: [], all: [] };
const peerTimes: Record<string, number[]> = { default: [], all: [] };
let peer: PeerRun | null = null;
for (let r = 0; r < repeats; r++) {
  for (const [mode, options] of Object.entries(MODES)) {
    const t0 = performance.now();
    reports[mode] = detectDrift(reference, current, options);
    keelTimes[mode]!.push((performance.now() - t0) / 1000);
  }
  const raw = execFileSync('/usr/bin/python3', [join(here, 'drift_scipy.py'), dir, planFile, '1'], {
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });
  peer = JSON.parse(raw.replace(/(-?Infinity|NaN)/g, '"$1"')) as PeerRun;
  for (const mode of Object.keys(MODES)) peerTimes[mode]!.push(peer.modes[mode]!.seconds);
  process.stdout.write(
    `run ${r + 1}: keel ${Object.keys(MODES)
      .map((m) => `${m} ${keelTimes[m]!.at(-1)!.toFixed(2)} s`)
      .join(', ')}; scipy ${Object.keys(MODES)
      .map((m) => `${m} ${peerTimes[m]!.at(-1)!.toFixed(2)} s`)
      .join(', ')}\n`,
  );
}
const keel = Object.fromEntries(
  Object.keys(MODES).map((m) => [m, { seconds: median(keelTimes[m]!), report: reports[m]! }]),
);

const asNumber = (v: number | string): number => (typeof v === 'number' ? v : Number(v));
function relDiff(a: number, b: number): number {
  if (a === b) return 0;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return Number.POSITIVE_INFINITY;
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}

const rows: string[] = [];
process.stdout.write(
  '\n| mode | columns drifted | tests | Keel s | SciPy s | SciPy / Keel | max rel. diff statistic / p-value or distance |\n|---|---|---|---|---|---|---|\n',
);
for (const mode of Object.keys(MODES)) {
  const k = keel[mode]!;
  const p = { ...peer!.modes[mode]!, seconds: median(peerTimes[mode]!) };
  let maxStat = 0;
  let maxScore = 0;
  let count = 0;
  for (const c of k.report.columns) {
    for (const t of c.tests) {
      const s = p.stats[c.column]?.[t.test];
      if (!s) throw new Error(`peer has no ${t.test} for ${c.column}`);
      count++;
      maxStat = Math.max(maxStat, relDiff(t.statistic, asNumber(s.statistic)));
      // p-values below 1e-300 underflow differently; compare scores that SciPy reports as representable.
      const score = t.pValue ?? t.distance!;
      if (!(t.pValue !== null && asNumber(s.score) < 1e-300))
        maxScore = Math.max(maxScore, relDiff(score, asNumber(s.score)));
    }
  }
  const ratio = p.seconds / k.seconds;
  const row = `| ${mode} | ${k.report.driftedColumns}/${k.report.testedColumns} | ${count} | ${k.seconds.toFixed(2)} | ${p.seconds.toFixed(2)} | ${ratio.toFixed(2)}x | ${maxStat.toExponential(1)} / ${maxScore.toExponential(1)} |`;
  process.stdout.write(`${row}\n`);
  rows.push(row);
}
const expected = manifest.columns
  .filter((c) => c.drifted)
  .map((c) => c.name)
  .sort();
const found = keel
  .default!.report.columns.filter((c) => c.drifted)
  .map((c) => c.column)
  .sort();
process.stdout.write(
  `\nDrifted columns (default tests): ${found.join(', ')}\nGenerated with drift:            ${expected.join(', ')}\n`,
);
process.stdout.write(
  `\n${currentRows} current x ${referenceRows} reference rows, 20 features, median of ${repeats} alternating runs; SciPy ${peer!.scipy}, NumPy ${peer!.numpy}; ${machineLine()}\n`,
);
process.stdout.write(
  `Command: npm run bench -- monitor/drift --current-rows ${currentRows} --reference-rows ${referenceRows} --repeats ${repeats}\n`,
);
