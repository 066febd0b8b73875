import { join } from 'node:path';
import { type Frame, numberColumn, type Scalar, textColumn, valueAt } from '../../core/index.js';
import { generateCardTransactions, writeFrame } from '../../data/index.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** What a request carries: the entity keys (the server joins their features) and the request features. */
export const REQUEST_FIELDS = [
  'user_id',
  'merchant_id',
  'amount',
  'merchant_category',
  'country',
  'device_type',
  'device_trust',
  'distance_from_home',
  'hour',
  'tx_count_24h',
] as const;

/** Sizes of the simulated world. */
export interface WorldSize {
  /** Labelled history the champion is trained on (four weeks before the simulated day). */
  readonly historyRows: number;
  /** Requests of the warm-up load test (undrifted). */
  readonly loadRows: number;
  /** Drifted requests per simulated day. */
  readonly trafficPerDay: number;
  /** Simulated days of drifted traffic at most. */
  readonly days: number;
}

/**
 * The demo's world, from the project's synthetic generator: four weeks of labelled history with
 * the daily user and merchant statistics the feature store serves, then live traffic whose
 * distribution has shifted (bigger amounts, more night-time, foreign and risky-category traffic).
 * Request ids are unique across all of it: `w…` for the load test, `x…` for the drifted stream.
 */
export class DemoWorld {
  readonly history: Frame;
  readonly userStats: Frame;
  readonly merchantStats: Frame;
  readonly load: Frame;
  readonly traffic: Frame;

  /** `t0`: the start of the simulated traffic (00:00 UTC); history covers the 28 days before it. */
  constructor(
    readonly t0: number,
    readonly size: WorldSize,
    seed: number,
  ) {
    const base = generateCardTransactions({ rows: size.historyRows, seed, startMs: t0 - 28 * DAY, days: 28 });
    this.history = base.transactions;
    this.userStats = base.userStats;
    this.merchantStats = base.merchantStats;
    // Live traffic comes from the same customers and merchants the feature store knows.
    const known = (frame: Frame, key: string): string[] => [...new Set(textValues(frame, key))].sort();
    const users = known(this.userStats, 'user_id');
    const merchants = known(this.merchantStats, 'merchant_id');
    const live = (frame: Frame, prefix: string): Frame =>
      remapped(remapped(renamed(frame, prefix), 'user_id', users), 'merchant_id', merchants);
    const load = generateCardTransactions({ rows: size.loadRows, seed: seed + 1, startMs: t0, days: 1 });
    this.load = stamped(live(load.transactions, 'w'), t0, t0 + 1);
    const n = size.trafficPerDay * size.days;
    const drifted = generateCardTransactions({
      rows: n,
      seed: seed + 2,
      drift: 1,
      concept: 1,
      startMs: t0,
      days: size.days,
    });
    this.traffic = stamped(live(drifted.transactions, 'x'), t0, t0 + size.days * DAY);
  }

  /** Writes the history and the statistics where the example project's definitions expect them. */
  async writeFiles(root: string): Promise<void> {
    await writeFrame(this.history, join(root, 'data', 'transactions.parquet'));
    await writeFrame(this.history, join(root, 'data', 'labelled.parquet'));
    await writeFrame(this.userStats, join(root, 'data', 'user_stats.parquet'));
    await writeFrame(this.merchantStats, join(root, 'data', 'merchant_stats.parquet'));
  }

  /** Rows of the drifted stream stamped before `t` (it is in time order). */
  trafficUntil(t: number): number {
    const span = this.size.days * DAY;
    return Math.max(
      0,
      Math.min(this.traffic.rowCount, Math.ceil(((t - this.t0) * this.traffic.rowCount) / span)),
    );
  }
}

/** One request body row per frame row in [from, to). */
export function requestRecords(frame: Frame, from: number, to: number): Record<string, Scalar>[] {
  const columns = REQUEST_FIELDS.map((name) => frame.column(name));
  const out: Record<string, Scalar>[] = [];
  for (let i = from; i < to; i++) {
    const r: Record<string, Scalar> = {};
    for (let c = 0; c < columns.length; c++) r[REQUEST_FIELDS[c]!] = valueAt(columns[c]!, i);
    out.push(r);
  }
  return out;
}

/** Request ids (the transaction ids) of rows [from, to). */
export function requestIds(frame: Frame, from: number, to: number): string[] {
  const ids = frame.column('transaction_id');
  return Array.from({ length: to - from }, (_, k) => String(valueAt(ids, from + k)));
}

/** Gives transaction ids a new first letter, so two generated streams never share an id. */
function renamed(frame: Frame, prefix: string): Frame {
  const ids = frame.column('transaction_id');
  const values = Array.from(
    { length: frame.rowCount },
    (_, i) => `${prefix}${String(valueAt(ids, i)).slice(1)}`,
  );
  return frame.withColumn(textColumn('transaction_id', values));
}

function textValues(frame: Frame, name: string): string[] {
  const column = frame.column(name);
  return Array.from({ length: frame.rowCount }, (_, i) => String(valueAt(column, i)));
}

/** Maps each id onto one of `known` (by its number), so every entity of the stream exists. */
function remapped(frame: Frame, name: string, known: readonly string[]): Frame {
  if (known.length === 0) return frame;
  const values = textValues(frame, name).map((id) => known[Number(id.replace(/\D/g, '')) % known.length]!);
  return frame.withColumn(textColumn(name, values));
}

/** Spreads the rows evenly over [from, to) in their order: traffic arriving at a steady rate. */
function stamped(frame: Frame, from: number, to: number): Frame {
  const n = frame.rowCount;
  const stamps = Float64Array.from({ length: n }, (_, i) => from + Math.floor((i * (to - from)) / n));
  return frame.withColumn(numberColumn('event_timestamp', stamps, 'timestamp'));
}
