import { type Clock, isKeelError, type Logger, randomHex, toKeelError } from '../../core/index.js';
import type { FeatureStore } from '../../features/index.js';
import { parseModelReference, type Registry } from '../../registry/index.js';
import type { ArtifactStore, LearningPolicyRecord, MetadataStore } from '../../storage/index.js';
import type { Tracking } from '../../track/index.js';
import { championVariant } from './apply-policy.js';
import { runIdle, runTrainingRecovery } from './internal/idle-phase.js';
import { runCanary, runShadow } from './internal/rollout-phases.js';
import type { TickContext, TickDecision } from './internal/tick-context.js';
import { defineLearningPolicy } from './learning-policy.js';
import type { LearningSignals } from './learning-signals.js';
import {
  type LearningPhase,
  type LearningState,
  learningStateJson,
  parseLearningState,
} from './learning-state.js';
import type { LearningPolicyOptions } from './policy-types.js';
import type { LearningPolicy } from './resolved-policy.js';
import { type ChallengerTrainer, defaultTrainer } from './retrain.js';
import { RolloutWriter } from './rollout-writer.js';
import type { ServingSignals } from './serving-signals.js';

/** What a learning controller works on. */
export interface LearningControllerDeps {
  readonly metadata: MetadataStore;
  readonly artifacts: ArtifactStore;
  readonly registry: Registry;
  readonly tracking: Tracking;
  readonly clock: Clock;
  readonly log: Logger;
  /** Project root: relative data and pipeline paths resolve here. */
  readonly root: string;
  /** Drift and live quality (see `monitorSignals`). */
  readonly signals: LearningSignals;
  /** Live serving facts for shadow and canary analysis (see `engineServingSignals`). */
  readonly serving: ServingSignals;
  /** An in-process engine to apply deployment changes at once (else its poller picks them up). */
  readonly engine?: { poll(): Promise<void> };
  /** The feature store, for policies whose data is a feature service. */
  readonly features?: FeatureStore;
  /** Policies defined in this process (code data loaders); they win over the stored JSON. */
  readonly policies?: readonly LearningPolicy[];
  /** Trains challengers (default `defaultTrainer`: the policy's train, tune or pipeline job). */
  readonly trainer?: ChallengerTrainer;
  /** This controller's id, recorded as the owner of its retrains. Default random. */
  readonly id?: string;
}

/** What one tick did for one deployment. */
export interface TickReport {
  readonly deployment: string;
  readonly before: LearningPhase;
  readonly after: LearningPhase;
  /** Decisions recorded in the deployment's history this tick. */
  readonly decisions: readonly TickDecision[];
  /** What it saw without deciding (waiting on data, quiet triggers). */
  readonly notes: readonly string[];
  /** Set when the tick failed (logged; the next tick retries). */
  readonly error: string | null;
}

/**
 * Runs the continuous-learning loop of every deployment with a policy, on the injected clock: in
 * `idle` it evaluates the triggers (every `triggers.interval`) and, within the guards, retrains,
 * gates and starts the rollout; in `shadow` and `canary` it analyses the live bounds and advances,
 * promotes or rolls back (every `interval`). Every decision goes to the deployment's history with
 * its evidence; the state machine is saved in the metadata store (compare-and-set), so a restarted
 * controller resumes mid-rollout. Ticks of one controller never overlap.
 */
export class LearningController {
  readonly id: string;
  private readonly trainer: ChallengerTrainer;
  private readonly lastTick = new Map<string, number>();
  private running: Promise<TickReport[]> | null = null;
  private abort: AbortController | null = null;
  private loop: Promise<void> | null = null;

  constructor(private readonly deps: LearningControllerDeps) {
    this.id = deps.id ?? `controller-${randomHex(4)}`;
    this.trainer = deps.trainer ?? defaultTrainer(deps);
  }

  /**
   * One pass: every policy (or the one of `deployment`) whose interval is due — all of them with
   * `force` (triggers are then evaluated whatever their interval). Waits for a pass in progress.
   */
  async runOnce(
    options: { readonly deployment?: string; readonly force?: boolean } = {},
  ): Promise<TickReport[]> {
    while (this.running) await this.running.catch(() => undefined);
    this.running = this.pass(options);
    try {
      return await this.running;
    } finally {
      this.running = null;
    }
  }

  /** Runs passes every `tickMs` (default 10 s) of the clock until `stop()`. */
  start(tickMs = 10_000): void {
    if (this.loop) return;
    const abort = new AbortController();
    this.abort = abort;
    this.loop = (async () => {
      while (!abort.signal.aborted) {
        await this.runOnce().catch((error) =>
          this.deps.log.error({ err: error }, 'learning controller pass failed'),
        );
        await this.deps.clock.sleep(tickMs, abort.signal).catch(() => undefined);
      }
    })();
  }

