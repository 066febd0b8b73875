import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeelError, ManualClock, ownKeysPrototype, systemClock, valueAt } from '../../src/core/index.js';
import { readFrame } from '../../src/data/index.js';
import {
  batchesFrame,
  batchRequestCount,
  datasetFiles,
  decodeLogBatch,
  encodeLogBatch,
  holdBatch,
  KeelMetrics,
  logFrame,
  PREDICTION_LOG_COLUMNS,
  type PredictionLogEntry,
  PredictionLogger,
  predictionLogSink,
  SinkWorker,
} from '../../src/monitor/index.js';
import {
  MemoryStreamStore,
  openDuckDBEngine,
  quoteLiteral,
  type StreamStore,
} from '../../src/storage/index.js';
import { waitFor } from '../helpers/poll.js';
import { tempDir } from '../helpers/tmp.js';

const DAY1 = Date.UTC(2024, 2, 10, 23, 59, 59);
const DAY2 = Date.UTC(2024, 2, 11, 0, 0, 1);

const entry = (i: number, at: number, over: Partial<PredictionLogEntry> = {}): PredictionLogEntry => ({
  requestId: `req-${i}`,
  at,
  deployment: 'fraud-live',
  model: 'fraud',
  version: 2,
  variant: 'primary',
  records: [{ amount: i * 1.5, country: i % 2 ? 'DE' : 'FR' }],
  outputs: [
    {
      label: i % 3 === 0 ? '1' : '0',
      probability: i / 100,
      probabilities: { '0': 1 - i / 100, '1': i / 100 },
    },
  ],
  rows: 1,
  cached: false,
  latencyUs: 120 + i,
  ...over,
});

