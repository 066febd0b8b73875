import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pc from 'picocolors';
import { Frame, type OffsetClock, valueAt } from '../../core/index.js';
import { writeFrame } from '../../data/index.js';
import {
  checkModelDrift,
  type DriftReport,
  offlineFolder,
  renderDriftReportHtml,
} from '../../monitor/index.js';
import type { LearningPolicy } from '../../pipelines/index.js';
import type { Keel } from '../../sdk/index.js';
import type { RunningServer } from '../../server/index.js';
import type { DeploymentEvent } from '../../storage/index.js';
import { printDriftReport } from '../commands/drift-views.js';
import { formatEvidence } from '../commands/evidence-format.js';
import { startProjectLearning } from '../learning-loop.js';
import type { DemoClient } from './http-client.js';
import { clockTime, count, type Narrator } from './narrator.js';
import { CONNECTIONS } from './serve-step.js';
import { type DemoWorld, HOUR, MINUTE, requestIds, requestRecords } from './world.js';

const SLICE = 30 * MINUTE;
/** The drift window of policies/fraud.yaml, shown in the report. */
const DRIFT_WINDOW = 6 * HOUR;

/** How the simulated day ended. */
export interface SimulationResult {
  readonly drift: {
    readonly share: number;
    readonly drifted: readonly string[];
    readonly html: string;
  } | null;
  readonly decisions: readonly { readonly action: string; readonly at: number; readonly reason: string }[];
  readonly outcome: 'promoted' | 'rolled back' | 'refused' | 'unfinished';
  readonly championVersion: number;
  readonly simulatedHours: number;
}

/** Everything the simulation drives. */
export interface SimulationDeps {
  readonly keel: Keel;
  readonly clock: OffsetClock;
  readonly world: DemoWorld;
  readonly server: RunningServer;
  readonly client: DemoClient;
  readonly policy: LearningPolicy;
}

/**
 * Steps 5 and 6: a day of drifted traffic in fast-forward. Each 30 simulated minutes, that slice's
 * requests go over HTTP, the previous slice's labels arrive through `POST /v1/feedback` (and join
 * the labelled history the loop trains from), and the learning controller makes one pass. Every
 * decision it records is printed with its evidence as it happens.
 */
export async function simulateDay(n: Narrator, deps: SimulationDeps): Promise<SimulationResult> {
  const { keel, clock, world, server, client, policy } = deps;
  const steps = policy.rollout.canary.steps.map((p) => `${p}%`).join(' → ');
  n.step(
    5,
    'Drift: the world changes',
    'From now on the traffic has shifted: bigger amounts, more night-time, foreign and risky-category payments.\n' +
      'The demo fast-forwards a day: each 30 simulated minutes of requests go over HTTP, their labels arrive 30\n' +
      'minutes later through POST /v1/feedback, and the continuous-learning controller takes a look.',
  );
  const learning = await startProjectLearning(keel, server, { autoStart: false });
  if (!learning) throw new Error('the learning policy of deployment fraud was not stored');
  const metadata = await keel.store('metadata');
  const labelledFile = join(keel.ctx.root, 'data', 'labelled.parquet');
  let labelledHistory = world.history;
  let seen = (await metadata.deployments.history('fraud')).length;
  const decisions: { action: string; at: number; reason: string }[] = [];
  let drift: SimulationResult['drift'] = null;
  let outcome: SimulationResult['outcome'] = 'unfinished';
  let sent = 0;
  let labelled = 0;
  let periodRequests = 0;
  let periodVariants: Record<string, number> = {};
  const slices = world.size.days * 48;
  let k = 0;
  try {
    for (k = 1; k <= slices && outcome === 'unfinished'; k++) {
      const now = world.t0 + k * SLICE;
      await clock.advanceTo(now);
      const upTo = world.trafficUntil(now);
      const stats = await client.predictAll(
        'fraud',
        requestRecords(world.traffic, sent, upTo),
        requestIds(world.traffic, sent, upTo),
        CONNECTIONS,
      );
      periodRequests += stats.sent;
      for (const [v, c] of Object.entries(stats.variants)) periodVariants[v] = (periodVariants[v] ?? 0) + c;
      if (labelled < sent) {
        await client.sendLabels('fraud', labelsOf(world, labelled, sent));
        labelledHistory = Frame.concat([labelledHistory, world.traffic.slice(labelled, sent)]);
        await writeFrame(labelledHistory, labelledFile);
      }
      labelled = sent;
      sent = upTo;
      const [report] = await learning.controller.runOnce();
      if (report?.error) n.say(pc.yellow(`  controller: ${report.error}`));
      if (k % 4 === 0) {
        n.say(
          pc.dim(
            `  ${clockTime(now)}  ${count(periodRequests)} requests, served by ${shares(periodVariants)}`,
          ),
        );
        periodRequests = 0;
        periodVariants = {};
      }
      const events = await metadata.deployments.history('fraud');
      for (const e of events.slice(seen)) {
        if (e.action === 'retrain-start' && !drift) {
          drift = await showDrift(n, keel, now);
          n.step(
            6,
            'The loop: retrain, bless, shadow, canary, promote',
            'A challenger trains on the labelled data up to now (features joined point-in-time), must beat the champion\n' +
              `on the same frozen evaluation set, answers mirrored traffic in shadow, then takes ${steps} of live\n` +
              'traffic, each step only if its error rate, p99 latency and realised quality stay within bounds.',
          );
        }
        printDecision(n, e);
        decisions.push({ action: e.action, at: e.at, reason: e.reason });
        if (e.action === 'promote') outcome = 'promoted';
        else if (e.action === 'rollback') outcome = 'rolled back';
        else if (e.action === 'refuse') outcome = 'refused';
      }
      seen = events.length;
    }
  } finally {
    await learning.stop();
  }
  const registry = await keel.registry({ actor: 'demo' });
  const champion = await registry.resolve('fraud@champion');
  n.done(
    outcome === 'unfinished'
      ? `the simulated day ended with the rollout still open (see keel deployments history fraud)`
      : `challenger ${outcome}; fraud@champion is version ${champion.version}`,
  );
  return {
    drift,
    decisions,
    outcome,
    championVersion: champion.version,
    simulatedHours: ((k - 1) * SLICE) / HOUR,
  };
}

