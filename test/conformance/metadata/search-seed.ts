import type { MetadataStore, RunStatus } from '../../../src/storage/index.js';
import { T0 } from './fixtures.js';

/** Run ids of the search fixture: r1–r4 in experiment A, r5 in B, r6 in the deleted experiment D. */
export interface SearchSeed {
  readonly a: string;
  readonly b: string;
  readonly d: string;
  readonly r: Readonly<Record<'r1' | 'r2' | 'r3' | 'r4' | 'r5' | 'r6', string>>;
}

interface RunSpec {
  readonly name: string;
  readonly start: number;
  readonly status: RunStatus;
  readonly end: number | null;
  readonly params: Record<string, string>;
  readonly metrics: readonly [string, number, number][];
  readonly tags: Record<string, string>;
}

const RUNS: Record<keyof SearchSeed['r'], RunSpec> = {
  r1: {
    name: 'alpha',
    start: 10,
    status: 'FINISHED',
    end: 20,
    params: { learner: 'gbdt', lr: '0.1' },
    metrics: [
      ['auc', 0.95, 0],
      ['auc', 0.91, 1],
      ['loss', 0.3, 0],
    ],
    tags: { team: 'Risk' },
  },
  r2: {
    name: 'beta',
    start: 20,
    status: 'FAILED',
    end: 25,
    params: { learner: 'linear' },
    metrics: [['auc', 0.85, 0]],
    tags: { team: 'risk' },
  },
  r3: {
    name: 'Gamma',
    start: 30,
    status: 'RUNNING',
    end: null,
    params: { learner: 'gbdt', lr: '0.05' },
    metrics: [['auc', 0.93, 0]],
    tags: {},
  },
  r4: {
    name: 'delta',
    start: 30,
    status: 'FINISHED',
    end: 40,
    params: { learner: 'GBDT' },
    metrics: [['loss', 0.1, 0]],
    tags: {},
  },
  r5: {
    name: 'eps',
    start: 5,
    status: 'FINISHED',
    end: 6,
    params: { learner: 'gbdt_v2' },
    metrics: [['auc', 0.99, 0]],
    tags: {},
  },
  r6: {
    name: 'zeta',
    start: 1,
    status: 'FINISHED',
    end: 2,
    params: {},
    metrics: [['auc', 0.99, 0]],
    tags: {},
  },
};

/** Seeds the search fixture (see `RUNS`); r4 is a child of r1. */
export async function seedSearch(s: MetadataStore): Promise<SearchSeed> {
  const exp = async (name: string) => (await s.tracking.createExperiment({ name, createdAt: T0 })).id;
  const a = await exp('A');
  const b = await exp('B');
  const d = await exp('D');
  const r: Record<string, string> = {};
  for (const [key, spec] of Object.entries(RUNS)) {
    const experimentId = key === 'r5' ? b : key === 'r6' ? d : a;
    const run = await s.tracking.createRun({
      experimentId,
      name: spec.name,
      startTime: T0 + spec.start,
      status: spec.status,
      tags: spec.tags,
      ...(key === 'r4' ? { parentRunId: r.r1! } : {}),
    });
    if (spec.end !== null) await s.tracking.updateRun(run.id, { endTime: T0 + spec.end });
    await s.tracking.logParams(run.id, spec.params);
    await s.tracking.logMetrics(
      run.id,
      spec.metrics.map(([k, v, step]) => ({ key: k, value: v, step, timestamp: T0 + step })),
    );
    r[key] = run.id;
  }
  await s.tracking.setExperimentLifecycle(d, 'deleted');
  return { a, b, d, r: r as SearchSeed['r'] };
}
