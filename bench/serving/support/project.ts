// A Keel project for the serving benchmarks: the fraud GBDT (200 trees, depth 6, trained on the
// 100k-row fraud data's train split like train_peers.py's xgb) registered twice (versions 1 and 2,
// for A/B), and the deployments the HTTP benchmark hits. Built once under bench/.data/serving/.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadGbdtModel, trainGbdt } from '../../../src/learn/index.js';
import { Keel } from '../../../src/sdk/index.js';
import { nativeSignature } from '../../../src/serve/index.js';
import { loadFraudSplit } from '../../lib/fraud-frame.js';
import { BENCH_DATA, fraudCsv } from '../../lib/peers.js';

/** Where the serving benchmarks keep their project and model. */
export const SERVING_DATA = join(BENCH_DATA, 'serving');

/** The 200-tree GBDT's bytes, trained once on the 100k data (train split) and cached. */
export async function fraudModelBytes(): Promise<Uint8Array> {
  const file = join(SERVING_DATA, 'fraud-gbdt-200.keel');
  if (existsSync(file)) return readFileSync(file);
  mkdirSync(SERVING_DATA, { recursive: true });
  process.stderr.write('training the 200-tree GBDT on the 100k fraud data (once)...\n');
  const { train } = await loadFraudSplit(fraudCsv(100_000));
  const model = await trainGbdt(
    train,
    { numTrees: 200, maxDepth: 6, learningRate: 0.1, threads: 0 },
    { target: 'is_fraud' },
  );
  const bytes = model.serialize();
  writeFileSync(file, bytes);
  return bytes;
}

/**
 * The benchmark project (created once): model `fraud` versions 1 and 2 (the same GBDT) and the
 * deployments `fraud` (single fraud/1), `fraud-ab` (fraud/1 and fraud/2 at 50/50, random draw) and
 * `fraud-cached` (single, prediction cache on). Returns its folder.
 */
export async function servingProject(): Promise<string> {
  const dir = join(SERVING_DATA, 'project');
  if (existsSync(join(dir, '.ready'))) return dir;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'keel.yaml'), 'project: serving-bench\nlogLevel: warn\n');
  const bytes = await fraudModelBytes();
  const keel = await Keel.open({ root: dir, env: {} });
  try {
    const registry = await keel.registry({ actor: 'bench' });
    const signature = nativeSignature(loadGbdtModel(bytes));
    for (let v = 0; v < 2; v++)
      await registry.register({ model: 'fraud', content: bytes, flavor: 'keel-gbdt', signature });
    const deployments = await keel.deployments({ actor: 'bench' });
    await deployments.put('fraud', { model: 'fraud/1' });
    await deployments.put('fraud-ab', {
      variants: [
        { ref: 'fraud/1', weight: 50 },
        { ref: 'fraud/2', weight: 50 },
      ],
    });
    await deployments.put('fraud-cached', { model: 'fraud/1', options: { cache: true } });
  } finally {
    await keel.close();
  }
  writeFileSync(join(dir, '.ready'), '');
  return dir;
}
