import type { Clock } from './clock.js';
import type { KeelConfig } from './config-schema.js';
import type { Logger } from './logger.js';

/**
 * What every Keel component receives instead of reaching for globals: the resolved
 * configuration, the project root that relative paths resolve against, a logger and a clock.
 */
export interface KeelContext {
  readonly config: KeelConfig;
  /** Absolute project root. */
  readonly root: string;
  readonly log: Logger;
  readonly clock: Clock;
}
