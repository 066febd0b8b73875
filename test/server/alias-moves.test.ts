import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/serve/index.js';
import { waitFor } from '../helpers/poll.js';
import { regression } from '../serve/helpers/engine.js';
import { MemoryRegistry } from '../serve/helpers/memory-registry.js';
import { testServer } from './helpers/server.js';

const MOVES = 20;

describe('hot swap over HTTP', () => {
  it('20 alias moves during steady load: zero failed requests, every response from a fully loaded version', async () => {
    const registry = new MemoryRegistry();
    // Version v predicts v + x0: the answer itself proves which model computed it.
    for (let v = 1; v <= MOVES + 1; v++) registry.addLinear('price', regression(v, [1]));
    registry.setAlias('price', 'champion', 1);
    registry.put('price', { variants: [{ name: 'primary', ref: 'price@champion', weight: 1 }] });
    // Slow loads, so swaps overlap with traffic.
    registry.beforeFetch = () => new Promise((r) => setTimeout(r, 25));
    const { server, engine } = await testServer(registry, { engine: { pollIntervalMs: 10 } });
    const loadedAt = new Map<number, number>([[1, 0]]);
    engine.subscribe(
      (e: EngineEvent) => {
        if (e.type === 'model-loaded') loadedAt.set(e.version, performance.now());
      },
      ['model-loaded'],
    );
    await server.app.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}/v1/deployments/price/predict`;

    let running = true;
    let ok = 0;
    const failures: string[] = [];
    const seen = new Set<number>();
    const client = async (id: number): Promise<void> => {
      let i = 0;
      while (running) {
        const x0 = id * 1000 + i++;
        try {
          const r = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ instances: [{ x0 }] }),
          });
          const at = performance.now();
          const body = (await r.json()) as { version: number; predictions: { value: number }[] };
          const version = Number(r.headers.get('keel-model-version'));
          const loaded = loadedAt.get(version);
          if (r.status !== 200) failures.push(`${r.status} ${JSON.stringify(body)}`);
          else if (body.version !== version || body.predictions[0]!.value !== version + x0) {
            failures.push(`version ${version} answered ${body.predictions[0]!.value} for x0=${x0}`);
          } else if (loaded === undefined || loaded > at)
            failures.push(`version ${version} answered before it was loaded`);
          else {
            ok++;
            seen.add(version);
          }
        } catch (error) {
          failures.push(String(error));
        }
      }
    };
    const clients = Array.from({ length: 8 }, (_, id) => client(id));
    await waitFor(() => seen.has(1), 10_000, 5);
    for (let v = 2; v <= MOVES + 1; v++) {
      registry.setAlias('price', 'champion', v);
      await waitFor(() => seen.has(v), 10_000, 5);
    }
    const before = ok;
    await waitFor(() => ok > before + 50, 10_000, 5);
    running = false;
    await Promise.all(clients);
    expect(failures).toEqual([]);
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: MOVES + 1 }, (_, i) => i + 1));
    expect(ok).toBeGreaterThan(MOVES * 10);
    // Replaced versions were released once their requests drained; only the champion stays.
    await waitFor(() => engine.modelStats().length === 1);
    expect(engine.modelStats()[0]!.version).toBe(MOVES + 1);
  }, 60_000);
});
