import { isKeelError } from '../../core/index.js';
import type { Keel } from '../../sdk/index.js';
import { type RunningServer, startServer } from '../../server/index.js';
import { VERSION } from '../version.js';
import { DemoClient, type TrafficStats } from './http-client.js';
import { count, type Narrator } from './narrator.js';
import { type DemoWorld, requestIds, requestRecords } from './world.js';

/** Concurrent connections of the simulated application. */
export const CONNECTIONS = 8;

/** Starts the server on `port` (or a free port when it is taken). */
async function listen(keel: Keel, port: number): Promise<RunningServer> {
  // The demo trains challengers in this same process, blocking the event loop for seconds while no
  // request is in flight: a lag-based shedder would then refuse the next slice's traffic, which is
  // the simulation's artifact, not overload. Shedding stays on, at a lag only a real stall reaches.
  const options = {
    version: VERSION,
    grpcPort: 0,
    shutdownTimeoutMs: 5_000,
    loadGuard: { maxEventLoopDelayMs: 5_000 },
  } as const;
  try {
    return await startServer(keel, { ...options, port });
  } catch (error) {
    const inUse = isKeelError(error) && error.code === 'KEEL_SERVER_LISTEN_FAILED' && error.details.inUse;
    if (!inUse || port === 0) throw error;
    return startServer(keel, { ...options, port: 0 });
  }
}

/** Step 4: the server, and a simulated application sending it live traffic. */
export async function serveStep(
  n: Narrator,
  keel: Keel,
  world: DemoWorld,
  port: number,
): Promise<{ server: RunningServer; client: DemoClient; load: TrafficStats }> {
  n.step(
    4,
    'Serve: live traffic over HTTP',
    'The server answers the Open Inference Protocol (REST and gRPC) and plain JSON, joins online features,\n' +
      'logs every prediction and exports Prometheus metrics. A simulated application now calls it.',
  );
  const server = await listen(keel, port);
  await server.started;
  n.say(`Listening on ${server.url} (gRPC on port ${server.grpcPort}).`);
  const client = new DemoClient(server.url, CONNECTIONS);
  const rows = world.load.rowCount;
  const load = await client.predictAll(
    'fraud',
    requestRecords(world.load, 0, rows),
    requestIds(world.load, 0, rows),
    CONNECTIONS,
  );
  n.say(
    `${count(load.sent)} predictions over ${CONNECTIONS} keep-alive connections: ${count(load.perSecond)} requests/s, ` +
      `latency p50 ${load.p50Ms.toFixed(2)} ms, p99 ${load.p99Ms.toFixed(2)} ms, ${load.errors} errors.`,
  );
  n.detail([
    'One JSON row per request, with the feature-store join, the prediction log and metrics on; this',
    'machine runs the client too. `npm run bench -- serving/http` measures the server alone against peers.',
  ]);
  n.done('serving');
  return { server, client, load };
}
