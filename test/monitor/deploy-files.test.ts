// The Prometheus rules and the Grafana dashboard shipped under deploy/ must only use metrics Keel exports.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { KeelMetrics, METRIC_CATALOG } from '../../src/monitor/index.js';

const root = new URL('../../', import.meta.url).pathname;
const RULES = `${root}deploy/prometheus/keel-alerts.yml`;
const DASHBOARD = `${root}deploy/grafana/keel-dashboard.json`;

/** Every series name a query may use: counters and gauges, histograms with _bucket, _sum, _count. */
function exportedSeries(): Set<string> {
  return new Set(
    METRIC_CATALOG.flatMap((s) =>
      s.type === 'histogram' ? ['_bucket', '_sum', '_count'].map((x) => s.name + x) : [s.name],
    ),
  );
}

const metricNames = (expr: string): string[] => expr.match(/\bkeel_[a-z0-9_]+/g) ?? [];

describe('deploy/ monitoring files', () => {
  it('the Grafana dashboard queries only metrics that the registry exports', async () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8'));
    const panels = dashboard.panels as { type: string; title: string; targets?: { expr: string }[] }[];
    const exprs = [
      ...panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
      ...(dashboard.templating.list as { query?: unknown }[])
        .map((v) => v.query)
        .filter((q): q is string => typeof q === 'string'),
    ];
    const used = new Set(exprs.flatMap(metricNames));
    expect(used.size).toBeGreaterThan(20);
    const exported = exportedSeries();
    expect([...used].filter((n) => !exported.has(n))).toEqual([]);
    // And a live registry declares every one of them (`# TYPE <name> ...` in /metrics).
    const body = (await new KeelMetrics().render()).body;
    const declared = new Set([...body.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));
    const base = (n: string): string => n.replace(/_(bucket|sum|count)$/, '');
    expect([...used].filter((n) => !declared.has(n) && !declared.has(base(n)))).toEqual([]);
    const titles = panels
      .filter((p) => p.type !== 'row')
      .map((p) => p.title.toLowerCase())
      .join(' | ');
    for (const topic of [
      'latency',
      'error',
      'throughput',
      'cache hit',
      'shed',
      'drift',
      'quality',
      'freshness',
      'estimated',
    ]) {
      expect(titles).toContain(topic);
    }
  });

  it('the Prometheus alert rules use only exported metrics', () => {
    const doc = parseYaml(readFileSync(RULES, 'utf8')) as {
      groups: { rules: { alert: string; expr: string }[] }[];
    };
    const exprs = doc.groups.flatMap((g) => g.rules.map((r) => r.expr));
    expect(exprs.length).toBeGreaterThanOrEqual(10);
    const exported = exportedSeries();
    expect(exprs.flatMap(metricNames).filter((n) => !exported.has(n))).toEqual([]);
  });

  const promtool = spawnSync('promtool', ['--version']).status === 0;
  if (!promtool)
    process.stderr.write(
      '[keel tests] promtool is not on PATH: skipping `promtool check rules` (CI has it).\n',
    );
  it.skipIf(!promtool)('passes promtool check rules', () => {
    const r = spawnSync('promtool', ['check', 'rules', RULES], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });
});