describe('prediction log', () => {
  const root = tempDir();
  let n = 0;
  const setup = (
    options: { sampleRate?: number; random?: () => number; maxBufferedRequests?: number } = {},
  ) => {
    const clock = new ManualClock(DAY1);
    const stream = new MemoryStreamStore(clock);
    const offline = join(root, `offline-${n++}`);
    const metrics = new KeelMetrics();
    const logger = new PredictionLogger({ stream, metrics, clock, ...options });
    const sink = predictionLogSink({ stream, offline, clock, flushIntervalMs: 1_000, metrics });
    return { clock, stream, offline, logger, sink, metrics };
  };

  it('writes one Parquet row per predicted row, partitioned by UTC day, with inputs, outputs and latency', async () => {
    const { logger, sink, offline, metrics } = setup();
    logger.record(entry(1, DAY1));
    logger.record(entry(2, DAY2, { requestId: null }));
    logger.record(
      entry(3, DAY2, {
        rows: 2,
        records: [{ amount: 1 }, { amount: 2 }],
        outputs: [{ value: 10.5 }, { value: 11 }],
      }),
    );
    await logger.flush();
    await sink.drain();
    expect(readdirSync(join(offline, 'prediction_log')).sort()).toEqual([
      'date=2024-03-10',
      'date=2024-03-11',
    ]);
    const [f1, f2] = await datasetFiles(offline, 'prediction_log');
    const day1 = await readFrame(f1!);
    // Fixed columns, then flattened inputs and outputs; DuckDB adds the hive partition column (date).
    expect(day1.names).toEqual([
      ...PREDICTION_LOG_COLUMNS,
      'input.amount',
      'input.country',
      'output.label',
      'output.probability',
      'output.probabilities.0',
      'output.probabilities.1',
      // Columns of the whole flush (day 2's regressor output too), missing in this file's rows.
      'output.value',
      'date',
    ]);
    expect(day1.row(0)).toMatchObject({
      request_id: 'req-1',
      row: 0,
      ts: DAY1,
      deployment: 'fraud-live',
      model: 'fraud',
      version: 2,
      variant: 'primary',
      prediction: '0',
      score: 0.01,
      latency_us: 121,
      cached: false,
      logged_inputs: true,
      'input.amount': 1.5,
      'input.country': 'DE',
      'output.probabilities.1': 0.01,
    });
    const day2 = await readFrame(f2!);
    expect(day2.rowCount).toBe(3);
    const ids = Array.from({ length: 3 }, (_, i) => String(valueAt(day2.column('request_id'), i)));
    expect(ids[0]).toMatch(/^[0-9a-f]{12}-0$/);
    expect(ids.slice(1)).toEqual(['req-3', 'req-3']);
    expect([day2.row(1).row, day2.row(2).row, day2.row(2).score, day2.row(2)['input.amount']]).toEqual([
      0, 1, 11, 2,
    ]);
    expect(day2.row(1)['output.value']).toBe(10.5);
    // Snappy, not writeFrame's default zstd: the log is written all day on the serving machine.
    const engine = await openDuckDBEngine();
    try {
      const codecs = await engine.queryRows(
        `SELECT DISTINCT compression FROM parquet_metadata(${quoteLiteral(f1!)})`,
      );
      expect(codecs).toEqual([{ compression: 'SNAPPY' }]);
    } finally {
      await engine.close();
    }
    const samples = await metrics.samples();
    expect(samples.find((s) => s.name === 'keel_prediction_log_written_rows_total')?.value).toBe(4);
    expect(sink.stats).toMatchObject({ rowsWritten: 4, filesWritten: 2, failures: 0 });
  });

  it('holds rows until the flush interval is up, then writes and acknowledges them', async () => {
    const { logger, sink, offline, clock, stream } = setup();
    logger.record(entry(1, DAY1));
    await logger.flush();
    await sink.poll();
    expect(await datasetFiles(offline, 'prediction_log')).toEqual([]);
    expect(await stream.pending('predictions', 'prediction-log-sink')).toBe(1);
    await clock.advance(999);
    await sink.poll();
    expect(await datasetFiles(offline, 'prediction_log')).toEqual([]);
    await clock.advance(1);
    await sink.poll();
    expect(await datasetFiles(offline, 'prediction_log')).toHaveLength(1);
    expect(await stream.pending('predictions', 'prediction-log-sink')).toBe(0);
  });

  it('samples requests at logSampleRate and bounds its buffer, counting what it skips', async () => {
    const draws = [0.1, 0.9, 0.3, 0.7];
    const { logger, metrics } = setup({
      sampleRate: 0.5,
      random: () => draws.shift() ?? 0,
      maxBufferedRequests: 1,
    });
    for (let i = 0; i < 4; i++) logger.record(entry(i, DAY1));
    expect(logger.stats).toMatchObject({ enqueued: 1, sampledOut: 2, dropped: 1 });
    const samples = await metrics.samples();
    const rows = (result: string) =>
      samples.find((s) => s.name === 'keel_prediction_log_rows_total' && s.labels.result === result)?.value;
    expect([rows('enqueued'), rows('sampled_out'), rows('dropped')]).toEqual([1, 2, 1]);
  });

  it('publishes the requests of a few milliseconds as one message, and a full batch at the next turn', async () => {
    const clock = new ManualClock(DAY1);
    const inner = new MemoryStreamStore(clock);
    const published: number[] = [];
    const counting: StreamStore = Object.assign(Object.create(inner) as StreamStore, {
      publish: (topic: string, payloads: readonly Uint8Array[]) => {
        published.push(payloads.length);
        return inner.publish(topic, payloads);
      },
    });
    const logger = new PredictionLogger({ stream: counting, clock, publishDelayMs: 30, maxBatch: 4 });
    for (let i = 0; i < 3; i++) logger.record(entry(i, DAY1));
    await new Promise((r) => setImmediate(r));
    expect(published).toEqual([]); // not a full batch: waits for the delay
    await waitFor(() => logger.stats.published === 3);
    expect(published).toEqual([1]);
    for (let i = 0; i < 4; i++) logger.record(entry(i, DAY1));
    await new Promise((r) => setImmediate(r));
    await waitFor(() => logger.stats.published === 7, 1_000, 1);
    expect(published).toEqual([1, 1]);
    logger.record(entry(9, DAY1));
    await logger.close(); // publishes at once, leaves no timer behind
    expect(logger.stats.published).toBe(8);
    expect(await inner.pending('predictions', 'x')).toBe(3);
  });

  it('a running sink gathers messages while it holds rows and writes them all at the interval', {
    timeout: 20_000,
  }, async () => {
    const stream = new MemoryStreamStore(systemClock);
    const offline = join(root, `offline-${n++}`);
    const logger = new PredictionLogger({ stream, clock: systemClock, publishDelayMs: 0 });
    const sink = predictionLogSink({ stream, offline, clock: systemClock, flushIntervalMs: 300 });
    sink.start();
    for (let i = 0; i < 5; i++) {
      logger.record(entry(i, DAY1));
      await logger.flush();
      await new Promise((r) => setTimeout(r, 10));
    }
    await waitFor(() => sink.stats.rowsWritten === 5);
    expect(sink.stats.filesWritten).toBe(1);
    expect(await stream.pending('predictions', 'prediction-log-sink')).toBe(0);
    logger.record(entry(5, DAY1));
    await logger.flush();
    await waitFor(async () => (await stream.pending('predictions', 'prediction-log-sink')) === 1);
    const stopping = Date.now();
    await sink.stop(); // cuts the gathering sleep short and writes what it holds
    expect(Date.now() - stopping).toBeLessThan(1_000);
    expect(sink.stats.rowsWritten).toBe(6);
  });

  it('drops (and counts) a request it cannot encode without spoiling the rest of its batch', async () => {
    const { logger, sink, offline } = setup();
    const cyclic: Record<string, unknown> = { amount: 1 };
    cyclic.self = cyclic;
    logger.record(entry(1, DAY1));
    logger.record(entry(2, DAY1, { records: [cyclic] }));
    logger.record(entry(3, DAY1));
    expect(logger.stats).toMatchObject({ enqueued: 2, dropped: 1 });
    await logger.flush();
    await sink.drain();
    const frame = await readFrame((await datasetFiles(offline, 'prediction_log'))[0]!);
    expect(frame.rowCount).toBe(2);
    expect([frame.row(0).request_id, frame.row(1).request_id]).toEqual(['req-1', 'req-3']);
  });

  it('keeps and retries a batch when publishing fails', async () => {
    const clock = new ManualClock(DAY1);
    const inner = new MemoryStreamStore(clock);
    let failures = 1;
    const flaky: StreamStore = Object.assign(Object.create(inner) as StreamStore, {
      publish: (topic: string, payloads: readonly Uint8Array[]) => {
        if (failures-- > 0) return Promise.reject(new KeelError('KEEL_STORE_UNAVAILABLE', 'down'));
        return inner.publish(topic, payloads);
      },
    });
    const logger = new PredictionLogger({ stream: flaky, clock, retryDelayMs: 500 });
    logger.record(entry(1, DAY1));
    await logger.flush();
    expect(logger.stats.publishFailures).toBe(1);
    expect(logger.buffered).toBe(1);
    await clock.advance(500);
    await waitFor(() => logger.stats.published === 1);
    expect(await inner.pending('predictions', 'x')).toBe(1);
  });

  it('can decode and write on a worker thread, with the same result', { timeout: 30_000 }, async () => {
    const { logger, stream, offline, clock } = setup();
    const worker = new SinkWorker();
    try {
      const sink = predictionLogSink({ stream, offline, clock, worker });
      logger.record(entry(1, DAY1));
      logger.record(
        entry(2, DAY2, {
          rows: 2,
          records: [{ amount: 1 }, { amount: 2 }],
          outputs: [{ value: 1 }, { value: 2 }],
        }),
      );
      await logger.flush();
      await sink.drain();
      expect(sink.stats).toMatchObject({ rowsWritten: 3, filesWritten: 2 });
      const frames = await Promise.all(
        (await datasetFiles(offline, 'prediction_log')).map((f) => readFrame(f)),
      );
      expect(frames.map((f) => f.rowCount)).toEqual([1, 2]);
      expect(frames[1]!.row(1)).toMatchObject({ request_id: 'req-2', row: 1, 'input.amount': 2, score: 2 });
      expect(await stream.pending('predictions', 'prediction-log-sink')).toBe(0);
      if (process.platform === 'linux') {
        // The sink thread runs at a lower priority (nice 10) than the serving thread (nice 0).
        const niceOf = (tid: string | number): number => {
          const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
          return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
        };
        expect(readdirSync('/proc/self/task').map(niceOf)).toContain(10);
        expect(niceOf(process.pid)).toBe(0);
      }
    } finally {
      await worker.close();
    }
  });

  it('with a worker, counts messages on the calling thread and skips what the worker cannot read', {
    timeout: 30_000,
  }, async () => {
    const { logger, stream, offline, clock } = setup();
    const worker = new SinkWorker();
    try {
      const sink = predictionLogSink({ stream, offline, clock, worker });
      // Not a batch at all: refused by the count, on this thread.
      await stream.publish('predictions', [new TextEncoder().encode('not a batch')]);
      // A batch whose header breaks after the request count: only the worker finds out.
      const broken = encodeLogBatch([{ ...entry(9, DAY1), requestId: 'broken' }]);
      broken[8 + '{"v":2,"n":1,'.length] = 0x7b;
      expect(batchRequestCount(broken)).toBe(1);
      await stream.publish('predictions', [broken]);
      logger.record(entry(1, DAY1));
      await logger.flush();
      await sink.drain();
      expect(sink.stats).toMatchObject({ poisonMessages: 2, rowsWritten: 1, filesWritten: 1 });
      const frame = await readFrame((await datasetFiles(offline, 'prediction_log'))[0]!);
      expect(frame.toRecords().map((r) => r.request_id)).toEqual(['req-1']);
      expect(await stream.pending('predictions', 'prediction-log-sink')).toBe(0);
    } finally {
      await worker.close();
    }
  });

  it('skips unreadable messages instead of blocking the log', async () => {
    const { stream, sink, logger, offline } = setup();
    await stream.publish('predictions', [new TextEncoder().encode('not json')]);
    logger.record(entry(5, DAY1));
    await logger.flush();
    await sink.drain();
    expect(sink.stats.poisonMessages).toBe(1);
    expect((await readFrame((await datasetFiles(offline, 'prediction_log'))[0]!)).rowCount).toBe(1);
    expect(await stream.pending('predictions', 'prediction-log-sink')).toBe(0);
  });
});

