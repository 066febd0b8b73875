import { type DestinationStream, destination, type Logger as PinoLogger, pino, stdTimeFunctions } from 'pino';

/** Keel's structured logger (pino). Child loggers add bound fields: `log.child({ model })`. */
export type Logger = PinoLogger;

/** Log levels, most to least verbose, plus `silent`. */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

/** Options for `createLogger`. */
export interface LoggerOptions {
  /** Minimum level written. Default `info`. */
  readonly level?: LogLevel;
  /** Where JSON lines go. Default: standard error, so command output on stdout stays clean. */
  readonly destination?: DestinationStream;
  /** Fields bound to every line. */
  readonly base?: Record<string, unknown>;
}

/** A JSON-lines logger writing to stderr by default. */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    { level: options.level ?? 'info', base: options.base ?? null, timestamp: stdTimeFunctions.isoTime },
    options.destination ?? destination({ fd: 2, sync: false }),
  );
}

/** A logger that writes nothing (tests, library use). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
