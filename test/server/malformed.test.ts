import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifier } from '../serve/helpers/engine.js';
import { MemoryRegistry } from '../serve/helpers/memory-registry.js';
import { listen, send } from './helpers/http.js';
import { testServer } from './helpers/server.js';

const BODY_LIMIT = 16 * 1024;
const onnx = readFileSync(new URL('../fixtures/onnx/trees_breast_cancer.onnx', import.meta.url));

interface Req {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly url: string;
  readonly contentType?: string;
  readonly body?: string;
  /** What the request gets wrong, for the failure message. */
  readonly defect: string;
}

const scalar = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '1', '', 'null'),
  fc.string({ maxLength: 8 }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }),
);
/** A value that is never a valid number: numbers, null and booleans become strings. */
const asDefect = (v: unknown): unknown =>
  typeof v === 'number' || typeof v === 'boolean' || v === null ? String(v) : v;
const finite = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 });

/** A predict body with at least one defect in its records. */
const badRecords = fc
  .tuple(
    fc.constantFrom('missing', 'extra', 'type', 'overflow', 'not-object'),
    fc.array(fc.record({ x0: finite, x1: finite }), { minLength: 1, maxLength: 4 }),
    fc.nat(3),
    scalar,
    fc.string({ minLength: 1, maxLength: 6 }),
  )
  .map(([defect, rows, at, value, extra]) => {
    const i = at % rows.length;
    const text = rows.map((r) => JSON.stringify(r));
    if (defect === 'missing') text[i] = JSON.stringify({ x0: rows[i]!.x0 });
    else if (defect === 'extra') text[i] = JSON.stringify({ ...rows[i], [`z${extra}`]: value });
    // null is "missing" and booleans count as 0/1: neither is a defect, so they travel as strings.
    else if (defect === 'type') text[i] = JSON.stringify({ x0: asDefect(value), x1: 1 });
    // 1e400 parses to Infinity: a non-finite number that JSON allows.
    else if (defect === 'overflow') text[i] = `{"x0": 1e400, "x1": 1}`;
    else text[i] = JSON.stringify(value ?? 0) === '{}' ? '[]' : JSON.stringify([value]);
    return { body: `{"instances": [${text.join(',')}]}`, defect: `records: ${defect}` };
  });

/** A predict body of the wrong shape altogether. */
const badShape = fc
  .oneof(
    fc
      .jsonValue()
      .filter((v) => !(typeof v === 'object' && v !== null && !Array.isArray(v) && 'instances' in v)),
    fc.record({
      instances: fc.oneof(
        fc.constant([]),
        scalar,
        fc.array(
          scalar.filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)),
          { minLength: 1, maxLength: 3 },
        ),
      ),
    }),
    fc.record({ instances: fc.constant([{ x0: 1, x1: 1 }]), key: fc.oneof(fc.integer(), fc.boolean()) }),
    fc.record({ instances: fc.constant([{ x0: 1, x1: 1 }]), [`unknown`]: scalar }),
  )
  .map((v) => ({ body: JSON.stringify(v), defect: 'shape' }));

const datatype = fc.constantFrom(
  'FP64',
  'FP32',
  'INT32',
  'INT64',
  'BOOL',
  'BYTES',
  'FP16',
  'fp64',
  'DOUBLE',
  '',
);
/** An OIP infer body with at least one defect. */
const badInfer = fc
  .tuple(
    fc.constantFrom('count', 'datatype', 'name', 'shape', 'element', 'missing-input', 'outputs', 'no-inputs'),
    fc.array(fc.integer({ min: -2, max: 40 }), { minLength: 0, maxLength: 3 }),
    datatype,
    scalar,
    fc.nat(50),
  )
  .map(([defect, shape, dt, value, n]) => {
    const good = (name: string) => ({ name, datatype: 'FP64', shape: [1], data: [1] });
    let body: unknown;
    if (defect === 'count') body = { inputs: [{ ...good('x0'), shape: [n + 2], data: [1] }, good('x1')] };
    else if (defect === 'datatype')
      body = { inputs: [{ ...good('x0'), datatype: dt === 'FP64' ? 'FP128' : dt, data: ['a'] }, good('x1')] };
    else if (defect === 'name') body = { inputs: [good('x0'), good('x1'), good(`q${n}`)] };
    else if (defect === 'shape')
      body = { inputs: [{ ...good('x0'), shape: [...shape, -1, 0.5] }, good('x1')] };
    else if (defect === 'element')
      body = { inputs: [{ ...good('x0'), data: [asDefect(value)] }, good('x1')] };
    else if (defect === 'missing-input') body = { inputs: [good('x0')] };
    else if (defect === 'outputs')
      body = { inputs: [good('x0'), good('x1')], outputs: [{ name: `nope${n}` }] };
    else body = { inputs: value };
    return { body: JSON.stringify(body), defect: `infer: ${defect}` };
  });

