import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { categoricalColumn, Frame, numberColumn, textColumn } from '../../src/core/index.js';
import { fingerprint, readFrame, readTable, writeFrame } from '../../src/data/index.js';
import { tempDir } from '../helpers/tmp.js';

const repo = resolve(import.meta.dirname, '../..');
const fraudCsv = join(repo, 'test/fixtures/fraud/tx_2000_seed42.csv');
const dir = tempDir('keel-write-');

describe('round trips', () => {
  it('CSV → Frame → Parquet → Frame keeps every type, value and the fingerprint', async () => {
    const original = await readFrame(fraudCsv);
    const written = await writeFrame(original, join(dir, 'tx.parquet'));
    expect(written).toMatchObject({ format: 'parquet', rows: 2000 });
    const back = await readFrame(written.path);
    expect(back.schema).toEqual(original.schema);
    expect(back.toRecords()).toEqual(original.toRecords());
    expect(fingerprint(back)).toBe(fingerprint(original));
  });

  it.each(['csv', 'jsonl', 'csv.gz', 'tsv'])('Frame → %s → Frame gives the same frame', async (ext) => {
    const original = await readFrame(fraudCsv);
    const written = await writeFrame(original, join(dir, `tx.${ext}`));
    const back = await readFrame(written.path);
    expect(back.schema).toEqual(original.schema);
    expect(fingerprint(back)).toBe(fingerprint(original));
  });

  it('writes missing values, quotes, unicode and timestamps readably', async () => {
    const frame = Frame.fromColumns([
      numberColumn('x', [1.25, null]),
      numberColumn('when', [Date.UTC(2024, 1, 29, 12, 30, 0, 5), null], 'timestamp'),
      numberColumn('ok', [1, null], 'boolean'),
      categoricalColumn('level', ['a, "quoted"', null]),
      textColumn('note', ['ünïcode\nnew line', null]),
    ]);
    const path = join(dir, 'mixed.csv');
    await writeFrame(frame, path);
    expect(readFileSync(path, 'utf8')).toBe(
      'x,when,ok,level,note\n1.25,2024-02-29T12:30:00.005Z,true,"a, ""quoted""","ünïcode\nnew line"\n,,,,\n',
    );
    const back = await readFrame(path, { types: { note: 'text' } });
    expect(back.toRecords()).toEqual(frame.toRecords());
  });

  it('replaces the target atomically and leaves no temporary file', async () => {
    const path = join(dir, 'atomic.csv');
    writeFileSync(path, 'old,content\n');
    const frame = Frame.fromColumns([numberColumn('v', [1, 2, 3], 'integer')]);
    await writeFrame(frame, path);
    expect(readFileSync(path, 'utf8')).toBe('v\n1\n2\n3\n');
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('keeps a failed write from touching the target', async () => {
    const frame = Frame.fromColumns([numberColumn('v', [1])]);
    // A CSV delimiter DuckDB refuses makes the COPY fail: the old file stays, no temp file is left.
    const csv = join(dir, 'kept.csv');
    writeFileSync(csv, 'precious');
    await expect(writeFrame(frame, csv, { delimiter: '"' })).rejects.toMatchObject({
      code: 'KEEL_DATA_WRITE_FAILED',
    });
    expect(readFileSync(csv, 'utf8')).toBe('precious');
    // A folder where the file should go: the data is written, the rename fails, the folder stays.
    const folder = join(dir, 'folder.csv');
    mkdirSync(join(folder, 'inside'), { recursive: true });
    const error = await writeFrame(frame, folder).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'KEEL_DATA_WRITE_FAILED', details: { file: folder } });
    expect(readdirSync(folder)).toEqual(['inside']);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('reads the row numbers of a file with bad rows back through a round trip', async () => {
    const path = join(dir, 'gaps.csv');
    writeFileSync(path, 'a,b\n1,x\n2\n3,z\n');
    const { frame, rowNumbers } = await readTable(path, { badRows: 'skip' });
    expect([...rowNumbers!]).toEqual([1, 3]);
    const parquet = await writeFrame(frame, join(dir, 'gaps.parquet'));
    expect((await readFrame(parquet.path)).toRecords()).toEqual(frame.toRecords());
  });
});
