/** Overview: counts, recent runs, models with their aliases, deployments. */
import { api } from '../lib/api.js';
import { shareBar } from '../lib/bar-chart.js';
import {
  aliasChip,
  badge,
  card,
  empty,
  pageHeader,
  runLink,
  stats,
  statusBadge,
  table,
  time,
} from '../lib/components.js';
import { h, link, ui } from '../lib/dom.js';
import { fmtDuration, fmtNumber } from '../lib/format.js';
import { keyMetric } from './run-columns.js';

/** The overview page: counts, recent runs, models with their aliases, deployments. */
export async function overviewPage() {
  const o = await api('/overview');
  const c = o.counts;
  document.title = `${o.project} · Keel`;
  return h(
    'div',
    { class: 'page' },
    pageHeader({ title: 'Overview', subtitle: [`Project ${o.project}`] }),
    stats([
      { key: 'experiments', label: 'Experiments', value: fmtNumber(c.experiments), href: ui('experiments') },
      {
        key: 'runs',
        label: 'Runs',
        value: `${fmtNumber(c.runs)}${c.runsAtLeast ? '+' : ''}`,
        href: ui('runs'),
      },
      { key: 'models', label: 'Models', value: fmtNumber(c.models), href: ui('models') },
      { key: 'versions', label: 'Model versions', value: fmtNumber(c.versions), href: ui('models') },
      { key: 'deployments', label: 'Deployments', value: fmtNumber(c.deployments), href: ui('deployments') },
      { key: 'reports', label: 'Drift reports', value: fmtNumber(c.reports), href: ui('reports') },
    ]),
    h(
      'div',
      { class: 'grid-2' },
      card('Recent runs', recentRuns(o.recentRuns), {
        extra: [link(ui('runs'), 'All runs →')],
        className: 'span-2',
      }),
      card('Models', models(o.models), { extra: [link(ui('models'), 'All models →')] }),
      card('Deployments', deployments(o.deployments), {
        extra: [link(ui('deployments'), 'All deployments →')],
      }),
    ),
  );
}

function recentRuns(runs) {
  return table(
    [
      { label: 'Run', value: (r) => runLink(r.id, r.name) },
      {
        label: 'Experiment',
        value: (r) => (r.experiment ? link(ui('experiments', r.experiment), r.experiment) : '–'),
      },
      { label: 'Status', value: (r) => statusBadge(r.status) },
      { label: 'Started', value: (r) => time(r.startTime) },
      { label: 'Duration', value: (r) => fmtDuration(r.durationMs), className: 'num' },
      {
        label: 'Key metric',
        value: (r) => {
          const k = keyMetric(r.metrics);
          return k
            ? h('span', {}, h('span', { class: 'muted', text: `${k} ` }), fmtNumber(r.metrics[k]))
            : '–';
        },
        className: 'num',
      },
    ],
    runs,
    { emptyText: 'No runs yet. Start one with keel train or tracking.startRun().' },
  );
}

function models(list) {
  if (list.length === 0) return empty('No registered models yet.');
  return h(
    'ul',
    { class: 'list' },
    ...list.map((m) =>
      h(
        'li',
        { class: 'list-item' },
        h(
          'div',
          { class: 'list-main' },
          link(ui('models', m.name), h('strong', { text: m.name })),
          h('span', { class: 'muted', text: `${m.versionCount} version${m.versionCount === 1 ? '' : 's'}` }),
        ),
        h(
          'div',
          { class: 'chips' },
          ...Object.entries(m.aliases)
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([alias, v]) => aliasChip(alias, v)),
          Object.keys(m.aliases).length === 0 ? h('span', { class: 'muted', text: 'no aliases' }) : null,
        ),
      ),
    ),
  );
}

function deployments(list) {
  if (list.length === 0) return empty('No deployments yet.');
  return h(
    'ul',
    { class: 'list' },
    ...list.map((d) => {
      const total = d.variants.reduce((s, v) => s + Math.max(0, v.weight), 0) || 1;
      return h(
        'li',
        { class: 'list-item stacked' },
        h(
          'div',
          { class: 'list-main' },
          link(ui('deployments', d.name), h('strong', { text: d.name })),
          badge(d.mode, 'info'),
          d.shadow ? badge(`shadow ${d.shadow.percent}%`, 'muted') : null,
          h('span', { class: 'muted', text: `rev ${d.revision}` }),
        ),
        shareBar(
          d.variants.map((v) => ({
            label: v.name,
            percent: (Math.max(0, v.weight) / total) * 100,
            title: `${v.name}: ${v.ref}`,
          })),
          { legend: false },
        ),
      );
    }),
  );
}