/** Broken JSON text: truncated or corrupted valid bodies, random text, NaN/Infinity literals. */
const badJson = fc
  .tuple(
    fc.constantFrom(
      '{"instances": [{"x0": 1, "x1": 2}]}',
      '{"inputs": [{"name": "x0", "datatype": "FP64", "shape": [1], "data": [1]}]}',
    ),
    fc.nat(60),
    fc.string({ maxLength: 5 }),
  )
  .map(([valid, cut, junk]) => {
    const i = cut % valid.length;
    return valid.slice(0, i) + (junk === '' ? '' : `${junk}}`) + (i === 0 ? '{' : '');
  })
  .filter((text) => {
    try {
      JSON.parse(text);
      return false;
    } catch {
      return true;
    }
  })
  .map((body) => ({ body, defect: 'json' }));
const literals = fc
  .constantFrom('NaN', 'Infinity', '-Infinity', 'undefined')
  .map((lit) => ({ body: `{"instances": [{"x0": ${lit}, "x1": 1}]}`, defect: `json literal ${lit}` }));
const huge = fc.nat(3).map((k) => ({
  body: `{"instances": [{"x0": 1, "x1": 1, "pad": "${'x'.repeat(BODY_LIMIT + k * 1000)}"}]}`,
  defect: 'huge',
}));

const predictUrl = fc.constantFrom('/v1/deployments/fraud/predict', '/v1/deployments/ghost/predict');
const inferUrl = fc.constantFrom(
  '/v2/models/fraud/infer',
  '/v2/models/cancer/infer',
  '/v2/models/ghost/infer',
  '/v2/models/fraud/versions/9/infer',
);

const request: fc.Arbitrary<Req> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(predictUrl, fc.oneof(badRecords, badShape, badJson, literals))
      .map(([url, b]) => ({ method: 'POST' as const, url, contentType: 'application/json', ...b })),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(inferUrl, fc.oneof(badInfer, badJson, badShape))
      .map(([url, b]) => ({ method: 'POST' as const, url, contentType: 'application/json', ...b })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.oneof(predictUrl, inferUrl), huge)
      .map(([url, b]) => ({ method: 'POST' as const, url, contentType: 'application/json', ...b })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        predictUrl,
        fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/xml', undefined),
      )
      .map(([url, ct]) => ({
        method: 'POST' as const,
        url,
        ...(ct ? { contentType: ct } : {}),
        body: 'x0=1&x1=2',
        defect: `content-type ${ct}`,
      })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE') as fc.Arbitrary<Req['method']>,
        fc.webPath(),
        fc.string({ maxLength: 10 }),
      )
      .filter(([, path]) => !/^\/v[12]\b/.test(path))
      .map(([method, path, tail]) => ({
        method,
        url: `/${encodeURIComponent(tail)}${path}` || '/',
        defect: 'unknown route',
      })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(
        '/v2/models/ghost',
        '/v2/models/ghost/ready',
        '/v2/models/fraud/versions/abc',
        '/v2/models/fraud/versions/0/ready',
        '/v1/deployments/ghost/history',
      )
      .map((url) => ({ method: 'GET' as const, url, defect: 'unknown model' })),
  },
);

describe('10,000 malformed requests', () => {
  it('all answer 4xx with { error, code, details } naming the problem; no 5xx; the server keeps serving', async () => {
    const registry = new MemoryRegistry();
    registry.addLinear('fraud', classifier(0.5));
    registry.add('cancer', 'onnx', onnx);
    registry.put('fraud', { variants: [{ name: 'primary', ref: 'fraud/1', weight: 1 }] });
    registry.put('cancer', { variants: [{ name: 'primary', ref: 'cancer/1', weight: 1 }] });
    const { server } = await testServer(registry, { bodyLimitBytes: BODY_LIMIT });
    // Over real sockets: plain predict requests take the fast path, everything else the router.
    const port = await listen(server);
    const statuses = new Map<number, number>();
    const check = async (req: Req): Promise<void> => {
      const r = await send(port, {
        method: req.method,
        url: req.url,
        ...(req.contentType ? { headers: { 'content-type': req.contentType } } : {}),
        ...(req.body !== undefined ? { payload: req.body } : {}),
      });
      statuses.set(r.statusCode, (statuses.get(r.statusCode) ?? 0) + 1);
      const where = `${req.defect}: ${req.method} ${req.url} ${req.body?.slice(0, 200)} -> ${r.statusCode} ${r.body.slice(0, 300)}`;
      expect(r.statusCode >= 400 && r.statusCode < 500, where).toBe(true);
      const body = r.json() as { error: unknown; code: unknown; details: unknown };
      expect(typeof body.error === 'string' && body.error.length > 10, where).toBe(true);
      expect(
        typeof body.code === 'string' && body.code.startsWith('KEEL_') && body.code !== 'KEEL_INTERNAL',
        where,
      ).toBe(true);
      expect(typeof body.details, where).toBe('object');
    };
    // 10,000 generated requests, 16 in flight at a time (each failure message carries the request).
    const requests = fc.sample(request, { numRuns: 10_000, seed: 20261126 });
    for (let i = 0; i < requests.length; i += 16) await Promise.all(requests.slice(i, i + 16).map(check));
    expect([...statuses.keys()].every((s) => s >= 400 && s < 500)).toBe(true);
    expect([...statuses.keys()].sort()).toEqual(expect.arrayContaining([400, 404, 413, 415]));
    const ok = await send(port, {
      method: 'POST',
      url: '/v1/deployments/fraud/predict',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ instances: [{ x0: 1, x1: 2 }] }),
    });
    expect(ok.statusCode).toBe(200);
  }, 120_000);
});
