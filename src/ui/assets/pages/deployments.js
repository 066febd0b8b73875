/** Deployments: traffic per variant, canary share, shadow, and the decision history with evidence. */
import { api } from '../lib/api.js';
import { shareBar } from '../lib/bar-chart.js';
import {
  badge,
  card,
  empty,
  facts,
  jsonValue,
  kvTable,
  pageHeader,
  table,
  time,
  versionLink,
} from '../lib/components.js';
import { h, link, ui } from '../lib/dom.js';
import { fmtAgo, fmtPercent, fmtTime } from '../lib/format.js';

function resolved(r) {
  if (!r) return '–';
  if (r.problem) return h('span', { class: 'bad-text', title: r.problem, text: 'unresolved' });
  return versionLink(r.model, r.version, `${r.model} v${r.version}`);
}

function traffic(d) {
  return shareBar(
    d.variants.map((v) => ({
      label: v.name,
      percent: v.sharePercent,
      title: `${v.name}: ${v.ref} (weight ${v.weight})`,
    })),
  );
}

/** Every deployment as a card with its traffic split. */
export async function deploymentsPage() {
  const { deployments } = await api('/deployments');
  document.title = 'Deployments · Keel';
  return h(
    'div',
    { class: 'page' },
    pageHeader({
      title: 'Deployments',
      subtitle: ['Named endpoints and how their traffic is split between model versions.'],
    }),
    deployments.length === 0
      ? card(null, empty('No deployments yet.'))
      : h(
          'div',
          { class: 'cards' },
          ...deployments.map((d) =>
            card(
              link(ui('deployments', d.name), d.name),
              h(
                'div',
                {},
                traffic(d),
                h('p', { class: 'muted small' }, d.variants.map((v) => `${v.name}: ${v.ref}`).join(' · ')),
                d.shadow
                  ? h(
                      'p',
                      { class: 'small' },
                      badge('shadow', 'muted'),
                      ` ${d.shadow.ref} · ${fmtPercent(d.shadow.percent)} mirrored`,
                    )
                  : null,
              ),
              {
                extra: [
                  badge(d.spec.mode, 'info'),
                  h('span', {
                    class: 'muted small',
                    title: fmtTime(d.updatedAt),
                    text: `rev ${d.revision} · ${fmtAgo(d.updatedAt)}`,
                  }),
                ],
                className: 'deployment-card',
              },
            ),
          ),
        ),
  );
}

/** One deployment: canary share, traffic, policy, options and decision history. */
export async function deploymentPage({ params }) {
  const { deployment: d, history } = await api(`/deployments/${encodeURIComponent(params.name)}`);
  document.title = `${d.name} · Keel`;
  return h(
    'div',
    { class: 'page' },
    pageHeader({
      title: h('span', {}, d.name, ' ', badge(d.spec.mode, 'info')),
      kicker: [link(ui('deployments'), 'Deployments')],
      subtitle: [`Revision ${d.revision} · updated `, time(d.updatedAt)],
    }),
    d.canaryPercent !== null ? canaryGauge(d.canaryPercent) : null,
    card(
      'Traffic',
      h(
        'div',
        {},
        traffic(d),
        table(
          [
            { label: 'Variant', value: (v) => h('strong', { text: v.name }) },
            { label: 'Reference', value: (v) => h('code', { text: v.ref }) },
            { label: 'Serves', value: (v) => resolved(v.resolved) },
            { label: 'Weight', value: (v) => String(v.weight), className: 'num' },
            { label: 'Share', value: (v) => fmtPercent(v.sharePercent), className: 'num' },
          ],
          d.variants,
          { className: 'variants-table' },
        ),
      ),
      { id: 'traffic' },
    ),
    h(
      'div',
      { class: 'grid-2' },
      card(
        'Policy',
        facts([
          ['Mode', d.spec.mode],
          ['Sticky key', d.spec.stickyKey ? h('code', { text: d.spec.stickyKey }) : 'none (random)'],
          ['Feature service', d.spec.featureService ?? '–'],
          [
            'Shadow',
            d.shadow
              ? h(
                  'span',
                  {},
                  h('code', { text: d.shadow.ref }),
                  ` → `,
                  resolved(d.shadow.resolved),
                  ` · ${fmtPercent(d.shadow.percent)} mirrored`,
                )
              : 'none',
          ],
        ]),
        { id: 'policy' },
      ),
      card(
        'Options',
        kvTable(
          Object.entries(d.spec.options).map(([k, v]) => [k, jsonValue(v)]),
          'No options.',
        ),
        { id: 'options' },
      ),
    ),
    card('Decision history', decisions(history), { id: 'history' }),
  );
}

function canaryGauge(percent) {
  return h(
    'section',
    { class: 'card canary', id: 'canary', dataset: { canaryPercent: String(percent) } },
    h('div', { class: 'canary-value', text: fmtPercent(percent) }),
    h(
      'div',
      { class: 'canary-text' },
      h('strong', { text: 'Canary share' }),
      h('span', { class: 'muted', text: 'of traffic goes to the canary variant; the rest stays on stable.' }),
    ),
    h('div', { class: 'gauge' }, h('span', { class: 'gauge-fill', style: { width: `${percent}%` } })),
  );
}

const ACTION_KIND = { promote: 'ok', rollback: 'bad', create: 'info', 'canary-step': 'warn', delete: 'bad' };

function decisions(history) {
  if (history.length === 0) return empty('No recorded decisions.');
  return h(
    'ol',
    { class: 'timeline', dataset: { events: String(history.length) } },
    ...history.map((e) =>
      h(
        'li',
        { class: 'timeline-item' },
        h('span', { class: 'timeline-dot', 'aria-hidden': 'true' }),
        h(
          'div',
          { class: 'timeline-body' },
          h(
            'div',
            { class: 'timeline-head' },
            badge(e.action, ACTION_KIND[e.action] ?? 'muted'),
            ' ',
            h('span', { class: 'muted', text: `revision ${e.revision}` }),
          ),
          h('div', { class: 'muted small' }, time(e.at), ` · ${e.actor}`),
          e.reason ? h('div', { class: 'reason', text: e.reason }) : null,
          Object.keys(e.evidence).length
            ? h(
                'details',
                { class: 'evidence', open: true },
                h('summary', {}, 'Evidence'),
                kvTable(Object.entries(e.evidence).map(([k, v]) => [k, jsonValue(v)])),
              )
            : null,
        ),
      ),
    ),
  );
}
