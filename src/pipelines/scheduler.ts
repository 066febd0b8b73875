import { type Clock, type Logger, toKeelError } from '../core/index.js';
import type { JsonValue, MetadataStore } from '../storage/index.js';
import type { PipelineRunResult } from './internal/run-loop.js';
import { resolveRunParams } from './params.js';
import type { Pipeline } from './pipeline.js';
import type { Pipelines, StartedRun } from './pipelines-service.js';
import { dueTimes, type Schedule } from './schedule.js';
import { evaluateTrigger, type Trigger, type TriggerSources } from './triggers.js';

/** What a scheduler works on. */
export interface SchedulerOptions {
  /** Starts the runs (its runner decides where steps execute). */
  readonly pipelines: Pipelines;
  readonly metadata: MetadataStore;
  readonly clock: Clock;
  readonly log: Logger;
  /** Project root (file triggers resolve against it). */
  readonly root: string;
  /** The pipelines whose schedules and triggers it evaluates. */
  readonly definitions: readonly Pipeline[];
  /** Time between two evaluations, on the clock (default 5000 ms). */
  readonly tickMs?: number;
  /** How `rows` triggers count rows (default: read the source with the data module). */
  readonly sources?: Partial<TriggerSources>;
}

/** A run a tick started. */
export interface ScheduledRun {
  readonly pipeline: string;
  readonly runId: string;
  readonly trigger: string;
}

/**
 * Starts pipeline runs when their cron schedules come due or their triggers fire, evaluated on the
 * injected clock. Any number of schedulers may run against one metadata store: a due run is
 * claimed by a compare-and-set on the schedule's (or trigger's) state row in the same transaction
 * that creates the run, so exactly one scheduler starts it and a crash in between loses nothing.
 * A schedule or trigger first seen records a baseline and never fires for the past or for data
 * that was already there. Runs started by a scheduler are cancelled when it stops.
 */
export class Scheduler {
  private readonly inFlight = new Set<Promise<PipelineRunResult>>();
  private readonly stop = new AbortController();
  private readonly sources: TriggerSources;

  constructor(private readonly opts: SchedulerOptions) {
    for (const p of opts.definitions) {
      for (const s of p.schedules) resolveRunParams(p, s.params);
      for (const t of p.triggers) resolveRunParams(p, t.params);
    }
    this.sources = { countRows: opts.sources?.countRows ?? defaultCountRows(opts.root) };
  }

  /** Evaluates every schedule and trigger once and starts what is due; returns the runs started. */
  async tick(): Promise<ScheduledRun[]> {
    const started: ScheduledRun[] = [];
    for (const p of this.opts.definitions) {
      for (const s of p.schedules)
        await this.guard(p, `schedule ${s.name}`, () => this.tickSchedule(p, s, started));
      for (const t of p.triggers)
        await this.guard(p, `trigger ${t.name}`, () => this.tickTrigger(p, t, started));
    }
    return started;
  }

  /** Ticks every `tickMs` until `signal` aborts, then cancels the runs it started and waits for them. */
  async run(signal: AbortSignal): Promise<void> {
    const tickMs = this.opts.tickMs ?? 5000;
    signal.addEventListener('abort', () => this.stop.abort(signal.reason), { once: true });
    while (!signal.aborted) {
      await this.tick();
      await this.opts.clock.sleep(tickMs, signal).catch(() => undefined);
    }
    await this.idle();
  }

  /** Resolves once every run this scheduler started has finished. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async tickSchedule(p: Pipeline, s: Schedule, started: ScheduledRun[]): Promise<void> {
    const repo = this.opts.metadata.pipelines;
    const key = `schedule:${p.name}:${s.name}`;
    const now = this.opts.clock.now();
    const stored = await repo.getState(key);
    const state = stored?.state as { last?: number; cron?: string; timezone?: string } | undefined;
    if (!stored || state?.cron !== s.cron || state?.timezone !== s.timezone) {
      // First seen, or its expression changed: start counting from now.
      await repo.compareAndSetState(
        key,
        stored?.version ?? 0,
        { last: now, cron: s.cron, timezone: s.timezone },
        now,
      );
      return;
    }
    let version = stored.version;
    for (const t of dueTimes(s, Number(state.last), now)) {
      if (await this.atCapacity(p)) return;
      const next: JsonValue = { last: t, cron: s.cron, timezone: s.timezone };
      const claim = version;
      const trigger = `schedule:${s.name}@${new Date(t).toISOString()}`;
      const run = await this.opts.pipelines.start(p, {
        params: s.params,
        trigger,
        signal: this.stop.signal,
        claim: (tx) => tx.pipelines.compareAndSetState(key, claim, next, now),
      });
      if (!run) return;
      version++;
      this.track(p, run, trigger, started);
    }
  }

  private async tickTrigger(p: Pipeline, t: Trigger, started: ScheduledRun[]): Promise<void> {
    const repo = this.opts.metadata.pipelines;
    const key = `trigger:${p.name}:${t.name}`;
    const now = this.opts.clock.now();
    const stored = await repo.getState(key);
    const decision = await evaluateTrigger(t, stored?.state ?? null, {
      root: this.opts.root,
      events: repo,
      sources: this.sources,
    });
    const version = stored?.version ?? 0;
    if (!decision.fire) {
      if (JSON.stringify(decision.state) !== JSON.stringify(stored?.state ?? null)) {
        await repo.compareAndSetState(key, version, decision.state, now);
      }
      return;
    }
    // At capacity the state is not advanced, so the trigger fires on a later tick.
    if (await this.atCapacity(p)) return;
    const trigger = `trigger:${t.name} (${decision.fire})`;
    const run = await this.opts.pipelines.start(p, {
      params: t.params,
      trigger,
      signal: this.stop.signal,
      claim: (tx) => tx.pipelines.compareAndSetState(key, version, decision.state, now),
    });
    if (run) this.track(p, run, trigger, started);
  }

  private async atCapacity(p: Pipeline): Promise<boolean> {
    if (p.maxActiveRuns === null) return false;
    const active = await this.opts.metadata.pipelines.listRuns({
      pipeline: p.name,
      status: 'RUNNING',
      limit: p.maxActiveRuns,
    });
    return active.length >= p.maxActiveRuns;
  }

  private track(p: Pipeline, run: StartedRun, trigger: string, started: ScheduledRun[]): void {
    started.push({ pipeline: p.name, runId: run.run.id, trigger });
    this.opts.log.info({ pipeline: p.name, run: run.run.id, trigger }, 'scheduled run started');
    const done = run.done.catch((error) => {
      this.opts.log.error({ pipeline: p.name, run: run.run.id, err: error }, 'scheduled run crashed');
      throw error;
    });
    this.inFlight.add(done);
    done.then(
      () => this.inFlight.delete(done),
      () => this.inFlight.delete(done),
    );
  }

  private async guard(p: Pipeline, what: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (error) {
      const e = toKeelError(error);
      this.opts.log.warn({ pipeline: p.name, code: e.code, err: e.message }, `could not evaluate ${what}`);
    }
  }
}

/** Counts rows by reading the source with the data module (paths relative to `root`). */
function defaultCountRows(root: string): (source: string) => Promise<number> {
  return async (source) => {
    const { readFrame } = await import('../data/index.js');
    return (await readFrame(source, { cwd: root })).rowCount;
  };
}
