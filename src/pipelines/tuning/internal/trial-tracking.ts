import type { Clock, Logger } from '../../../core/index.js';
import type { Trial } from '../../../learn/index.js';
import type { MetadataStore, MetricPoint } from '../../../storage/index.js';
import { type ActiveRun, MAX_TAG_VALUE, type ParamValue, type Tracking } from '../../../track/index.js';
import { TUNE_TAGS } from '../tune-tags.js';

/** Per-round points are written in batches of this many rounds (one transaction each). */
const FLUSH_ROUNDS = 50;

/** The context trial runs are created in. */
export interface TrialTrackingContext {
  readonly tracking: Tracking;
  readonly metadata: MetadataStore;
  readonly clock: Clock;
  readonly log: Logger;
  readonly experiment: string;
  readonly parentRunId: string;
  readonly studyId: string;
  readonly learner: string;
}

/**
 * One trial's child run: params at start, per-round metrics in batches, then the end state —
 * FINISHED (complete), KILLED with `keel.pruned=true` (pruned) or FAILED with the error as a tag.
 */
export class TrialRun {
  private points: MetricPoint[] = [];
  private pending: Promise<void> = Promise.resolve();

  private constructor(
    private readonly ctx: TrialTrackingContext,
    readonly run: ActiveRun,
  ) {}

  /** Starts the child run of `trial`, logging the params it trains with. */
  static async start(
    ctx: TrialTrackingContext,
    trial: Trial,
    params: Readonly<Record<string, unknown>>,
  ): Promise<TrialRun> {
    const run = await ctx.tracking.startRun({
      experiment: ctx.experiment,
      parent: ctx.parentRunId,
      name: `trial-${trial.number}`,
      tags: {
        [TUNE_TAGS.study]: ctx.studyId,
        [TUNE_TAGS.role]: 'trial',
        [TUNE_TAGS.trial]: String(trial.number),
        [TUNE_TAGS.state]: 'RUNNING',
        'keel.learner': ctx.learner,
      },
      params: paramValues(params),
    });
    return new TrialRun(ctx, run);
  }

  /** Queues a round's metrics (non-finite values are left out); written every 50 rounds and at the end. */
  addRound(round: number, metrics: Readonly<Record<string, number>>): void {
    const timestamp = this.ctx.clock.now();
    for (const [key, value] of Object.entries(metrics)) {
      if (Number.isFinite(value)) this.points.push({ key, value, step: round, timestamp });
    }
    if (round % FLUSH_ROUNDS === 0) void this.flush();
  }

  /** Writes queued points (after any write in progress). */
  flush(): Promise<void> {
    const points = this.points;
    this.points = [];
    if (points.length > 0) {
      this.pending = this.pending
        .then(() => this.ctx.metadata.tracking.logMetrics(this.run.id, points))
        .catch((error) => this.ctx.log.warn({ err: error, runId: this.run.id }, 'trial metric log failed'));
    }
    return this.pending;
  }

  /** Ends a complete trial: its validation metrics at the last round, FINISHED. */
  async complete(rounds: number, metrics: Readonly<Record<string, number>>): Promise<void> {
    await this.flush();
    const finite = Object.fromEntries(
      Object.entries(metrics)
        .filter(([, v]) => Number.isFinite(v))
        .map(([k, v]) => [`validation.${k}`, v]),
    );
    await this.run.logMetrics(finite, rounds);
    await this.run.setTags({ [TUNE_TAGS.state]: 'COMPLETE' });
    await this.run.end('FINISHED');
  }

  /** Ends a pruned trial: KILLED, tagged `keel.pruned=true` and the round it stopped at. */
  async pruned(rounds: number): Promise<void> {
    await this.flush();
    await this.run.setTags({
      [TUNE_TAGS.state]: 'PRUNED',
      [TUNE_TAGS.pruned]: 'true',
      [TUNE_TAGS.prunedAt]: String(rounds),
    });
    await this.run.end('KILLED');
  }

  /** Ends a failed (or, with `KILLED`, interrupted) trial with the reason as a tag. */
  async failed(reason: string, status: 'FAILED' | 'KILLED' = 'FAILED'): Promise<void> {
    await this.flush();
    await this.run.setTags({
      [TUNE_TAGS.state]: status === 'KILLED' ? 'INTERRUPTED' : 'FAILED',
      [TUNE_TAGS.error]: reason.slice(0, MAX_TAG_VALUE),
    });
    await this.run.end(status);
  }
}

/** Params as tracking values: numbers, strings and booleans as they are, anything else as JSON. */
export function paramValues(params: Readonly<Record<string, unknown>>): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const [k, v] of Object.entries(params)) {
    out[k] = typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' ? v : JSON.stringify(v);
  }
  return out;
}
