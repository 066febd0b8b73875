import type { FilterClause, OrderClause, RunStatus } from '../../../src/storage/index.js';

/** A run as the generator made it: the reference evaluator's input. */
export interface RefRun {
  id: string;
  experimentId: string;
  name: string;
  status: RunStatus;
  startTime: number;
  endTime: number | null;
  parentRunId: string | null;
  params: Record<string, string>;
  tags: Record<string, string>;
  /** Every logged point per key, in logging order. */
  history: Record<string, { value: number; step: number; timestamp: number }[]>;
}

/** The latest value of a metric by (step, timestamp, value) with NaN compared as 0; undefined when never logged. */
export function latestValue(run: RefRun, key: string): number | undefined {
  const points = run.history[key];
  if (!points || points.length === 0) return undefined;
  const cmp = (x: number) => (Number.isNaN(x) ? 0 : x);
  let best = points[0]!;
  for (const p of points.slice(1)) {
    if (
      p.step > best.step ||
      (p.step === best.step &&
        (p.timestamp > best.timestamp || (p.timestamp === best.timestamp && cmp(p.value) > cmp(best.value))))
    ) {
      best = p;
    }
  }
  return best.value;
}

function fieldOf(run: RefRun, kind: FilterClause['kind'], key: string): string | number | null | undefined {
  if (kind === 'metric') {
    const v = latestValue(run, key);
    return v === undefined || Number.isNaN(v) ? undefined : v;
  }
  if (kind === 'param') return run.params[key];
  if (kind === 'tag') return run.tags[key];
  const attrs: Record<string, string | number | null> = {
    id: run.id,
    name: run.name,
    status: run.status,
    start_time: run.startTime,
    end_time: run.endTime,
    parent_run_id: run.parentRunId,
  };
  return attrs[key];
}

function likeRegex(pattern: string, flags: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) re += escapeRegex(pattern[++i]!);
    else if (c === '%') re += '[\\s\\S]*';
    else if (c === '_') re += '[\\s\\S]';
    else re += escapeRegex(c);
  }
  return new RegExp(`^${re}$`, flags);
}

function escapeRegex(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether a run matches one clause under the contract's semantics. */
export function matches(run: RefRun, c: FilterClause): boolean {
  const v = fieldOf(run, c.kind, c.key);
  if (v === undefined || v === null) return false;
  const values = (Array.isArray(c.value) ? c.value : [c.value]) as (string | number)[];
  const x = values[0]!;
  switch (c.op) {
    case '=':
      return v === x;
    case '!=':
      return v !== x;
    case '<':
      return v < x;
    case '<=':
      return v <= x;
    case '>':
      return v > x;
    case '>=':
      return v >= x;
    case 'LIKE':
      return likeRegex(String(x), '').test(String(v));
    case 'ILIKE':
      return likeRegex(String(x), 'i').test(String(v));
    case 'IN':
      return values.includes(v);
    case 'NOT IN':
      return !values.includes(v);
  }
}

/** Ids of the matching runs in the contract's order (missing last, then start_time DESC, id ASC). */
export function referenceSearch(
  runs: readonly RefRun[],
  filter: readonly FilterClause[],
  orderBy: readonly OrderClause[],
): string[] {
  const hits = runs.filter((r) => filter.every((c) => matches(r, c)));
  return hits
    .sort((r1, r2) => {
      for (const o of orderBy) {
        const v1 = fieldOf(r1, o.kind, o.key);
        const v2 = fieldOf(r2, o.kind, o.key);
        const m1 = v1 === undefined || v1 === null;
        const m2 = v2 === undefined || v2 === null;
        if (m1 !== m2) return m1 ? 1 : -1;
        if (m1 || v1 === v2) continue;
        const d = (v1 as number | string) < (v2 as number | string) ? -1 : 1;
        return o.descending ? -d : d;
      }
      if (r1.startTime !== r2.startTime) return r2.startTime - r1.startTime;
      return r1.id < r2.id ? -1 : r1.id > r2.id ? 1 : 0;
    })
    .map((r) => r.id);
}
