import { categoricalColumn, Frame, KeelError, numberColumn, textColumn } from '../../core/index.js';
import { cumulative, SeededRandom } from './seeded-random.js';

/** Options for `generateCardTransactions`. */
export interface CardTransactionsOptions {
  /** Transactions to generate (bursts included). */
  readonly rows: number;
  /** Seed: the same options give the same data. Default 42. */
  readonly seed?: number;
  /** First instant of the window, epoch ms UTC. Default 2024-01-01T00:00:00Z. */
  readonly startMs?: number;
  /** Length of the window in days. Default 56 (eight weeks). */
  readonly days?: number;
  /**
   * Distribution shift of strength 0..1 (0 = none): bigger amounts, lower and more often missing
   * device trust, more night-time and foreign traffic, more risky categories, more compromise
   * bursts. What fraud is does not change with it (see `concept`).
   */
  readonly drift?: number;
  /**
   * Concept drift of strength 0..1 (0 = none): fraudsters move to account takeover — mobile-app
   * payments at gaming, digital-goods and money-transfer merchants become likely fraud, a pattern
   * a model trained before it never saw. Unlike `drift`, this changes what fraud is.
   */
  readonly concept?: number;
}

/** The generated tables: the transaction stream and the daily entity snapshots a feature store serves. */
export interface CardTransactionsData {
  /**
   * One row per transaction in time order: transaction_id, event_timestamp, user_id, merchant_id,
   * amount, merchant_category, country, device_type, device_trust (2% missing), distance_from_home,
   * hour, tx_count_24h (the user's earlier transactions in the last 24 h), is_fraud (0/1).
   */
  readonly transactions: Frame;
  /** Per user and day (at 00:00 UTC, from earlier days only): account_age_days, tx_count_7d, avg_amount_30d. */
  readonly userStats: Frame;
  /** Per merchant and day: tx_count_30d, fraud_rate_30d (labels of the 30 days before). */
  readonly merchantStats: Frame;
}

const CATEGORIES = [
  'grocery',
  'restaurants',
  'fuel',
  'travel',
  'electronics',
  'digital_goods',
  'gaming',
  'fashion',
  'pharmacy',
  'utilities',
  'entertainment',
  'home',
  'jewelry',
  'money_transfer',
] as const;
const CATEGORY_WEIGHT = [22, 16, 10, 4, 5, 6, 4, 8, 6, 5, 5, 5, 1.5, 2.5];
const CATEGORY_MEDIAN = [45, 28, 40, 310, 180, 15, 20, 70, 22, 90, 35, 85, 260, 150];
const RISKY = new Set(['electronics', 'digital_goods', 'gaming', 'jewelry', 'money_transfer']);
const HOME_COUNTRIES = ['US', 'GB', 'DE', 'FR', 'CA', 'ES', 'IT', 'NL', 'BR', 'MX', 'IN'] as const;
const HOME_WEIGHT = [55, 10, 8, 7, 6, 4, 4, 3, 1, 1, 1];
const FOREIGN = ['US', 'GB', 'DE', 'FR', 'ES', 'IT', 'BR', 'MX', 'IN', 'NG', 'RU', 'TR', 'VN', 'CN'] as const;
const FOREIGN_RISK = new Set(['NG', 'RU', 'TR', 'VN']);
const DEVICES = ['pos_chip', 'contactless', 'mobile_app', 'web', 'pos_swipe'] as const;
const DEVICE_WEIGHT = [30, 25, 22, 18, 5];
const MOBILE_APP = DEVICES.indexOf('mobile_app');
/** Where account takeover strikes under concept drift. */
const TAKEOVER = new Set(['gaming', 'digital_goods', 'money_transfer']);
const DAY_MS = 86_400_000;
const HOUR_WEIGHT = [
  1, 0.6, 0.4, 0.3, 0.3, 0.5, 1.2, 2.5, 4, 5, 5.5, 6, 7, 6.5, 6, 5.5, 5.5, 6, 6.5, 6, 5, 4, 3, 2,
];

interface User {
  readonly id: string;
  readonly home: number;
  readonly signupMs: number;
  readonly spend: number;
  readonly trust: number;
}

/**
 * Generates a synthetic card-transaction dataset for fraud detection: users with home countries,
 * account ages, spending levels and device habits; merchants in 14 categories (a few secretly
 * compromised); a day/night rhythm; compromise bursts (a stolen card used several times within
 * minutes: card testing with tiny amounts, then big risky purchases abroad on an untrusted device);
 * and a fraud label from a fixed nonlinear rule with noise (~3-5% positives). Pure and seeded.
 */
