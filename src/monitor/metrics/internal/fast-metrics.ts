/**
 * Pre-bound counters and histograms for the serving hot path. prom-client's own `labels(...)`
 * children still validate and hash the label set on every observation; these bind a label set
 * once (`bind(values)`, cached) and an observation is then a few arithmetic operations. They plug
 * into a prom-client `Registry` (`registerMetric`), which renders them like its own metrics.
 */

/** One value of a metric as prom-client's registry renders it. */
interface MetricValue {
  readonly labels: Record<string, string | number>;
  readonly value: number;
  readonly metricName?: string;
}

/** A counter series bound to one label set. */
export class CounterSeries {
  value = 0;
  constructor(readonly labels: Readonly<Record<string, string>>) {}
  /** Adds `n` (default 1). */
  inc(n = 1): void {
    this.value += n;
  }
}

/** A histogram series bound to one label set: cumulative counts are computed only when scraped. */
export class HistogramSeries {
  /** Observations per bucket (not cumulative); the last slot is +Inf. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  constructor(
    readonly labels: Readonly<Record<string, string>>,
    private readonly bounds: Float64Array,
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }
  /** Records one observation (seconds, rows...). Non-finite values are ignored. */
  observe(value: number): void {
    if (!Number.isFinite(value)) return;
    const b = this.bounds;
    let i = 0;
    // Linear scan: serving observations sit in the first buckets, so this beats a binary search.
    while (i < b.length && value > b[i]!) i++;
    this.counts[i]!++;
    this.sum += value;
    this.count++;
  }
}

abstract class FastMetric<S extends { readonly labels: Readonly<Record<string, string>> }> {
  readonly aggregator = 'sum';
  protected readonly series = new Map<string, S>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {}

  /** The series of `values` (one per label name, in order), created on first use and cached. */
  bind(values: readonly string[]): S {
    const key = values.join('\u0000');
    let s = this.series.get(key);
    if (!s) {
      const labels: Record<string, string> = {};
      this.labelNames.forEach((n, i) => {
        labels[n] = values[i] ?? '';
      });
      s = this.create(labels);
      this.series.set(key, s);
    }
    return s;
  }

  /** Every bound series. */
  all(): IterableIterator<S> {
    return this.series.values();
  }

  /** Forgets every series. */
  reset(): void {
    this.series.clear();
  }

  protected abstract create(labels: Record<string, string>): S;
}

/** A metric of one number per series (counter or gauge), with the registry's view of it. */
abstract class FastValueMetric extends FastMetric<CounterSeries> {
  abstract readonly type: 'counter' | 'gauge';
  protected create(labels: Record<string, string>): CounterSeries {
    return new CounterSeries(labels);
  }
  /** The registry's view (prom-client metric interface). */
  async get(): Promise<{
    name: string;
    help: string;
    type: string;
    aggregator: string;
    values: MetricValue[];
  }> {
    const values = [...this.series.values()].map((s) => ({ labels: { ...s.labels }, value: s.value }));
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}

/** A counter whose series are bound once (see the module doc). */
export class FastCounter extends FastValueMetric {
  readonly type = 'counter';
}

/** A gauge whose series are bound once; series can be removed (a feature that left a model, say). */
export class FastGauge extends FastValueMetric {
  readonly type = 'gauge';
  /** Sets the series of `values` to `value`. */
  set(values: readonly string[], value: number): void {
    this.bind(values).value = value;
  }
  /** Removes the series whose labels include every pair of `match`. */
  removeMatching(match: Readonly<Record<string, string>>): void {
    for (const [key, s] of this.series) {
      if (Object.entries(match).every(([k, v]) => s.labels[k] === v)) this.series.delete(key);
    }
  }
}

/** A histogram whose series are bound once (see the module doc). */
export class FastHistogram extends FastMetric<HistogramSeries> {
  readonly type = 'histogram';
  private readonly bounds: Float64Array;
  constructor(name: string, help: string, labelNames: readonly string[], buckets: readonly number[]) {
    super(name, help, labelNames);
    this.bounds = Float64Array.from([...buckets].sort((a, b) => a - b));
  }
  protected create(labels: Record<string, string>): HistogramSeries {
    return new HistogramSeries(labels, this.bounds);
  }
  /** The registry's view (prom-client metric interface): `_bucket` (cumulative), `_sum`, `_count`. */
  async get(): Promise<{
    name: string;
    help: string;
    type: string;
    aggregator: string;
    values: MetricValue[];
  }> {
    const values: MetricValue[] = [];
    for (const s of this.series.values()) {
      let acc = 0;
      this.bounds.forEach((le, i) => {
        acc += s.counts[i]!;
        values.push({ labels: { ...s.labels, le }, value: acc, metricName: `${this.name}_bucket` });
      });
      values.push({ labels: { ...s.labels, le: '+Inf' }, value: s.count, metricName: `${this.name}_bucket` });
      values.push({ labels: { ...s.labels }, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: { ...s.labels }, value: s.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}
