// Builds servers over in-memory engines (test/serve/helpers) for fastify-inject tests, closed after the file.
import { afterAll } from 'vitest';
import { ManualClock } from '../../../src/core/index.js';
import {
  DeploymentService,
  type InferenceEngine,
  type InferenceEngineOptions,
} from '../../../src/serve/index.js';
import { buildServer, type KeelServer, type ServerOptions } from '../../../src/server/index.js';
import type { DeploymentRepository } from '../../../src/storage/index.js';
import { startEngine } from '../../serve/helpers/engine.js';
import type { Gate, MemoryRegistry } from '../../serve/helpers/memory-registry.js';

const servers: KeelServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.app.close()));
});

/** A started engine over `registry` and a server over it (inject only; not listening). */
export async function testServer(
  registry: MemoryRegistry,
  options: Partial<Omit<ServerOptions, 'engine'>> & {
    readonly engine?: Partial<InferenceEngineOptions> & { readonly gate?: Gate };
    readonly repository?: DeploymentRepository;
  } = {},
): Promise<{ server: KeelServer; engine: InferenceEngine }> {
  const engine = await startEngine(registry, options.engine ?? {});
  const deployments =
    options.deployments ??
    (options.repository
      ? new DeploymentService({
          repository: options.repository,
          models: registry,
          clock: new ManualClock(),
          actor: 'test',
        })
      : undefined);
  const server = await buildServer({
    ...options,
    engine,
    ...(deployments ? { deployments } : {}),
    loadGuard: { maxEventLoopDelayMs: 0, ...options.loadGuard },
  });
  await server.app.ready();
  servers.push(server);
  return { server, engine };
}
