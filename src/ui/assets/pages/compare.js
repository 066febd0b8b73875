/** Compare runs: params side by side (differences marked), latest metrics, overlaid metric charts. */
import { api } from '../lib/api.js';
import { barChart } from '../lib/bar-chart.js';
import { card, empty, errorBox, pageHeader, runLink, statusBadge, table } from '../lib/components.js';
import { h, link, replace, ui } from '../lib/dom.js';
import { fmtNumber, toNumber } from '../lib/format.js';
import { lineChart, PALETTE } from '../lib/line-chart.js';

/** Runs side by side (`?runs=<id>,<id>`): params, latest metrics and overlaid charts. */
export async function comparePage({ query }) {
  const ids = (query.get('runs') ?? '').split(',').filter(Boolean);
  if (ids.length < 2)
    return h(
      'div',
      { class: 'page' },
      errorBox({ code: 'Compare', message: 'Pick two or more runs in a runs table, then press Compare.' }),
    );
  const d = await api('/compare', { runs: ids.join(',') });
  document.title = `Compare ${d.runs.length} runs · Keel`;
  const color = (i) => PALETTE[i % PALETTE.length];
  const header = (label) => [
    { label, value: (row) => h('span', { class: row.differs ? 'diff-key' : null, text: row.key }) },
    ...d.runs.map((r, i) => ({
      label: h(
        'span',
        { class: 'run-head' },
        h('span', { class: 'swatch', style: { background: color(i) } }),
        r.name,
      ),
      className: label === 'Metric' ? 'num' : null,
      value: (row) => {
        const v = row.values[i];
        return h('span', {
          class: row.differs ? 'diff' : null,
          text: v === null ? '–' : label === 'Metric' ? fmtNumber(v) : v,
        });
      },
    })),
  ];
  const onlyDiff = h('input', { type: 'checkbox', checked: d.params.some((p) => p.differs) });
  const paramsBody = h('div');
  const drawParams = () =>
    replace(
      paramsBody,
      table(header('Param'), onlyDiff.checked ? d.params.filter((p) => p.differs) : d.params, {
        emptyText: onlyDiff.checked ? 'All params are the same.' : 'No params logged.',
        className: 'compare-table',
      }),
    );
  onlyDiff.addEventListener('change', drawParams);
  drawParams();
  return h(
    'div',
    { class: 'page' },
    pageHeader({
      title: `Comparing ${d.runs.length} runs`,
      kicker: [link(ui('experiments'), 'Experiments')],
    }),
    card(
      'Runs',
      h(
        'ul',
        { class: 'chips run-legend' },
        ...d.runs.map((r, i) =>
          h(
            'li',
            { class: 'legend-item' },
            h('span', { class: 'swatch', style: { background: color(i) } }),
            runLink(r.id, r.name),
            ' ',
            statusBadge(r.status),
            r.experiment ? h('span', { class: 'muted', text: ` · ${r.experiment}` }) : null,
          ),
        ),
      ),
    ),
    card('Parameters', paramsBody, {
      id: 'compare-params',
      extra: [h('label', { class: 'check' }, onlyDiff, ' only differences')],
    }),
    card(
      'Latest metrics',
      table(header('Metric'), d.metrics, { emptyText: 'No metrics logged.', className: 'compare-table' }),
      { id: 'compare-metrics' },
    ),
    card('Metric charts', charts(d), { id: 'charts' }),
  );
}

function charts(d) {
  const keys = [...new Set(d.runs.flatMap((r) => Object.keys(d.metricHistory[r.id] ?? {})))].sort();
  if (keys.length === 0) return empty('No metrics logged.');
  return h(
    'div',
    { class: 'charts' },
    ...keys.map((key) => {
      const present = d.runs.map((r, i) => ({ r, i, s: d.metricHistory[r.id]?.[key] })).filter((x) => x.s);
      if (present.some((x) => x.s.steps.length > 1)) {
        return lineChart({
          title: key,
          series: present.map((x) => ({ label: x.r.name, x: x.s.steps, y: x.s.values })),
          colors: present.map((x) => x.i),
        });
      }
      return h(
        'figure',
        { class: 'chart chart-bars', dataset: { chart: key } },
        h(
          'figcaption',
          {},
          h('span', { class: 'chart-title', text: key }),
          h('span', { class: 'chart-x', text: 'latest value' }),
        ),
        barChart(
          present.map((x) => {
            const v = toNumber(x.s.values[x.s.values.length - 1]);
            return {
              label: x.r.name,
              value: v ?? 0,
              display: fmtNumber(v),
              color: PALETTE[x.i % PALETTE.length],
            };
          }),
        ),
      );
    }),
  );
}
