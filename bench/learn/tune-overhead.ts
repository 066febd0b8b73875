// Per-suggestion overhead of Keel's TPE (univariate and multivariate) against Optuna 3.1 in the same run.
// `npm run bench -- learn/tune-overhead [seeds]`: times study.ask() on Hartmann-6 (6 continuous
// parameters) at 10/50/100/200 completed trials; the peer (bench/learn/tune_overhead_optuna.py, run
// with /usr/bin/python3 and Debian's python3-optuna 3.1.0) times study.ask() plus its six
// suggest_float calls, where Optuna does its sampling. Prints a table, ratios and a RESULTS.md row.
import { execFileSync } from 'node:child_process';
import { createStudy } from '../../src/learn/index.js';
import { hartmann6 } from '../../test/learn/tune/objectives.js';
import { machineLine, median } from '../lib/peers.js';

const CHECKPOINTS = [10, 50, 100, 200];
const N_TRIALS = 205;
const seeds = Number(process.argv[2] ?? 3);
const space = Object.fromEntries(
  Array.from({ length: 6 }, (_, i) => [`x${i}`, { type: 'float' as const, low: 0, high: 1 }]),
);

function keelLatencies(multivariate: boolean, seed: number): number[] {
  const study = createStudy({ space, sampler: { type: 'tpe', multivariate }, seed });
  const out: number[] = [];
  for (let i = 0; i < N_TRIALS; i++) {
    const t0 = performance.now();
    const t = study.ask();
    out.push(performance.now() - t0);
    study.tell(t.number, hartmann6(Array.from({ length: 6 }, (_, j) => t.params[`x${j}`] as number)));
  }
  return out;
}

/** Latency at n trials: median over all seeds of the asks made with n … n+4 trials complete (as the peer). */
function atCheckpoints(runs: number[][]): Record<string, number> {
  return Object.fromEntries(
    CHECKPOINTS.map((c) => [String(c), median(runs.flatMap((r) => r.slice(c, c + 5)))]),
  );
}

keelLatencies(false, 99); // warm up the JIT
keelLatencies(true, 99);
const keel = {
  tpe: atCheckpoints(Array.from({ length: seeds }, (_, s) => keelLatencies(false, s))),
  tpe_multivariate: atCheckpoints(Array.from({ length: seeds }, (_, s) => keelLatencies(true, s))),
};
const script = new URL('./tune_overhead_optuna.py', import.meta.url).pathname;
const optuna = JSON.parse(
  execFileSync('/usr/bin/python3', [script, String(N_TRIALS), CHECKPOINTS.join(','), String(seeds)], {
    encoding: 'utf8',
  }),
);

const fmt = (ms: number) => (ms < 1 ? ms.toFixed(3) : ms.toFixed(2));
const rows: string[] = [];
process.stdout.write(
  `ask() latency, ms (median of the 5 asks after n complete trials × ${seeds} seeds), Hartmann-6\n`,
);
process.stdout.write('sampler           trials   keel     optuna   optuna/keel\n');
for (const name of ['tpe', 'tpe_multivariate'] as const) {
  for (const c of CHECKPOINTS) {
    const k = keel[name][String(c)]!;
    const o = optuna[name][String(c)] as number;
    process.stdout.write(
      `${name.padEnd(17)} ${String(c).padStart(6)}   ${fmt(k).padStart(6)}   ${fmt(o).padStart(6)}   ${(o / k).toFixed(1)}×\n`,
    );
  }
  rows.push(
    `| ${name} | ${CHECKPOINTS.map((c) => fmt(keel[name][String(c)]!)).join(' / ')} | ${CHECKPOINTS.map((c) => fmt(optuna[name][String(c)])).join(' / ')} | ${CHECKPOINTS.map((c) => `${(optuna[name][String(c)] / keel[name][String(c)]!).toFixed(1)}×`).join(' / ')} |`,
  );
}
const ok = keel.tpe['100']! < 5 && keel.tpe_multivariate['100']! < 5;
process.stdout.write(`\nper-suggestion overhead at 100 trials under 5 ms: ${ok ? 'yes' : 'NO'}\n`);
process.stdout.write(
  `\nRESULTS.md rows (ask ms at 10 / 50 / 100 / 200 trials; Optuna ${optuna.optuna}; ${machineLine()}):\n`,
);
process.stdout.write('| sampler | Keel | Optuna 3.1 | Optuna / Keel |\n| --- | --- | --- | --- |\n');
process.stdout.write(`${rows.join('\n')}\n`);
