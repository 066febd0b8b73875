/** Registered models: list, one model (versions, aliases and their move history). */
import { api } from '../lib/api.js';
import { aliasChip, card, empty, pageHeader, runLink, table, time, versionLink } from '../lib/components.js';
import { h, link, svg, ui } from '../lib/dom.js';
import { fmtAgo, fmtNumber, fmtTime, shortId } from '../lib/format.js';
import { PALETTE } from '../lib/line-chart.js';
import { tagList } from './experiments.js';
import { keyMetric } from './run-columns.js';

function aliasChips(aliases) {
  const entries = Object.entries(aliases).sort(([a], [b]) => (a < b ? -1 : 1));
  if (entries.length === 0) return h('span', { class: 'muted', text: 'no aliases' });
  return h('span', { class: 'chips' }, ...entries.map(([a, v]) => aliasChip(a, v)));
}

/** Every registered model with its aliases and latest version. */
export async function modelsPage() {
  const { models } = await api('/models');
  document.title = 'Models · Keel';
  return h(
    'div',
    { class: 'page' },
    pageHeader({
      title: 'Models',
      subtitle: ['Registered models, their versions and aliases (name@alias).'],
    }),
    card(
      null,
      table(
        [
          {
            label: 'Model',
            value: (m) =>
              h(
                'span',
                {},
                link(ui('models', m.name), h('strong', { text: m.name })),
                m.description ? h('div', { class: 'muted small', text: m.description }) : null,
              ),
          },
          { label: 'Aliases', value: (m) => aliasChips(m.aliases) },
          {
            label: 'Latest',
            value: (m) => (m.latest ? versionLink(m.name, m.latest.version, `v${m.latest.version}`) : '–'),
          },
          { label: 'Versions', value: (m) => String(m.versionCount), className: 'num' },
          { label: 'Flavor', value: (m) => m.latest?.flavor ?? '–' },
          {
            label: 'Key metric (latest)',
            className: 'num',
            value: (m) => {
              const k = m.latest ? keyMetric(m.latest.metrics) : null;
              return k
                ? h('span', {}, h('span', { class: 'muted', text: `${k} ` }), fmtNumber(m.latest.metrics[k]))
                : '–';
            },
          },
          { label: 'Tags', value: (m) => tagList(m.tags) },
          {
            label: 'Updated',
            value: (m) => h('span', { title: fmtTime(m.updatedAt), text: fmtAgo(m.updatedAt) }),
          },
        ],
        models,
        {
          emptyText:
            'No registered models yet. Register one with registry.register(), keel train or keel models import.',
        },
      ),
    ),
  );
}

/** One model: aliases, tags, versions and the alias history. */
export async function modelPage({ params }) {
  const d = await api(`/models/${encodeURIComponent(params.name)}`);
  const m = d.model;
  document.title = `${m.name} · Keel`;
  const metricKeys = [...new Set(d.versions.flatMap((v) => Object.keys(v.metrics)))].sort().slice(0, 5);
  return h(
    'div',
    { class: 'page' },
    pageHeader({
      title: m.name,
      kicker: [link(ui('models'), 'Models')],
      subtitle: [m.description || h('span', { class: 'muted', text: 'No description.' })],
    }),
    h(
      'div',
      { class: 'grid-2' },
      card('Aliases', aliasChips(m.aliases), { id: 'aliases' }),
      card('Tags', tagList(m.tags), { id: 'model-tags' }),
    ),
    card(
      `Versions (${d.versions.length})`,
      table(
        [
          {
            label: 'Version',
            value: (v) => versionLink(m.name, v.version, h('strong', { text: `v${v.version}` })),
          },
          {
            label: 'Aliases',
            value: (v) =>
              v.aliases.length ? h('span', { class: 'chips' }, ...v.aliases.map((a) => aliasChip(a))) : '–',
          },
          { label: 'Flavor', value: (v) => v.flavor },
          ...metricKeys.map((k) => ({ label: k, className: 'num', value: (v) => fmtNumber(v.metrics[k]) })),
          {
            label: 'Run',
            value: (v) =>
              v.lineage.runId
                ? runLink(v.lineage.runId, d.runs[v.lineage.runId]?.name ?? shortId(v.lineage.runId))
                : '–',
          },
          { label: 'Created', value: (v) => time(v.createdAt) },
          { label: 'By', value: (v) => v.createdBy },
        ],
        d.versions,
        { emptyText: 'No versions.' },
      ),
      { id: 'versions' },
    ),
    card('Alias history', aliasTimeline(d.aliasHistory, m.name), { id: 'alias-history' }),
  );
}

