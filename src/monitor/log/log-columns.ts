/**
 * Decodes prediction-log messages (see `log-codec.ts`) straight into the columns of the Parquet
 * layout (the same frame `logFrame` builds from entries), without rebuilding an object per record:
 * the log sink runs in the serving process by default, so its cost per row matters as much as the
 * logger's.
 */
import { type Column, categoricalColumn, Frame, numberColumn, textColumn } from '../../core/index.js';
import { BatchCursor, type BatchSections, readBatch, TAG } from './log-codec.js';
import { INPUT_PREFIX, OUTPUT_PREFIX } from './log-frame.js';

type Kind = 'number' | 'boolean' | 'string' | 'json';

/** A Float64Array that grows by doubling; `values()` views its filled part. */
class NumberList {
  private data: Float64Array;
  n = 0;
  constructor(capacity: number) {
    this.data = new Float64Array(Math.max(16, capacity));
  }
  push(v: number): void {
    if (this.n === this.data.length) {
      const grown = new Float64Array(this.n * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.n++] = v;
  }
  values(): Float64Array {
    return this.data.subarray(0, this.n);
  }
}

/**
 * Values of one column as they are decoded: row numbers plus numbers or strings. Sized for the
 * batch's request count up front (a request is a row, usually), so a flush allocates each buffer
 * once instead of doubling it a dozen times.
 */
class Growable {
  num: Float64Array;
  rows: Int32Array;
  readonly strs: (string | null)[] = [];
  n = 0;
  kind: Kind | null = null;
  mixed = false;
  /** True while value i belongs to row i (every row so far has this column). */
  dense = true;

  constructor(capacity: number) {
    this.num = new Float64Array(Math.max(16, capacity));
    this.rows = new Int32Array(Math.max(16, capacity));
  }

  push(row: number, kind: Kind, num: number, str: string | null): void {
    if (this.kind === null) this.kind = kind;
    else if (this.kind !== kind) this.mixed = true;
    if (this.n === this.rows.length) {
      const rows = new Int32Array(this.n * 2);
      rows.set(this.rows);
      this.rows = rows;
      const nums = new Float64Array(this.n * 2);
      nums.set(this.num);
      this.num = nums;
    }
    if (str !== null) this.strs[this.n] = str;
    if (row !== this.n) this.dense = false;
    this.rows[this.n] = row;
    this.num[this.n++] = num;
  }

  /** The text of value i (numbers as written by `String`). */
  text(i: number): string {
    return this.strs[i] ?? String(this.num[i]);
  }

  column(name: string, total: number): Column {
    const kind = this.mixed ? 'string' : this.kind;
    if (kind === 'number' || kind === 'boolean') {
      const type = kind === 'number' ? 'numeric' : 'boolean';
      // A column every row has is its buffer as it stands.
      if (this.dense && this.n === total) return numberColumn(name, this.num.subarray(0, total), type);
      const values = new Float64Array(total).fill(Number.NaN);
      for (let i = 0; i < this.n; i++) values[this.rows[i]!] = this.num[i]!;
      return numberColumn(name, values, type);
    }
    const values = new Array<string | null>(total).fill(null);
    for (let i = 0; i < this.n; i++) values[this.rows[i]!] = this.text(i);
    return kind === 'json' ? textColumn(name, values) : categoricalColumn(name, values);
  }
}

/** The fixed columns, row by row. */
class FixedColumns {
  readonly ids: string[] = [];
  readonly deployment: (string | null)[] = [];
  readonly model: string[] = [];
  readonly variant: (string | null)[] = [];
  readonly row: NumberList;
  readonly ts: NumberList;
  readonly version: NumberList;
  readonly latency: NumberList;
  readonly cached: NumberList;
  readonly logged: NumberList;
  constructor(capacity: number) {
    this.row = new NumberList(capacity);
    this.ts = new NumberList(capacity);
    this.version = new NumberList(capacity);
    this.latency = new NumberList(capacity);
    this.cached = new NumberList(capacity);
    this.logged = new NumberList(capacity);
  }
}

/** Decodes batches into column accumulators. */
class ColumnDecoder {
  readonly fixed: FixedColumns;
  readonly columns = new Map<string, Growable>();
  total = 0;

  /** `expected`: rows the batches are likely to hold (their request count). */
  constructor(private readonly expected: number) {
    this.fixed = new FixedColumns(expected);
  }

  column(name: string): Growable {
    let g = this.columns.get(name);
    if (!g) this.columns.set(name, (g = new Growable(this.expected)));
    return g;
  }

  add(batch: BatchSections): void {
    new BatchReader(this, batch).read();
  }

  /** prediction = output.label; score = output.probability, else output.value, else P(label) (as `labelAndScore`). */
  predictions(): { prediction: (string | null)[]; score: Float64Array } {
    const total = this.total;
    const prediction = new Array<string | null>(total).fill(null);
    const label = this.columns.get(`${OUTPUT_PREFIX}label`);
    if (label) for (let i = 0; i < label.n; i++) prediction[label.rows[i]!] = label.text(i);
    const score = new Float64Array(total).fill(Number.NaN);
    for (const name of ['probability', 'value']) {
      const g = this.columns.get(OUTPUT_PREFIX + name);
      if (!g || g.mixed || g.kind !== 'number') continue;
      for (let i = 0; i < g.n; i++) if (Number.isNaN(score[g.rows[i]!]!)) score[g.rows[i]!] = g.num[i]!;
    }
    const byClass = new Map<string, Growable>();
    for (const [name, g] of this.columns) {
      const p = `${OUTPUT_PREFIX}probabilities.`;
      if (name.startsWith(p) && g.kind === 'number' && !g.mixed) byClass.set(name.slice(p.length), g);
    }
    if (byClass.size === 0) return { prediction, score };
    for (const g of byClass.values()) {
      for (let i = 0; i < g.n; i++) {
        const r = g.rows[i]!;
        if (Number.isNaN(score[r]!) && prediction[r] !== null && byClass.get(prediction[r]!) === g)
          score[r] = g.num[i]!;
      }
    }
    return { prediction, score };
  }
}

/** Where a nested object's fields go: column names, child prefixes, columns made on first value. */
interface Layout {
  readonly names: string[];
  readonly prefixes: string[];
  readonly cols: (Growable | undefined)[];
}

/** Reads one batch into a decoder's columns (methods, not closures: this runs per value). */
class BatchReader {
  private readonly c: BatchCursor;
  private readonly layouts = new Map<string, Layout[]>();

