import pc from 'picocolors';
import type { PipelineRunDetails, PipelineRunEvent, PipelineRunResult } from '../../pipelines/index.js';
import type { PipelineRunRecord, StepAttemptRecord, StepRunRecord } from '../../storage/index.js';
import type { CliIo } from '../cli-io.js';
import { formatTime, printFields, printTable } from '../output.js';
import { formatDuration } from './run-views.js';

const MARK: Record<string, string> = {
  SUCCEEDED: pc.green('✓'),
  CACHED: pc.cyan('↺'),
  FAILED: pc.red('✗'),
  CANCELLED: pc.yellow('■'),
  SKIPPED: pc.dim('-'),
};

/** The stored duration of a step or run, in ms, or null while unknown. */
function took(start: number | null, end: number | null): number | null {
  return start === null || end === null ? null : end - start;
}

/** A step's one-line status, as the live display and `show` print it. */
export function stepLine(s: StepRunRecord): string {
  const mark = MARK[s.status] ?? '·';
  const name = s.step.padEnd(16);
  switch (s.status) {
    case 'CACHED':
      return `${mark} ${name} cached (from run ${s.cachedFrom})`;
    case 'SUCCEEDED':
      return `${mark} ${name} succeeded in ${formatDuration(took(s.startedAt, s.endedAt))}${s.attempts > 1 ? ` (attempt ${s.attempts})` : ''}`;
    case 'FAILED':
      return `${mark} ${name} failed after ${s.attempts} attempt(s): ${s.error?.code}: ${s.error?.message}`;
    case 'SKIPPED':
      return `${mark} ${name} skipped: ${s.error?.message ?? ''}`;
    case 'CANCELLED':
      return `${mark} ${name} cancelled`;
    default:
      return `· ${name} ${s.status.toLowerCase()}`;
  }
}

/** A listener that writes one status line per step event to stderr (stdout stays for results). */
export function liveStatus(io: CliIo): (event: PipelineRunEvent) => void {
  return (event) => {
    switch (event.type) {
      case 'run-started':
        io.stderr.write(
          `pipeline ${event.run.pipeline}: run ${event.run.id} (${event.run.runner} runner${event.run.resumedFrom ? `, resuming ${event.run.resumedFrom}` : ''})\n`,
        );
        break;
      case 'step-started':
        io.stderr.write(`${pc.blue('▸')} ${event.step.padEnd(16)} running\n`);
        break;
      case 'step-attempt':
        if (event.attempt > 1)
          io.stderr.write(`${pc.yellow('↻')} ${event.step.padEnd(16)} attempt ${event.attempt}\n`);
        break;
      case 'step-finished':
        io.stderr.write(`${stepLine(event.step)}\n`);
        break;
      case 'run-finished':
        break;
    }
  };
}

/** The closing summary of a run: one line with counts and, on failure, the error. */
export function printRunSummary(io: CliIo, result: PipelineRunResult): void {
  const counts = new Map<string, number>();
  for (const s of result.steps) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
  const parts = [...counts].map(([status, n]) => `${n} ${status.toLowerCase()}`).join(', ');
  const r = result.run;
  io.stdout.write(`run ${r.id} ${r.status} in ${formatDuration(took(r.createdAt, r.endedAt))}: ${parts}\n`);
}

/** Prints pipeline runs as a table, newest first. */
export function printRunsTable(io: CliIo, runs: readonly PipelineRunRecord[]): void {
  printTable(
    io,
    runs,
    [
      { header: 'RUN', value: (r) => r.id },
      { header: 'PIPELINE', value: (r) => r.pipeline },
      { header: 'STATUS', value: (r) => r.status },
      { header: 'TRIGGER', value: (r) => r.trigger },
      { header: 'RUNNER', value: (r) => r.runner },
      { header: 'STARTED', value: (r) => formatTime(r.createdAt) },
      { header: 'DURATION', value: (r) => formatDuration(took(r.createdAt, r.endedAt)), right: true },
    ],
    '(no pipeline runs yet: start one with keel pipeline run <file>)',
  );
}

/** Prints a run: its fields, each step's status, timing, attempts, cache and artifacts, then errors. */
export function printRunDetails(io: CliIo, d: PipelineRunDetails): void {
  const r = d.run;
  printFields(io, [
    ['run', r.id],
    ['pipeline', r.pipeline],
    ['status', r.status],
    ['trigger', r.trigger],
    ['runner', r.runner],
    ['resumed from', r.resumedFrom],
    ['source', r.source],
    ['started', formatTime(r.createdAt)],
    ['ended', formatTime(r.endedAt)],
    ['duration', formatDuration(took(r.createdAt, r.endedAt))],
    ['tracked run', r.trackingRunId],
  ]);
  io.stdout.write('\n');
  printTable(io, d.steps, [
    { header: 'STEP', value: (s) => s.step },
    { header: 'STATUS', value: (s) => s.status },
    { header: 'ATTEMPTS', value: (s) => s.attempts, right: true },
    { header: 'CACHE', value: (s) => (s.cacheHit ? `hit (${s.cachedFrom})` : s.cacheKey ? 'miss' : '-') },
    { header: 'STARTED', value: (s) => formatTime(s.startedAt ?? s.endedAt) },
    { header: 'DURATION', value: (s) => formatDuration(took(s.startedAt, s.endedAt)), right: true },
    { header: 'OUTPUT', value: (s) => (s.outputDigest ? s.outputDigest.slice(0, 12) : '-') },
    { header: 'ARTIFACTS', value: (s) => s.artifacts.map((a) => a.name).join(', ') || '-' },
  ]);
  printAttempts(io, d.attempts);
  for (const s of d.steps.filter((x) => x.status === 'FAILED')) {
    io.stdout.write(`\n${pc.red(`${s.step} failed`)}: ${s.error?.code}: ${s.error?.message}\n`);
    for (const cause of s.error?.causes ?? []) io.stdout.write(`  caused by: ${cause}\n`);
  }
}

function printAttempts(io: CliIo, attempts: readonly StepAttemptRecord[]): void {
  const byStep = new Map<string, number>();
  for (const a of attempts) byStep.set(a.step, (byStep.get(a.step) ?? 0) + 1);
  const retried = attempts.filter((a) => (byStep.get(a.step) ?? 0) > 1 || a.outcome !== 'succeeded');
  if (retried.length === 0) return;
  io.stdout.write('\n');
  printTable(io, retried, [
    { header: 'STEP', value: (a) => a.step },
    { header: 'ATTEMPT', value: (a) => a.attempt, right: true },
    { header: 'OUTCOME', value: (a) => a.outcome },
    { header: 'WORKER', value: (a) => a.worker },
    { header: 'STARTED', value: (a) => formatTime(a.startedAt) },
    { header: 'DURATION', value: (a) => formatDuration(took(a.startedAt, a.endedAt)), right: true },
    { header: 'ERROR', value: (a) => (a.error ? `${a.error.code}: ${a.error.message}`.slice(0, 80) : '-') },
  ]);
}
