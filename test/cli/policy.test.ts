// `keel policy apply|list|show|run-once` and the evidence in `keel deployments history`, in-process
// on a project with a trained champion (system clock: the schedule trigger is made due by hand).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateCardTransactions, writeFrame } from '../../src/data/index.js';
import { runTrainJob } from '../../src/pipelines/index.js';
import { Keel } from '../../src/sdk/index.js';
import { runCli as runCliWith } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/tmp.js';

const FEATURES = ['amount', 'merchant_category', 'country', 'device_type', 'device_trust', 'hour'];

const policyYaml = (steps: string) => `
deployment: fraud
target: is_fraud
triggers:
  schedule: { cron: '* * * * *' }
data: { file: data/tx.parquet, timeColumn: event_timestamp }
training:
  train: { params: { numTrees: 10, maxDepth: 3 }, features: [${FEATURES.join(', ')}] }
evaluation: { holdout: 0.25, minRows: 50 }
gate:
  metrics: { auc: { min: 0.55 } }
rollout:
  shadow: false
  canary: { steps: ${steps}, interval: 10m, minRequests: 10 }
guards: { holdoutPercent: 10 }
`;

const runCli = (argv: string[], cwd: string) => runCliWith(argv, cwd, { KEEL_USER: 'tester' });

describe('keel policy', () => {
  it('applies, shows and runs a policy once, and history shows the evidence', async () => {
    const dir = tempDir('keel-cli-policy-');
    const data = generateCardTransactions({ rows: 1200, seed: 5 }).transactions;
    await writeFrame(data, join(dir, 'data', 'tx.parquet'));
    const keel = await Keel.open({ root: dir, env: {} });
    try {
      await runTrainJob(
        {
          tracking: await keel.tracking(),
          registry: await keel.registry(),
          clock: keel.ctx.clock,
          log: keel.ctx.log,
          cwd: dir,
        },
        {
          data: data.slice(0, 400),
          target: 'is_fraud',
          features: FEATURES,
          params: { numTrees: 5, maxDepth: 2 },
          register: 'fraud',
          aliases: ['champion'],
        },
      );
      await (await keel.deployments({ actor: 'tester' })).put('fraud', { model: 'fraud@champion' });
    } finally {
      await keel.close();
    }
    writeFileSync(join(dir, 'bad.yaml'), policyYaml('[50, 20]'));
    const bad = await runCli(['policy', 'apply', 'bad.yaml'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      'rollout.canary.steps must increase strictly: step 2 (20%) is not above the one before (50%)',
    );

    writeFileSync(join(dir, 'fraud.yaml'), policyYaml('[50, 100]'));
    const applied = await runCli(['policy', 'apply', 'fraud.yaml'], dir);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('Applied the learning policy of deployment fraud (revision 1).');
    expect(applied.stdout).toContain('triggers: schedule * * * * * (UTC)');
    expect(applied.stdout).toContain('canary:   50% → 100%');

    const shown = await runCli(['policy', 'show', 'fraud'], dir);
    expect(shown.stdout).toMatch(/phase:\s+idle since/);
    expect(shown.stdout).toMatch(/guards:\s+holdout 10%, ≤ 2 retrains a day/);
    expect((await runCli(['policy', 'show', 'nope'], dir)).stderr).toContain(
      'Deployment "nope" has no continuous-learning policy',
    );

    // Make the schedule due: the last handled schedule time two minutes ago.
    const again = await Keel.open({ root: dir, env: {} });
    try {
      const metadata = await again.store('metadata');
      const record = await metadata.learning.getPolicy('fraud');
      const state = { ...(record.state as Record<string, unknown>), lastScheduleAt: Date.now() - 120_000 };
      await metadata.learning.saveState('fraud', state, record.revision, Date.now());
    } finally {
      await again.close();
    }
    const ran = await runCli(['policy', 'run-once', 'fraud'], dir);
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain('fraud: idle → canary');
    expect(ran.stdout).toMatch(/trigger\s+schedule \* \* \* \* \* \(UTC\) was due at/);
    expect(ran.stdout).toMatch(/retrain-start\s+train on 900 rows up to/);
    expect(ran.stdout).toMatch(/bless\s+auc 0\.\d+ ≥ min 0\.55/);
    expect(ran.stdout).toMatch(/canary-start\s+canary fraud\/2 at 50% \(holdout 10% stays on the champion\)/);

    // No traffic reached the canary: the step waits (and says why).
    const waiting = await runCli(['policy', 'run-once', 'fraud', '--json'], dir);
    const [report] = JSON.parse(waiting.stdout);
    expect(report).toMatchObject({
      deployment: 'fraud',
      before: 'canary',
      after: 'canary',
      decisions: [],
      error: null,
    });
    expect(report.notes[0]).toMatch(
      /^canary 50%: waiting \(0 s of 600 s at this step; 0 canary requests of 10 needed/,
    );

    const list = await runCli(['policy', 'list'], dir);
    expect(list.stdout).toMatch(/fraud\s+canary\s+fraud\/2/);

    const history = await runCli(['deployments', 'history', 'fraud'], dir);
    expect(history.stdout).toMatch(/#\s+TIME\s+REV\s+ACTION/);
    expect(history.stdout).toMatch(
      /#\d+ bless evidence:\n {2}checks\[0\] pass: auc 0\.\d+ ≥ min 0\.55\n {2}challenger\.version = 2\n/,
    );
    expect(history.stdout).toMatch(/ {2}dataUpTo = 20\d\d-\d\d-\d\dT/);
    expect(history.stdout).toMatch(/#\d+ canary-start evidence:[\s\S]*holdoutPercent = 10/);
  });
});
