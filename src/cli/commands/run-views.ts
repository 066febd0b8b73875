import type { Experiment, OrderClause, Run } from '../../storage/index.js';
import type { RunComparison } from '../../track/index.js';
import type { CliIo } from '../cli-io.js';
import { formatNumber, formatTime, printFields, printTable, type TableColumn } from '../output.js';

/** Most metric columns `keel runs list` shows. */
const MAX_METRIC_COLUMNS = 4;

/** A duration in ms as `1h02m`, `3m05s` or `4.2s`; `-` when unknown. */
export function formatDuration(ms: number | null): string {
  if (ms === null || ms < 0) return '-';
  if (ms < 60_000) return `${formatNumber(ms / 1000, 2)}s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Metric keys to show as columns: those the search named first, then the most common others. */
export function metricColumns(runs: readonly Run[], named: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const r of runs) for (const k of Object.keys(r.metrics)) counts.set(k, (counts.get(k) ?? 0) + 1);
  const others = [...counts.keys()]
    .filter((k) => !named.includes(k))
    .sort((a, b) => counts.get(b)! - counts.get(a)! || (a < b ? -1 : 1));
  return [...new Set([...named.filter((k) => counts.has(k)), ...others])].slice(0, MAX_METRIC_COLUMNS);
}

/** Prints runs as a table: id, name, experiment, status, start, duration and a few latest metrics. */
export function printRunTable(
  io: CliIo,
  runs: readonly Run[],
  experiments: ReadonlyMap<string, string>,
  order: readonly OrderClause[],
  filterKeys: readonly string[],
): void {
  const named = [...order.filter((o) => o.kind === 'metric').map((o) => o.key), ...filterKeys];
  const columns: TableColumn<Run>[] = [
    { header: 'RUN', value: (r) => r.id },
    { header: 'NAME', value: (r) => r.name },
    { header: 'EXPERIMENT', value: (r) => experiments.get(r.experimentId) ?? r.experimentId },
    { header: 'STATUS', value: (r) => r.status },
    { header: 'STARTED', value: (r) => formatTime(r.startTime) },
    {
      header: 'DURATION',
      value: (r) => formatDuration(r.endTime === null ? null : r.endTime - r.startTime),
      right: true,
    },
    ...metricColumns(runs, named).map((key) => ({
      header: key,
      value: (r: Run) => r.metrics[key]?.value ?? null,
      right: true,
    })),
  ];
  printTable(io, runs, columns, '(no runs match)');
}

/** Prints one run: its fields, then params, metrics, tags, inputs and artifacts. */
export function printRun(io: CliIo, run: Run, experiment: Experiment | null): void {
  printFields(io, [
    ['run', run.id],
    ['name', run.name],
    ['experiment', experiment ? `${experiment.name} (${experiment.id})` : run.experimentId],
    ['status', run.status],
    ['started', formatTime(run.startTime)],
    ['ended', formatTime(run.endTime)],
    ['duration', formatDuration(run.endTime === null ? null : run.endTime - run.startTime)],
    ['parent', run.parentRunId],
  ]);
  section(io, 'params', Object.entries(run.params), [
    { header: 'KEY', value: ([k]) => k },
    { header: 'VALUE', value: ([, v]) => v },
  ]);
  section(io, 'metrics (latest)', Object.values(run.metrics), [
    { header: 'KEY', value: (m) => m.key },
    { header: 'VALUE', value: (m) => formatNumber(m.value, 6), right: true },
    { header: 'STEP', value: (m) => m.step, right: true },
    { header: 'AT', value: (m) => formatTime(m.timestamp) },
  ]);
  section(io, 'tags', Object.entries(run.tags), [
    { header: 'KEY', value: ([k]) => k },
    { header: 'VALUE', value: ([, v]) => v },
  ]);
  section(io, 'inputs', run.inputs, [
    { header: 'CONTEXT', value: (i) => i.context },
    { header: 'NAME', value: (i) => i.name },
    { header: 'FINGERPRINT', value: (i) => i.fingerprint },
    { header: 'ROWS', value: (i) => i.rowCount, right: true },
    { header: 'SOURCE', value: (i) => i.source },
  ]);
  section(io, 'artifacts', run.artifacts, [
    { header: 'PATH', value: (a) => a.path },
    { header: 'SIZE', value: (a) => a.size, right: true },
    { header: 'SHA256', value: (a) => a.digest.slice(0, 12) },
  ]);
}

/** Prints a comparison: one column per run, `*` marking rows whose values differ. */
export function printComparison(io: CliIo, cmp: RunComparison): void {
  type Row = { kind: string; key: string; values: readonly (string | number | null)[]; differs: boolean };
  const rows: Row[] = [
    ...cmp.params.map((r) => ({ kind: 'param', ...r })),
    ...cmp.metrics.map((r) => ({ kind: 'metric', ...r })),
  ];
  const columns: TableColumn<Row>[] = [
    { header: '', value: (r) => (r.differs ? '*' : '') },
    { header: 'KIND', value: (r) => r.kind },
    { header: 'KEY', value: (r) => r.key },
    ...cmp.runs.map((run, i) => ({
      header: run.name || run.id,
      value: (r: Row) => {
        const v = r.values[i];
        return typeof v === 'number' ? formatNumber(v, 6) : (v ?? null);
      },
      right: true,
    })),
  ];
  printTable(io, rows, columns, '(the runs logged no params or metrics)');
}

function section<T>(io: CliIo, title: string, rows: readonly T[], columns: readonly TableColumn<T>[]): void {
  io.stdout.write(`\n${title}:\n`);
  printTable(io, rows, columns);
}
