import cliProgress from 'cli-progress';
import type { CliIo } from './cli-io.js';

/** A progress display for long CLI work. Written to stderr so stdout stays machine-readable. */
export interface Progress {
  /** Sets the amount done and optional extra text (e.g. `val auc 0.912`). */
  update(done: number, note?: string): void;
  /** Changes the total when it becomes known. */
  setTotal(total: number): void;
  /** Ends the display, leaving the final state on screen. */
  stop(note?: string): void;
}

/** Options for `createProgress`. */
export interface ProgressOptions {
  readonly label: string;
  /** Expected total, or 0 when unknown. */
  readonly total: number;
  /** Unit shown after the counts (`rows`, `rounds`, `trials`). */
  readonly unit: string;
  /** Suppress all output (`--json`, `--quiet`). */
  readonly silent?: boolean;
}

/**
 * A bar on terminals; on pipes and CI logs, one plain line at most every 2 s and at the end,
 * so logs stay readable.
 */
export function createProgress(io: CliIo, options: ProgressOptions): Progress {
  if (options.silent) return { update: () => {}, setTotal: () => {}, stop: () => {} };
  if (io.stderr.isTTY) return ttyProgress(io, options);
  return lineProgress(io, options);
}

function ttyProgress(io: CliIo, options: ProgressOptions): Progress {
  const bar = new cliProgress.SingleBar(
    {
      stream: io.stderr as NodeJS.WritableStream,
      format: `${options.label} [{bar}] {value}/{total} ${options.unit} | {duration_formatted} | {note}`,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(Math.max(options.total, 1), 0, { note: '' });
  return {
    update: (done, note) => bar.update(done, { note: note ?? '' }),
    setTotal: (total) => bar.setTotal(Math.max(total, 1)),
    stop: (note) => {
      if (note !== undefined) bar.update({ note });
      bar.stop();
    },
  };
}

function lineProgress(io: CliIo, options: ProgressOptions): Progress {
  let total = options.total;
  let last = 0;
  let done = 0;
  let note = '';
  const started = Date.now();
  const write = (): void => {
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    const of = total > 0 ? `/${total}` : '';
    io.stderr.write(`${options.label}: ${done}${of} ${options.unit} (${secs}s)${note ? ` ${note}` : ''}\n`);
  };
  return {
    update: (d, n) => {
      done = d;
      note = n ?? note;
      if (Date.now() - last >= 2000) {
        last = Date.now();
        write();
      }
    },
    setTotal: (t) => {
      total = t;
    },
    stop: (n) => {
      if (n !== undefined) note = n;
      write();
    },
  };
}
