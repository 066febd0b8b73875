// Durability of the prediction log when the process dies (SIGKILL, no shutdown hook): on the
// in-process stream at most about one flush interval of predictions is lost; on JetStream nothing
// that was published is lost (a new sink picks it up).
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { randomHex, silentLogger, systemClock } from '../../src/core/index.js';
import { datasetFiles, loadLoggedInputs, predictionLogSink } from '../../src/monitor/index.js';
import { openStore } from '../../src/storage/index.js';
import { waitFor } from '../helpers/poll.js';
import { serviceUrl } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';

const CHILD = new URL('./helpers/log-child.ts', import.meta.url).pathname;
const FLUSH_MS = 300;

interface Run {
  readonly child: ChildProcess;
  /** Last published index and its time, as the child reported. */
  last: { index: number; at: number };
  readonly atOf: Map<number, number>;
}

function startChild(offline: string, url: string, sink = true): Run {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CHILD, offline, url, String(FLUSH_MS), sink ? 'sink' : 'no-sink'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const run: Run = { child, last: { index: -1, at: 0 }, atOf: new Map() };
  let buffer = '';
  child.stdout!.on('data', (d: Buffer) => {
    buffer += d.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    for (const l of lines) {
      const [, i, at] = l.split(' ');
      run.last = { index: Number(i), at: Number(at) };
      run.atOf.set(Number(i), Number(at));
    }
  });
  return run;
}

async function kill(run: Run): Promise<void> {
  const exited = new Promise((r) => run.child.once('exit', r));
  run.child.kill('SIGKILL');
  await exited;
}

async function survivors(offline: string): Promise<number[]> {
  const frame = await loadLoggedInputs({
    offline,
    model: 'crash',
    fromMs: 0,
    toMs: Date.now() + 86_400_000,
    columns: [{ name: 'x', kind: 'numeric' }],
  });
  return Array.from(frame.numberColumn('x').values).sort((a, b) => a - b);
}

describe('prediction log durability on a crash', () => {
  const root = tempDir();

  it('in-process stream: survivors are a prefix, and only about one flush interval is lost', {
    timeout: 60_000,
  }, async () => {
    const offline = join(root, 'memory');
    const run = startChild(offline, 'memory:');
    await waitFor(
      async () => run.last.index >= 100 && (await datasetFiles(offline, 'prediction_log')).length >= 2,
      30_000,
    );
    await kill(run);
    const kept = await survivors(offline);
    expect(kept.length).toBeGreaterThan(0);
    // Flushes write everything buffered in order: what survives has no holes.
    expect(kept).toEqual(kept.map((_, i) => i));
    const firstLost = kept.length;
    const lostSpanMs = run.last.at - (run.atOf.get(firstLost + 4 - (firstLost % 5)) ?? run.last.at);
    // The rows lost were produced within one flush interval (plus a write's time) of the crash.
    expect(lostSpanMs).toBeLessThanOrEqual(FLUSH_MS + 3_000);
  });

  const nats = serviceUrl('nats');
  it.skipIf(!nats)(
    'JetStream: everything published survives; a new sink writes what the dead one held',
    { timeout: 60_000 },
    async () => {
      const offline = join(root, 'nats');
      const url = `${nats}${nats!.includes('?') ? '&' : '?'}prefix=keelcrash_${randomHex(6)}&ackWaitMs=1000`;
      const run = startChild(offline, url);
      await waitFor(() => run.last.index >= 100, 30_000);
      await kill(run);
      const published = run.last.index;
      const stream = await openStore('stream', url, { root, log: silentLogger(), clock: systemClock });
      try {
        const sink = predictionLogSink({ stream, offline, clock: systemClock, flushIntervalMs: FLUSH_MS });
        // Messages the dead sink fetched but never acknowledged come back after the ack wait.
        await waitFor(async () => {
          await sink.drain();
          return (await stream.pending('predictions', 'prediction-log-sink')) === 0;
        }, 20_000);
        const kept = new Set(await survivors(offline));
        const missing = Array.from({ length: published + 1 }, (_, i) => i).filter((i) => !kept.has(i));
        expect(missing).toEqual([]);
      } finally {
        await stream.deleteTopic('predictions');
        await stream.close();
      }
    },
  );
});
