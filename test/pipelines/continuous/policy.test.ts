// Learning policies: defaults, validation at definition time (KEEL_POLICY_INVALID naming the bound),
// YAML/TypeScript files, and application against the deployment it governs.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Frame } from '../../../src/core/index.js';
import {
  applyLearningPolicy,
  defineLearningPolicy,
  type LearningPolicyOptions,
  loadPolicyFile,
  parseLearningState,
  parsePolicyText,
  policyJson,
} from '../../../src/pipelines/index.js';
import { Registry } from '../../../src/registry/index.js';
import { useTestStores } from '../../helpers/stores.js';
import { tempDir } from '../../helpers/tmp.js';

const BASE: LearningPolicyOptions = {
  deployment: 'fraud',
  target: 'is_fraud',
  triggers: { drift: { share: 0.3 } },
  data: { file: 'data/tx.parquet', timeColumn: 'event_timestamp' },
  training: { train: { learner: 'gbdt', params: { numTrees: 20 } } },
  gate: { metrics: { auc: { min: 0.85 } }, improvement: { auc: 0.005 } },
};

const with_ = (over: Record<string, unknown>): LearningPolicyOptions =>
  ({ ...BASE, ...over }) as LearningPolicyOptions;

function invalid(options: unknown, message: RegExp): void {
  expect(() => defineLearningPolicy(options as LearningPolicyOptions)).toThrow(
    expect.objectContaining({ code: 'KEEL_POLICY_INVALID', message: expect.stringMatching(message) }),
  );
}

