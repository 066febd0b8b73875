import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoricalColumn, Frame, numberColumn, silentLogger, systemClock } from '../../src/core/index.js';
import { writeFrame } from '../../src/data/index.js';
import { type OfflineStore, openStore } from '../../src/storage/index.js';
import { tempDir } from '../helpers/tmp.js';

interface FeatureRow {
  readonly key: string;
  readonly event: number | null;
  readonly created: number | null;
  readonly value: number;
}
interface EntityRow {
  readonly key: string;
  readonly ts: number;
}

/**
 * The slow, obviously correct reference: for one entity row, every feature row with the same key,
 * event <= ts and (with a TTL) event >= ts - ttl; the best is the largest (event, created) with a
 * missing created lowest. Returns the values any correct join may pick (exact ties on both times
 * are ambiguous), or [null] when nothing matches.
 */
function reference(rows: readonly FeatureRow[], e: EntityRow, ttl: number | null): (number | null)[] {
  const candidates = rows.filter(
    (r) => r.key === e.key && r.event !== null && r.event <= e.ts && (ttl === null || r.event >= e.ts - ttl),
  );
  if (candidates.length === 0) return [null];
  const rank = (r: FeatureRow): [number, number] => [r.event!, r.created ?? Number.NEGATIVE_INFINITY];
  let best = rank(candidates[0]!);
  for (const c of candidates) {
    const r = rank(c);
    if (r[0] > best[0] || (r[0] === best[0] && r[1] > best[1])) best = r;
  }
  return candidates.filter((c) => rank(c)[0] === best[0] && rank(c)[1] === best[1]).map((c) => c.value);
}

// Small domains on purpose: many exact ties on keys, event times, created times and TTL bounds.
const time = fc.integer({ min: 0, max: 10 }).map((t) => t * 1000);
const key = fc.constantFrom('a', 'b', 'c');
const featureRows = fc.array(
  fc.record({ key, event: fc.option(time, { freq: 10 }), created: fc.option(time, { freq: 3 }) }),
  { minLength: 4, maxLength: 50 },
);
const entityRows = fc.array(fc.record({ key: fc.constantFrom('a', 'b', 'c', 'zz'), ts: time }), {
  minLength: 1,
  maxLength: 30,
});
const ttl = fc.option(
  fc.integer({ min: 1, max: 5 }).map((s) => s * 1000),
  { freq: 3 },
);

describe('point-in-time join: DuckDB ASOF against a reference', () => {
  const dir = tempDir('keel-pit-prop-');
  let offline: OfflineStore;
  let n = 0;
  beforeAll(async () => {
    offline = await openStore('offline', 'duckdb::memory:', {
      root: dir,
      log: silentLogger(),
      clock: systemClock,
    });
  });
  afterAll(() => offline.close());

  it('picks a row the reference allows, for every entity row, in input order', async () => {
    await fc.assert(
      fc.asyncProperty(
        featureRows,
        entityRows,
        ttl,
        fc.boolean(),
        async (raw, entities, ttlMs, withCreated) => {
          const rows: FeatureRow[] = raw.map((r, i) => ({
            ...r,
            created: withCreated ? r.created : null,
            value: i,
          }));
          const path = join(dir, `f${n++}.parquet`);
          await writeFrame(
            Frame.fromColumns([
              categoricalColumn(
                'k',
                rows.map((r) => r.key),
              ),
              numberColumn(
                'ev',
                rows.map((r) => r.event),
                'timestamp',
              ),
              numberColumn(
                'cr',
                rows.map((r) => r.created),
                'timestamp',
              ),
              numberColumn(
                'v',
                rows.map((r) => r.value),
                'integer',
              ),
            ]),
            path,
          );
          const got = await offline.getHistoricalFeatures({
            entities: Frame.fromColumns([
              categoricalColumn(
                'k',
                entities.map((e) => e.key),
              ),
              numberColumn(
                'ts',
                entities.map((e) => e.ts),
                'timestamp',
              ),
            ]),
            timestampColumn: 'ts',
            views: [
              {
                name: 'v',
                source: {
                  tables: [{ kind: 'file', format: 'parquet', path }],
                  timestampColumn: 'ev',
                  ...(withCreated ? { createdTimestampColumn: 'cr' } : {}),
                },
                joinKeys: [{ name: 'k', column: 'k', type: 'string' }],
                features: [{ name: 'value', column: 'v', type: 'int64' }],
                ttlMs,
              },
            ],
          });
          expect(got.rowCount).toBe(entities.length);
          entities.forEach((e, i) => {
            const allowed = reference(rows, e, ttlMs);
            expect(allowed, `row ${i}: ${JSON.stringify(e)}, ttl ${ttlMs}`).toContain(got.row(i).value);
          });
        },
      ),
      { numRuns: 60, seed: 20240101 },
    );
  });
});