/** What an alias event did, in words. */
export function aliasMove(e) {
  if (e.toVersion === null) return `removed (was v${e.fromVersion})`;
  if (e.fromVersion === null) return `set to v${e.toVersion}`;
  return `moved v${e.fromVersion} → v${e.toVersion}`;
}

/** The alias moves as swimlanes over time, then a list (newest first). */
export function aliasTimeline(events, model) {
  if (events.length === 0) return empty('No alias was ever set on this model.');
  return h(
    'div',
    {},
    swimlanes(events),
    h(
      'ol',
      { class: 'timeline', dataset: { events: String(events.length) } },
      ...[...events]
        .reverse()
        .map((e) =>
          h(
            'li',
            { class: ['timeline-item', e.toVersion === null ? 'removed' : null] },
            h('span', { class: 'timeline-dot', 'aria-hidden': 'true' }),
            h(
              'div',
              { class: 'timeline-body' },
              h(
                'div',
                { class: 'timeline-head' },
                aliasChip(e.alias),
                ' ',
                h('strong', { class: 'move', text: aliasMove(e) }),
                e.toVersion !== null ? [' ', versionLink(model, e.toVersion, '→ open')] : null,
              ),
              h('div', { class: 'muted small' }, time(e.at), ` · ${e.actor}`),
              e.reason ? h('div', { class: 'reason', text: e.reason }) : null,
            ),
          ),
        ),
    ),
  );
}

/**
 * One lane per alias; a segment per version it pointed at, from its move to the next move (or now).
 * Moves are spaced evenly in order (times are in the tooltips and the list), so moves minutes apart
 * stay as readable as moves months apart.
 */
function swimlanes(events) {
  const aliases = [...new Set(events.map((e) => e.alias))].sort();
  const W = 1000;
  const lane = 30;
  const labelW = 120;
  const slots = events.length;
  const x = (i) => labelW + (i / slots) * (W - labelW - 10);
  const versions = [...new Set(events.map((e) => e.toVersion).filter((v) => v !== null))].sort(
    (a, b) => a - b,
  );
  const color = (v) => PALETTE[versions.indexOf(v) % PALETTE.length];
  const parts = [];
  aliases.forEach((alias, row) => {
    const y = 8 + row * lane;
    parts.push(svg('text', { x: 0, y: y + 15, class: 'lane-label' }, `@${alias}`));
    parts.push(svg('line', { x1: labelW, x2: W - 10, y1: y + 11, y2: y + 11, class: 'lane-line' }));
    const own = events.map((e, i) => ({ e, i })).filter(({ e }) => e.alias === alias);
    own.forEach(({ e, i }, k) => {
      if (e.toVersion === null) return;
      const next = own[k + 1];
      const x0 = x(i);
      const w = Math.max(4, x(next ? next.i : slots) - x0 - 2);
      parts.push(
        svg(
          'g',
          { class: 'segment', 'data-version': String(e.toVersion) },
          svg(
            'title',
            {},
            `@${alias} → v${e.toVersion} from ${fmtTime(e.at)}${next ? ` to ${fmtTime(next.e.at)}` : ' (now)'}: ${e.reason}`,
          ),
          svg('rect', { x: x0, y, width: w, height: 22, rx: 4, fill: color(e.toVersion) }),
          w > 28 ? svg('text', { x: x0 + 6, y: y + 15, class: 'segment-label' }, `v${e.toVersion}`) : null,
        ),
      );
    });
  });
  const height = 8 + aliases.length * lane + 18;
  parts.push(svg('text', { x: labelW, y: height - 2, class: 'axis-label' }, fmtTime(events[0].at)));
  parts.push(svg('text', { x: W - 10, y: height - 2, class: 'axis-label', 'text-anchor': 'end' }, 'now'));
  return svg(
    'svg',
    {
      class: 'swimlanes',
      viewBox: `0 0 ${W} ${height}`,
      role: 'img',
      'aria-label': 'Alias history, one lane per alias',
    },
    ...parts,
  );
}
