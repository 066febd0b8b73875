import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFrame } from '../../src/data/index.js';
import { predictFile } from '../../src/serve/index.js';
import { tempDir } from '../helpers/tmp.js';
import { classifier, regression } from './helpers/engine.js';
import { MemoryRegistry, testLoaders } from './helpers/memory-registry.js';

const dir = tempDir('keel-batch-');

/** A CSV of `n` rows: id, x0, x1 (x1 missing every 7th row), a text column the model ignores. */
function inputCsv(n: number): string {
  const lines = ['id,x0,x1,note'];
  for (let i = 0; i < n; i++) lines.push(`${i},${i / 10},${i % 7 === 0 ? '' : (n - i) / 100},n${i % 3}`);
  const file = join(dir, `in-${n}.csv`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

describe('batch prediction over files', () => {
  it('streams bounded batches and writes every row, in input order, with its prediction', async () => {
    const registry = new MemoryRegistry();
    registry.addLinear('fraud', classifier(0.5, [1, -2]));
    const n = 1000;
    const progress: number[] = [];
    const result = await predictFile({
      source: registry,
      loaders: testLoaders(),
      model: 'fraud',
      input: inputCsv(n),
      output: join(dir, 'out.csv'),
      batchRows: 64,
      onProgress: (rows) => progress.push(rows),
    });
    expect(result).toMatchObject({
      model: 'fraud',
      version: 1,
      rows: n,
      batches: 16,
      format: 'csv',
      columns: ['label', 'probability'],
    });
    expect(progress).toHaveLength(16);
    progress.forEach((rows, i) => {
      expect(rows - (progress[i - 1] ?? 0)).toBeLessThanOrEqual(64);
    });
    expect(progress.at(-1)).toBe(n);
    const out = await readFrame(result.output);
    expect(out.rowCount).toBe(n);
    expect(out.names).toEqual(['id', 'x0', 'x1', 'note', 'label', 'probability']);
    const ids = out.numberColumn('id').values;
    const p = out.numberColumn('probability').values;
    for (let i = 0; i < n; i++) {
      expect(ids[i]).toBe(i);
      const x1 = i % 7 === 0 ? 0 : (n - i) / 100;
      expect(p[i]).toBeCloseTo(sigmoid(0.5 + i / 10 - 2 * x1), 10);
    }
    // Read as text: the CSV reader would type yes/no as booleans.
    const lines = readFileSync(result.output, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('id,x0,x1,note,label,probability');
    expect(lines[1]!.split(',')[4]).toBe('yes');
    expect(lines[11]!.split(',')[4]).toBe('no');
  });

  it('writes Parquet and JSON Lines, reads JSON Lines, and keeps a column the model also outputs', async () => {
    const registry = new MemoryRegistry();
    registry.addLinear('price', regression(1, [2, 3]));
    const csv = inputCsv(100);
    const parquet = await predictFile({
      source: registry,
      loaders: testLoaders(),
      model: 'price/1',
      input: csv,
      output: join(dir, 'out.parquet'),
      batchRows: 30,
    });
    const pq = await readFrame(parquet.output);
    expect(pq.rowCount).toBe(100);
    expect(pq.numberColumn('value').values[10]).toBeCloseTo(1 + 2 * 1 + 3 * 0.9, 12);
    const jsonlIn = join(dir, 'in.jsonl');
    writeFileSync(jsonlIn, [0, 1, 2].map((i) => JSON.stringify({ x0: i, x1: 1, value: -1 })).join('\n'));
    const jsonl = await predictFile({
      source: registry,
      loaders: testLoaders(),
      model: 'price',
      input: jsonlIn,
      output: join(dir, 'out.jsonl'),
    });
    const rows = readFileSync(jsonl.output, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows).toEqual([0, 1, 2].map((i) => ({ x0: i, x1: 1, value: -1, pred_value: 1 + 2 * i + 3 })));
  });

  it('feeds an ONNX model with one [rows, k] input from the file’s k numeric columns', async () => {
    const registry = new MemoryRegistry();
    registry.add(
      'cancer',
      'onnx',
      readFileSync(new URL('../fixtures/onnx/linear_breast_cancer.onnx', import.meta.url)),
    );
    const expected = JSON.parse(
      readFileSync(new URL('../fixtures/onnx/linear_breast_cancer.expected.json', import.meta.url), 'utf8'),
    ) as {
      features: string[];
      inputs: (number | null)[][];
      outputs: { probabilities: number[][] };
    };
    const rows = expected.inputs.filter((r) => r.every((v) => v !== null));
    const file = join(dir, 'cancer.csv');
    writeFileSync(
      file,
      [expected.features.map((_, j) => `f${j}`).join(','), ...rows.map((r) => r.join(','))].join('\n'),
    );
    const result = await predictFile({
      source: registry,
      loaders: testLoaders(),
      model: 'cancer',
      input: file,
      output: join(dir, 'cancer.out.csv'),
      batchRows: 5,
    });
    expect(result.columns).toEqual(['label', 'probabilities_0', 'probabilities_1']);
    const out = await readFrame(result.output);
    const want = expected.inputs
      .map((r, i) => ({ r, p: expected.outputs.probabilities[i]! }))
      .filter((x) => x.r.every((v) => v !== null));
    const got = out.numberColumn('probabilities_1').values;
    want.forEach((w, i) => {
      expect(Math.abs(got[i]! - w.p[1]!)).toBeLessThan(1e-5 * Math.max(1, Math.abs(w.p[1]!)));
    });
  });

  it('fails naming the problem and leaves no output: missing columns, unknown formats, empty files', async () => {
    const registry = new MemoryRegistry();
    registry.addLinear('fraud', classifier(0));
    const file = join(dir, 'nocol.csv');
    writeFileSync(file, 'x0,y\n1,2\n');
    const out = join(dir, 'never.csv');
    await expect(
      predictFile({ source: registry, loaders: testLoaders(), model: 'fraud', input: file, output: out }),
    ).rejects.toThrow(/x1/);
    expect(() => readFileSync(out)).toThrow();
    await expect(
      predictFile({
        source: registry,
        loaders: testLoaders(),
        model: 'fraud',
        input: inputCsv(3),
        output: join(dir, 'x.xlsx'),
      }),
    ).rejects.toMatchObject({ code: 'KEEL_DATA_UNSUPPORTED_FORMAT' });
    await expect(
      predictFile({
        source: registry,
        loaders: testLoaders(),
        model: 'ghost',
        input: inputCsv(3),
        output: join(dir, 'g.csv'),
      }),
    ).rejects.toMatchObject({ code: 'KEEL_REGISTRY_MODEL_NOT_FOUND' });
  });
});
