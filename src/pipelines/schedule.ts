import { Cron } from 'croner';
import { KeelError } from '../core/index.js';
import type { JsonValue } from '../storage/index.js';

/** A cron schedule of a pipeline. */
export interface ScheduleSpec {
  /** Unique among the pipeline's schedules (default `schedule-<n>`); part of the state key. */
  readonly name?: string;
  /** A 5-field cron expression (`0 3 * * *`), or 6 fields with seconds first. */
  readonly cron: string;
  /** IANA time zone the expression is read in (default `UTC`). */
  readonly timezone?: string;
  /** Parameter overrides for the runs it starts (`step.key` or `key` → value). */
  readonly params?: Readonly<Record<string, JsonValue>>;
  /**
   * After downtime: false (default) starts one run for the latest missed time only; true starts
   * one run per missed time (at most 100 per tick). Times before the scheduler first saw the
   * schedule never run.
   */
  readonly catchup?: boolean;
}

/** A schedule with every field set and its expression parsed. */
export interface Schedule {
  readonly name: string;
  readonly cron: string;
  readonly timezone: string;
  readonly params: Readonly<Record<string, JsonValue>>;
  readonly catchup: boolean;
  /** The first fire time strictly after `afterMs`, in epoch ms, or null when there is none. */
  next(afterMs: number): number | null;
}

/** Checks schedules (`KEEL_PIPELINE_BAD_SCHEDULE` naming the expression) and fills their defaults. */
export function resolveSchedules(specs: readonly ScheduleSpec[] | undefined, pipeline: string): Schedule[] {
  const seen = new Set<string>();
  return (specs ?? []).map((spec, i) => {
    const name = spec.name ?? `schedule-${i + 1}`;
    const where = `Pipeline "${pipeline}" schedule "${name}"`;
    if (!/^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(name) || seen.has(name)) {
      throw new KeelError(
        'KEEL_PIPELINE_INVALID',
        `${where}: schedule names must be unique and start with a letter, then letters, digits, _ or -.`,
        { details: { pipeline, schedule: name } },
      );
    }
    seen.add(name);
    const timezone = spec.timezone ?? 'UTC';
    let cron: Cron;
    try {
      if (typeof spec.cron !== 'string') throw new Error('cron must be a string');
      cron = new Cron(spec.cron, { paused: true, timezone });
      cron.nextRun(new Date(0));
    } catch (error) {
      throw new KeelError(
        'KEEL_PIPELINE_BAD_SCHEDULE',
        `${where}: "${String(spec.cron)}" (time zone ${timezone}) is not a valid cron schedule: ${(error as Error).message}. Use 5 fields, e.g. '0 3 * * *' for 03:00 every day.`,
        { cause: error, details: { pipeline, schedule: name, cron: spec.cron, timezone } },
      );
    }
    return {
      name,
      cron: spec.cron,
      timezone,
      params: spec.params ?? {},
      catchup: spec.catchup === true,
      next: (afterMs: number) => cron.nextRun(new Date(afterMs))?.getTime() ?? null,
    };
  });
}

/**
 * The fire times due at `nowMs` for a schedule last fired at `lastMs` (or first seen then): every
 * time in (lastMs, nowMs] with `catchup`, else only the latest one. At most `limit` (oldest first).
 */
export function dueTimes(schedule: Schedule, lastMs: number, nowMs: number, limit = 100): number[] {
  const due: number[] = [];
  let t = schedule.next(lastMs);
  let scanned = 0;
  while (t !== null && t <= nowMs) {
    due.push(t);
    if (due.length > limit) due.shift();
    if (++scanned > 100_000) break;
    t = schedule.next(t);
  }
  return schedule.catchup ? due.slice(0, limit) : due.slice(-1);
}