export function generateCardTransactions(options: CardTransactionsOptions): CardTransactionsData {
  const rows = options.rows;
  if (!Number.isInteger(rows) || rows < 100) {
    throw new KeelError('KEEL_INVALID_ARGUMENT', `rows must be a whole number >= 100, got ${rows}.`);
  }
  const drift = options.drift ?? 0;
  const days = options.days ?? 56;
  const start = options.startMs ?? Date.UTC(2024, 0, 1);
  const rng = new SeededRandom(options.seed ?? 42);
  const users = makeUsers(rng, Math.max(50, Math.round(rows / 20)), start, days);
  const merchants = makeMerchants(rng, Math.max(20, Math.round(rows / 100)), drift);
  const t = new Transactions(rows + 64);
  const hourCum = cumulative(HOUR_WEIGHT.map((w, h) => (h <= 4 || h >= 22 ? w * (1 + 1.5 * drift) : w)));
  const userCum = cumulative(users.map(() => Math.exp(rng.normal())));
  const burstRate = 0.006 * (1 + 0.6 * drift);
  while (t.length < rows) {
    const day = rng.int(days);
    const ts = start + day * DAY_MS + rng.pickCumulative(hourCum) * 3_600_000 + rng.int(3_600_000);
    let u = rng.pickCumulative(userCum);
    for (let tries = 0; users[u]!.signupMs > ts && tries < 20; tries++) u = rng.pickCumulative(userCum);
    const user = users[u]!;
    if (user.signupMs > ts) continue;
    if (rng.chance(burstRate)) addBurst(rng, t, user, u, merchants, ts, drift, rows);
    else addNormal(rng, t, user, u, merchants, ts, drift);
  }
  return finish(t, users, merchants, start, days, options.concept ?? 0);
}

function makeUsers(rng: SeededRandom, n: number, start: number, days: number): User[] {
  const homeCum = cumulative(HOME_WEIGHT);
  return Array.from({ length: n }, (_, i) => ({
    id: `u${String(i).padStart(6, '0')}`,
    home: rng.pickCumulative(homeCum),
    // 15% open their account during the window; the rest have months or years of history.
    signupMs: rng.chance(0.15)
      ? start + rng.next() * days * DAY_MS
      : start - (30 + rng.exponential(600)) * DAY_MS,
    spend: Math.exp(0.5 * rng.normal()),
    trust: Math.min(0.98, Math.max(0.2, 0.75 + 0.15 * rng.normal())),
  }));
}

interface Merchants {
  readonly ids: string[];
  readonly category: Int32Array;
  readonly hiddenRisk: Float64Array;
  readonly cum: Float64Array;
  readonly byCategory: number[][];
}

function makeMerchants(rng: SeededRandom, n: number, drift: number): Merchants {
  const catCum = cumulative(CATEGORY_WEIGHT.map((w, c) => (RISKY.has(CATEGORIES[c]!) ? w * (1 + drift) : w)));
  const category = new Int32Array(n);
  const hiddenRisk = new Float64Array(n);
  const byCategory: number[][] = CATEGORIES.map(() => []);
  for (let m = 0; m < n; m++) {
    category[m] = rng.pickCumulative(catCum);
    hiddenRisk[m] = rng.chance(0.03) ? 1.6 : 0;
    byCategory[category[m]!]!.push(m);
  }
  const cum = cumulative(Array.from({ length: n }, () => Math.exp(0.8 * rng.normal())));
  return {
    ids: Array.from({ length: n }, (_, m) => `m${String(m).padStart(5, '0')}`),
    category,
    hiddenRisk,
    cum,
    byCategory,
  };
}

/** Column buffers of the transaction stream, filled in arrival order and sorted at the end. */
class Transactions {
  length = 0;
  ts: Float64Array;
  user: Int32Array;
  merchant: Int32Array;
  amount: Float64Array;
  country: Int32Array;
  device: Int32Array;
  trust: Float64Array;
  distance: Float64Array;
  burst: Uint8Array;

  constructor(capacity: number) {
    this.ts = new Float64Array(capacity);
    this.user = new Int32Array(capacity);
    this.merchant = new Int32Array(capacity);
    this.amount = new Float64Array(capacity);
    this.country = new Int32Array(capacity);
    this.device = new Int32Array(capacity);
    this.trust = new Float64Array(capacity);
    this.distance = new Float64Array(capacity);
    this.burst = new Uint8Array(capacity);
  }

