import { describe, expect, it } from 'vitest';
import type { FilterClause, MetadataStore, OrderClause, RunStatus } from '../../../src/storage/index.js';
import { type OpenFresh, T0 } from './fixtures.js';
import { type RefRun, referenceSearch } from './search-reference.js';

/** A small seeded PRNG (mulberry32) so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = s;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const STATUSES: RunStatus[] = ['RUNNING', 'FINISHED', 'FAILED', 'KILLED'];
const WORDS = ['gbdt', 'GBDT', 'linear', 'gbdt_v2', 'lin%ear', 'Tree', 'tree'];
const VALUES = [0.1, 0.5, 0.9, -1, 2];

async function seedRandom(s: MetadataStore, rand: () => number): Promise<RefRun[]> {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const exps = [
    (await s.tracking.createExperiment({ name: 'x1', createdAt: T0 })).id,
    (await s.tracking.createExperiment({ name: 'x2', createdAt: T0 })).id,
  ];
  const runs: RefRun[] = [];
  for (let i = 0; i < 30; i++) {
    const parent = runs.length > 0 && rand() < 0.2 ? pick(runs).id : null;
    const created = await s.tracking.createRun({
      experimentId: pick(exps),
      name: `${pick(WORDS)}-${i % 7}`,
      startTime: T0 + Math.floor(rand() * 8) * 1000,
      status: pick(STATUSES),
      ...(parent ? { parentRunId: parent } : {}),
    });
    const run: RefRun = {
      id: created.id,
      experimentId: created.experimentId,
      name: created.name,
      status: created.status,
      startTime: created.startTime,
      endTime: rand() < 0.7 ? created.startTime + Math.floor(rand() * 5) * 100 : null,
      parentRunId: parent,
      params: {},
      tags: {},
      history: {},
    };
    if (run.endTime !== null) await s.tracking.updateRun(run.id, { endTime: run.endTime });
    for (const key of ['learner', 'lr'])
      if (rand() < 0.8) run.params[key] = key === 'lr' ? String(pick(VALUES)) : pick(WORDS);
    for (const key of ['team', 'stage']) if (rand() < 0.6) run.tags[key] = pick(WORDS);
    for (const key of ['auc', 'loss']) {
      const n = Math.floor(rand() * 4);
      for (let j = 0; j < n; j++) {
        const point = {
          value: rand() < 0.1 ? Number.NaN : pick(VALUES),
          step: Math.floor(rand() * 3),
          timestamp: T0 + Math.floor(rand() * 3),
        };
        (run.history[key] ??= []).push(point);
        await s.tracking.logMetrics(run.id, [{ key, ...point }]);
      }
    }
    await s.tracking.logParams(run.id, run.params);
    await s.tracking.setRunTags(run.id, run.tags);
    runs.push(run);
  }
  return runs;
}

function randomClause(rand: () => number, runs: readonly RefRun[]): FilterClause {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const kind = pick(['metric', 'param', 'tag', 'attribute'] as const);
  if (kind === 'metric') {
    const op = pick(['=', '!=', '<', '<=', '>', '>=', 'IN', 'NOT IN'] as const);
    const value = op === 'IN' || op === 'NOT IN' ? [pick(VALUES), pick(VALUES)] : pick(VALUES);
    return { kind, key: pick(['auc', 'loss']), op, value };
  }
  if (kind === 'attribute' && rand() < 0.4) {
    const op = pick(['=', '!=', '<', '<=', '>', '>='] as const);
    return { kind, key: pick(['start_time', 'end_time']), op, value: T0 + Math.floor(rand() * 8) * 1000 };
  }
  const key =
    kind === 'param'
      ? pick(['learner', 'lr'])
      : kind === 'tag'
        ? pick(['team', 'stage'])
        : pick(['name', 'status', 'id', 'parent_run_id']);
  const op = pick(['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'] as const);
  const word = () =>
    key === 'status'
      ? pick(STATUSES)
      : key === 'id' || key === 'parent_run_id'
        ? pick(runs).id
        : key === 'lr'
          ? String(pick(VALUES))
          : pick(WORDS);
  if (op === 'IN' || op === 'NOT IN') return { kind, key, op, value: [word(), word()] };
  if (op === 'LIKE' || op === 'ILIKE')
    return { kind, key, op, value: pick(['gbdt%', '%EE', 'lin\\%%', '_bdt%', '%', 't%', '%-3']) };
  return { kind, key, op, value: word() };
}

function randomOrder(rand: () => number): OrderClause[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const n = Math.floor(rand() * 3);
  return Array.from({ length: n }, () => {
    const kind = pick(['metric', 'param', 'tag', 'attribute'] as const);
    const key =
      kind === 'metric'
        ? pick(['auc', 'loss'])
        : kind === 'param'
          ? pick(['learner', 'lr'])
          : kind === 'tag'
            ? 'team'
            : pick(['name', 'end_time', 'status']);
    return { kind, key, descending: rand() < 0.5 };
  });
}

/** Random filters and orders checked against a plain-JS reference evaluator of the contract. */
export function randomSearchConformance(open: OpenFresh): void {
  describe('run search against a reference evaluator', () => {
    it('returns exactly the reference results for 150 random searches', async () => {
      const s = await open();
      const rand = rng(20240101);
      const runs = await seedRandom(s, rand);
      for (let q = 0; q < 150; q++) {
        const filter = Array.from({ length: 1 + Math.floor(rand() * 2) }, () => randomClause(rand, runs));
        const orderBy = randomOrder(rand);
        const page = await s.tracking.searchRuns({ filter, orderBy, maxResults: 1000 });
        const expected = referenceSearch(runs, filter, orderBy);
        expect(
          page.runs.map((r) => r.id),
          JSON.stringify({ q, filter, orderBy }),
        ).toEqual(expected);
      }
    });
  });
}
