import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Frame } from '../../src/core/index.js';
import { type BadRowReport, fingerprint, readBatches, readFrame, writeFrame } from '../../src/data/index.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('keel-batches-');
const ROWS = 60_000;
const BATCH = 8192;
const csv = join(dir, 'generated.csv');

/** A deterministic file shaped like the fraud data: ids, categoricals, numbers with gaps, timestamps. */
function generate(rows: number): string {
  const lines = ['tx_id,user_id,country,amount,hour,when'];
  const countries = ['US', 'GB', 'FR', 'DE', 'BR'];
  for (let i = 0; i < rows; i++) {
    const amount = i % 97 === 0 ? '' : ((i * 7919) % 10_000) / 100;
    const when = new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString();
    lines.push(`t${i},u${i % 1500},${countries[i % 5]},${amount},${i % 24},${when}`);
  }
  return `${lines.join('\n')}\n`;
}

async function collect(source: string, options: Parameters<typeof readBatches>[1]): Promise<Frame[]> {
  const out: Frame[] = [];
  for await (const batch of readBatches(source, options)) out.push(batch);
  return out;
}

beforeAll(() => writeFileSync(csv, generate(ROWS)));

describe('readBatches', () => {
  it('yields fixed-size batches, each holding only its own rows', async () => {
    const batches = await collect(csv, { batchRows: BATCH, sampleRows: 5000 });
    expect(batches.map((b) => b.rowCount)).toEqual([...Array(7).fill(BATCH), ROWS - 7 * BATCH]);
    for (const batch of batches) {
      // Flat memory: every buffer is sized for one batch, never for the file.
      const amount = batch.numberColumn('amount').values;
      expect(amount.buffer.byteLength).toBeLessThanOrEqual(BATCH * 8);
      const country = batch.column('country');
      if (country.type !== 'categorical') throw new Error('country should be categorical');
      expect(country.codes.buffer.byteLength).toBeLessThanOrEqual(BATCH * 4);
    }
  });

  it('types every batch the same way and adds up to the whole file', async () => {
    const batches = await collect(csv, { batchRows: BATCH, sampleRows: 5000 });
    const schemas = new Set(batches.map((b) => JSON.stringify(b.columns.map((c) => [c.name, c.type]))));
    expect([...schemas]).toEqual([
      JSON.stringify([
        ['tx_id', 'text'],
        ['user_id', 'text'],
        ['country', 'categorical'],
        ['amount', 'numeric'],
        ['hour', 'integer'],
        ['when', 'timestamp'],
      ]),
    ]);
    const whole = await readFrame(csv);
    expect(fingerprint(Frame.concat(batches))).toBe(fingerprint(whole));
  });

  it('streams Parquet and JSON Lines files too, honouring a row limit', async () => {
    const whole = await readFrame(csv);
    const parquet = await writeFrame(whole, join(dir, 'generated.parquet'));
    const fromParquet = await collect(parquet.path, { batchRows: 25_000 });
    expect(fromParquet.map((b) => b.rowCount)).toEqual([25_000, 25_000, 10_000]);
    expect(fingerprint(Frame.concat(fromParquet))).toBe(fingerprint(whole));
    const jsonl = await writeFrame(whole.slice(0, 3000), join(dir, 'generated.jsonl'));
    const fromJsonl = await collect(jsonl.path, { batchRows: 1000, limit: 2500 });
    expect(fromJsonl.map((b) => b.rowCount)).toEqual([1000, 1000, 500]);
  });

  it('fails on a malformed line before yielding anything, or skips and reports it', async () => {
    const lines = generate(20_000).split('\n');
    lines[15_001] = 'broken,line';
    const path = join(dir, 'broken.csv');
    writeFileSync(path, lines.join('\n'));
    let yielded = 0;
    const failing = (async () => {
      for await (const b of readBatches(path, { batchRows: 4096, sampleRows: 1000 })) yielded += b.rowCount;
    })();
    await expect(failing).rejects.toMatchObject({ code: 'KEEL_DATA_PARSE_ERROR', details: { line: 15_002 } });
    expect(yielded).toBe(0);
    let report: BadRowReport | undefined;
    const batches = await collect(path, {
      batchRows: 4096,
      sampleRows: 1000,
      badRows: 'skip',
      onBadRows: (r) => (report = r),
    });
    expect(batches.reduce((n, b) => n + b.rowCount, 0)).toBe(19_999);
    expect(report).toMatchObject({ count: 1, rows: [{ line: 15_002, kind: 'MISSING COLUMNS' }] });
  });

  it('fails when a value after the sample does not fit the sampled type', async () => {
    const path = join(dir, 'late.csv');
    // Past DuckDB's sniffing sample (20,480 rows) and Keel's (500 here): typed integer, then 2.5.
    writeFileSync(path, `n\n${Array.from({ length: 25_000 }, (_, i) => i).join('\n')}\n2.5\n`);
    const run = collect(path, { batchRows: 10_000, sampleRows: 500 });
    await expect(run).rejects.toMatchObject({
      code: 'KEEL_DATA_TYPE_ERROR',
      details: { row: 25_001, column: 'n' },
    });
    const declared = await collect(path, { batchRows: 10_000, sampleRows: 500, types: { n: 'numeric' } });
    expect(declared.at(-1)!.row(5000)).toEqual({ n: 2.5 });
  });
});
