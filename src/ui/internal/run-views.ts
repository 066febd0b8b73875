import type { MetricPoint, Run } from '../../storage/index.js';
import { type JsonNumber, jsonNumber } from './json-number.js';

/** A run as the runs table shows it: identity, times, params, latest metric values and tags. */
export interface RunSummaryView {
  readonly id: string;
  readonly name: string;
  readonly status: string;
  readonly experimentId: string;
  /** Experiment name, or null when it is unknown (deleted). */
  readonly experiment: string | null;
  readonly startTime: number;
  readonly endTime: number | null;
  readonly durationMs: number | null;
  readonly parentRunId: string | null;
  readonly params: Readonly<Record<string, string>>;
  readonly metrics: Readonly<Record<string, JsonNumber>>;
  readonly tags: Readonly<Record<string, string>>;
}

/** One metric's history as parallel arrays, ordered by step, then time. */
export interface MetricSeriesView {
  readonly steps: readonly number[];
  readonly values: readonly JsonNumber[];
  readonly timestamps: readonly number[];
  /** Points logged; when more than the limit, the arrays hold an even sample with the last point. */
  readonly total: number;
}

/** Most points of one metric sent to a chart. */
export const MAX_SERIES_POINTS = 10_000;

/** The run's summary for lists. */
export function runSummary(run: Run, experiments: ReadonlyMap<string, string>): RunSummaryView {
  const metrics: Record<string, JsonNumber> = {};
  for (const [k, p] of Object.entries(run.metrics)) metrics[k] = jsonNumber(p.value);
  return {
    id: run.id,
    name: run.name,
    status: run.status,
    experimentId: run.experimentId,
    experiment: experiments.get(run.experimentId) ?? null,
    startTime: run.startTime,
    endTime: run.endTime,
    durationMs: run.endTime === null ? null : run.endTime - run.startTime,
    parentRunId: run.parentRunId,
    params: run.params,
    metrics,
    tags: run.tags,
  };
}

/** A metric history as arrays, sampled evenly down to `MAX_SERIES_POINTS` (the last point kept). */
export function metricSeries(points: readonly MetricPoint[]): MetricSeriesView {
  const n = points.length;
  let picked: readonly MetricPoint[] = points;
  if (n > MAX_SERIES_POINTS) {
    const stride = (n - 1) / (MAX_SERIES_POINTS - 1);
    picked = Array.from({ length: MAX_SERIES_POINTS }, (_, i) => points[Math.round(i * stride)]!);
  }
  return {
    steps: picked.map((p) => p.step),
    values: picked.map((p) => jsonNumber(p.value)),
    timestamps: picked.map((p) => p.timestamp),
    total: n,
  };
}