  push(row: {
    ts: number;
    user: number;
    merchant: number;
    amount: number;
    country: number;
    device: number;
    trust: number;
    distance: number;
    burst: boolean;
  }): void {
    if (this.length === this.ts.length) return;
    const i = this.length++;
    this.ts[i] = row.ts;
    this.user[i] = row.user;
    this.merchant[i] = row.merchant;
    this.amount[i] = Math.round(row.amount * 100) / 100;
    this.country[i] = row.country;
    this.device[i] = row.device;
    this.trust[i] = row.trust;
    this.distance[i] = Math.round(row.distance * 10) / 10;
    this.burst[i] = row.burst ? 1 : 0;
  }
}

const deviceCum = cumulative(DEVICE_WEIGHT);

function addNormal(
  rng: SeededRandom,
  t: Transactions,
  user: User,
  u: number,
  m: Merchants,
  ts: number,
  drift: number,
): void {
  const merchant = rng.pickCumulative(m.cum);
  const cat = m.category[merchant]!;
  const foreign = rng.chance(0.05 * (1 + drift));
  const country = foreign ? foreignCountry(rng, drift) : countryIndex(HOME_COUNTRIES[user.home]!);
  const trustMissing = rng.chance(0.02 * (1 + 2 * drift));
  const trust = Math.min(1, Math.max(0, user.trust - 0.15 * drift + 0.1 * rng.normal()));
  t.push({
    ts,
    user: u,
    merchant,
    amount: CATEGORY_MEDIAN[cat]! * user.spend * Math.exp(0.7 * rng.normal() + 0.3 * drift),
    country,
    device: rng.pickCumulative(deviceCum),
    trust: trustMissing ? Number.NaN : trust,
    distance: foreign ? 400 + rng.exponential(3000) : Math.exp(2 + 1.1 * rng.normal()),
    burst: false,
  });
}

function addBurst(
  rng: SeededRandom,
  t: Transactions,
  user: User,
  u: number,
  m: Merchants,
  ts: number,
  drift: number,
  rows: number,
): void {
  const size = 2 + rng.poisson(4);
  const country = rng.chance(0.7) ? foreignCountry(rng, drift + 1) : countryIndex(HOME_COUNTRIES[user.home]!);
  const riskyCats = CATEGORIES.map((c, i) => (RISKY.has(c) ? i : -1)).filter(
    (i) => i >= 0 && m.byCategory[i]!.length > 0,
  );
  let at = ts;
  for (let k = 0; k < size && t.length < rows; k++) {
    const cat = riskyCats[rng.int(riskyCats.length)] ?? 0;
    const pool = m.byCategory[cat]!;
    const merchant = pool.length > 0 ? pool[rng.int(pool.length)]! : rng.pickCumulative(m.cum);
    const testing = k < 2 && rng.chance(0.6);
    t.push({
      ts: at,
      user: u,
      merchant,
      amount: testing ? 0.5 + rng.next() * 2.5 : CATEGORY_MEDIAN[cat]! * Math.exp(1 + 0.6 * rng.normal()),
      country,
      device: rng.chance(0.7) ? 3 : rng.pickCumulative(deviceCum),
      trust: rng.chance(0.1) ? Number.NaN : Math.max(0, 0.25 * rng.next()),
      distance: 800 + rng.exponential(4000),
      burst: true,
    });
    at += 30_000 + rng.exponential(240_000);
  }
}

function countryIndex(code: string): number {
  return ALL_COUNTRIES.indexOf(code);
}

const ALL_COUNTRIES = [...new Set<string>([...HOME_COUNTRIES, ...FOREIGN])];