/** Labels (the true class) of traffic rows [from, to). */
function labelsOf(world: DemoWorld, from: number, to: number): { requestId: string; label: string }[] {
  const y = world.traffic.column('is_fraud');
  const ids = requestIds(world.traffic, from, to);
  return ids.map((requestId, k) => ({ requestId, label: String(valueAt(y, from + k)) }));
}

/** `fraud/1 (primary) 95%, fraud/2 (canary) 5%`. */
function shares(variants: Readonly<Record<string, number>>): string {
  const total = Object.values(variants).reduce((s, v) => s + v, 0);
  if (total === 0) return '-';
  return Object.entries(variants)
    .sort((a, b) => b[1] - a[1])
    .map(([key, c]) => {
      const [variant, version] = key.split(':');
      return `fraud/${version} (${variant}) ${Math.round((100 * c) / total)}%`;
    })
    .join(', ');
}

/** The champion's drift over the trigger's window, printed, with the HTML report written. */
async function showDrift(n: Narrator, keel: Keel, now: number): Promise<SimulationResult['drift']> {
  const result = await checkModelDrift({
    stores: { registry: await keel.registry({ actor: 'demo' }), artifacts: await keel.store('artifacts') },
    offline: offlineFolder(keel.config.stores.offline, keel.ctx.root),
    modelRef: 'fraud@champion',
    windowMs: DRIFT_WINDOW,
    now,
  });
  const report: DriftReport = result.report;
  n.say(
    `\nDrift of fraud/${result.version.version}'s inputs: its training data vs ${count(result.current.rowCount)} logged requests of the last 6 hours.\n`,
  );
  printDriftReport(n.io, report);
  const dir = join(keel.ctx.root, 'reports');
  mkdirSync(dir, { recursive: true });
  const html = join(dir, 'drift.html');
  writeFileSync(
    html,
    renderDriftReportHtml(
      report,
      { reference: result.reference, current: result.current },
      {
        subtitle: `fraud/${result.version.version}: training data vs the last 6 hours of traffic`,
        generatedAtMs: now,
      },
    ),
  );
  n.say(`HTML report: ${html}`);
  n.done('drift detected');
  return {
    share: report.shareOfDriftedColumns,
    drifted: report.columns.filter((c) => c.drifted).map((c) => c.column),
    html,
  };
}

const ACTION_COLOR: Readonly<Record<string, (s: string) => string>> = {
  promote: pc.green,
  bless: pc.green,
  rollback: pc.red,
  refuse: pc.red,
  'retrain-fail': pc.red,
};

/** One recorded decision: time, action, reason, and the first lines of its evidence. */
function printDecision(n: Narrator, e: DeploymentEvent): void {
  const color = ACTION_COLOR[e.action] ?? pc.bold;
  n.say(`  ${clockTime(e.at)}  ${color(e.action.padEnd(14))} ${e.reason}`);
  n.detail(formatEvidence(e.evidence).slice(0, 6));
}
