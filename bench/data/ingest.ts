// Ingestion: the 1M-row fraud CSV (gen_data.mjs, seed 42) into a Frame with readFrame, against
// DuckDB's own scan of the same file in the same run: `SELECT COUNT(*) FROM read_csv(...)` (the
// ceiling: tokenizing the file, no values kept) and `SELECT *` materialized inside DuckDB (parsing
// every value, no conversion to JS). readBatches (the batch-scoring path) is measured too.
// Rounds are interleaved; figures are medians. Usage: npm run bench -- data/ingest [rows] [rounds]
import { fingerprint, readBatches, readFrame } from '../../src/data/index.js';
import { openDuckDBEngine, quoteLiteral } from '../../src/storage/index.js';
import { fraudCsv, machineLine, median } from '../lib/peers.js';

const ROWS = Number(process.argv[2] ?? 1_000_000);
const ROUNDS = Number(process.argv[3] ?? 5);
const file = fraudCsv(ROWS);
const engine = await openDuckDBEngine();
const scan = `read_csv(${quoteLiteral(file)}, delim=',', quote='"', escape='"', header=true)`;

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

const count: number[] = [];
const parse: number[] = [];
const frame: number[] = [];
const batches: number[] = [];
let rows = 0;
let digest = '';
let peakRss = 0;
for (let round = 0; round < ROUNDS; round++) {
  count.push(await time(() => engine.queryRows(`SELECT COUNT(*) AS n FROM ${scan}`)));
  parse.push(await time(() => engine.exec(`SELECT * FROM ${scan}`)));
  frame.push(
    await time(async () => {
      const f = await readFrame(file, { engine });
      rows = f.rowCount;
      if (round === 0) digest = fingerprint(f);
    }),
  );
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  batches.push(
    await time(async () => {
      let n = 0;
      for await (const b of readBatches(file, { engine, batchRows: 65_536 })) n += b.rowCount;
      if (n !== ROWS) throw new Error(`readBatches read ${n} rows, expected ${ROWS}`);
    }),
  );
}
await engine.close();
if (rows !== ROWS) throw new Error(`readFrame read ${rows} rows, expected ${ROWS}`);

const rate = (ms: number): string => `${(((ROWS / ms) * 1000) / 1e6).toFixed(2)} M rows/s`;
const c = median(count);
const p = median(parse);
const f = median(frame);
const b = median(batches);
process.stdout.write(
  [
    `data/ingest: ${ROWS} rows, ${ROUNDS} interleaved rounds (medians); ${machineLine()}`,
    `  DuckDB COUNT(*) scan (ceiling)     ${c.toFixed(0)} ms  ${rate(c)}`,
    `  DuckDB SELECT * materialized      ${p.toFixed(0)} ms  ${rate(p)}`,
    `  readFrame → Frame                 ${f.toFixed(0)} ms  ${rate(f)}  = ${(f / c).toFixed(2)}x the ceiling, ${(f / p).toFixed(2)}x DuckDB's own full parse`,
    `  readBatches (65,536-row batches)  ${b.toFixed(0)} ms  ${rate(b)}  = ${(b / c).toFixed(2)}x the ceiling`,
    `  fingerprint ${digest.slice(0, 12)}, peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB`,
    '',
    '| rows | DuckDB COUNT(*) (ceiling) | DuckDB SELECT * | readFrame | readFrame ÷ ceiling | readBatches | readBatches ÷ ceiling |',
    '|---|---|---|---|---|---|---|',
    `| ${ROWS} | ${c.toFixed(0)} ms | ${p.toFixed(0)} ms | ${f.toFixed(0)} ms (${rate(f)}) | ${(f / c).toFixed(2)}x | ${b.toFixed(0)} ms (${rate(b)}) | ${(b / c).toFixed(2)}x |`,
    '',
  ].join('\n'),
);