describe('prediction-log wire format', () => {
  it('round-trips entries exactly: numbers, strings, booleans, nulls, nested objects and arrays', () => {
    const entries = [
      {
        requestId: 'a',
        at: DAY1,
        deployment: null,
        model: 'm',
        version: 7,
        variant: null,
        records: [
          {
            x: 0.1 + 0.2,
            s: 'é☃',
            b: true,
            f: false,
            n: null,
            arr: [1, 'two', [3]],
            obj: { deep: { v: -0 } },
          },
        ],
        outputs: [{ label: 'yes', probabilities: { no: 0.25, yes: 0.75 } }],
        rows: 1,
        cached: true,
        latencyUs: 12.5,
      },
      { ...entry(2, DAY2), requestId: 'b', records: null, outputs: null },
    ];
    const decoded = decodeLogBatch(encodeLogBatch(entries as never));
    expect(decoded).toEqual(entries);
    expect(Object.is((decoded[0]!.records![0]!.obj as { deep: { v: number } }).deep.v, -0)).toBe(true);
    // A payload at an odd offset of a bigger buffer decodes too.
    const bytes = encodeLogBatch(entries as never);
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expect(decodeLogBatch(shifted.subarray(3))).toEqual(entries);
    expect(() => decodeLogBatch(new TextEncoder().encode('{"v":1}'))).toThrow(/unreadable/);
  });

  it('counts the requests of a batch from the start of its header, or from the whole header', () => {
    const entries = [entry(1, DAY1), entry(2, DAY1), entry(3, DAY2)];
    expect(batchRequestCount(encodeLogBatch(entries as never))).toBe(3);
    // The same header with its keys in another order: read in full.
    const header = Buffer.from(
      JSON.stringify({ n: 2, v: 2, ids: ['a', 'b'], strings: [], shapes: [], tags: 0, nums: 0 }),
    );
    const bytes = new Uint8Array(8 + header.length);
    new DataView(bytes.buffer).setUint32(0, 0x4b504c32, true);
    new DataView(bytes.buffer).setUint32(4, header.length, true);
    bytes.set(header, 8);
    expect(batchRequestCount(bytes)).toBe(2);
    expect(() => batchRequestCount(new TextEncoder().encode('{"v":2,"n":1}'))).toThrow(/unreadable/);
  });

  it('keeps every key when objects change shape from row to row, and reads declared keys', () => {
    const inherited = Object.create({ fromPrototype: 1 }) as Record<string, unknown>;
    inherited.own = 2;
    const probabilities = (p: number) =>
      Object.assign(Object.create(ownKeysPrototype(['0', '1'])) as Record<string, number>, {
        '0': 1 - p,
        '1': p,
      });
    const records: Record<string, unknown>[] = [
      { a: 1, b: 2 },
      { a: 1, c: 3 },
      { a: 1, b: 2, c: 3 },
      { a: 1 },
      {},
      { b: 2, a: 1 },
      inherited,
      { 2: 'index', x: 'named' },
    ];
    const entries = records.map((r, i) => ({
      ...entry(i, DAY1),
      requestId: `r${i}`,
      records: [r],
      outputs: [{ label: '1', probabilities: probabilities(i / 10) }],
    }));
    const decoded = decodeLogBatch(encodeLogBatch(entries));
    // Own enumerable keys in their order, as Object.keys lists them (inherited ones are not logged).
    expect(decoded.map((e) => e.records![0])).toEqual([...records.slice(0, 6), { own: 2 }, records[7]]);
    expect(decoded.map((e) => Object.keys(e.records![0]!))).toEqual(records.map((r) => Object.keys(r)));
    expect(decoded.map((e) => e.outputs![0]!.probabilities)).toEqual(
      records.map((_, i) => ({ '0': 1 - i / 10, '1': i / 10 })),
    );
    // Declared keys are the prototype's business: JSON sees a plain object.
    expect(JSON.stringify(probabilities(0.5))).toBe('{"0":0.5,"1":0.5}');
  });
});