  /** Stops the loop after the pass in progress (a running retrain finishes first). */
  async stop(): Promise<void> {
    this.abort?.abort();
    await this.loop;
    this.loop = null;
  }

  private async pass(options: {
    readonly deployment?: string;
    readonly force?: boolean;
  }): Promise<TickReport[]> {
    const repo = this.deps.metadata.learning;
    const records = options.deployment
      ? [await repo.getPolicy(options.deployment)]
      : await repo.listPolicies();
    this.deps.serving.sample(this.deps.clock.now());
    const reports: TickReport[] = [];
    for (const record of records) {
      const policy = this.policyOf(record);
      if (!policy) continue;
      const now = this.deps.clock.now();
      const last = this.lastTick.get(record.deployment);
      if (!options.force && last !== undefined && now - last < policy.intervalMs) continue;
      this.lastTick.set(record.deployment, now);
      reports.push(await this.tick(record, policy, now, options.force === true));
    }
    return reports;
  }

  private policyOf(record: LearningPolicyRecord): LearningPolicy | null {
    const own = this.deps.policies?.find((p) => p.deployment === record.deployment);
    if (own) return own;
    try {
      return defineLearningPolicy(record.policy as unknown as LearningPolicyOptions);
    } catch (error) {
      this.deps.log.warn(
        { err: error, deployment: record.deployment },
        'stored learning policy is invalid; skipped',
      );
      return null;
    }
  }

  private async tick(
    record: LearningPolicyRecord,
    policy: LearningPolicy,
    now: number,
    force: boolean,
  ): Promise<TickReport> {
    const d = record.deployment;
    const decisions: TickDecision[] = [];
    const notes: string[] = [];
    let revision = record.revision;
    let saved = parseLearningState(record.state, now);
    const before = saved.phase;
    const writer = new RolloutWriter(this.deps.metadata.deployments, this.deps.clock, policy.actor);
    const save = async (next: LearningState): Promise<void> => {
      try {
        revision = (
          await this.deps.metadata.learning.saveState(
            d,
            learningStateJson(next),
            revision,
            this.deps.clock.now(),
          )
        ).revision;
      } catch (error) {
        if (!isKeelError(error, 'KEEL_POLICY_CONFLICT')) throw error;
        // Only the policy was replaced meanwhile (same state): save over it; otherwise give way.
        const fresh = await this.deps.metadata.learning.getPolicy(d);
        if (JSON.stringify(fresh.state) !== JSON.stringify(learningStateJson(saved))) throw error;
        revision = (
          await this.deps.metadata.learning.saveState(
            d,
            learningStateJson(next),
            fresh.revision,
            this.deps.clock.now(),
          )
        ).revision;
      }
      saved = next;
    };
    try {
      const model = policy.model ?? (await this.modelOf(d));
      const ctx: TickContext = {
        policy,
        model,
        now,
        state: saved,
        registry: this.deps.registry,
        clock: this.deps.clock,
        log: this.deps.log,
        root: this.deps.root,
        signals: this.deps.signals,
        serving: this.deps.serving,
        trainer: this.trainer,
        features: this.deps.features,
        owner: this.id,
        force,
        writer,
        save,
        record: async (action, reason, evidence) => {
          decisions.push({ action, reason });
          return writer.record(d, action, reason, evidence);
        },
        change: async (action, reason, run) => {
          const changed = await run();
          decisions.push({ action, reason });
          await this.deps.engine?.poll();
          return changed;
        },
        note: (text) => notes.push(text),
      };
      const next = await this.step(ctx);
      if (JSON.stringify(learningStateJson(next)) !== JSON.stringify(learningStateJson(saved)))
        await save(next);
      return { deployment: d, before, after: next.phase, decisions, notes, error: null };
    } catch (error) {
      const e = toKeelError(error);
      this.deps.log.warn({ err: e, deployment: d }, 'learning tick failed; the next tick retries');
      return {
        deployment: d,
        before,
        after: saved.phase,
        decisions,
        notes,
        error: `${e.code}: ${e.message}`,
      };
    }
  }

  private step(ctx: TickContext): Promise<LearningState> {
    switch (ctx.state.phase) {
      case 'idle':
        return runIdle(ctx);
      case 'training':
        return runTrainingRecovery(ctx);
      case 'shadow':
        return runShadow(ctx);
      case 'canary':
        return runCanary(ctx);
    }
  }

  private async modelOf(deployment: string): Promise<string> {
    const d = await this.deps.metadata.deployments.get(deployment);
    return parseModelReference(championVariant(d.spec).ref).model;
  }
}
