// The continuous-learning loop beside a running server (what `keel serve` starts): nothing without a
// policy; with one, a controller over the server's engine whose reads see the server's prediction log.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startProjectLearning } from '../../src/cli/learning-loop.js';
import { generateCardTransactions, writeFrame } from '../../src/data/index.js';
import { applyLearningPolicy, defineLearningPolicy, runTrainJob } from '../../src/pipelines/index.js';
import { Keel } from '../../src/sdk/index.js';
import { startServer } from '../../src/server/index.js';
import { tempDir } from '../helpers/tmp.js';

const FEATURES = ['amount', 'merchant_category', 'country', 'device_type', 'device_trust', 'hour'];

describe('startProjectLearning (keel serve)', () => {
  it('starts nothing without a policy, and runs the stored policy over the server engine and its flushed log', async () => {
    const dir = tempDir('keel-learning-loop-');
    const data = generateCardTransactions({ rows: 1200, seed: 3 }).transactions;
    await writeFrame(data, join(dir, 'data', 'tx.parquet'));
    const keel = await Keel.open({ root: dir, env: {}, config: { logLevel: 'silent' } });
    const server = await startServer(keel, { port: 0, grpcPort: null, ui: false });
    try {
      const trained = { tracking: await keel.tracking(), registry: await keel.registry() };
      await runTrainJob(
        { ...trained, clock: keel.ctx.clock, log: keel.ctx.log, cwd: dir },
        {
          data,
          target: 'is_fraud',
          features: FEATURES,
          params: { numTrees: 5, maxDepth: 2 },
          register: 'fraud',
          aliases: ['champion'],
        },
      );
      await (await keel.deployments({ actor: 'tester' })).put('fraud', { model: 'fraud@champion' });
      expect(await startProjectLearning(keel, server, { autoStart: false })).toBeNull();

      const policy = defineLearningPolicy({
        deployment: 'fraud',
        target: 'is_fraud',
        triggers: { drift: { share: 0.5, window: '1h', minRows: 5 } },
        data: { file: 'data/tx.parquet' },
        training: { train: { params: { numTrees: 5 }, features: FEATURES } },
        gate: { metrics: { auc: { min: 0.5 } } },
      });
      const [metadata, registry] = await Promise.all([keel.store('metadata'), keel.registry()]);
      await applyLearningPolicy({ metadata, registry, clock: keel.ctx.clock }, policy);
      const learning = await startProjectLearning(keel, server, { autoStart: false });
      expect(learning).not.toBeNull();
      await server.engine.poll();
      const row = data.slice(0, 1).select(FEATURES).toRecords()[0];
      for (let i = 0; i < 10; i++) {
        const res = await fetch(`${server.url}/v1/deployments/fraud/predict`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ instances: [row] }),
        });
        expect(res.status).toBe(200);
      }
      const [report] = await learning!.controller.runOnce({ force: true });
      expect(report?.error ?? null).toBeNull();
      // The pass read the log after the server flushed it to the offline store.
      const logged = join(dir, '.keel', 'offline', 'prediction_log');
      expect(existsSync(logged) && readdirSync(logged).length).toBeGreaterThan(0);
      await learning!.stop();
    } finally {
      await server.close();
      await keel.close();
    }
  });
});
