import { type Column, categoricalColumn, Frame, numberColumn, textColumn } from '../../core/index.js';
import type { LoggedEntry } from './log-codec.js';
import { labelAndScore } from './prediction-record.js';

/** The fixed columns of the prediction-log Parquet files, in order; `input.*` and `output.*` follow. */
export const PREDICTION_LOG_COLUMNS = [
  'request_id',
  'row',
  'ts',
  'deployment',
  'model',
  'version',
  'variant',
  'prediction',
  'score',
  'latency_us',
  'cached',
  'logged_inputs',
] as const;

/** Prefix of the columns holding a request's input fields (`input.amount`). */
export const INPUT_PREFIX = 'input.';
/** Prefix of the columns holding output fields, nested objects flattened (`output.probabilities.yes`). */
export const OUTPUT_PREFIX = 'output.';

type Kind = 'number' | 'boolean' | 'string' | 'json';

interface Acc {
  kind: Kind | null;
  mixed: boolean;
  readonly rows: number[];
  readonly values: unknown[];
}

function kindOf(v: unknown): Kind {
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'string') return 'string';
  return 'json';
}

class Columns {
  readonly byName = new Map<string, Acc>();

  add(name: string, v: unknown, row: number): void {
    if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) return;
    let acc = this.byName.get(name);
    if (!acc) this.byName.set(name, (acc = { kind: null, mixed: false, rows: [], values: [] }));
    const k = kindOf(v);
    if (acc.kind === null) acc.kind = k;
    else if (acc.kind !== k) acc.mixed = true;
    acc.rows.push(row);
    acc.values.push(v);
  }

  flatten(prefix: string, o: Readonly<Record<string, unknown>>, row: number): void {
    for (const key of Object.keys(o)) {
      const v = o[key];
      if (v !== null && typeof v === 'object' && !Array.isArray(v))
        this.flatten(`${prefix}${key}.`, v as Record<string, unknown>, row);
      else this.add(prefix + key, v, row);
    }
  }

  build(name: string, acc: Acc, n: number): Column {
    const kind = acc.mixed ? 'string' : acc.kind;
    if (kind === 'number' || kind === 'boolean') {
      const values = new Float64Array(n).fill(Number.NaN);
      acc.rows.forEach((r, i) => {
        const v = acc.values[i];
        values[r] = typeof v === 'boolean' ? (v ? 1 : 0) : (v as number);
      });
      return numberColumn(name, values, kind === 'number' ? 'numeric' : 'boolean');
    }
    const values = new Array<string | null>(n).fill(null);
    acc.rows.forEach((r, i) => {
      const v = acc.values[i];
      values[r] = typeof v === 'string' ? v : kindOf(v) === 'json' ? JSON.stringify(v) : String(v);
    });
    return kind === 'json' ? textColumn(name, values) : categoricalColumn(name, values);
  }
}

/**
 * The rows of logged entries as a frame: the fixed `PREDICTION_LOG_COLUMNS` (one row per predicted
 * row), then one column per input field (`input.<name>`: numbers as numeric, booleans as boolean,
 * strings as categorical, anything else as JSON text) and per output field (`output.<path>`, nested
 * objects such as `probabilities` flattened). A field whose type varies between rows is kept as text.
 * Rows logged without inputs (tensor requests) have missing `input.*` values.
 */
export function logFrame(entries: readonly LoggedEntry[]): Frame {
  const fixed = {
    ids: [] as string[],
    row: [] as number[],
    ts: [] as number[],
    deployment: [] as (string | null)[],
  };
  const model: string[] = [];
  const version: number[] = [];
  const variant: (string | null)[] = [];
  const prediction: (string | null)[] = [];
  const score: (number | null)[] = [];
  const latency: number[] = [];
  const cached: number[] = [];
  const logged: number[] = [];
  const inputs = new Columns();
  const outputs = new Columns();
  let n = 0;
  for (const e of entries) {
    const rows = Math.max(e.rows, e.records?.length ?? 0, e.outputs?.length ?? 0, 1);
    for (let r = 0; r < rows; r++, n++) {
      const out = e.outputs?.[r];
      const ps = labelAndScore(out);
      fixed.ids.push(e.requestId);
      fixed.row.push(r);
      fixed.ts.push(e.at);
      fixed.deployment.push(e.deployment);
      model.push(e.model);
      version.push(e.version);
      variant.push(e.variant);
      prediction.push(ps.prediction);
      score.push(ps.score);
      latency.push(e.latencyUs);
      cached.push(e.cached ? 1 : 0);
      const rec = e.records?.[r];
      logged.push(rec ? 1 : 0);
      if (rec) inputs.flatten(INPUT_PREFIX, rec, n);
      if (out) outputs.flatten(OUTPUT_PREFIX, out, n);
    }
  }
  const dynamic = [...inputs.byName].map(([name, acc]) => inputs.build(name, acc, n));
  dynamic.push(...[...outputs.byName].map(([name, acc]) => outputs.build(name, acc, n)));
  return Frame.fromColumns([
    textColumn('request_id', fixed.ids),
    numberColumn('row', fixed.row, 'integer'),
    numberColumn('ts', fixed.ts, 'timestamp'),
    categoricalColumn('deployment', fixed.deployment),
    categoricalColumn('model', model),
    numberColumn('version', version, 'integer'),
    categoricalColumn('variant', variant),
    categoricalColumn('prediction', prediction),
    numberColumn('score', score),
    numberColumn('latency_us', latency),
    numberColumn('cached', cached, 'boolean'),
    numberColumn('logged_inputs', logged, 'boolean'),
    ...dynamic,
  ]);
}
