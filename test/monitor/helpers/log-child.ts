// A process that serves nothing but logs predictions as fast as a steady trickle allows, for the
// crash test: `node --import tsx log-child.ts <offline> <streamUrl> <flushMs> [runSink]`. After each
// publish it prints `published <lastIndex> <atMs>`; the test kills it with SIGKILL.
import { silentLogger, systemClock } from '../../../src/core/index.js';
import { PredictionLogger, predictionLogSink } from '../../../src/monitor/index.js';
import { openStore } from '../../../src/storage/index.js';

const [offline, url, flushText, runSink] = process.argv.slice(2);
const stream = await openStore('stream', url!, {
  root: process.cwd(),
  log: silentLogger(),
  clock: systemClock,
});
const logger = new PredictionLogger({ stream, clock: systemClock });
if (runSink !== 'no-sink') {
  predictionLogSink({
    stream,
    offline: offline!,
    clock: systemClock,
    flushIntervalMs: Number(flushText),
  }).start();
}
for (let i = 0; ; i++) {
  const at = Date.now();
  logger.record({
    requestId: `r${i}`,
    at,
    deployment: 'crash',
    model: 'crash',
    version: 1,
    variant: null,
    records: [{ x: i }],
    outputs: [{ value: i }],
    rows: 1,
    cached: false,
    latencyUs: 1,
  });
  if (i % 5 === 4) {
    await logger.flush();
    process.stdout.write(`published ${i} ${at}\n`);
  }
  await new Promise((r) => setTimeout(r, 2));
}