function foreignCountry(rng: SeededRandom, drift: number): number {
  const weights = FOREIGN.map((c) => (FOREIGN_RISK.has(c) ? 0.5 * (1 + 2 * drift) : 1));
  return countryIndex(FOREIGN[rng.pickCumulative(cumulative(weights))]!);
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function finish(
  t: Transactions,
  users: User[],
  m: Merchants,
  start: number,
  days: number,
  concept: number,
): CardTransactionsData {
  const n = t.length;
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => t.ts[a]! - t.ts[b]! || a - b);
  const velocity = userVelocity(t, order, users.length);
  const rng = new SeededRandom(0x5eed ^ n);
  const label = new Float64Array(n);
  const avg30 = userAverage30d(t, order, users.length);
  for (let r = 0; r < n; r++) {
    const i = order[r]!;
    const user = users[t.user[i]!]!;
    const cat = CATEGORIES[m.category[t.merchant[i]!]!]!;
    const trust = Number.isNaN(t.trust[i]!) ? 0.3 : t.trust[i]!;
    const hour = new Date(t.ts[i]!).getUTCHours();
    const ageDays = (t.ts[i]! - user.signupMs) / DAY_MS;
    const ratio = avg30[r]! > 0 ? t.amount[i]! / avg30[r]! : 1;
    const country = ALL_COUNTRIES[t.country[i]!]!;
    const foreign = country !== HOME_COUNTRIES[user.home];
    let f = -5.2;
    f += 2.4 * (velocity[r]! >= 3 ? 1 : 0) * (1 - trust);
    f += 2.2 * (t.amount[i]! < 3 && velocity[r]! >= 1 ? 1 : 0);
    f += 1.2 * Math.min(3, Math.max(0, Math.log(ratio))) * (RISKY.has(cat) ? 1 : 0);
    f += 1.8 * (hour <= 4 || hour >= 23 ? 1 : 0) * (ageDays < 60 ? 1 : 0);
    f += foreign ? 0.3 + (FOREIGN_RISK.has(country) ? 0.6 : 0) + (t.device[i] === 3 ? 0.6 : 0) : 0;
    f +=
      1.2 * (t.distance[i]! > 1000 && trust < 0.5 ? 1 : 0) -
      0.5 * (t.distance[i]! > 1000 && trust >= 0.8 ? 1 : 0);
    f += 1.5 * (ageDays < 30 && t.amount[i]! > 400 ? 1 : 0);
    f += m.hiddenRisk[t.merchant[i]!]! + 0.5 * t.burst[i]!;
    f += concept > 0 && t.device[i] === MOBILE_APP && TAKEOVER.has(cat) ? 3.5 * concept : 0;
    label[r] = rng.next() < sigmoid(f + 0.5 * rng.normal()) ? 1 : 0;
  }
  const transactions = buildTransactionFrame(t, order, users, m, velocity, label);
  return {
    transactions,
    userStats: dailyUserStats(t, order, users, start, days),
    merchantStats: dailyMerchantStats(t, order, label, m, start, days),
  };
}

/** The user's earlier transactions within 24 h, per sorted row. */
function userVelocity(t: Transactions, order: Int32Array, nUsers: number): Int32Array {
  const recent: number[][] = Array.from({ length: nUsers }, () => []);
  const out = new Int32Array(order.length);
  order.forEach((i, r) => {
    const q = recent[t.user[i]!]!;
    const ts = t.ts[i]!;
    while (q.length > 0 && q[0]! <= ts - DAY_MS) q.shift();
    out[r] = q.length;
    q.push(ts);
  });
  return out;
}

/** The user's mean amount over earlier transactions within 30 days (0 when none), per sorted row. */
function userAverage30d(t: Transactions, order: Int32Array, nUsers: number): Float64Array {
  const recent: { ts: number; amount: number }[][] = Array.from({ length: nUsers }, () => []);
  const sums = new Float64Array(nUsers);
  const out = new Float64Array(order.length);
  order.forEach((i, r) => {
    const u = t.user[i]!;
    const q = recent[u]!;
    const ts = t.ts[i]!;
    while (q.length > 0 && q[0]!.ts <= ts - 30 * DAY_MS) sums[u] = sums[u]! - q.shift()!.amount;
    out[r] = q.length > 0 ? sums[u]! / q.length : 0;
    q.push({ ts, amount: t.amount[i]! });
    sums[u] = sums[u]! + t.amount[i]!;
  });
  return out;
}

