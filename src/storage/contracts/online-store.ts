/**
 * The online store: the latest feature values of each entity, per feature view, read at serving time.
 *
 * Rows live in views (one per feature view, named like Keel names: a letter then letters, digits,
 * `_ . -`), keyed by an entity key string the caller serialises from the view's join keys (the
 * store never parses it). Each entity of a view holds one record: its feature values plus the
 * `event_timestamp` and optional `created_timestamp` of the event they came from.
 *
 * **The one write-conflict rule, identical on every backend**: a written row replaces the stored
 * record only when its `(eventTimestampMs, createdTimestampMs)` is greater than or equal to the
 * stored pair, compared event first; a missing created timestamp ranks below every number. So the
 * newest event wins whatever the arrival order, ties on the event are broken by the created
 * timestamp, and only an exact tie on both depends on arrival (the later write wins, so re-writing
 * the same row is a no-op in effect). Every method is batch-first; one entity is a one-row batch.
 */

/** A stored feature value: a number (timestamps as epoch ms UTC), a string, a boolean, or null. */
export type OnlineValue = number | string | boolean | null;

/** What an online backend can do, as data (the conformance suite reads it). */
export interface OnlineCapabilities {
  /** Every process opening the same URL sees the same values (Redis, a SQLite file); false in-memory. */
  readonly shared: boolean;
  /** A whole `writeBatch` call commits or fails as one (SQLite: one transaction); false when chunks commit separately. */
  readonly atomicBatch: boolean;
}

/** One row to write. */
export interface OnlineWriteRow {
  /** The entity key (1..1024 characters), serialised by the caller from the view's join keys. */
  readonly entityKey: string;
  /** Feature name → value: the entity's whole record in the view (features left out read back as absent). */
  readonly values: Readonly<Record<string, OnlineValue>>;
  /** When the event happened, epoch ms UTC (a finite number). */
  readonly eventTimestampMs: number;
  /** When the row was created (the tie-breaker), epoch ms UTC; null or absent ranks below any number. */
  readonly createdTimestampMs?: number | null;
}

/** What a `writeBatch` call did. */
export interface OnlineWriteResult {
  /** Rows that replaced (or created) a record. */
  readonly written: number;
  /** Rows left out because the stored record was newer (the conflict rule). */
  readonly skipped: number;
}

/** One stored record, as read back. */
export interface OnlineRecord {
  /**
   * The requested features' values, in the order asked: `null` for a stored null, `undefined` for a
   * feature the record does not hold (written before the feature existed).
   */
  readonly values: readonly (OnlineValue | undefined)[];
  readonly eventTimestampMs: number;
  readonly createdTimestampMs: number | null;
}

/** Latest feature values by entity key, per view (see the module doc for the conflict rule). */
export interface OnlineStore {
  /** Backend name (`sqlite`, `redis`). */
  readonly backend: string;
  readonly capabilities: OnlineCapabilities;
  /**
   * Writes rows into `view` under the conflict rule, row by row in order (so within one batch the
   * newest row of an entity wins too). Idempotent: writing the same rows again changes nothing.
   * Fails with `KEEL_INVALID_ARGUMENT` on a bad view name, key, timestamp or value, before writing.
   */
  writeBatch(view: string, rows: readonly OnlineWriteRow[]): Promise<OnlineWriteResult>;
  /**
   * The records of `entityKeys` in `view`, in the order of `entityKeys` (duplicates answered each
   * time), each holding `features` in the order asked; `null` for an entity the view does not hold.
   * No time check happens here: TTL is the caller's (the records carry their timestamps).
   */
  readLatest(
    view: string,
    entityKeys: readonly string[],
    features: readonly string[],
  ): Promise<(OnlineRecord | null)[]>;
  /** Removes entities from `view`; returns how many existed. Absent keys are ignored (idempotent). */
  deleteEntities(view: string, entityKeys: readonly string[]): Promise<number>;
  /** Removes every record of `view`; returns how many were removed. Other views are untouched. */
  clearView(view: string): Promise<number>;
  /**
   * The largest event timestamp written to `view` since it was last cleared (epoch ms), or null
   * when nothing was: the view's freshness. A running maximum: deleting entities does not lower it.
   */
  newestEventTimestamp(view: string): Promise<number | null>;
  /** Releases connections; the store is unusable afterwards. */
  close(): Promise<void>;
}
