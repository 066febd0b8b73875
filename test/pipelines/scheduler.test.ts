import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { randomHex, silentLogger } from '../../src/core/index.js';
import {
  definePipeline,
  type Pipeline,
  type PipelineOptions,
  Pipelines,
  pipelineEventSink,
  Scheduler,
  type SchedulerOptions,
  step,
} from '../../src/pipelines/index.js';
import { type ArtifactStore, type MetadataStore, openStore } from '../../src/storage/index.js';
import { dropSchemas, withSchema } from '../helpers/pg-schemas.js';
import { waitFor } from '../helpers/poll.js';
import { serviceUrl } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';
import { WatchedClock } from '../helpers/watched-clock.js';

const root = tempDir('keel-scheduler-');
const T0 = Date.UTC(2024, 0, 1);
const HOUR = 3_600_000;
let n = 0;

/** A scheduler "process": its own metadata connection to the shared database, its own service. */
interface Process {
  readonly metadata: MetadataStore;
  readonly artifacts: ArtifactStore;
  readonly scheduler: Scheduler;
}

function suite(name: string, metadataUrl: () => string) {
  describe(`scheduler on ${name}`, () => {
    const opened: Process[] = [];
    afterEach(async () => {
      for (const p of opened.splice(0)) {
        await p.scheduler.idle();
        await Promise.all([p.metadata.close(), p.artifacts.close()]);
      }
    });
    const processes = async (
      count: number,
      pipeline: Pipeline,
      extra: Partial<SchedulerOptions> = {},
    ): Promise<{ clock: WatchedClock; procs: Process[] }> => {
      const clock = new WatchedClock(T0);
      const url = metadataUrl();
      const artifactsUrl = `file:artifacts-${n++}`;
      const procs: Process[] = [];
      for (let i = 0; i < count; i++) {
        const options = { root, log: silentLogger(), clock };
        const metadata = await openStore('metadata', url, options);
        const artifacts = await openStore('artifacts', artifactsUrl, options);
        const pipelines = new Pipelines({
          metadata,
          artifacts,
          clock,
          log: silentLogger(),
          root,
          worker: `s${i}`,
        });
        const scheduler = new Scheduler({
          pipelines,
          metadata,
          clock,
          log: silentLogger(),
          root,
          definitions: [pipeline],
          ...extra,
        });
        const proc = { metadata, artifacts, scheduler };
        opened.push(proc);
        procs.push(proc);
      }
      return { clock, procs };
    };
    const tickAll = async (procs: Process[]) =>
      (await Promise.all(procs.map((p) => p.scheduler.tick()))).flat();
    const nightly = (extra: Partial<PipelineOptions> = {}) =>
      definePipeline({
        name: `nightly-${randomHex(3)}`,
        steps: [step({ name: 'work', params: { n: 1 }, cache: false, run: async (_i, p) => p.n })],
        schedules: [{ name: 'daily', cron: '0 3 * * *', params: { n: 7 } }],
        ...extra,
      });

    it('starts a due cron run exactly once across two schedulers, and nothing for the past', async () => {
      const p = nightly();
      const { clock, procs } = await processes(2, p);
      expect(await tickAll(procs)).toEqual([]);
      await clock.set(T0 + 3 * HOUR - 1);
      expect(await tickAll(procs)).toEqual([]);
      await clock.set(T0 + 3 * HOUR);
      const started = await tickAll(procs);
      expect(started).toEqual([
        { pipeline: p.name, runId: expect.any(String), trigger: 'schedule:daily@2024-01-01T03:00:00.000Z' },
      ]);
      await clock.set(T0 + 3 * HOUR + 30_000);
      expect(await tickAll(procs)).toEqual([]);
      await Promise.all(procs.map((x) => x.scheduler.idle()));
      const runs = await procs[0]!.metadata.pipelines.listRuns({ pipeline: p.name });
      expect(runs.map((r) => [r.status, r.trigger, r.params.work])).toEqual([
        ['SUCCEEDED', 'schedule:daily@2024-01-01T03:00:00.000Z', { n: 7 }],
      ]);
    });

    it('after downtime starts the latest missed time only, or every one with catchup', async () => {
      const late = nightly();
      const { clock, procs } = await processes(2, late);
      await tickAll(procs);
      await clock.set(T0 + 3 * 24 * HOUR + 4 * HOUR);
      expect((await tickAll(procs)).map((s) => s.trigger)).toEqual([
        'schedule:daily@2024-01-04T03:00:00.000Z',
      ]);

      const eager = nightly({ schedules: [{ name: 'daily', cron: '0 3 * * *', catchup: true }] });
      const second = await processes(2, eager);
      await tickAll(second.procs);
      await second.clock.set(T0 + 3 * 24 * HOUR + 4 * HOUR);
      const triggers = (await tickAll(second.procs)).map((s) => s.trigger).sort();
      expect(triggers).toEqual([
        'schedule:daily@2024-01-01T03:00:00.000Z',
        'schedule:daily@2024-01-02T03:00:00.000Z',
        'schedule:daily@2024-01-03T03:00:00.000Z',
        'schedule:daily@2024-01-04T03:00:00.000Z',
      ]);
    });

    it('fires a file trigger once per change of the file, never for the file as first seen', async () => {
      const file = join(root, `data-${randomHex(3)}.csv`);
      writeFileSync(file, 'a\n1\n');
      utimesSync(file, new Date(T0), new Date(T0));
      const p = nightly({ schedules: [], triggers: [{ name: 'new-data', type: 'file', path: file }] });
      const { procs } = await processes(2, p);
      expect(await tickAll(procs)).toEqual([]);
      expect(await tickAll(procs)).toEqual([]);
      writeFileSync(file, 'a\n1\n2\n');
      utimesSync(file, new Date(T0 + HOUR), new Date(T0 + HOUR));
      const started = await tickAll(procs);
      expect(started.map((s) => s.trigger)).toEqual([
        'trigger:new-data (file ' + file + ' changed (6 bytes))',
      ]);
      expect(await tickAll(procs)).toEqual([]);
    });

    it('fires on N new labels and on matching alerts from the event log', async () => {
      const p = nightly({
        schedules: [],
        triggers: [
          { name: 'labels', type: 'labels', subject: 'fraud-api', count: 100 },
          { name: 'drift', type: 'alert', subject: 'fraud-api', rule: 'drift' },
        ],
      });
      const { clock, procs } = await processes(2, p);
      const emit = pipelineEventSink({ pipelines: procs[0]!.metadata.pipelines, clock });
      await emit({ kind: 'labels', subject: 'fraud-api', payload: { count: 500 } });
      expect(await tickAll(procs)).toEqual([]);
      await emit({ kind: 'labels', subject: 'fraud-api', payload: { count: 60 } });
      await emit({ kind: 'labels', subject: 'other-api', payload: { count: 1000 } });
      await emit({ kind: 'alert', subject: 'fraud-api', payload: { rule: 'latency' } });
      expect(await tickAll(procs)).toEqual([]);
      await emit({ kind: 'labels', subject: 'fraud-api', payload: { count: 40 } });
      await emit({ kind: 'alert', subject: 'fraud-api', payload: { rule: 'drift' } });
      const started = (await tickAll(procs)).map((s) => s.trigger).sort();
      expect(started).toEqual([
        'trigger:drift (alert drift on fraud-api)',
        'trigger:labels (100 new labels for fraud-api)',
      ]);
      expect(await tickAll(procs)).toEqual([]);
      await expect(emit({ kind: 'Alert!', subject: 'x' })).rejects.toMatchObject({
        code: 'KEEL_INVALID_ARGUMENT',
      });
    });

    it('fires a rows trigger when enough rows were added, and holds triggers at maxActiveRuns', async () => {
      let rows = 100;
      let release!: () => void;
      const gate = new Promise<void>((r) => {
        release = r;
      });
      const p = definePipeline({
        name: `rows-${randomHex(3)}`,
        maxActiveRuns: 1,
        steps: [{ name: 'slow', cache: false, run: async () => gate }],
        triggers: [{ name: 'more', type: 'rows', source: 'tx', minNew: 50 }],
      });
      const { procs } = await processes(2, p, { sources: { countRows: async () => rows } });
      expect(await tickAll(procs)).toEqual([]);
      rows = 149;
      expect(await tickAll(procs)).toEqual([]);
      rows = 150;
      expect((await tickAll(procs)).map((s) => s.trigger)).toEqual(['trigger:more (50 new rows in tx)']);
      rows = 400;
      expect(await tickAll(procs)).toEqual([]);
      release();
      await Promise.all(procs.map((x) => x.scheduler.idle()));
      expect((await tickAll(procs)).map((s) => s.trigger)).toEqual(['trigger:more (250 new rows in tx)']);
    });

    it('ticks on its clock until stopped, then cancels what it started', async () => {
      const p = definePipeline({
        name: `loop-${randomHex(3)}`,
        steps: [
          step({
            name: 'wait',
            cache: false,
            run: async (_i, _p, ctx) =>
              new Promise((_, reject) =>
                ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)),
              ),
          }),
        ],
        schedules: [{ cron: '*/5 * * * *' }],
      });
      const { clock, procs } = await processes(1, p, { tickMs: 60_000 });
      const stop = new AbortController();
      const loop = procs[0]!.scheduler.run(stop.signal);
      const runs = async () => procs[0]!.metadata.pipelines.listRuns({ pipeline: p.name });
      // Advance a minute at a time, each time once the loop is asleep again: it ticks on the minute.
      for (let i = 0; i < 5; i++) {
        await waitFor(() => clock.pendingSleeps === 1);
        await clock.advance(60_000);
      }
      await waitFor(async () => (await runs()).length === 1);
      expect((await runs()).map((r) => r.trigger)).toEqual(['schedule:schedule-1@2024-01-01T00:05:00.000Z']);
      stop.abort();
      await loop;
      expect((await runs()).map((r) => r.status)).toEqual(['CANCELLED']);
    });
  });
}

// busy_timeout=0: two connections in ONE process must not wait on each other's lock (better-sqlite3 is
// synchronous, so a wait would block the very event loop the lock holder needs); the loser's write
// fails at once and the scheduler retries on its next tick, as a second process would after waiting.
suite('sqlite (two connections to one file)', () => `sqlite:sched-${n++}.db?busy_timeout=0`);

const pg = serviceUrl('postgres');
if (pg) {
  const schema = `keel_sched_${randomHex(4)}`;
  afterAll(() => dropSchemas(pg, schema));
  let k = 0;
  suite('postgres', () => withSchema(pg, `${schema}_${k++}`));
} else describe.skip('scheduler on postgres (KEEL_TEST_POSTGRES_URL unset)', () => {});
