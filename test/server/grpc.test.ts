import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { afterAll, describe, expect, it } from 'vitest';
import { loadInferenceService, startGrpcServer } from '../../src/server/index.js';
import { classifier } from '../serve/helpers/engine.js';
import { MemoryRegistry } from '../serve/helpers/memory-registry.js';
import { testServer } from './helpers/server.js';

const fixture = (name: string): URL => new URL(`../fixtures/onnx/${name}`, import.meta.url);
const ORACLES = ['linear_breast_cancer', 'trees_breast_cancer', 'trees_diabetes'] as const;

interface Expected {
  readonly features: readonly string[];
  readonly inputs: readonly (readonly (number | null)[])[];
  readonly outputs: Readonly<Record<string, readonly (number | readonly number[])[]>>;
}

type Unary = (request: unknown, callback: (error: grpc.ServiceError | null, response: never) => void) => void;
type Client = grpc.Client & Record<string, Unary>;

function call<T>(client: Client, method: string, request: unknown): Promise<T> {
  return new Promise((resolve, reject) =>
    client[method]!.call(client, request, (error: grpc.ServiceError | null, response: T) =>
      error ? reject(error) : resolve(response),
    ),
  );
}

function close(actual: number, expected: number): boolean {
  return Math.abs(actual - expected) <= 1e-5 * Math.max(1, Math.abs(expected));
}

/** Checks every output of a response against the recorded scikit-learn outputs (1e-5 relative). */
function expectOracle(outputs: Record<string, ArrayLike<number>>, expected: Expected): void {
  // The oracles also record scikit-learn's raw scores, which the graphs do not output.
  const served = Object.keys(outputs).filter((name) => name in expected.outputs);
  expect(served.length).toBe(Object.keys(outputs).length);
  for (const name of served) {
    const flat = expected.outputs[name]!.flat() as number[];
    const got = outputs[name]!;
    expect(got.length, name).toBe(flat.length);
    for (let i = 0; i < flat.length; i++) {
      expect(close(Number(got[i]), flat[i]!), `${name}[${i}] = ${got[i]}, expected ${flat[i]}`).toBe(true);
    }
  }
}

