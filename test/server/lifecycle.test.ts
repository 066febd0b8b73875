import { type AddressInfo, createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { Keel } from '../../src/sdk/index.js';
import { nativeSignature } from '../../src/serve/index.js';
import { startServer } from '../../src/server/index.js';
import { waitFor } from '../helpers/poll.js';
import { tempDir } from '../helpers/tmp.js';
import { classifier } from '../serve/helpers/engine.js';
import { Gate, testLoaders } from '../serve/helpers/memory-registry.js';
import { LinearTestModel } from '../serve/helpers/test-models.js';

const predict = (url: string) =>
  fetch(`${url}/v1/deployments/fraud/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"instances":[{"x0":1,"x1":2}]}',
  });

describe('server lifecycle on a Keel project', () => {
  it('serves a registered deployment, is ready only once loaded, and drains in-flight requests on close', async () => {
    const root = tempDir('keel-lifecycle-');
    const keel = await Keel.open({ root, env: {}, config: { home: `${root}/.keel`, logLevel: 'silent' } });
    try {
      const model = new LinearTestModel(classifier(0.5));
      const registry = await keel.registry({ actor: 'test' });
      await registry.register({
        model: 'fraud',
        content: model.serialize(),
        flavor: 'test-gated',
        signature: nativeSignature(model),
        aliases: ['champion'],
      });
      await (await keel.deployments({ actor: 'test' })).put('fraud', { model: 'fraud@champion' });
      const gate = new Gate();
      gate.release(true);
      const running = await startServer(keel, {
        host: '127.0.0.1',
        port: 0,
        grpcPort: 0,
        shutdownTimeoutMs: 10_000,
        engineOptions: { loaders: testLoaders(gate), pollIntervalMs: 50 },
      });
      await running.started;
      expect((await fetch(`${running.url}/v2/health/ready`)).status).toBe(200);
      expect(running.grpcPort).toBeGreaterThan(0);
      const first = await predict(running.url);
      expect([first.status, first.headers.get('keel-model-version')]).toEqual([200, '1']);
      await first.arrayBuffer();

      // Hold the next request inside the model, then shut down while it is in flight.
      gate.release(false);
      const inflight = predict(running.url);
      await waitFor(() => gate.waiting === 1);
      const closing = running.close();
      const ready = await fetch(`${running.url}/v2/health/ready`).then(
        (r) => r.status,
        () => 'refused',
      );
      expect([503, 'refused']).toContain(ready);
      gate.release(true);
      const drained = await inflight;
      expect(drained.status).toBe(200);
      expect(((await drained.json()) as { version: number }).version).toBe(1);
      await closing;
      expect(running.engine.state).toBe('stopped');
      await expect(predict(running.url)).rejects.toThrow();
    } finally {
      await keel.close();
    }
  });

  it('refuses a taken port with KEEL_SERVER_LISTEN_FAILED, and a second start on a free port works', async () => {
    const root = tempDir('keel-lifecycle-port-');
    const keel = await Keel.open({ root, env: {}, config: { home: `${root}/.keel`, logLevel: 'silent' } });
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    try {
      const taken = (holder.address() as AddressInfo).port;
      const error = await startServer(keel, { host: '127.0.0.1', port: taken, grpcPort: null }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({
        code: 'KEEL_SERVER_LISTEN_FAILED',
        message: `Cannot listen for HTTP on 127.0.0.1:${taken}: the port is already in use.`,
        details: { inUse: true },
      });
      // What the failed start opened was shut down: the same project starts cleanly (as keel demo does).
      const running = await startServer(keel, { host: '127.0.0.1', port: 0, grpcPort: null });
      expect((await fetch(`${running.url}/v2/health/live`)).status).toBe(200);
      await running.close();
    } finally {
      holder.close();
      await keel.close();
    }
  });
});
