import type { Clock, Logger } from '../core/index.js';
import type { StoreUrl } from './store-url.js';

/** What a driver's `open` receives besides the URL. */
export interface OpenStoreOptions {
  /** Project root; relative paths were already resolved against it. */
  readonly root: string;
  readonly log: Logger;
  readonly clock: Clock;
}

/**
 * A backend for one store kind, chosen by URL scheme.
 *
 * The spec itself is cheap to import: `open` loads the backend's module (and its client
 * library: `pg`, `ioredis`, `bullmq`, `nats`) with `await import()` only when the scheme is used.
 */
export interface DriverSpec<TStore> {
  /** Backend name shown to users (`sqlite`, `postgres`...). */
  readonly backend: string;
  /** URL schemes this driver answers, without the colon. */
  readonly schemes: readonly string[];
  /** One line shown when listing known schemes, with an example URL. */
  readonly example: string;
  /** What the backend supports, as data (the conformance suite reads it). */
  readonly capabilities: Readonly<Record<string, boolean | number | string>>;
  /** Opens a store; may fail with `KEEL_STORE_BAD_URL` or `KEEL_STORE_UNAVAILABLE`. */
  open(url: StoreUrl, options: OpenStoreOptions): Promise<TStore>;
}
