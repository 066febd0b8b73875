import type { TuneCounts, TuneEvent, TuneTrialSummary } from '../../pipelines/index.js';
import type { CliIo } from '../cli-io.js';
import { formatNumber } from '../output.js';

/** The live view of a running study, on stderr so stdout stays machine-readable. */
export interface TuneDisplay {
  readonly onEvent: (event: TuneEvent) => void;
  /** Draws the final state and stops redrawing. */
  stop(): void;
}

/** How the display behaves. */
export interface TuneDisplayOptions {
  /** No output at all (`--json`). */
  readonly silent: boolean;
}

const REDRAW_MS = 100;

/**
 * On a terminal, a small table redrawn in place at most 10 times a second: trials done / running /
 * pruned / failed, the best value and its params, and each running trial's round. On pipes and CI
 * logs, one line when the study starts and one per finished trial.
 */
export function createTuneDisplay(io: CliIo, options: TuneDisplayOptions): TuneDisplay {
  if (options.silent) return { onEvent: () => {}, stop: () => {} };
  const started = Date.now();
  const running = new Map<number, { round: number; value: number | undefined }>();
  let counts: TuneCounts | null = null;
  let best: TuneTrialSummary | null = null;
  let header = '';
  let trials = 0;
  let metricName = 'value';
  let phase = '';
  let drawn = 0;
  let last = 0;
  const tty = io.stderr.isTTY === true;
  const metric = (): string => metricName;

  const draw = (force = false): void => {
    if (!tty || (!force && Date.now() - last < REDRAW_MS)) return;
    last = Date.now();
    const lines = render();
    io.stderr.write(`${drawn > 0 ? `\x1b[${drawn}A` : ''}\x1b[J${lines.join('\n')}\n`);
    drawn = lines.length;
  };

  const render = (): string[] => {
    const c = counts;
    const done = c ? c.complete + c.pruned + c.failed : 0;
    const secs = Math.round((Date.now() - started) / 1000);
    const lines = [
      header,
      `trials   ${done}/${trials} done | ${running.size} running | ${c?.complete ?? 0} complete | ${c?.pruned ?? 0} pruned | ${c?.failed ?? 0} failed | ${secs}s`,
      best
        ? `best     ${metric()} ${formatNumber(best.value)} (trial ${best.number})  ${describeParams(best)}`
        : 'best     -',
    ];
    for (const [n, r] of [...running.entries()].slice(0, 8)) {
      lines.push(
        `  trial ${n}: round ${r.round}${r.value === undefined ? '' : ` ${metric()} ${formatNumber(r.value)}`}`,
      );
    }
    if (phase) lines.push(phase);
    return lines.map((l) => clip(l, io.stderr.columns));
  };

  const line = (text: string): void => {
    if (!tty) io.stderr.write(`${text}\n`);
  };

  const onEvent = (e: TuneEvent): void => {
    switch (e.kind) {
      case 'study-started':
        header = `study ${e.studyId} ${e.resumed ? 'resumed' : 'started'} (parent run ${e.parentRunId}): ${e.trials} trials, ${e.direction} ${e.metric}`;
        trials = e.trials;
        metricName = e.metric;
        line(header);
        break;
      case 'trial-started':
        counts = e.counts;
        running.set(e.trial.number, { round: 0, value: undefined });
        break;
      case 'trial-round':
        running.set(e.number, { round: e.round, value: e.value });
        break;
      case 'trial-finished':
        counts = e.counts;
        best = e.best;
        running.delete(e.trial.number);
        line(finishedLine(e.trial, e.best, metric()));
        draw(true);
        return;
      case 'final-started':
        phase = 'training the final model with the best params...';
        line(phase);
        break;
      case 'final-finished':
        phase = `final model: run ${e.runId}${e.version ? `, registered ${e.version.model}/${e.version.version}` : ''}`;
        line(phase);
        break;
    }
    draw(e.kind !== 'trial-round');
  };

  return { onEvent, stop: () => draw(true) };
}

function finishedLine(t: TuneTrialSummary, best: TuneTrialSummary | null, metric: string): string {
  const what =
    t.state === 'complete'
      ? `complete ${metric} ${formatNumber(t.value)}`
      : t.state === 'pruned'
        ? `pruned at round ${t.rounds ?? '?'}`
        : 'failed';
  const b = best ? ` | best ${formatNumber(best.value)} (trial ${best.number})` : '';
  return `trial ${t.number} ${what} ${describeParams(t)}${b}`;
}

/** `name=value` pairs of a trial's sampled params, numbers to 4 significant digits. */
export function describeParams(t: TuneTrialSummary): string {
  return Object.entries(t.params)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? formatNumber(v) : String(v)}`)
    .join(' ');
}

function clip(text: string, columns: number | undefined): string {
  return columns && text.length > columns ? `${text.slice(0, columns - 1)}…` : text;
}
