import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoricalColumn, Frame, numberColumn } from '../../src/core/index.js';
import { encodeFrame, type Model, trainGbdt } from '../../src/learn/index.js';
import { Keel } from '../../src/sdk/index.js';
import { nativeSignature } from '../../src/serve/index.js';
import { waitFor } from '../helpers/poll.js';
import { tempDir } from '../helpers/tmp.js';
import { rng } from '../serve/helpers/test-models.js';

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, '../..');
const bin = join(repo, 'bin/keel.js');
const project = tempDir('keel-e2e-serve-');
const TOKEN = 'e2e-secret-token';
const env = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('KEEL_'))),
  KEEL_USER: 'e2e',
};
const ROWS = 600;
const models: Model[] = [];

/** Runs the BUILT CLI (`npm run build` first) in the project. */
async function keel(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [bin, '--project', project, ...args], { env, cwd: project });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** A seeded fraud-like frame: two numeric features and a category; the label depends on all three. */
function trainingFrame(seed: number): Frame {
  const r = rng(seed);
  const amount: number[] = [];
  const hour: number[] = [];
  const country: string[] = [];
  const label: number[] = [];
  for (let i = 0; i < ROWS; i++) {
    amount.push(Math.round(r() * 1000) / 10);
    hour.push(Math.floor(r() * 24));
    country.push(['US', 'DE', 'BR'][Math.floor(r() * 3)]!);
    label.push(amount[i]! > 60 && (hour[i]! < 6 || country[i] === 'BR') ? 1 : r() < 0.1 ? 1 : 0);
  }
  return Frame.fromColumns([
    numberColumn('amount', amount),
    numberColumn('hour', hour, 'integer'),
    categoricalColumn('country', country),
    numberColumn('is_fraud', label, 'integer'),
  ]);
}

/** What a served GBDT must answer for one record: the model's own probability. */
function expected(model: Model, record: { amount: number; hour: number; country: string }): number {
  const frame = Frame.fromColumns([
    numberColumn('amount', [record.amount]),
    numberColumn('hour', [record.hour], 'integer'),
    categoricalColumn('country', [record.country]),
  ]);
  const out = new Float64Array(1);
  model.predictEncoded(encodeFrame(frame, model.features), 1, out);
  return out[0]!;
}

const started: Server[] = [];

interface Server {
  readonly child: ChildProcess;
  readonly url: string;
  stderr: string;
}

