// The request bodies the serving benchmarks send: one transaction of the fraud data, as the peers'
// row, as a Keel records-API request and as an OIP request, written once under bench/.data/serving.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVING_DATA } from './project.js';

const ROW = {
  amount: 402.73,
  hour: 9,
  account_age_days: 974,
  num_tx_24h: 0,
  avg_amount_30d: 92.65,
  distance_from_home: 2.9,
  device_trust: 0.801,
  merchant_category: 'grocery',
  country: 'US',
};

/** Writes the bodies; returns their files. */
export function writeBodies(): { readonly row: string; readonly predict: string; readonly infer: string } {
  const dir = join(SERVING_DATA, 'bodies');
  mkdirSync(dir, { recursive: true });
  const body = (name: string, value: unknown): string => {
    const file = join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify(value));
    return file;
  };
  return {
    row: body('row', ROW),
    predict: body('predict', { instances: [ROW] }),
    infer: body('infer', {
      inputs: Object.entries(ROW).map(([name, v]) => ({
        name,
        datatype: typeof v === 'string' ? 'BYTES' : 'FP64',
        shape: [1],
        data: [v],
      })),
    }),
  };
}
