import pc from 'picocolors';
import type { CliIo } from '../cli-io.js';

/** The demo's voice: numbered steps with a line on what happens and why, then their results. */
export class Narrator {
  private readonly started = performance.now();
  private stepStarted = performance.now();

  constructor(
    readonly io: CliIo,
    private readonly steps: number,
  ) {}

  /** Opens step `n`: its title and one line on what happens and why. */
  step(n: number, title: string, why: string): void {
    this.stepStarted = performance.now();
    this.io.stdout.write(`\n${pc.bold(pc.cyan(`[${n}/${this.steps}] ${title}`))}\n${pc.dim(why)}\n\n`);
  }

  /** A line of the current step. */
  say(text: string): void {
    this.io.stdout.write(`${text}\n`);
  }

  /** Lines indented under the current one. */
  detail(lines: readonly string[]): void {
    for (const l of lines) this.io.stdout.write(`    ${pc.dim(l)}\n`);
  }

  /** Closes the step with its duration. */
  done(summary: string): void {
    const s = (performance.now() - this.stepStarted) / 1000;
    this.io.stdout.write(`${pc.green('✓')} ${summary} ${pc.dim(`(${s.toFixed(1)} s)`)}\n`);
  }

  /** Seconds since the demo started. */
  elapsed(): number {
    return (performance.now() - this.started) / 1000;
  }
}

/** `12,345`. */
export function count(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** A UTC time of day, `14:30`. */
export function clockTime(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16);
}
