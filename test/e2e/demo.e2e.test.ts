// The main job (`npm start` = `keel demo`) through the built CLI, as the README runs it but with
// --fast --no-serve: the whole lifecycle in one process, then its recorded outcomes are checked in
// the project it leaves behind.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Keel } from '../../src/sdk/index.js';
import type { DeploymentEvent } from '../../src/storage/index.js';
import { runBuiltCli } from '../helpers/built-cli.js';
import { tempDir } from '../helpers/tmp.js';

interface Summary {
  champion: { testAuc: number; bestValidationAuc: number; trials: Record<string, number> };
  load: { sent: number; errors: number };
  drift: { share: number; drifted: string[]; html: string };
  decisions: { action: string }[];
  outcome: string;
  championVersion: number;
}

type Check = { name?: string; metric?: string; passed: boolean | null };
const checksOf = (e: DeploymentEvent): Check[] =>
  ((e.evidence as { verdict?: { checks: Check[] }; checks?: Check[] }).verdict?.checks ??
    (e.evidence as { checks?: Check[] }).checks ??
    []) as Check[];

// Made at file level so its afterAll removes it (inside a test it would be registered too late).
const root = tempDir('keel-e2e-demo-');

describe('keel demo (npm start)', () => {
  it('runs data → features → tuning → serving → drift → retrain → canary → promotion, and records each decision', async () => {
    const dir = join(root, 'demo');
    const summaryFile = join(root, 'summary.json');
    const r = await runBuiltCli(root, [
      'demo',
      '--fast',
      '--no-serve',
      '--dir',
      dir,
      '--port',
      '0',
      '--summary',
      summaryFile,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (let step = 1; step <= 7; step++) expect(r.stdout).toContain(`[${step}/7]`);
    expect(r.stdout).toContain('All 17 rules passed');

    const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as Summary;
    // The tuned champion: 4 trials, a held-out AUC a fraud model should reach on this data.
    expect(summary.champion.trials.complete).toBe(4);
    expect(summary.champion.testAuc).toBeGreaterThan(0.85);
    expect(summary.load.errors).toBe(0);
    // The shifted traffic is detected as drift in the inputs the generator moves.
    expect(summary.drift.share).toBeGreaterThanOrEqual(0.3);
    expect(summary.drift.drifted).toEqual(expect.arrayContaining(['amount', 'merchant_category', 'hour']));
    expect(existsSync(summary.drift.html)).toBe(true);
    expect(summary.outcome).toBe('promoted');
    expect(summary.championVersion).toBe(2);

    // The recorded history, read back from the project's stores.
    const keel = await Keel.open({ root: dir, env: {} });
    try {
      const metadata = await keel.store('metadata');
      const events = await metadata.deployments.history('fraud');
      const actions = events.map((e) => e.action).filter((a) => a !== 'retrain-skip');
      expect(actions).toEqual([
        'create',
        'policy-apply',
        'trigger',
        'retrain-start',
        'retrain-finish',
        'bless',
        'shadow-start',
        'shadow-end',
        'canary-start',
        'canary-step',
        'canary-step',
        'promote',
      ]);
      const find = (action: string): DeploymentEvent => events.find((e) => e.action === action)!;
      const trigger = find('trigger').evidence as { triggers: { type: string }[] };
      expect(trigger.triggers.map((t) => t.type)).toContain('drift');
      const bless = find('bless');
      expect(checksOf(bless).length).toBeGreaterThan(0);
      expect(checksOf(bless).every((c) => c.passed)).toBe(true);
      expect(bless.evidence).toMatchObject({ challenger: { version: 2 }, champion: { version: 1 } });
      for (const step of events.filter((e) => e.action === 'canary-step' || e.action === 'promote')) {
        expect(checksOf(step).every((c) => c.passed !== false)).toBe(true);
      }
      const registry = await keel.registry();
      expect((await registry.resolve('fraud@champion')).version).toBe(2);
      // Lineage: the champion came from a tracked pipeline run with its dataset fingerprint.
      const first = await registry.resolve('fraud/1');
      expect(first.lineage.runId).not.toBeNull();
      expect(first.lineage.datasetFingerprints[0]).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      await keel.close();
    }
  }, 300_000);
});
