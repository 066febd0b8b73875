import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { categoricalColumn, Frame, numberColumn, textColumn } from '../../src/core/index.js';
import { fingerprint, readBatches, readFrame, shortFingerprint } from '../../src/data/index.js';

const repo = resolve(import.meta.dirname, '../..');
const penguins = join(repo, 'test/fixtures/datasets/penguins/penguins.csv');

const small = (): Frame =>
  Frame.fromColumns([
    numberColumn('x', [1.5, null, 0]),
    categoricalColumn('c', ['a', 'b', null]),
    textColumn('t', ['', null, 'z']),
  ]);

describe('fingerprint', () => {
  it('is a pinned sha256 of schema and content: stable across runs and releases', async () => {
    // Pinned: if this changes, every recorded lineage fingerprint changes; bump the format instead.
    // Computed independently with Python's hashlib from the encoding documented in fingerprint.ts:
    //   b = lambda x: h.update(struct.pack('<I', len(x)) + x)   # length-prefixed UTF-8
    //   b(b'keel-frame-fingerprint-v1'); b(b'3:3'); b(b'x'); b(b'numeric'); float64 LE 1.5, NaN(f87f), 0
    //   b(b'c'); b(b'categorical'); 01 b(b'a') 01 b(b'b') 00; b(b't'); b(b'text'); 01 b(b'') 00 01 b(b'z')
    expect(fingerprint(small())).toBe('379c288fb325250dc9ea47f62d2b80c6fe13f432df5f963edd4d59033fc428d0');
    expect(fingerprint(await readFrame(penguins))).toBe(fingerprint(await readFrame(penguins)));
  });

  it('does not depend on how the data was read', async () => {
    const whole = await readFrame(penguins);
    const batches: Frame[] = [];
    for await (const b of readBatches(penguins, { batchRows: 50 })) batches.push(b);
    expect(batches).toHaveLength(7);
    expect(fingerprint(Frame.concat(batches))).toBe(fingerprint(whole));
    // Same values, categorical levels in another order (codes differ): same fingerprint.
    const reordered = Frame.fromColumns([categoricalColumn('c', ['a', 'b', 'a'], ['b', 'a'])]);
    expect(fingerprint(reordered)).toBe(
      fingerprint(Frame.fromColumns([categoricalColumn('c', ['a', 'b', 'a'])])),
    );
  });

  it('changes with any value, name, type or row order', () => {
    const base = fingerprint(small());
    const variants = [
      Frame.fromColumns([numberColumn('x', [1.5, null, 1e-300]), ...small().columns.slice(1)]),
      small().rename('x', 'y'),
      small().withColumn({ ...(small().column('x') as ReturnType<typeof numberColumn>), type: 'integer' }),
      small().take([2, 1, 0]),
      small().withColumn(textColumn('t', [null, null, 'z'])),
      small().select(['c', 'x', 't']),
    ];
    const digests = variants.map(fingerprint);
    for (const d of digests) expect(d).not.toBe(base);
    expect(new Set(digests).size).toBe(variants.length);
  });

  it('treats every missing marker and -0 canonically', () => {
    const a = Frame.fromColumns([numberColumn('x', Float64Array.from([Number.NaN, 0]))]);
    const b = Frame.fromColumns([numberColumn('x', Float64Array.from([-Number.NaN, -0]))]);
    expect(fingerprint(a)).toBe(fingerprint(b));
  });

  it('has a 12-character short form', () => {
    const digest = fingerprint(small());
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(shortFingerprint(digest)).toBe(digest.slice(0, 12));
  });
});
