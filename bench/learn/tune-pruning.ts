// `keel tune` with and without pruning: the same 50-trial GBDT study (same seed, TPE sampler, same
// space and data) with each pruner of --pruners and once without a pruner, in the same run.
//
//   npm run bench -- learn/tune-pruning [--rows 1000000] [--trials 50] [--trees 200] [--parallel 1] [--seed 0]
//                                       [--pruners asha[,asha:minResource=25:reductionFactor=3,median,...]]
//
// Data: the synthetic fraud CSV (bench/lib/peers.ts fraudCsv) with bench/learn/gbdt.ts's columns and
// time split: rows ordered by event_timestamp, the first 80% train the trials and the last 20% validate
// them (the study's objective, validation AUC). The search space is keel tune's default GBDT space
// (docs/tuning.md) with numTrees fixed to --trees. Each study runs through runTuneJob, tracked on an
// in-memory SQLite metadata store, without the final model (the claim is about the search).
// `name:key=value:...` in --pruners sets pruner options (TuneJobOptions.prunerOptions).
// Speed-ups are on process CPU time (all threads): other jobs on a shared machine inflate wall
// time unevenly between the studies, not the work done. Wall times are printed too.
// Target (issue 7): with pruning at least 2x faster, at a best AUC within 0.002.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Frame, silentLogger, systemClock } from '../../src/core/index.js';
import { readFrame } from '../../src/data/index.js';
import {
  checkPrunerName,
  parseParamPairs,
  runTuneJob,
  type TuneJobResult,
  type TunePrunerName,
} from '../../src/pipelines/index.js';
import { Registry } from '../../src/registry/index.js';
import { openStore } from '../../src/storage/index.js';
import { Tracking } from '../../src/track/index.js';
import { FRAUD_CATEGORICAL, FRAUD_NUMERIC } from '../lib/fraud-frame.js';
import { fraudCsv, machineLine } from '../lib/peers.js';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    trials: { type: 'string', default: '50' },
    trees: { type: 'string', default: '200' },
    parallel: { type: 'string', default: '1' },
    seed: { type: 'string', default: '0' },
    pruners: { type: 'string', default: 'asha' },
  },
});
const rows = Number(args.rows);
const trials = Number(args.trials);
const trees = Number(args.trees);
const parallel = Number(args.parallel);
const seed = Number(args.seed);

/** A pruner to compare, with options (`asha:minResource=25`). */
interface PrunerChoice {
  readonly name: TunePrunerName;
  readonly options: Readonly<Record<string, unknown>>;
  readonly label: string;
}

const choices: PrunerChoice[] = args.pruners.split(',').map((text) => {
  const [name, ...pairs] = text.trim().split(':');
  return { name: checkPrunerName(name!), options: parseParamPairs(pairs), label: text.trim() };
});

async function loadFraud(csv: string): Promise<Frame> {
  return readFrame(csv, {
    columns: ['event_timestamp', ...FRAUD_NUMERIC, ...FRAUD_CATEGORICAL, 'is_fraud'],
    types: {
      event_timestamp: 'timestamp',
      ...Object.fromEntries(FRAUD_NUMERIC.map((c) => [c, 'numeric'])),
      merchant_category: 'categorical',
      country: 'categorical',
      is_fraud: 'integer',
    },
  });
}

interface StudyFigures {
  readonly label: string;
  readonly seconds: number;
  /** Process CPU seconds (user + system, every thread). */
  readonly cpu: number;
  readonly result: TuneJobResult;
  /** Boosting rounds trained over all trials. */
  readonly rounds: number;
}