describe('columnar decoding for the sink', () => {
  it('gives the same frame as flattening the decoded entries, across batches and odd values', () => {
    const a = [
      entry(1, DAY1),
      entry(2, DAY1, {
        requestId: 'x',
        records: [{ amount: 'n/a', flag: true, tags: ['a', 1], nested: { k: 2 } }],
        outputs: [{ value: 3 }],
      }),
      entry(3, DAY2, { records: null, outputs: null, rows: 2 }),
    ];
    const b = [
      entry(4, DAY2, {
        records: [{ amount: 7, flag: 'maybe' }, { amount: null }],
        outputs: [{ label: '1', probabilities: { '0': 0.4, '1': 0.6 } }],
        rows: 2,
      }),
    ];
    const ids = (list: PredictionLogEntry[]) =>
      list.map((e, i) => ({ ...e, requestId: e.requestId ?? `gen-${i}` }));
    const viaColumns = batchesFrame([holdBatch(encodeLogBatch(ids(a))), holdBatch(encodeLogBatch(ids(b)))]);
    const viaEntries = logFrame([...ids(a), ...ids(b)]);
    expect(viaColumns.names).toEqual(viaEntries.names);
    expect(viaColumns.toRecords()).toEqual(viaEntries.toRecords());
    expect(viaColumns.row(0)).toMatchObject({ prediction: '0', score: 0.01 });
    expect(viaColumns.row(1)).toMatchObject({
      'input.amount': 'n/a',
      'input.flag': 'true',
      'input.tags': '["a",1]',
      'input.nested.k': 2,
    });
    expect(viaColumns.row(4)).toMatchObject({ prediction: '1', score: 0.6, 'input.amount': '7' });
  });
});