describe('Open Inference Protocol over gRPC and REST', async () => {
  const registry = new MemoryRegistry();
  for (const o of ORACLES) registry.add(o, 'onnx', readFileSync(fixture(`${o}.onnx`)));
  registry.addLinear('fraud', classifier(0.5));
  registry.put('fraud', { variants: [{ name: 'primary', ref: 'fraud/1', weight: 1 }] });
  const { server, engine } = await testServer(registry, { name: 'keel', version: '1.2.3' });
  for (const o of ORACLES) await engine.load(o);
  const grpcServer = await startGrpcServer(server.context, {
    host: '127.0.0.1',
    port: 0,
    maxMessageBytes: 1 << 20,
  });
  const Service = loadInferenceService();
  const client = new Service(
    `127.0.0.1:${grpcServer.port}`,
    grpc.credentials.createInsecure(),
  ) as unknown as Client;
  afterAll(async () => {
    client.close();
    await grpcServer.close(1000);
  });

  it('answers the health and metadata RPCs', async () => {
    expect(await call(client, 'ServerLive', {})).toEqual({ live: true });
    expect(await call(client, 'ServerReady', {})).toEqual({ ready: true });
    expect(await call(client, 'ModelReady', { name: 'fraud' })).toEqual({ ready: true });
    expect(await call(client, 'ModelReady', { name: 'ghost' })).toEqual({ ready: false });
    expect(await call(client, 'ServerMetadata', {})).toEqual({
      name: 'keel',
      version: '1.2.3',
      extensions: ['model_repository'],
    });
    const meta = await call<{
      name: string;
      platform: string;
      inputs: { name: string; datatype: string; shape: string[] }[];
    }>(client, 'ModelMetadata', { name: 'trees_breast_cancer' });
    expect(meta).toMatchObject({ name: 'trees_breast_cancer', platform: 'onnxruntime_onnx' });
    expect(meta.inputs[0]).toEqual({ name: 'input', datatype: 'FP32', shape: ['-1', '30'] });
  });

  for (const o of ORACLES) {
    it(`${o}: typed contents, raw contents and REST all return the recorded outputs`, async () => {
      const expected = JSON.parse(readFileSync(fixture(`${o}.expected.json`), 'utf8')) as Expected;
      const rows = expected.inputs.length;
      const p = expected.features.length;
      const flat = expected.inputs.flat().map((v) => (v === null ? Number.NaN : v));
      const typed = await call<{
        model_name: string;
        model_version: string;
        id: string;
        outputs: { name: string; datatype: string; contents: Record<string, (number | string)[]> }[];
      }>(client, 'ModelInfer', {
        model_name: o,
        id: 'g-1',
        inputs: [{ name: 'input', datatype: 'FP32', shape: [rows, p], contents: { fp32_contents: flat } }],
      });
      expect([typed.model_name, typed.model_version, typed.id]).toEqual([o, '1', 'g-1']);
      const fromTyped: Record<string, number[]> = {};
      for (const out of typed.outputs) {
        const values =
          out.datatype === 'INT64'
            ? out.contents.int64_contents!
            : out.datatype === 'FP32'
              ? out.contents.fp32_contents!
              : out.contents.fp64_contents!;
        fromTyped[out.name] = values.map(Number);
      }
      expectOracle(fromTyped, expected);

      const raw = await call<{
        outputs: { name: string; datatype: string }[];
        raw_output_contents: Buffer[];
      }>(client, 'ModelInfer', {
        model_name: o,
        inputs: [{ name: 'input', datatype: 'FP32', shape: [rows, p] }],
        raw_input_contents: [Buffer.from(Float32Array.from(flat).buffer)],
      });
      expect(raw.raw_output_contents).toHaveLength(raw.outputs.length);
      const fromRaw: Record<string, ArrayLike<number>> = {};
      raw.outputs.forEach((out, i) => {
        const b = Buffer.from(raw.raw_output_contents[i]!);
        const ab = b.buffer.slice(b.byteOffset, b.byteOffset + b.length);
        fromRaw[out.name] =
          out.datatype === 'INT64'
            ? Array.from(new BigInt64Array(ab), Number)
            : out.datatype === 'FP32'
              ? new Float32Array(ab)
              : new Float64Array(ab);
      });
      expectOracle(fromRaw, expected);

      const rest = await server.app.inject({
        method: 'POST',
        url: `/v2/models/${o}/infer`,
        payload: { inputs: [{ name: 'input', datatype: 'FP32', shape: [rows, p], data: expected.inputs }] },
      });
      expect(rest.statusCode).toBe(200);
      const fromRest: Record<string, number[]> = {};
      for (const out of rest.json().outputs as { name: string; data: number[] }[])
        fromRest[out.name] = out.data;
      expectOracle(fromRest, expected);
    });
  }

  it('infers a native deployment with per-column inputs and names the version in metadata', async () => {
    const response = await new Promise<{
      outputs: { name: string; contents: { fp64_contents?: number[]; bytes_contents?: Buffer[] } }[];
      parameters: Record<string, unknown>;
    }>((resolve, reject) => {
      const c = client.ModelInfer as unknown as (
        req: unknown,
        cb: (e: grpc.ServiceError | null, r: never) => void,
      ) => grpc.ClientUnaryCall;
      const callObj = c.call(
        client,
        {
          model_name: 'fraud',
          inputs: [
            { name: 'x0', datatype: 'FP64', shape: [2], contents: { fp64_contents: [1, 3] } },
            { name: 'x1', datatype: 'FP64', shape: [2], contents: { fp64_contents: [2, 0] } },
          ],
        },
        (e, r) => (e ? reject(e) : resolve(r)),
      );
      callObj.on('metadata', (md: grpc.Metadata) => {
        expect(md.get('keel-model-version')).toEqual(['1']);
        expect(md.get('keel-variant')).toEqual(['primary']);
      });
    });
    const sig = (z: number) => 1 / (1 + Math.exp(-z));
    expect(response.outputs.map((o) => o.name)).toEqual(['label', 'probabilities']);
    expect(response.outputs[0]!.contents.bytes_contents!.map((b) => b.toString())).toEqual(['no', 'yes']);
    expect(response.outputs[1]!.contents.fp64_contents![1]).toBeCloseTo(sig(0.5 + 1 - 2), 12);
    expect(response.parameters.variant).toEqual({
      string_param: 'primary',
      parameter_choice: 'string_param',
    });
  });

  it('maps errors to gRPC status codes with the KeelError message', async () => {
    const failure = (request: unknown) =>
      call(client, 'ModelInfer', request).then(
        () => null,
        (e: grpc.ServiceError) => e,
      );
    const unknown = await failure({
      model_name: 'ghost',
      inputs: [{ name: 'x0', datatype: 'FP64', shape: [1], contents: { fp64_contents: [1] } }],
    });
    expect(unknown?.code).toBe(grpc.status.NOT_FOUND);
    expect(unknown?.details).toContain('ghost');
    const count = await failure({
      model_name: 'fraud',
      inputs: [{ name: 'x0', datatype: 'FP64', shape: [3], contents: { fp64_contents: [1] } }],
    });
    expect(count?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(count?.metadata.get('keel-code')).toEqual(['KEEL_SERVE_BAD_INPUT']);
    const wrongField = await failure({
      model_name: 'fraud',
      inputs: [{ name: 'x0', datatype: 'FP64', shape: [1], contents: { fp32_contents: [1] } }],
    });
    expect(wrongField?.details).toContain('fp64_contents');
    const badRaw = await failure({
      model_name: 'fraud',
      inputs: [{ name: 'x0', datatype: 'FP64', shape: [1] }],
      raw_input_contents: [Buffer.alloc(5)],
    });
    expect(badRaw?.details).toContain('whole number of FP64 elements');
    const range = await failure({
      model_name: 'fraud',
      inputs: [{ name: 'x0', datatype: 'INT8', shape: [1], contents: { int_contents: [300] } }],
    });
    expect(range?.details).toContain('INT8 range');
    const metadata = await call(client, 'ModelMetadata', { name: 'ghost' }).then(
      () => null,
      (e: grpc.ServiceError) => e,
    );
    expect(metadata?.code).toBe(grpc.status.NOT_FOUND);
  });
});