describe('defineLearningPolicy', () => {
  it('fills every default, in ms and percent', () => {
    const p = defineLearningPolicy(BASE);
    expect(p).toMatchObject({
      deployment: 'fraud',
      model: null,
      championAlias: 'champion',
      challengerAlias: 'challenger',
      intervalMs: 60_000,
      actor: 'keel-learning',
      triggers: {
        drift: { share: 0.3, windowMs: 86_400_000, minRows: 30 },
        decay: null,
        schedule: null,
        labels: null,
        intervalMs: 900_000,
      },
      data: { kind: 'file', file: 'data/tx.parquet', timeColumn: 'event_timestamp', windowMs: null },
      evaluation: { holdout: 0.2, file: null, minRows: 100 },
      gate: { metrics: { auc: { min: 0.85, max: null } }, improvement: { auc: 0.005 } },
      rollout: {
        shadow: {
          durationMs: 3_600_000,
          percent: 100,
          minRequests: 100,
          minLabelAgreement: null,
          maxMeanAbsDiff: null,
        },
        canary: {
          steps: [5, 25, 50, 100],
          intervalMs: 600_000,
          minRequests: 50,
          maxStepDurationMs: 3_600_000,
        },
        bounds: {
          errorRateIncrease: 0.01,
          latencyP99Ratio: 1.5,
          latencyP99SlackMs: 5,
          latencyP99MaxMs: 500,
          quality: { metric: 'auc', maxDrop: 0.02, minLabels: 100, estimated: true },
        },
      },
      guards: { holdoutPercent: 5, maxRetrainsPerDay: 2, minNewLabels: 0, trainingTimeoutMs: 21_600_000 },
    });
    const q = defineLearningPolicy(
      with_({
        interval: '30s',
        triggers: {
          interval: '5m',
          decay: { metric: 'logloss', maxDrop: 0.02, window: '6h' },
          schedule: { cron: '0 3 * * *' },
          labels: { count: 500 },
        },
        rollout: { shadow: false, canary: { steps: [10, 100], interval: '1h' }, bounds: { quality: false } },
      }),
    );
    expect(q.intervalMs).toBe(30_000);
    expect(q.triggers.decay).toMatchObject({
      metric: 'logloss',
      maxDrop: 0.02,
      windowMs: 21_600_000,
      minLabels: 100,
      estimated: true,
    });
    expect(q.triggers.schedule?.next(Date.UTC(2024, 0, 1, 4))).toBe(Date.UTC(2024, 0, 2, 3));
    expect(q.rollout).toMatchObject({
      shadow: null,
      canary: { steps: [10, 100], maxStepDurationMs: 6 * 3_600_000 },
      bounds: { quality: null },
    });
  });

  it('refuses a gate that can never pass, naming the bound', () => {
    invalid(
      with_({ gate: { metrics: { auc: { min: 1.2 } } } }),
      /gate\.metrics\.auc\.min auc ≥ 1\.2 can never pass: auc is at most 1/,
    );
    invalid(
      with_({ gate: { metrics: { logloss: { max: -0.1 } } } }),
      /logloss ≤ -0\.1 can never pass: logloss is at least 0/,
    );
    invalid(
      with_({ gate: { metrics: { f1: { min: 0.9, max: 0.8 } } } }),
      /gate\.metrics\.f1 min 0\.9 is above max 0\.8/,
    );
    invalid(
      with_({ gate: { improvement: { auc: 1.5 } } }),
      /gate\.improvement\.auc 1\.5 is impossible: auc spans \[0, 1\]/,
    );
    invalid(with_({ gate: { improvement: { mcc: 2 } } }), /mcc spans \[-1, 1\]/);
    invalid(with_({ gate: {} }), /gate needs metrics bounds and\/or an improvement/);
    invalid(with_({ gate: { metrics: { aucc: { min: 0.5 } } } }), /gate\.metrics\.aucc must be a metric/);
  });

  it('refuses contradictory canary steps and bad rollout bounds', () => {
    invalid(
      with_({ rollout: { canary: { steps: [5, 50, 25, 100] } } }),
      /rollout\.canary\.steps must increase strictly: step 3 \(25%\) is not above the one before \(50%\)/,
    );
    invalid(with_({ rollout: { canary: { steps: [5, 5, 100] } } }), /must increase strictly/);
    invalid(
      with_({ rollout: { canary: { steps: [0, 100] } } }),
      /rollout\.canary\.steps\[0\] must be a number in \(0, 100\]/,
    );
    invalid(with_({ rollout: { canary: { steps: [50, 150] } } }), /steps\[1\]/);
    invalid(with_({ rollout: { canary: { steps: [] } } }), /non-empty list/);
    invalid(
      with_({ rollout: { canary: { interval: '1h', maxStepDuration: '30m' } } }),
      /maxStepDuration is shorter than the step interval/,
    );
    invalid(with_({ rollout: { shadow: { percent: 0 } } }), /rollout\.shadow\.percent/);
    invalid(
      with_({ rollout: { bounds: { latencyP99Ratio: 0.5 } } }),
      /latencyP99Ratio must be a number in \[1,/,
    );
    invalid(with_({ rollout: { bounds: { quality: { metric: 'auc', maxDrop: 1 } } } }), /quality\.maxDrop/);
  });

  it('refuses triggers that cannot work', () => {
    invalid(with_({ triggers: {} }), /triggers needs at least one of drift, decay, schedule or labels/);
    invalid(
      with_({ triggers: { drift: { share: 0 } } }),
      /triggers\.drift\.share must be a number in \(0, 1\]/,
    );
    invalid(with_({ triggers: { drift: { share: 1.5 } } }), /triggers\.drift\.share/);
    invalid(
      with_({ triggers: { decay: { metric: 'auc', min: 1.3 } } }),
      /auc < 1\.3 can never be decided: auc lies in \[0, 1\]/,
    );
    invalid(with_({ triggers: { decay: { metric: 'auc' } } }), /needs min, max or maxDrop/);
    invalid(with_({ triggers: { decay: { metric: 'logloss', min: 0.1 } } }), /logloss is better when lower/);
    invalid(with_({ triggers: { decay: { metric: 'auc', maxDrop: 1 } } }), /triggers\.decay\.maxDrop/);
    invalid(
      with_({ triggers: { schedule: { cron: 'every day' } } }),
      /triggers\.schedule\.cron "every day" .* is not a cron schedule/,
    );
    invalid(with_({ triggers: { labels: { count: 0 } } }), /triggers\.labels\.count must be a whole number/);
    invalid(
      with_({ triggers: { drift: { share: 0.3, window: 'soon' } } }),
      /triggers\.drift\.window "soon" is not a duration/,
    );
  });

  it('refuses bad data, training, guards and typos', () => {
    invalid(with_({ data: {} }), /data needs exactly one of file, featureService or load \(got none\)/);
    invalid(
      with_({ data: { file: 'a.csv', featureService: 's', entities: 'e.csv' } }),
      /got file, featureService/,
    );
    invalid(with_({ data: { featureService: 'fraud_features' } }), /data\.entities must name the file/);
    invalid(with_({ training: {} }), /training needs exactly one of train, tune or pipeline/);
    invalid(
      with_({ training: { train: { learner: 'xgboost' } } }),
      /training\.train\.learner Unknown learner "xgboost"/,
    );
    invalid(
      with_({ training: { train: { features: ['amount', 'is_fraud'] } } }),
      /includes the target "is_fraud"/,
    );
    invalid(
      with_({ guards: { holdoutPercent: 60 } }),
      /guards\.holdoutPercent must be a number in \[0, 50\]/,
    );
    invalid(with_({ guards: { maxRetrainsPerDay: 0 } }), /guards\.maxRetrainsPerDay/);
    invalid(
      with_({ triggers: { drift: { share: 0.3, windw: '1d' } } }),
      /triggers\.drift\.windw is not a known option/,
    );
    invalid(with_({ rollouts: {} }), /policy\.rollouts is not a known option/);
    invalid(with_({ deployment: '9 lives' }), /deployment must be a deployment name/);
    invalid(with_({ target: '' }), /target must name the column/);
    invalid(with_({ challengerAlias: 'champion' }), /challengerAlias must differ from championAlias/);
    invalid(with_({ championAlias: 'latest' }), /championAlias is not a valid alias/);
  });
});

describe('policy files', () => {
  it('reads YAML with the same checks, and a TypeScript module', async () => {
    const yaml = `
deployment: fraud
target: is_fraud
triggers:
  drift: { share: 0.3, window: 6h }
  decay: { metric: logloss, maxDrop: 0.02 }
data: { file: data/tx.parquet, timeColumn: event_timestamp }
training:
  train: { params: { numTrees: 40 } }
gate:
  metrics: { auc: { min: 0.8 } }
  improvement: { logloss: 0.005 }
rollout:
  canary: { steps: [5, 25, 50, 100], interval: 10m }
guards: { holdoutPercent: 5, maxRetrainsPerDay: 2 }
`;
    const p = parsePolicyText(yaml, 'fraud.yaml');
    expect(p.triggers.drift?.windowMs).toBe(21_600_000);
    expect(p.gate.improvement).toEqual({ logloss: 0.005 });
    expect(() => parsePolicyText(yaml.replace('[5, 25, 50, 100]', '[50, 25]'), 'fraud.yaml')).toThrow(
      /must increase strictly/,
    );
    expect(() => parsePolicyText('deployment: [', 'bad.yaml')).toThrow(
      expect.objectContaining({
        code: 'KEEL_POLICY_INVALID',
        message: expect.stringContaining('bad.yaml: is not valid YAML'),
      }),
    );
    const dir = tempDir();
    writeFileSync(join(dir, 'fraud.yaml'), yaml);
    expect((await loadPolicyFile('fraud.yaml', dir)).deployment).toBe('fraud');
    writeFileSync(
      join(dir, 'fraud.policy.ts'),
      `export default { deployment: 'fraud', target: 'is_fraud', triggers: { labels: { count: 10 } },
         data: { file: 'x.csv' }, training: { tune: { trials: 5 } }, gate: { metrics: { auc: { min: 0.5 } } } };`,
    );
    expect((await loadPolicyFile('fraud.policy.ts', dir)).triggers.labels).toEqual({ count: 10 });
    await expect(loadPolicyFile('missing.yaml', dir)).rejects.toMatchObject({ code: 'KEEL_POLICY_INVALID' });
  });

  it('stores a code data loader as a marker that fails clearly when another process loads it', () => {
    const p = defineLearningPolicy(with_({ data: { load: async () => Frame.fromRecords([{ a: 1 }]) } }));
    const json = policyJson(p, 'fraud') as { data: { load: string }; model: string };
    expect(json.model).toBe('fraud');
    expect(json.data.load).toMatch(/^<code: /);
    const again = defineLearningPolicy(json as unknown as LearningPolicyOptions);
    expect(again.data).toMatchObject({ kind: 'code', load: null });
  });
});

describe('applyLearningPolicy', () => {
  const open = useTestStores();

  it('refuses a policy for a deployment that does not exist or does not serve the champion alias', async () => {
    const { metadata, artifacts, clock } = await open();
    const registry = new Registry({ metadata, artifacts, clock });
    const deps = { metadata, registry, clock };
    await expect(applyLearningPolicy(deps, defineLearningPolicy(BASE))).rejects.toMatchObject({
      code: 'KEEL_POLICY_INVALID',
      message: expect.stringContaining('the deployment does not exist, so its triggers could never act'),
    });
    await registry.register({
      model: 'fraud',
      content: Uint8Array.of(1),
      flavor: 'keel-gbdt',
      signature: { kind: 'columns', inputs: [], outputs: [] },
    });
    const spec = (ref: string) => ({
      mode: 'single' as const,
      variants: [{ name: 'primary', ref, weight: 100 }],
      stickyKey: null,
      shadow: null,
      featureService: null,
      options: {},
    });
    await metadata.deployments.put('fraud', spec('fraud/1'), [], {
      actor: 't',
      reason: 'r',
      at: 1,
      action: 'create',
    });
    await expect(applyLearningPolicy(deps, defineLearningPolicy(BASE))).rejects.toThrow(
      /it serves fraud\/1, but the loop promotes by moving an alias: serve fraud@champion/,
    );
    await metadata.deployments.put('fraud', spec('fraud@champion'), [], {
      actor: 't',
      reason: 'r',
      at: 2,
      action: 'update',
    });
    await expect(applyLearningPolicy(deps, defineLearningPolicy(BASE))).rejects.toThrow(
      /has no alias "champion"/,
    );
    await registry.setAlias('fraud', 'champion', 1);
    const record = await applyLearningPolicy(deps, defineLearningPolicy(BASE));
    expect(record).toMatchObject({
      deployment: 'fraud',
      revision: 1,
      policy: { model: 'fraud', deployment: 'fraud' },
    });
    expect(parseLearningState(record.state, 0)).toMatchObject({
      phase: 'idle',
      since: clock.now(),
      retrains: [],
    });
    const again = await applyLearningPolicy(
      deps,
      defineLearningPolicy({ ...BASE, guards: { maxRetrainsPerDay: 5 } }),
    );
    expect(again.revision).toBe(2);
    const events = await metadata.deployments.history('fraud');
    expect(events.slice(-2).map((e) => [e.action, e.reason])).toEqual([
      ['policy-apply', 'continuous-learning policy applied'],
      ['policy-apply', 'continuous-learning policy replaced'],
    ]);
    expect(events.at(-1)!.evidence).toMatchObject({
      model: 'fraud',
      canarySteps: [5, 25, 50, 100],
      guards: { maxRetrainsPerDay: 5 },
    });
  });
});
