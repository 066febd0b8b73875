/** Building blocks shared by the pages: headers, cards, tables, badges, chips, empty and error states. */

import { h, link, ui } from './dom.js';
import { fmtNumber, fmtTime, shortId } from './format.js';

/** A page title with an optional kicker (breadcrumb nodes), subtitle nodes and actions. */
export function pageHeader({ title, kicker = [], subtitle = [], actions = [] }) {
  return h(
    'header',
    { class: 'page-header' },
    kicker.length ? h('div', { class: 'kicker' }, ...kicker.flatMap((k, i) => (i ? [' / ', k] : [k]))) : null,
    h('div', { class: 'title-row' }, h('h1', {}, title), h('div', { class: 'actions' }, ...actions)),
    subtitle.length ? h('div', { class: 'subtitle' }, ...subtitle) : null,
  );
}

/** A card with a title bar (optional right-hand nodes) and a body. */
export function card(title, body, { extra = [], id, className } = {}) {
  return h(
    'section',
    { class: ['card', className], id },
    title
      ? h('div', { class: 'card-head' }, h('h2', {}, title), h('div', { class: 'card-extra' }, ...extra))
      : null,
    h('div', { class: 'card-body' }, body),
  );
}

/** A muted message for empty sections. */
export function empty(text, ...more) {
  return h('div', { class: 'empty' }, h('p', {}, text), ...more);
}

/** An error box for a failed request or page. */
export function errorBox(error) {
  return h(
    'div',
    { class: 'error-box', role: 'alert' },
    h('strong', { text: error?.code ?? 'Error' }),
    h('p', { text: error?.message ?? String(error) }),
  );
}

const STATUS_CLASS = {
  FINISHED: 'ok',
  FAILED: 'bad',
  KILLED: 'muted',
  RUNNING: 'info',
  SCHEDULED: 'info',
};

/** A run status badge. */
export function statusBadge(status) {
  return h('span', { class: ['badge', STATUS_CLASS[status] ?? 'muted'], text: status });
}

/** A neutral badge. */
export function badge(text, kind = 'muted') {
  return h('span', { class: ['badge', kind], text });
}

/** An alias chip, optionally with the version it points at. */
export function aliasChip(alias, version) {
  return h(
    'span',
    { class: 'alias', title: version === undefined ? alias : `${alias} → version ${version}` },
    `@${alias}`,
    version === undefined ? null : h('span', { class: 'alias-version', text: `v${version}` }),
  );
}

/** A monospace id, shortened, with the full value as a tooltip. */
export function mono(value, { short = false } = {}) {
  return h('code', { class: 'mono', title: value, text: short ? shortId(value) : value });
}

/** A time with the exact value as a tooltip. */
export function time(ms) {
  return h('time', {
    datetime: new Date(ms).toISOString(),
    title: new Date(ms).toISOString(),
    text: fmtTime(ms),
  });
}

/** A link to a run. */
export function runLink(id, name) {
  return link(ui('runs', id), name || id);
}

/** A link to a model version. */
export function versionLink(model, version, text) {
  return link(ui('models', model, 'versions', version), text ?? `${model} v${version}`);
}

/**
 * A table: `columns` are `{ label, value: row => node|string, className, title, sort }`; a column
 * with `sort` gets a clickable header (`sort.active`: 'asc'|'desc'|null, `sort.onClick`).
 */
export function table(columns, rows, { emptyText = 'Nothing to show.', className, rowAttrs } = {}) {
  if (rows.length === 0) return empty(emptyText);
  const head = h(
    'tr',
    {},
    ...columns.map((c) => {
      if (!c.sort) return h('th', { class: c.className, title: c.title, scope: 'col' }, c.label);
      const arrow = c.sort.active === 'desc' ? ' ↓' : c.sort.active === 'asc' ? ' ↑' : '';
      return h(
        'th',
        {
          class: [c.className, 'sortable', c.sort.active ? 'sorted' : null],
          title: c.title,
          scope: 'col',
          'aria-sort': c.sort.active === 'desc' ? 'descending' : c.sort.active === 'asc' ? 'ascending' : null,
        },
        h('button', { type: 'button', class: 'th-button', on: { click: c.sort.onClick } }, c.label, arrow),
      );
    }),
  );
  const body = rows.map((row) =>
    h(
      'tr',
      rowAttrs ? rowAttrs(row) : {},
      ...columns.map((c) => h('td', { class: c.className }, c.value(row))),
    ),
  );
  return h(
    'div',
    { class: 'table-wrap' },
    h('table', { class: ['table', className] }, h('thead', {}, head), h('tbody', {}, ...body)),
  );
}

/** A two-column key/value table from `[key, valueNode]` pairs. */
export function kvTable(pairs, emptyText = 'None.') {
  if (pairs.length === 0) return empty(emptyText);
  return h(
    'table',
    { class: 'table kv' },
    h('tbody', {}, ...pairs.map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, v)))),
  );
}

/** A name → value record as a key/value table sorted by name: text values, or numbers when `numeric`. */
export function recordTable(record, emptyText, { numeric = false } = {}) {
  return kvTable(
    Object.entries(record)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => [
        k,
        numeric ? h('span', { class: 'num', text: fmtNumber(v) }) : h('span', { class: 'value', text: v }),
      ]),
    emptyText,
  );
}

/** A small grid of labelled facts (`[label, node]`). */
export function facts(pairs) {
  return h(
    'dl',
    { class: 'facts' },
    ...pairs.filter(Boolean).map(([k, v]) => h('div', { class: 'fact' }, h('dt', {}, k), h('dd', {}, v))),
  );
}

/** A row of counters linking to their sections. */
export function stats(items) {
  return h(
    'div',
    { class: 'stats' },
    ...items.map((s) =>
      h(
        'a',
        { class: 'stat', href: s.href, 'data-link': true, dataset: { stat: s.key } },
        h('span', { class: 'stat-value', text: s.value }),
        h('span', { class: 'stat-label', text: s.label }),
      ),
    ),
  );
}

/** A value rendered as readable JSON (nested objects in a <pre>). */
export function jsonValue(v) {
  if (v === null || v === undefined) return h('span', { class: 'muted', text: '–' });
  if (typeof v === 'object') return h('pre', { class: 'json', text: JSON.stringify(v, null, 2) });
  return String(v);
}
