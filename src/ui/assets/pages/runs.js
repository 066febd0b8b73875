/** Runs table of an experiment (or all): MLflow filter box, sortable columns, selection for compare. */
import { ApiError, api } from '../lib/api.js';
import { card, errorBox, mono, pageHeader, runLink, statusBadge, table, time } from '../lib/components.js';
import { h, link, replace, ui } from '../lib/dom.js';
import { fmtDuration, fmtNumber } from '../lib/format.js';
import { navigate } from '../lib/router.js';
import { frequentKeys } from './run-columns.js';
import { nextOrder, orderString, parseOrder, sortDirection } from './run-order.js';

const MAX_METRIC_COLUMNS = 8;
const MAX_PARAM_COLUMNS = 6;
const PAGE_SIZE = 100;
const EXAMPLES = [
  'metrics.`validation.auc` > 0.9',
  "params.learner = 'gbdt' and attributes.status = 'FINISHED'",
  "tags.`keel.user` ILIKE '%ann%'",
  "attributes.name LIKE 'gbdt%'",
];

/** The runs table of one experiment (`/experiments/:name`) or of all (`/runs`); `?filter=` and `?orderBy=` in the URL. */
export async function runsPage({ params, query }) {
  const experiment = params.name ?? null;
  document.title = `${experiment ?? 'All runs'} · Keel`;
  const view = new RunsView(experiment, query.get('filter') ?? '', parseOrder(query.get('orderBy')));
  await view.load();
  return h(
    'div',
    { class: 'page' },
    pageHeader({
      title: experiment ?? 'All runs',
      kicker: [link(ui('experiments'), 'Experiments')],
      subtitle: [view.count],
      actions: [view.compareButton],
    }),
    card(null, h('div', {}, view.filterForm(), view.problem, filterHelp(view.input))),
    card(null, view.results),
  );
}

/** The state of one runs table and the nodes that show it. */
class RunsView {
  constructor(experiment, filter, order) {
    this.experiment = experiment;
    this.filter = filter;
    this.order = order;
    this.runs = [];
    this.next = null;
    this.selected = new Set();
    this.problem = h('div', { class: 'filter-problem', id: 'filter-problem' });
    this.results = h('div', { class: 'runs-results' });
    this.count = h('span', { class: 'muted', id: 'run-count' });
    this.input = h('input', {
      class: 'filter-input',
      type: 'search',
      name: 'filter',
      value: filter,
      spellcheck: 'false',
      autocomplete: 'off',
      placeholder: "metrics.auc > 0.9 and params.learner = 'gbdt'",
      'aria-label': 'Filter runs (MLflow syntax)',
    });
    this.compareButton = h('button', {
      class: 'btn btn-primary',
      type: 'button',
      text: 'Compare',
      on: {
        click: () => navigate(`${ui('compare')}?runs=${encodeURIComponent([...this.selected].join(','))}`),
      },
    });
  }

  /** Loads the first page (or, with `append`, the next one) and redraws. */
  async load(append = false) {
    replace(this.problem);
    try {
      const page = await api('/runs', {
        experiment: this.experiment,
        filter: this.filter,
        orderBy: orderString(this.order),
        maxResults: PAGE_SIZE,
        pageToken: append ? this.next : null,
      });
      this.runs = append ? [...this.runs, ...page.runs] : page.runs;
      this.next = page.nextPageToken;
      if (!append) this.selected.clear();
      this.draw();
    } catch (error) {
      if (error instanceof ApiError && error.code === 'KEEL_TRACK_BAD_FILTER')
        replace(this.problem, filterProblem(error));
      else replace(this.results, errorBox(error));
    }
  }

  /** Applies a new filter and order: the URL keeps them, so the view can be shared and reloaded. */
  search(filter, order) {
    this.filter = filter;
    this.order = order;
    const q = new URLSearchParams();
    if (filter) q.set('filter', filter);
    if (order) q.set('orderBy', orderString(order));
    const qs = q.toString();
    history.replaceState(null, '', `${location.pathname}${qs ? `?${qs}` : ''}`);
    return this.load();
  }

  filterForm() {
    const submit = (e) => {
      e.preventDefault();
      this.search(this.input.value.trim(), this.order);
    };
    const clear = () => {
      this.input.value = '';
      this.search('', null);
    };
    return h(
      'form',
      { class: 'filter-form', role: 'search', on: { submit } },
      this.input,
      h('button', { class: 'btn btn-primary', type: 'submit', text: 'Search' }),
      h('button', { class: 'btn', type: 'button', text: 'Clear', on: { click: clear } }),
    );
  }