  constructor(
    private readonly d: ColumnDecoder,
    private readonly batch: BatchSections,
  ) {
    this.c = new BatchCursor(batch);
  }

  read(): void {
    const { c, d } = this;
    const h = this.batch.header;
    const f = d.fixed;
    for (let e = 0; e < h.n; e++) {
      const at = c.num();
      const version = c.num();
      const rows = c.num();
      const latency = c.num();
      const cached = c.num();
      const dep = c.num();
      const model = h.strings[c.num()]!;
      const vari = c.num();
      const start = d.total;
      const records = this.list(INPUT_PREFIX, start);
      const outputs = this.list(OUTPUT_PREFIX, start);
      const entryRows = Math.max(rows, records, outputs, 1);
      for (let r = 0; r < entryRows; r++) {
        f.ids.push(h.ids[e]!);
        f.row.push(r);
        f.ts.push(at);
        f.deployment.push(dep < 0 ? null : h.strings[dep]!);
        f.model.push(model);
        f.version.push(version);
        f.variant.push(vari < 0 ? null : h.strings[vari]!);
        f.latency.push(latency);
        f.cached.push(cached);
        f.logged.push(r < records ? 1 : 0);
      }
      d.total += entryRows;
    }
  }

  /** A list of objects (records or outputs), one per row from `start`; returns its length (0 for none). */
  private list(prefix: string, start: number): number {
    const c = this.c;
    const count = c.num();
    for (let r = 0; r < count; r++) {
      if (this.batch.tags[c.t] === TAG.Object) {
        c.t++;
        this.object(prefix, start + r);
      } else c.value();
    }
    return Math.max(0, count);
  }

  private object(prefix: string, row: number): void {
    const shape = this.c.num();
    // Layouts by prefix, then by shape index (no key string per object: this runs per record).
    let byShape = this.layouts.get(prefix);
    if (!byShape) this.layouts.set(prefix, (byShape = []));
    let l = byShape[shape];
    if (!l) {
      const keys = this.batch.header.shapes[shape]!;
      l = { names: keys.map((k) => prefix + k), prefixes: keys.map((k) => `${prefix}${k}.`), cols: [] };
      byShape[shape] = l;
    }
    for (let i = 0; i < l.names.length; i++) this.field(l, i, row);
  }

  private col(l: Layout, i: number): Growable {
    let g = l.cols[i];
    if (!g) l.cols[i] = g = this.d.column(l.names[i]!);
    return g;
  }

  private field(l: Layout, i: number, row: number): void {
    const c = this.c;
    const tag = this.batch.tags[c.t];
    switch (tag) {
      case TAG.Number:
        c.t++;
        this.col(l, i).push(row, 'number', c.num(), null);
        return;
      case TAG.String:
        c.t++;
        this.col(l, i).push(row, 'string', 0, this.batch.header.strings[c.num()]!);
        return;
      case TAG.True:
      case TAG.False:
        c.t++;
        this.col(l, i).push(row, 'boolean', tag === TAG.True ? 1 : 0, tag === TAG.True ? 'true' : 'false');
        return;
      case TAG.Object:
        c.t++;
        this.object(l.prefixes[i]!, row);
        return;
      case TAG.Array:
        this.col(l, i).push(row, 'json', 0, JSON.stringify(c.value()));
        return;
      default:
        c.t++;
    }
  }
}

/** Reads a message's header and sections (validating it); its rows are decoded by `batchesFrame`. */
export function holdBatch(data: Uint8Array): BatchSections {
  return readBatch(data);
}

/** The Parquet frame of batches: the same columns and values as `logFrame` of their entries. */
export function batchesFrame(batches: readonly BatchSections[]): Frame {
  const d = new ColumnDecoder(batches.reduce((n, b) => n + b.header.n, 0));
  for (const b of batches) d.add(b);
  const { prediction, score } = d.predictions();
  const f = d.fixed;
  return Frame.fromColumns([
    textColumn('request_id', f.ids),
    numberColumn('row', f.row.values(), 'integer'),
    numberColumn('ts', f.ts.values(), 'timestamp'),
    categoricalColumn('deployment', f.deployment),
    categoricalColumn('model', f.model),
    numberColumn('version', f.version.values(), 'integer'),
    categoricalColumn('variant', f.variant),
    categoricalColumn('prediction', prediction),
    numberColumn('score', score),
    numberColumn('latency_us', f.latency.values()),
    numberColumn('cached', f.cached.values(), 'boolean'),
    numberColumn('logged_inputs', f.logged.values(), 'boolean'),
    // Inputs before outputs, each in order of first appearance (as `logFrame`).
    ...[...d.columns]
      .sort(([a], [b]) => Number(a.startsWith(OUTPUT_PREFIX)) - Number(b.startsWith(OUTPUT_PREFIX)))
      .map(([name, g]) => g.column(name, d.total)),
  ]);
}
