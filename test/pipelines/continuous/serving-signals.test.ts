// Serving facts from an in-process engine: answered requests and their time from `prediction`
// events, failures from the per-version counters (sampled every tick), mirrored calls from `shadow`.
import { describe, expect, it } from 'vitest';
import { engineServingSignals, p99Ms } from '../../../src/pipelines/index.js';
import type { EngineEvent, EngineListener, ModelStats } from '../../../src/serve/index.js';

class FakeEngine {
  listener: EngineListener | null = null;
  stats = new Map<string, ModelStats>();
  subscribe(listener: EngineListener): () => void {
    this.listener = listener;
    return () => {
      this.listener = null;
    };
  }
  modelStats(): ModelStats[] {
    return [...this.stats.values()];
  }
  count(version: number, success: number, failure: number, timeouts = 0): void {
    this.stats.set(`m/${version}`, {
      model: 'm',
      version,
      success,
      failure,
      timeouts,
      rejected: 0,
      rows: success,
      executions: success,
      queueUs: 0,
      computeUs: 0,
      queued: 0,
      running: 0,
      inflight: 0,
    });
  }
  answer(at: number, variant: string, version: number, latencyUs: number): void {
    this.listener?.({
      type: 'prediction',
      deployment: 'd',
      model: 'm',
      version,
      variant,
      requestId: null,
      records: null,
      outputs: null,
      rows: 1,
      cached: false,
      latencyUs,
      at,
    } as EngineEvent);
  }
}

describe('engineServingSignals', () => {
  it('p99 is the nearest-rank 99th percentile, in ms', () => {
    expect(p99Ms([])).toBeNull();
    expect(p99Ms(Array.from({ length: 100 }, (_, i) => (i + 1) * 1000))).toBe(99);
    expect(p99Ms([5000])).toBe(5);
  });

  it('counts requests and latency per variant and version, and failures since the window began', async () => {
    const engine = new FakeEngine();
    const signals = engineServingSignals(engine);
    engine.count(1, 10, 2);
    engine.count(2, 0, 0);
    signals.sample(1000);
    for (let i = 0; i < 100; i++) engine.answer(1000 + i, 'stable', 1, (i + 1) * 100);
    for (let i = 0; i < 20; i++) engine.answer(1000 + i, 'canary', 2, 50);
    engine.answer(500, 'stable', 1, 1e9); // before the window
    engine.count(1, 110, 3);
    engine.count(2, 20, 4, 1);
    expect(await signals.variant('d', 'stable', 'm', 1, 1000, 2000)).toEqual({
      requests: 101,
      errors: 1,
      p99Ms: 9.9,
    });
    expect(await signals.variant('d', 'canary', 'm', 2, 1000, 2000)).toEqual({
      requests: 25,
      errors: 5,
      p99Ms: 0.05,
    });
    // A window that starts after the last sample has no baseline yet: no failures counted.
    expect((await signals.variant('d', 'canary', 'm', 2, 5000, 6000)).errors).toBe(0);
    signals.close();
    engine.answer(1500, 'canary', 2, 50);
    expect((await signals.variant('d', 'canary', 'm', 2, 1000, 2000)).requests).toBe(25);
  });

  it('summarises mirrored calls: errors, p99 and row-weighted agreement', async () => {
    const engine = new FakeEngine();
    const signals = engineServingSignals(engine);
    const shadow = (at: number, rows: number, agreement: number | null, failed = false): void =>
      engine.listener?.({
        type: 'shadow',
        deployment: 'd',
        requestId: null,
        primary: { model: 'm', version: 1, variant: 'primary' },
        shadow: { model: 'm', version: 2 },
        rows,
        outputs: null,
        comparison: failed
          ? null
          : {
              outputs: { probability: { maxAbsDiff: 0.2, meanAbsDiff: 0.1 } },
              labelAgreement: agreement,
              incomparable: [],
            },
        error: failed ? ({ code: 'KEEL_TIMEOUT' } as never) : null,
        latencyUs: 2000,
        at,
      } as EngineEvent);
    shadow(10, 1, 1);
    shadow(11, 3, 0);
    shadow(12, 1, null, true);
    engine.answer(10, 'primary', 1, 1000);
    expect(await signals.shadow('d', 0, 100)).toEqual({
      requests: 3,
      errors: 1,
      p99Ms: 2,
      primaryP99Ms: 1,
      labelAgreement: 0.25,
      meanAbsDiff: 0.1,
    });
    expect(await signals.shadow('other', 0, 100)).toMatchObject({
      requests: 0,
      p99Ms: null,
      labelAgreement: null,
    });
  });
});
