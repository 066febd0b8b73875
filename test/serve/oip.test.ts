import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/serve/index.js';
import { waitFor } from '../helpers/poll.js';
import { classifier, regression, startEngine } from './helpers/engine.js';
import { MemoryRegistry } from './helpers/memory-registry.js';

describe('Open Inference Protocol surface', async () => {
  const registry = new MemoryRegistry();
  registry.addLinear('fraud', classifier(0));
  registry.addLinear('fraud', classifier(1));
  registry.setAlias('fraud', 'champion', 1);
  registry.add(
    'trees',
    'onnx',
    readFileSync(new URL('../fixtures/onnx/trees_diabetes.onnx', import.meta.url)),
  );
  registry.put('checkout', {
    mode: 'ab',
    stickyKey: 'header:x-user',
    variants: [
      { name: 'a', ref: 'fraud@champion', weight: 1 },
      { name: 'b', ref: 'fraud/2', weight: 1 },
    ],
  });
  const engine = await startEngine(registry);
  await engine.load('trees');

  it('describes deployments, references and versions (metadata: name, versions, platform, inputs, outputs)', () => {
    expect(engine.modelMetadata('checkout')).toEqual({
      name: 'checkout',
      versions: ['1', '2'],
      platform: 'keel_native',
      inputs: [
        { name: 'x0', datatype: 'FP64', shape: [-1] },
        { name: 'x1', datatype: 'FP64', shape: [-1] },
      ],
      outputs: [
        { name: 'label', datatype: 'BYTES', shape: [-1] },
        { name: 'probabilities', datatype: 'FP64', shape: [-1, 2] },
      ],
    });
    expect(engine.modelMetadata('trees')).toMatchObject({
      name: 'trees',
      versions: ['1'],
      platform: 'onnxruntime_onnx',
      inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 10] }],
      outputs: [{ name: 'variable', datatype: 'FP32', shape: [-1, 1] }],
    });
    expect(engine.modelMetadata('checkout', 2).versions).toEqual(['2']);
    expect(engine.modelMetadata('fraud', '1').versions).toEqual(['1']);
    expect(() => engine.modelMetadata('fraud', 3)).toThrow(
      expect.objectContaining({ code: 'KEEL_SERVE_MODEL_NOT_LOADED', status: 404 }),
    );
    expect(() => engine.modelMetadata('nothing')).toThrow(expect.objectContaining({ status: 404 }));
    expect(engine.isModelReady('checkout')).toBe(true);
    expect(engine.isModelReady('trees', 1)).toBe(true);
    expect(engine.isModelReady('trees', 2)).toBe(false);
  });

  it('infers on a deployment: echoes the id, says which model and variant answered, sticky by header', async () => {
    const request = {
      id: 'abc-1',
      inputs: [
        { name: 'x0', datatype: 'FP64', shape: [1], data: [2] },
        { name: 'x1', datatype: 'FP64', shape: [1], data: [0] },
      ],
    };
    const r = await engine.infer('checkout', undefined, request, { headers: { 'x-user': 'alice' } });
    expect(r).toMatchObject({
      model_name: 'checkout',
      id: 'abc-1',
      parameters: { model: 'fraud', cached: false },
    });
    const variant = r.parameters!.variant;
    for (let i = 0; i < 20; i++) {
      expect(
        (await engine.infer('checkout', undefined, request, { headers: { 'x-user': 'alice' } })).parameters!
          .variant,
      ).toBe(variant);
    }
    const bias = r.model_version === '1' ? 0 : 1;
    expect(r.outputs[1]!.data[1]).toBeCloseTo(1 / (1 + Math.exp(-(2 + bias))), 12);
    const pinned = await engine.infer('checkout', 2, request);
    expect(pinned).toMatchObject({ model_version: '2', parameters: { variant: 'b' } });
    // The hot-path form answers a synchronous model without a promise, with the same response.
    const now = engine.inferNow('checkout', 2, request);
    expect(now).not.toBeInstanceOf(Promise);
    expect(now).toEqual(pinned);
    expect(() => engine.inferNow('checkout', undefined, { inputs: 'x' })).toThrow(
      expect.objectContaining({ code: 'KEEL_SERVE_BAD_INPUT' }),
    );
  });

  it('indexes, loads and unloads models (repository extension)', async () => {
    expect(engine.repositoryIndex()).toEqual([
      { name: 'checkout', version: '1', state: 'READY', reason: '' },
      { name: 'trees', version: '1', state: 'READY', reason: '' },
    ]);
    const meta = await engine.load('fraud/2');
    expect(meta).toMatchObject({ name: 'fraud/2', versions: ['2'] });
    expect(engine.repositoryIndex({ ready: true }).map((e) => e.name)).toEqual([
      'checkout',
      'fraud/2',
      'trees',
    ]);
    await engine.unload('fraud/2');
    expect(engine.repositoryIndex().map((e) => e.name)).toEqual(['checkout', 'trees']);
    expect(await engine.predictDeployment('checkout', [{ x0: 0, x1: 0 }], { variant: 'b' })).toMatchObject({
      version: 2,
    });
    await expect(engine.unload('fraud/2')).rejects.toMatchObject({ code: 'KEEL_SERVE_MODEL_NOT_LOADED' });
    await expect(engine.unload('checkout')).rejects.toMatchObject({ code: 'KEEL_INVALID_ARGUMENT' });
    await expect(engine.load('checkout')).resolves.toMatchObject({ name: 'checkout' });
    await expect(engine.load('bad ref')).rejects.toMatchObject({
      code: 'KEEL_REGISTRY_BAD_REFERENCE',
      status: 400,
    });
  });

  it('answers only the requested outputs and reports unknown models as 404', async () => {
    const r = await engine.infer('trees', '1', {
      inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 10], data: new Array(10).fill(0) }],
      outputs: [{ name: 'variable' }],
    });
    expect(r.outputs.map((o) => o.name)).toEqual(['variable']);
    await expect(engine.infer('ghost', undefined, { inputs: [] })).rejects.toMatchObject({ status: 400 });
    await expect(
      engine.infer('ghost', undefined, { inputs: [{ name: 'a', datatype: 'FP32', shape: [1], data: [1] }] }),
    ).rejects.toMatchObject({ code: 'KEEL_SERVE_MODEL_NOT_LOADED', status: 404 });
    await expect(engine.predictDeployment('ghost', [{ x0: 1 }])).rejects.toMatchObject({
      code: 'KEEL_DEPLOY_NOT_FOUND',
      status: 404,
    });
    await expect(
      engine.predictDeployment('checkout', [{ x0: 1, x1: 1 }], { variant: 'z' }),
    ).rejects.toMatchObject({
      code: 'KEEL_SERVE_BAD_INPUT',
    });
  });

  it('lists deployments with shares and versions, and a record-level regression check', async () => {
    expect(engine.listDeployments()).toEqual([
      {
        name: 'checkout',
        revision: 1,
        mode: 'ab',
        canaryPercent: 0,
        variants: [
          { name: 'a', ref: 'fraud@champion', share: 0.5, version: 1 },
          { name: 'b', ref: 'fraud/2', share: 0.5, version: 2 },
        ],
        shadow: null,
        error: null,
      },
    ]);
    registry.addLinear('plain', regression(10, [1]));
    await engine.load('plain');
    expect(await engine.predictModel('plain', [{ x0: 5 }, { x0: -5 }])).toEqual({
      deployment: null,
      model: 'plain',
      version: 1,
      variant: null,
      cached: false,
      outputs: [{ value: 15 }, { value: 5 }],
    });
  });

  it('emits a prediction event after the response, with who answered and the outputs', async () => {
    const events: EngineEvent[] = [];
    let answered = false;
    const off = engine.subscribe(
      (e) => {
        expect(answered).toBe(true);
        events.push(e);
      },
      ['prediction'],
    );
    const r = await engine.predictDeployment('checkout', [{ x0: 1, x1: 2 }], {
      requestId: 'q-9',
      variant: 'b',
    });
    answered = true;
    await waitFor(() => events.length === 1);
    expect(events[0]).toMatchObject({
      type: 'prediction',
      deployment: 'checkout',
      model: 'fraud',
      version: 2,
      variant: 'b',
      requestId: 'q-9',
      rows: 1,
      cached: false,
      records: [{ x0: 1, x1: 2 }],
      outputs: r.outputs,
    });
    off();
    await engine.predictDeployment('checkout', [{ x0: 1, x1: 2 }]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toHaveLength(1);
  });

  it('emits the events of requests answered in one turn at the next turn, one each, in order', async () => {
    const ids: (string | null)[] = [];
    const off = engine.subscribe(
      (e) => ids.push(e.type === 'prediction' ? e.requestId : null),
      ['prediction'],
    );
    for (let i = 0; i < 5; i++)
      engine.predictDeploymentNow('checkout', [{ x0: i, x1: 0 }], { requestId: `r${i}` });
    expect(ids).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(ids).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
    off();
  });
});