function buildTransactionFrame(
  t: Transactions,
  order: Int32Array,
  users: User[],
  m: Merchants,
  velocity: Int32Array,
  label: Float64Array,
): Frame {
  const pick = <T>(fn: (i: number, r: number) => T): T[] => Array.from(order, (i, r) => fn(i, r));
  const num = (values: ArrayLike<number>) => Float64Array.from(order, (i) => values[i]!);
  const ts = num(t.ts);
  return Frame.fromColumns([
    textColumn(
      'transaction_id',
      pick((_, r) => `t${String(r).padStart(8, '0')}`),
    ),
    numberColumn('event_timestamp', ts, 'timestamp'),
    textColumn(
      'user_id',
      pick((i) => users[t.user[i]!]!.id),
    ),
    textColumn(
      'merchant_id',
      pick((i) => m.ids[t.merchant[i]!]!),
    ),
    numberColumn('amount', num(t.amount)),
    categoricalColumn(
      'merchant_category',
      pick((i) => CATEGORIES[m.category[t.merchant[i]!]!]!),
      CATEGORIES,
    ),
    categoricalColumn(
      'country',
      pick((i) => ALL_COUNTRIES[t.country[i]!]!),
      ALL_COUNTRIES,
    ),
    categoricalColumn(
      'device_type',
      pick((i) => DEVICES[t.device[i]!]!),
      DEVICES,
    ),
    numberColumn('device_trust', num(t.trust)),
    numberColumn('distance_from_home', num(t.distance)),
    numberColumn(
      'hour',
      Float64Array.from(ts, (x) => new Date(x).getUTCHours()),
      'integer',
    ),
    numberColumn('tx_count_24h', Float64Array.from(velocity), 'integer'),
    numberColumn('is_fraud', label, 'integer'),
  ]);
}

function dailyUserStats(
  t: Transactions,
  order: Int32Array,
  users: User[],
  start: number,
  days: number,
): Frame {
  const ids: string[] = [];
  const stamps: number[] = [];
  const age: number[] = [];
  const count7: number[] = [];
  const avg30: number[] = [];
  const history: { ts: number; amount: number }[][] = users.map(() => []);
  let r = 0;
  for (let d = 1; d <= days; d++) {
    const dayStart = start + d * DAY_MS;
    for (; r < order.length && t.ts[order[r]!]! < dayStart; r++) {
      const i = order[r]!;
      history[t.user[i]!]!.push({ ts: t.ts[i]!, amount: t.amount[i]! });
    }
    users.forEach((user, u) => {
      const h = history[u]!;
      while (h.length > 0 && h[0]!.ts < dayStart - 30 * DAY_MS) h.shift();
      if (h.length === 0) return;
      ids.push(user.id);
      stamps.push(dayStart);
      age.push(Math.floor((dayStart - user.signupMs) / DAY_MS));
      count7.push(h.filter((x) => x.ts >= dayStart - 7 * DAY_MS).length);
      avg30.push(Math.round((h.reduce((s, x) => s + x.amount, 0) / h.length) * 100) / 100);
    });
  }
  return Frame.fromColumns([
    textColumn('user_id', ids),
    numberColumn('event_timestamp', stamps, 'timestamp'),
    numberColumn('account_age_days', age, 'integer'),
    numberColumn('tx_count_7d', count7, 'integer'),
    numberColumn('avg_amount_30d', avg30),
  ]);
}

function dailyMerchantStats(
  t: Transactions,
  order: Int32Array,
  label: Float64Array,
  m: Merchants,
  start: number,
  days: number,
): Frame {
  const ids: string[] = [];
  const stamps: number[] = [];
  const count30: number[] = [];
  const rate30: number[] = [];
  const history: { ts: number; fraud: number }[][] = m.ids.map(() => []);
  let r = 0;
  for (let d = 1; d <= days; d++) {
    const dayStart = start + d * DAY_MS;
    for (; r < order.length && t.ts[order[r]!]! < dayStart; r++) {
      history[t.merchant[order[r]!]!]!.push({ ts: t.ts[order[r]!]!, fraud: label[r]! });
    }
    m.ids.forEach((id, k) => {
      const h = history[k]!;
      while (h.length > 0 && h[0]!.ts < dayStart - 30 * DAY_MS) h.shift();
      if (h.length === 0) return;
      ids.push(id);
      stamps.push(dayStart);
      count30.push(h.length);
      // Smoothed towards the overall rate so a merchant with three transactions is not "100% fraud".
      rate30.push(
        Math.round(((h.reduce((s, x) => s + x.fraud, 0) + 0.04 * 20) / (h.length + 20)) * 1e4) / 1e4,
      );
    });
  }
  return Frame.fromColumns([
    textColumn('merchant_id', ids),
    numberColumn('event_timestamp', stamps, 'timestamp'),
    numberColumn('tx_count_30d', count30, 'integer'),
    numberColumn('fraud_rate_30d', rate30),
  ]);
}
