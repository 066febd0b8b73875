import { describe, expect, it } from 'vitest';
import type {
  FilterClause,
  MetadataStore,
  OrderClause,
  SearchRunsOptions,
} from '../../../src/storage/index.js';
import { type OpenFresh, rejectsWith, T0 } from './fixtures.js';
import { type SearchSeed, seedSearch } from './search-seed.js';

const m = (key: string, op: FilterClause['op'], value: FilterClause['value']): FilterClause => ({
  kind: 'metric',
  key,
  op,
  value,
});
const p = (key: string, op: FilterClause['op'], value: FilterClause['value']): FilterClause => ({
  kind: 'param',
  key,
  op,
  value,
});
const t = (key: string, op: FilterClause['op'], value: FilterClause['value']): FilterClause => ({
  kind: 'tag',
  key,
  op,
  value,
});
const a = (key: string, op: FilterClause['op'], value: FilterClause['value']): FilterClause => ({
  kind: 'attribute',
  key,
  op,
  value,
});
const o = (kind: OrderClause['kind'], key: string, descending = false): OrderClause => ({
  kind,
  key,
  descending,
});

/** Filters (metrics, params, tags, attributes), ordering with missing values last, pagination. */
export function searchConformance(open: OpenFresh): void {
  describe('run search', () => {
    let s: MetadataStore;
    let seed: SearchSeed;
    const names = async (options: SearchRunsOptions = {}) => {
      const byId = Object.fromEntries(Object.entries(seed.r).map(([k, v]) => [v, k]));
      return (await s.tracking.searchRuns(options)).runs.map((run) => byId[run.id]);
    };
    const tie = () => [seed.r.r3, seed.r.r4].sort().map((id) => (id === seed.r.r3 ? 'r3' : 'r4'));
    const setUp = async () => {
      s = await open();
      seed = await seedSearch(s);
    };

    it('orders by start_time DESC then id by default, over active experiments only', async () => {
      await setUp();
      expect(await names()).toEqual([...tie(), 'r2', 'r1', 'r5']);
      expect(await names({ experimentIds: [seed.a] })).toEqual([...tie(), 'r2', 'r1']);
      expect(await names({ experimentIds: [seed.d] })).toEqual(['r6']);
      expect(await names({ experimentIds: [seed.b, seed.d] })).toEqual(['r5', 'r6']);
    });

    it('filters on the latest metric value as a number; runs without it never match', async () => {
      await setUp();
      expect(await names({ filter: [m('auc', '>', 0.9)], orderBy: [o('attribute', 'name')] })).toEqual([
        'r3',
        'r1',
        'r5',
      ]);
      expect(await names({ filter: [m('auc', '>', 0.94)] })).toEqual(['r5']);
      expect(await names({ filter: [m('auc', '!=', 0.85)] })).toEqual(['r3', 'r1', 'r5']);
      expect(await names({ filter: [m('auc', '<=', 0.91)] })).toEqual(['r2', 'r1']);
      expect(await names({ filter: [m('loss', '=', 0.1)] })).toEqual(['r4']);
      expect(await names({ filter: [m('auc', 'IN', [0.85, 0.99])] })).toEqual(['r2', 'r5']);
    });

    it('filters params and tags as strings: =, !=, LIKE (case-sensitive), ILIKE, IN, NOT IN', async () => {
      await setUp();
      expect(await names({ filter: [p('learner', '=', 'gbdt')] })).toEqual(['r3', 'r1']);
      expect(await names({ filter: [p('learner', 'LIKE', 'gbdt%')] })).toEqual(['r3', 'r1', 'r5']);
      expect(await names({ filter: [p('learner', 'ILIKE', 'gbdt%')] })).toEqual([...tie(), 'r1', 'r5']);
      expect(await names({ filter: [p('learner', 'LIKE', 'GB%')] })).toEqual(['r4']);
      expect(await names({ filter: [p('learner', 'LIKE', 'gbdt_v_')] })).toEqual(['r5']);
      expect(await names({ filter: [p('learner', 'LIKE', 'gbdt\\_%')] })).toEqual(['r5']);
      expect(await names({ filter: [p('learner', 'LIKE', 'gbd[t]%')] })).toEqual([]);
      expect(await names({ filter: [p('learner', 'IN', ['linear', 'GBDT'])] })).toEqual(['r4', 'r2']);
      expect(await names({ filter: [p('learner', 'NOT IN', ['gbdt'])] })).toEqual(['r4', 'r2', 'r5']);
      expect(await names({ filter: [p('lr', '!=', '0.1')] })).toEqual(['r3']);
      expect(await names({ filter: [t('team', '=', 'risk')] })).toEqual(['r2']);
      expect(await names({ filter: [t('team', 'ILIKE', 'RISK')] })).toEqual(['r2', 'r1']);
    });

    it('filters attributes: status, name, times, id, parent', async () => {
      await setUp();
      expect(await names({ filter: [a('status', '=', 'FINISHED')] })).toEqual(['r4', 'r1', 'r5']);
      expect(await names({ filter: [a('status', 'IN', ['FAILED', 'RUNNING'])] })).toEqual(['r3', 'r2']);
      expect(await names({ filter: [a('name', 'LIKE', '%a')] })).toEqual([...tie(), 'r2', 'r1']);
      expect(await names({ filter: [a('name', 'LIKE', 'g%')] })).toEqual([]);
      expect(await names({ filter: [a('name', 'ILIKE', 'g%')] })).toEqual(['r3']);
      expect(await names({ filter: [a('start_time', '>', T0 + 20)] })).toEqual(tie());
      expect(await names({ filter: [a('end_time', '<=', T0 + 25)] })).toEqual(['r2', 'r1', 'r5']);
      expect(await names({ filter: [a('parent_run_id', '=', seed.r.r1)] })).toEqual(['r4']);
      expect(await names({ filter: [a('id', 'IN', [seed.r.r1, seed.r.r5])] })).toEqual(['r1', 'r5']);
    });

    it('ANDs clauses', async () => {
      await setUp();
      expect(await names({ filter: [m('auc', '>', 0.9), p('learner', '=', 'gbdt')] })).toEqual(['r3', 'r1']);
      expect(
        await names({
          filter: [m('auc', '>', 0.9), p('learner', '=', 'gbdt'), a('status', '=', 'FINISHED')],
        }),
      ).toEqual(['r1']);
    });

    it('orders by metrics, params, tags and attributes with missing values last in both directions', async () => {
      await setUp();
      expect(await names({ orderBy: [o('metric', 'auc', true)] })).toEqual(['r5', 'r3', 'r1', 'r2', 'r4']);
      expect(await names({ orderBy: [o('metric', 'auc')] })).toEqual(['r2', 'r1', 'r3', 'r5', 'r4']);
      expect(await names({ orderBy: [o('param', 'learner')] })).toEqual(['r4', 'r3', 'r1', 'r5', 'r2']);
      expect(await names({ orderBy: [o('attribute', 'end_time', true)] })).toEqual([
        'r4',
        'r2',
        'r1',
        'r5',
        'r3',
      ]);
      expect(await names({ orderBy: [o('metric', 'loss'), o('attribute', 'name')] })).toEqual([
        'r4',
        'r1',
        'r3',
        'r2',
        'r5',
      ]);
      expect(await names({ orderBy: [o('tag', 'team', true)] })).toEqual(['r2', 'r1', ...tie(), 'r5']);
    });

    it('pages with an opaque token tied to the query', async () => {
      await setUp();
      const all = await names();
      const seen: (string | undefined)[] = [];
      let token: string | null = null;
      let pages = 0;
      do {
        const page = await s.tracking.searchRuns({ maxResults: 2, ...(token ? { pageToken: token } : {}) });
        seen.push(...page.runs.map((r) => Object.entries(seed.r).find(([, id]) => id === r.id)?.[0]));
        token = page.nextPageToken;
        pages++;
      } while (token);
      expect(pages).toBe(3);
      expect(seen).toEqual(all);
      const first = await s.tracking.searchRuns({ maxResults: 2 });
      expect(first.runs[0]).toEqual(await s.tracking.getRun(first.runs[0]!.id));
      await rejectsWith(
        s.tracking.searchRuns({ maxResults: 2, pageToken: first.nextPageToken!, filter: [m('auc', '>', 0)] }),
        'KEEL_INVALID_ARGUMENT',
      );
      await rejectsWith(s.tracking.searchRuns({ pageToken: 'garbage' }), 'KEEL_INVALID_ARGUMENT');
      for (const maxResults of [0, 1001, 1.5]) {
        await rejectsWith(s.tracking.searchRuns({ maxResults }), 'KEEL_INVALID_ARGUMENT');
      }
      expect((await s.tracking.searchRuns({ maxResults: 5 })).nextPageToken).toBeNull();
    });

    it('rejects malformed clauses with KEEL_TRACK_BAD_FILTER', async () => {
      await setUp();
      const bad: FilterClause[] = [
        m('auc', 'LIKE', '0.9%'),
        m('auc', '>', 'high'),
        p('learner', '>', 'a'),
        a('color', '=', 'red'),
        a('start_time', '=', 'yesterday'),
        p('learner', 'IN', 'gbdt'),
        p('learner', '=', ['gbdt']),
        p('learner', 'IN', []),
        { kind: 'dataset' as never, key: 'x', op: '=', value: 'y' },
      ];
      for (const clause of bad)
        await rejectsWith(s.tracking.searchRuns({ filter: [clause] }), 'KEEL_TRACK_BAD_FILTER');
      await rejectsWith(
        s.tracking.searchRuns({ orderBy: [o('attribute', 'color')] }),
        'KEEL_TRACK_BAD_FILTER',
      );
    });
  });
}
