import { Keel } from '../sdk/index.js';
import type { CliIo } from './cli-io.js';

/** Options every command accepts. */
export interface GlobalOptions {
  /** Project root (default: current directory). */
  readonly project?: string;
  /** Explicit config file. */
  readonly config?: string;
}

/**
 * What a command handler gets: the process surface and the project, opened on first use
 * (so `keel --help` and `keel data inspect` never touch a database).
 */
export class CliContext {
  readonly io: CliIo;
  /** The exit code the finished command asked for. */
  exitCode = 0;
  private keelPromise: Promise<Keel> | null = null;
  private globals: GlobalOptions = {};

  constructor(io: CliIo) {
    this.io = io;
  }

  /** Records the global options parsed by the program. */
  setGlobals(globals: GlobalOptions): void {
    this.globals = globals;
  }

  /** The opened project. */
  keel(): Promise<Keel> {
    this.keelPromise ??= Keel.open({
      root: this.globals.project ?? this.io.cwd,
      ...(this.globals.config === undefined ? {} : { configFile: this.globals.config }),
      env: this.io.env,
    });
    return this.keelPromise;
  }

  /** Closes the project if it was opened. */
  async close(): Promise<void> {
    if (this.keelPromise) await (await this.keelPromise.catch(() => null))?.close();
    this.keelPromise = null;
  }
}