  updateSelection() {
    const n = this.selected.size;
    this.compareButton.disabled = n < 2;
    this.compareButton.textContent = n >= 2 ? `Compare ${n} runs` : 'Compare';
  }

  draw() {
    this.updateSelection();
    const n = this.runs.length;
    this.count.textContent = `${n}${this.next ? '+' : ''} run${n === 1 ? '' : 's'}`;
    replace(
      this.results,
      table(this.columns(), this.runs, {
        emptyText: this.filter ? 'No run matches this filter.' : 'No runs yet.',
        className: 'runs-table',
        rowAttrs: (r) => ({ dataset: { runId: r.id } }),
      }),
      this.next
        ? h(
            'div',
            { class: 'more' },
            h('button', {
              class: 'btn',
              type: 'button',
              text: 'Load more',
              on: { click: () => this.load(true) },
            }),
          )
        : null,
    );
  }

  columns() {
    const sort = (kind, key) => ({
      active: sortDirection(this.order, kind, key),
      onClick: () => this.search(this.filter, nextOrder(this.order, kind, key)),
    });
    const select = (r) =>
      h('input', {
        type: 'checkbox',
        'aria-label': `select ${r.name}`,
        checked: this.selected.has(r.id),
        dataset: { runId: r.id },
        on: {
          change: (e) => {
            if (e.target.checked) this.selected.add(r.id);
            else this.selected.delete(r.id);
            this.updateSelection();
          },
        },
      });
    return [
      { label: '', className: 'select', value: select },
      {
        label: 'Run',
        value: (r) => h('span', { class: 'run-cell' }, runLink(r.id, r.name), mono(r.id, { short: true })),
        sort: sort('attribute', 'name'),
      },
      this.experiment
        ? null
        : {
            label: 'Experiment',
            value: (r) => (r.experiment ? link(ui('experiments', r.experiment), r.experiment) : '–'),
          },
      { label: 'Status', value: (r) => statusBadge(r.status), sort: sort('attribute', 'status') },
      { label: 'Started', value: (r) => time(r.startTime), sort: sort('attribute', 'start_time') },
      { label: 'Duration', value: (r) => fmtDuration(r.durationMs), className: 'num' },
      ...frequentKeys(this.runs, (r) => r.metrics, MAX_METRIC_COLUMNS).map((k) => ({
        label: k,
        title: `metric ${k} (latest value)`,
        className: 'num col-metric',
        value: (r) => (k in r.metrics ? fmtNumber(r.metrics[k]) : '–'),
        sort: sort('metric', k),
      })),
      ...frequentKeys(this.runs, (r) => r.params, MAX_PARAM_COLUMNS).map((k) => ({
        label: k,
        title: `param ${k}`,
        className: 'col-param',
        value: (r) => r.params[k] ?? '–',
        sort: sort('param', k),
      })),
    ].filter(Boolean);
  }
}

function filterHelp(input) {
  const use = (example) => () => {
    input.value = example;
    input.focus();
  };
  return h(
    'details',
    { class: 'filter-help' },
    h('summary', {}, 'Filter syntax'),
    h(
      'p',
      {},
      'MLflow search syntax: ',
      h('code', { text: '<metrics|params|tags|attributes>.<key> <op> <value>' }),
      ' joined with AND. Metrics compare numbers (= != < <= > >=); params and tags compare quoted strings (= != LIKE ILIKE IN NOT IN). Keys with dots or dashes go in backticks.',
    ),
    h(
      'ul',
      { class: 'examples' },
      ...EXAMPLES.map((ex) =>
        h(
          'li',
          {},
          h(
            'button',
            { type: 'button', class: 'link-button', on: { click: use(ex) } },
            h('code', { text: ex }),
          ),
        ),
      ),
    ),
  );
}

function filterProblem(error) {
  const pos = error.details?.position;
  const expression = error.details?.expression;
  return h(
    'div',
    { class: 'error-box', role: 'alert' },
    h('strong', { text: 'Bad filter' }),
    h('p', { text: error.message.split('\n')[0] }),
    typeof pos === 'number' && typeof expression === 'string'
      ? h('pre', { class: 'caret', text: `${expression}\n${' '.repeat(pos)}^` })
      : null,
  );
}
