// Loads the synthetic fraud CSV (bench/lib/peers.ts fraudCsv) into Frames with train_peers.py's split:
// rows sorted by event_timestamp (stable), first 80% train, last 20% test; 7 numeric features +
// merchant_category + country; target is_fraud. Read with src/data's readFrame (DuckDB).
import type { Frame } from '../../src/core/index.js';
import { readFrame } from '../../src/data/index.js';

/** The numeric feature columns of train_peers.py. */
export const FRAUD_NUMERIC = [
  'amount',
  'hour',
  'account_age_days',
  'num_tx_24h',
  'avg_amount_30d',
  'distance_from_home',
  'device_trust',
] as const;
/** The categorical feature columns of train_peers.py. */
export const FRAUD_CATEGORICAL = ['merchant_category', 'country'] as const;

/** The fraud CSV split in time as train_peers.py does, with the features and the `is_fraud` target only. */
export async function loadFraudSplit(file: string): Promise<{ train: Frame; test: Frame }> {
  const frame = await readFrame(file, {
    columns: ['event_timestamp', ...FRAUD_NUMERIC, ...FRAUD_CATEGORICAL, 'is_fraud'],
    types: {
      event_timestamp: 'timestamp',
      ...Object.fromEntries(FRAUD_NUMERIC.map((c) => [c, 'numeric'])),
      merchant_category: 'categorical',
      country: 'categorical',
      is_fraud: 'integer',
    },
  });
  const ts = frame.numberColumn('event_timestamp').values;
  const order = Array.from({ length: frame.rowCount }, (_, i) => i).sort((a, b) => ts[a]! - ts[b]! || a - b);
  const sorted = frame.take(order).drop(['event_timestamp']);
  const cut = Math.floor(sorted.rowCount * 0.8);
  return { train: sorted.slice(0, cut), test: sorted.slice(cut) };
}
