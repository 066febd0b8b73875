// Loads the synthetic fraud CSV (bench/lib/peers.ts fraudCsv) into Frames with train_peers.py's split:
// rows sorted by event_timestamp (stable), first 80% train, last 20% test; 7 numeric features +
// merchant_category + country; target is_fraud. A minimal reader: the file is machine-written, with
// no quotes and empty fields for missing values.
import { readFileSync } from 'node:fs';
import { categoricalColumn, Frame, numberColumn } from '../../src/core/index.js';

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
export function loadFraudSplit(file: string): { train: Frame; test: Frame } {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n').filter((l) => l.length > 0);
  const header = lines[0]!.split(',');
  const rows = lines.slice(1).map((l) => l.split(','));
  const col = (name: string): number => {
    const j = header.indexOf(name);
    if (j < 0) throw new Error(`${file}: no column ${name}`);
    return j;
  };
  const ts = col('event_timestamp');
  const order = rows.map((_, i) => i).sort((a, b) => (rows[a]![ts]! < rows[b]![ts]! ? -1 : rows[a]![ts]! > rows[b]![ts]! ? 1 : a - b));
  const sorted = order.map((i) => rows[i]!);
  const num = (name: string) => {
    const j = col(name);
    return numberColumn(
      name,
      sorted.map((r) => (r[j] === '' || r[j] === undefined ? null : Number(r[j]))),
    );
  };
  const cat = (name: string) => {
    const j = col(name);
    return categoricalColumn(
      name,
      sorted.map((r) => (r[j] === '' ? null : r[j])),
    );
  };
  const frame = Frame.fromColumns([
    ...FRAUD_NUMERIC.map(num),
    ...FRAUD_CATEGORICAL.map(cat),
    numberColumn('is_fraud', sorted.map((r) => Number(r[col('is_fraud')]))),
  ]);
  const cut = Math.floor(frame.rowCount * 0.8);
  return { train: frame.slice(0, cut), test: frame.slice(cut) };
}
