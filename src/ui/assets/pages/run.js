/** Run detail: params, metrics with a chart per metric history, feature importance, tags, datasets, artifacts. */
import { api, apiBlob } from '../lib/api.js';
import { barChart } from '../lib/bar-chart.js';
import {
  card,
  empty,
  errorBox,
  facts,
  kvTable,
  mono,
  pageHeader,
  recordTable,
  runLink,
  statusBadge,
  table,
  time,
} from '../lib/components.js';
import { h, link, replace, ui } from '../lib/dom.js';
import { fmtBytes, fmtDuration, fmtNumber } from '../lib/format.js';
import { lineChart } from '../lib/line-chart.js';
import { groupMetricKeys } from './run-columns.js';

/** Most features drawn in the importance chart. */
const TOP_FEATURES = 25;

/** One run: facts, metric charts, params, latest metrics, feature importance, tags, datasets, artifacts, child runs. */
export async function runPage({ params }) {
  const d = await api(`/runs/${encodeURIComponent(params.id)}`);
  const r = d.run;
  document.title = `${r.name} · Keel`;
  const userTags = Object.entries(r.tags).filter(([k]) => !k.startsWith('keel.'));
  const systemTags = Object.entries(r.tags).filter(([k]) => k.startsWith('keel.'));
  return h(
    'div',
    { class: 'page' },
    pageHeader({
      title: h('span', { class: 'run-title' }, r.name, ' ', statusBadge(r.status)),
      kicker: [
        link(ui('experiments'), 'Experiments'),
        r.experiment ? link(ui('experiments', r.experiment), r.experiment) : 'unknown experiment',
      ],
      subtitle: [mono(r.id)],
    }),
    card(
      null,
      facts([
        ['Started', time(r.startTime)],
        ['Ended', r.endTime === null ? '–' : time(r.endTime)],
        ['Duration', fmtDuration(r.durationMs)],
        ['User', r.tags['keel.user'] ?? '–'],
        ['Git commit', r.tags['keel.git.commit'] ? mono(r.tags['keel.git.commit'], { short: true }) : '–'],
        ['Parent run', d.parent ? runLink(d.parent.id, d.parent.name) : '–'],
      ]),
    ),
    metricsSection(r, d.metricHistory),
    h(
      'div',
      { class: 'grid-2' },
      card('Parameters', recordTable(r.params, 'No params logged.'), { id: 'params' }),
      card('Latest metrics', recordTable(r.metrics, 'No metrics logged.', { numeric: true }), {
        id: 'latest-metrics',
      }),
    ),
    d.featureImportance ? importanceSection(d.featureImportance) : null,
    h(
      'div',
      { class: 'grid-2' },
      card(
        'Tags',
        h(
          'div',
          {},
          kvTable(
            userTags.map(([k, v]) => [k, h('span', { class: 'value', text: v })]),
            'No tags.',
          ),
          systemTags.length
            ? h(
                'details',
                { class: 'system-tags' },
                h('summary', {}, `System tags (${systemTags.length})`),
                kvTable(systemTags.map(([k, v]) => [k, h('span', { class: 'value', text: v })])),
              )
            : null,
        ),
        { id: 'tags' },
      ),
      card('Datasets', datasets(r.inputs), { id: 'inputs' }),
    ),
    card('Artifacts', artifacts(r), { id: 'artifacts' }),
    d.children.length
      ? card(`Child runs (${d.children.length})`, childRuns(d.children), { id: 'children' })
      : null,
  );
}