/** Starts `keel serve` as a child process on free ports and waits for its "listening" line. */
async function serve(...args: string[]): Promise<Server> {
  const child = spawn(
    process.execPath,
    [bin, '--project', project, 'serve', '--port', '0', '--grpc-port', '0', ...args],
    {
      env: { ...env, KEEL_SERVER_TOKEN: TOKEN },
      cwd: project,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const server: Server = { child, url: '', stderr: '' };
  // Stopped after the file even when it never comes up.
  started.push(server);
  child.stderr!.on('data', (d: Buffer) => {
    server.stderr += d.toString();
  });
  const url = await waitFor(
    () => /(?:listening on|workers on) (http:\/\/[\d.:]+)/.exec(server.stderr)?.[1],
    30_000,
  );
  return Object.assign(server, { url });
}

/** Runs `keel serve` in `dir` until it exits by itself: its exit code and stderr. */
async function serveUntilExit(
  dir: string,
  args: readonly string[],
  extraEnv: Record<string, string> = {},
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [bin, '--project', dir, 'serve', ...args], {
    env: { ...env, ...extraEnv },
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  return { code, stderr };
}

async function stop(server: Server): Promise<number | null> {
  if (server.child.exitCode !== null) return server.child.exitCode;
  const exited = new Promise<number | null>((r) => server.child.once('exit', (code) => r(code)));
  server.child.kill('SIGTERM');
  return exited;
}

const predict = async (url: string, instances: unknown[]) => {
  const r = await fetch(`${url}/v1/deployments/fraud/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ instances }),
  });
  return {
    status: r.status,
    version: r.headers.get('keel-model-version'),
    body: (await r.json()) as Record<string, unknown>,
  };
};

describe('serving through the built CLI and a real server', () => {
  afterAll(async () => {
    await Promise.all(started.map(stop));
  });

  beforeAll(async () => {
    if (
      !existsSync(join(repo, 'dist/cli/index.js')) ||
      !existsSync(join(repo, 'dist/server/proto/inference.proto'))
    ) {
      throw new Error('dist/ is missing or stale: run `npm run build` first (npm test does).');
    }
    writeFileSync(
      join(project, 'keel.yaml'),
      'project: e2e\nlogLevel: warn\nserver:\n  pollIntervalMs: 200\n',
    );
    const sdk = await Keel.open({ root: project, env: {} });
    const registry = await sdk.registry({ actor: 'seed' });
    for (const seed of [1, 2]) {
      const model = await trainGbdt(
        trainingFrame(seed),
        { numTrees: 20, maxDepth: 3 },
        { target: 'is_fraud' },
      );
      models.push(model);
      await registry.register({
        model: 'fraud',
        content: model.serialize(),
        flavor: 'keel-gbdt',
        signature: nativeSignature(model),
        ...(seed === 1 ? { aliases: ['champion'] } : {}),
      });
    }
    await sdk.close();
  }, 60_000);

  it('imports an ONNX model with the signature read from the graph', async () => {
    const r = await keel(
      'models',
      'import',
      'cancer',
      join(repo, 'test/fixtures/onnx/trees_breast_cancer.onnx'),
      '--alias',
      'prod',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Imported');
    expect(r.stdout).toContain('cancer/1 (@prod)');
    expect(r.stdout).toContain('input FP32[-1,30]');
    expect(r.stdout).toContain('classes 0, 1');
    const shown = JSON.parse((await keel('models', 'show', 'cancer/1', '--json')).stdout);
    expect(shown).toMatchObject({
      flavor: 'onnx',
      signature: { task: 'binary', inputs: [{ name: 'input', shape: [-1, 30] }] },
    });
  });

  it('deploys, serves, hot-swaps on keel deploy, runs a canary and enforces the token', async () => {
    expect((await keel('deploy', 'fraud', '--model', 'fraud@champion')).code).toBe(0);
    expect((await keel('deploy', 'cancer', '--model', 'cancer@prod')).code).toBe(0);
    const server = await serve();
    await waitFor(async () => (await fetch(`${server.url}/v2/health/ready`)).status === 200, 30_000);
    const record = { amount: 80.5, hour: 3, country: 'BR' };
    const first = await predict(server.url, [record]);
    expect(first.status).toBe(200);
    expect(first.version).toBe('1');
    const p1 = (first.body.predictions as { probability: number }[])[0]!.probability;
    expect(p1).toBeCloseTo(expected(models[0]!, record), 12);

    // keel deploy while the server runs: the poller picks it up, no restart.
    expect((await keel('deploy', 'fraud', '--model', 'fraud/2', '--reason', 'e2e swap')).code).toBe(0);
    await waitFor(async () => (await predict(server.url, [record])).version === '2', 15_000);
    const second = await predict(server.url, [record]);
    expect((second.body.predictions as { probability: number }[])[0]!.probability).toBeCloseTo(
      expected(models[1]!, record),
      12,
    );

    const canary = await keel('deploy', 'fraud', '--canary', 'fraud/1', '--percent', '100');
    expect(canary.code, canary.stderr).toBe(0);
    expect(canary.stdout).toContain('canary');
    await waitFor(async () => (await predict(server.url, [record])).version === '1', 15_000);
    expect((await keel('deployments', 'rollback', 'fraud')).code).toBe(0);
    await waitFor(async () => (await predict(server.url, [record])).version === '2', 15_000);
    const history = await keel('deployments', 'history', 'fraud');
    expect(history.stdout).toMatch(/create[\s\S]*update[\s\S]*canary-start[\s\S]*rollback/);
    expect(history.stdout).toContain('e2e swap');
    const list = await keel('deployments', 'list');
    expect(list.stdout).toContain('cancer@prod');

    const expectedCancer = JSON.parse(
      readFileSync(join(repo, 'test/fixtures/onnx/trees_breast_cancer.expected.json'), 'utf8'),
    );
    const infer = await fetch(`${server.url}/v2/models/cancer/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        inputs: [
          {
            name: 'input',
            datatype: 'FP32',
            shape: [expectedCancer.inputs.length, 30],
            data: expectedCancer.inputs,
          },
        ],
      }),
    });
    const outputs = ((await infer.json()) as { outputs: { name: string; data: number[] }[] }).outputs;
    const probs = outputs.find((o) => o.name === 'probabilities')!.data;
    (expectedCancer.outputs.probabilities as number[][]).flat().forEach((w, i) => {
      expect(Math.abs(probs[i]! - w)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(w)));
    });

    expect((await fetch(`${server.url}/v1/deployments`)).status).toBe(401);
    const managed = await fetch(`${server.url}/v1/deployments/fraud`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(managed.status).toBe(200);
    expect(
      ((await managed.json()) as { serving: { variants: { version: number }[] } }).serving.variants[0]!
        .version,
    ).toBe(2);

    expect(await stop(server)).toBe(0);
    expect(server.stderr).not.toContain('internal error');
  }, 120_000);

  it('keel predict streams a CSV through the model in bounded batches, rows in order', async () => {
    const lines = ['id,amount,hour,country'];
    const records: { amount: number; hour: number; country: string }[] = [];
    for (let i = 0; i < 1000; i++) {
      const rec = { amount: (i * 7) % 150, hour: i % 24, country: ['US', 'DE', 'BR', 'XX'][i % 4]! };
      records.push(rec);
      lines.push(`${i},${rec.amount},${rec.hour},${rec.country}`);
    }
    writeFileSync(join(project, 'score.csv'), `${lines.join('\n')}\n`);
    const r = await keel(
      'predict',
      '--model',
      'fraud/1',
      '--input',
      'score.csv',
      '--output',
      'scored.csv',
      '--batch-size',
      '128',
      '--json',
    );
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({
      model: 'fraud',
      version: 1,
      rows: 1000,
      batches: 8,
      columns: ['label', 'probability'],
    });
    const out = readFileSync(join(project, 'scored.csv'), 'utf8').trim().split('\n');
    expect(out[0]).toBe('id,amount,hour,country,label,probability');
    expect(out).toHaveLength(1001);
    for (const i of [0, 1, 127, 128, 500, 999]) {
      const cells = out[i + 1]!.split(',');
      expect(Number(cells[0])).toBe(i);
      expect(Number(cells[5])).toBeCloseTo(expected(models[0]!, records[i]!), 10);
    }
    const bad = await keel('predict', '--model', 'fraud/1', '--input', 'missing.csv', '--output', 'x.csv');
    expect(bad.code).toBe(2);
  }, 60_000);

  it('--workers 2 serves from two processes behind one port and drains them on SIGTERM', async () => {
    // The load guard is off: on a CI box busy with other tests, event-loop lag would shed requests,
    // which is not what this test is about (test/serve/load-shedding covers it).
    const server = await serve('--workers', '2', '--role', 'inference', '--max-event-loop-delay-ms', '0');
    // Workers listen only once their engine is ready, so no request may meet a starting one (a
    // worker that took connections while loading answered 503 "starting" here before). 40 requests
    // at once open enough connections to reach both workers once both are up.
    const batch = () =>
      Promise.all(
        Array.from({ length: 40 }, () => predict(server.url, [{ amount: 1, hour: 1, country: 'US' }])),
      );
    await waitFor(async () => (await batch()).every((x) => x.status === 200), 30_000);
    const results = await batch().catch((error: Error) => {
      throw new Error(`${error.message} (${String(error.cause)}); server stderr:\n${server.stderr}`);
    });
    expect(
      results.filter((x) => x.status !== 200).map((x) => [x.status, x.body]),
      server.stderr,
    ).toEqual([]);
    const kids = (await run('pgrep', ['-P', String(server.child.pid)]).catch(() => ({ stdout: '' }))).stdout
      .trim()
      .split('\n')
      .filter(Boolean);
    expect(kids, server.stderr).toHaveLength(2);
    // Inference replicas have no management routes.
    expect(
      (await fetch(`${server.url}/v1/deployments`, { headers: { authorization: `Bearer ${TOKEN}` } })).status,
    ).toBe(404);
    expect(await stop(server), server.stderr).toBe(0);
  }, 60_000);

  it('--workers gives up with exit 1 when the workers cannot start (a store is unreachable)', async () => {
    const broken = tempDir('keel-e2e-broken-');
    const { code, stderr } = await serveUntilExit(
      broken,
      ['--port', '0', '--grpc-port', '0', '--workers', '2'],
      { KEEL_METADATA_URL: 'postgres://keel@127.0.0.1:1/none?connectTimeoutMs=500' },
    );
    expect(code).toBe(1);
    expect(stderr).toContain('exited 3 times before listening');
  }, 60_000);

  it('exits 2 (usage) with a plain message when its HTTP or gRPC port is taken, leaving nothing running', async () => {
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    const taken = (holder.address() as AddressInfo).port;
    try {
      for (const ports of [
        ['--port', String(taken), '--grpc-port', '0'],
        ['--port', '0', '--grpc-port', String(taken)],
      ]) {
        // Before the fix the sinks' threads kept the process alive: it must exit on its own.
        const { code, stderr } = await serveUntilExit(project, ports);
        expect(code, stderr).toBe(2);
        const what = ports[0] === '--port' && ports[1] === String(taken) ? 'HTTP' : 'gRPC';
        expect(stderr).toContain(
          `Cannot listen for ${what} on 127.0.0.1:${taken}: the port is already in use.`,
        );
        expect(stderr).not.toContain('internal error');
        expect(stderr).not.toMatch(/\n\s+at /);
      }
    } finally {
      holder.close();
    }
  }, 60_000);
});