async function study(frame: Frame, choice: PrunerChoice): Promise<StudyFigures> {
  const root = mkdtempSync(join(tmpdir(), 'keel-bench-tune-'));
  const opts = { root, log: silentLogger(), clock: systemClock };
  const metadata = await openStore('metadata', 'sqlite::memory:', opts);
  const artifacts = await openStore('artifacts', 'file:artifacts', opts);
  try {
    const tracking = new Tracking({ metadata, artifacts, clock: systemClock });
    const registry = new Registry({ metadata, artifacts, clock: systemClock, actor: 'bench' });
    const t = performance.now();
    const cpu0 = process.cpuUsage();
    let done = 0;
    const result = await runTuneJob(
      { tracking, registry, metadata, clock: systemClock, log: silentLogger(), cwd: root },
      {
        data: frame,
        target: 'is_fraud',
        split: { method: 'time', column: 'event_timestamp' },
        validationFraction: 0.2,
        testFraction: 0,
        params: { numTrees: trees },
        trials,
        sampler: 'tpe',
        pruner: choice.name,
        prunerOptions: choice.options,
        parallel,
        seed,
        trainFinal: false,
        onEvent: (e) => {
          if (e.kind !== 'trial-finished') return;
          done++;
          const v = e.trial.value === null ? '-' : e.trial.value.toFixed(4);
          process.stderr.write(
            `  ${choice.label}: trial ${e.trial.number} ${e.trial.state} after ${e.trial.rounds} rounds, auc ${v}, best ${e.best?.value?.toFixed(4)} (${done}/${trials}, ${((performance.now() - t) / 1000).toFixed(0)} s)\n`,
          );
        },
      },
    );
    const seconds = (performance.now() - t) / 1000;
    const used = process.cpuUsage(cpu0);
    const rounds = result.trials.reduce((s, x) => s + (x.rounds ?? 0), 0);
    return { label: choice.label, seconds, cpu: (used.user + used.system) / 1e6, result, rounds };
  } finally {
    await metadata.close();
    await artifacts.close();
    rmSync(root, { recursive: true, force: true });
  }
}

const csv = fraudCsv(rows);
const frame = await loadFraud(csv);
process.stderr.write(`data: ${csv} (${frame.rowCount.toLocaleString()} rows)\n`);
const pruned: StudyFigures[] = [];
for (const choice of choices) pruned.push(await study(frame, choice));
const none = await study(frame, { name: 'none', options: {}, label: 'none' });
const bestOf = (s: StudyFigures): number => s.result.best!.value!;

process.stdout.write(
  `\n${trials}-trial GBDT study on ${rows.toLocaleString()} fraud rows (80% train / 20% validation by time), ` +
    `TPE seed ${seed}, ${trees} trees, parallel ${parallel}\n`,
);
process.stdout.write(
  '| pruner | wall s | CPU s | speed-up (CPU) | complete / pruned | rounds trained | best validation AUC | gap to none |\n',
);
process.stdout.write('|---|---:|---:|---:|---:|---:|---:|---:|\n');
for (const s of [none, ...pruned]) {
  const c = s.result.counts;
  process.stdout.write(
    `| ${s.label} | ${s.seconds.toFixed(1)} | ${s.cpu.toFixed(1)} | ${(none.cpu / s.cpu).toFixed(2)}x | ${c.complete} / ${c.pruned} | ${s.rounds.toLocaleString()} | ${bestOf(s).toFixed(4)} | ${(bestOf(none) - bestOf(s)).toFixed(4)} |\n`,
  );
}
process.stdout.write('\ntarget: speed-up >= 2x at a best-AUC gap <= 0.002\n\nRESULTS.md rows:\n');
for (const s of pruned) {
  const meets = none.cpu / s.cpu >= 2 && bestOf(none) - bestOf(s) <= 0.002;
  process.stdout.write(
    `| ${new Date().toISOString().slice(0, 10)} | ${rows.toLocaleString()} rows, ${trials} trials, ${trees} trees, seed ${seed}, parallel ${parallel} | ${s.label} | ` +
      `CPU ${none.cpu.toFixed(0)} → ${s.cpu.toFixed(0)} s (${(none.cpu / s.cpu).toFixed(2)}x), wall ${none.seconds.toFixed(0)} → ${s.seconds.toFixed(0)} s | ` +
      `${s.rounds.toLocaleString()} of ${none.rounds.toLocaleString()} rounds | AUC ${bestOf(none).toFixed(4)} → ${bestOf(s).toFixed(4)} (gap ${(bestOf(none) - bestOf(s)).toFixed(4)}) | ${meets ? 'met' : 'not met'} | ${machineLine()} |\n`,
  );
}