function metricsSection(run, histories) {
  const keys = Object.keys(histories).filter((k) => histories[k].steps.length > 1);
  if (keys.length === 0) {
    return card(
      'Metric charts',
      empty('No metric has more than one point; latest values are listed below.'),
      { id: 'charts' },
    );
  }
  const groups = groupMetricKeys(keys);
  const grid = h('div', { class: 'charts' });
  let mode = 'step';
  const draw = () =>
    replace(
      grid,
      ...[...groups.entries()].map(([name, members]) =>
        lineChart({
          title: name,
          xLabel: mode === 'step' ? 'step' : 'seconds since start',
          series: members.map((k) => ({
            label: k,
            x:
              mode === 'step'
                ? histories[k].steps
                : histories[k].timestamps.map((t) => (t - run.startTime) / 1000),
            y: histories[k].values,
          })),
        }),
      ),
    );
  const toggle = h(
    'div',
    { class: 'segmented', role: 'group', 'aria-label': 'x axis' },
    ...['step', 'time'].map((m) =>
      h('button', {
        type: 'button',
        class: m === mode ? 'active' : null,
        'aria-pressed': String(m === mode),
        dataset: { mode: m },
        text: m === 'step' ? 'Step' : 'Time',
        on: {
          click: (e) => {
            mode = m;
            for (const b of toggle.children) {
              b.classList.toggle('active', b === e.currentTarget);
              b.setAttribute('aria-pressed', String(b === e.currentTarget));
            }
            draw();
          },
        },
      }),
    ),
  );
  draw();
  const sampled = keys.filter((k) => histories[k].total > histories[k].steps.length);
  return card(
    'Metric charts',
    h(
      'div',
      {},
      grid,
      sampled.length
        ? h('p', {
            class: 'muted',
            text: `Long histories are drawn from an even sample: ${sampled.join(', ')}.`,
          })
        : null,
    ),
    { id: 'charts', extra: [toggle] },
  );
}

function importanceSection(fi) {
  if (fi.error)
    return card('Feature importance', errorBox({ code: fi.path, message: `Could not read: ${fi.error}.` }), {
      id: 'importance',
    });
  const total = fi.features.reduce((s, f) => s + f.gain, 0);
  const rows = [...fi.features].sort((a, b) => b.gain - a.gain || b.splits - a.splits);
  const shown = rows.slice(0, TOP_FEATURES);
  return card(
    'Feature importance',
    h(
      'div',
      {},
      barChart(
        shown.map((f) => ({
          label: f.name,
          value: f.gain,
          display: `${fmtNumber(f.gain)}${total > 0 ? ` · ${((f.gain / total) * 100).toFixed(1)}%` : ''}`,
          title: `${f.name}: gain ${fmtNumber(f.gain)}, ${f.splits} splits`,
        })),
        { name: 'feature-importance' },
      ),
      h('p', {
        class: 'muted',
        text: `Total gain of the splits on each feature (from ${fi.path})${rows.length > shown.length ? `; top ${shown.length} of ${rows.length} features` : ''}.`,
      }),
    ),
    { id: 'importance' },
  );
}

function datasets(inputs) {
  return table(
    [
      { label: 'Name', value: (i) => h('strong', { text: i.name }) },
      { label: 'Context', value: (i) => i.context },
      { label: 'Rows', value: (i) => fmtNumber(i.rowCount), className: 'num' },
      { label: 'Source', value: (i) => (i.source ? h('span', { class: 'value', text: i.source }) : '–') },
      { label: 'Fingerprint', value: (i) => mono(i.fingerprint, { short: true }) },
    ],
    inputs,
    { emptyText: 'No datasets recorded.' },
  );
}

function artifacts(run) {
  return table(
    [
      { label: 'Path', value: (a) => h('code', { text: a.path }) },
      { label: 'Size', value: (a) => fmtBytes(a.size), className: 'num' },
      { label: 'sha256', value: (a) => mono(a.digest, { short: true }) },
      {
        label: '',
        value: (a) =>
          h(
            'button',
            { type: 'button', class: 'btn btn-small', on: { click: () => download(run.id, a.path) } },
            'Download',
          ),
      },
    ],
    run.artifacts,
    { emptyText: 'No artifacts logged.' },
  );
}

async function download(runId, path) {
  const blob = await apiBlob(`/runs/${encodeURIComponent(runId)}/artifact`, { path });
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: path.split('/').pop() });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function childRuns(children) {
  return table(
    [
      { label: 'Run', value: (r) => runLink(r.id, r.name) },
      { label: 'Status', value: (r) => statusBadge(r.status) },
      { label: 'Started', value: (r) => time(r.startTime) },
      ...Object.keys(children[0]?.metrics ?? {})
        .slice(0, 4)
        .map((k) => ({ label: k, className: 'num', value: (r) => fmtNumber(r.metrics[k]) })),
    ],
    children,
  );
}
