/** Experiments list. */
import { api } from '../lib/api.js';
import { badge, card, mono, pageHeader, runLink, table, time } from '../lib/components.js';
import { h, link, ui } from '../lib/dom.js';
import { fmtAgo } from '../lib/format.js';
import { navigate } from '../lib/router.js';

/** The experiments list (`?deleted=true` includes deleted ones). */
export async function experimentsPage({ query }) {
  const includeDeleted = query.get('deleted') === 'true';
  const { experiments } = await api('/experiments', { includeDeleted });
  document.title = 'Experiments · Keel';
  const toggle = h(
    'label',
    { class: 'check' },
    h('input', {
      type: 'checkbox',
      checked: includeDeleted,
      on: {
        change: (e) =>
          navigate(e.target.checked ? `${ui('experiments')}?deleted=true` : ui('experiments'), {
            replaceState: true,
          }),
      },
    }),
    ' show deleted',
  );
  return h(
    'div',
    { class: 'page' },
    pageHeader({
      title: 'Experiments',
      subtitle: ['Experiments group runs; open one to search, sort and compare its runs.'],
      actions: [link(ui('runs'), 'All runs →')],
    }),
    card(
      null,
      table(
        [
          {
            label: 'Name',
            value: (e) =>
              h(
                'span',
                {},
                link(ui('experiments', e.name), h('strong', { text: e.name })),
                e.lifecycleStage === 'deleted' ? [' ', badge('deleted', 'bad')] : null,
              ),
          },
          {
            label: 'Last run',
            value: (e) =>
              e.lastRun
                ? h(
                    'span',
                    {},
                    runLink(e.lastRun.id, e.lastRun.name),
                    h('span', { class: 'muted', text: ` · ${fmtAgo(e.lastRun.startTime)}` }),
                  )
                : h('span', { class: 'muted', text: 'no runs' }),
          },
          { label: 'Created', value: (e) => time(e.createdAt) },
          { label: 'Tags', value: (e) => tagList(e.tags) },
          { label: 'Id', value: (e) => mono(e.id, { short: true }) },
        ],
        experiments,
        { emptyText: 'No experiments yet: runs create theirs on start.' },
      ),
      { extra: [toggle] },
    ),
  );
}

/** Tags as key/value chips; a dash when there are none. */
export function tagList(tags) {
  const entries = Object.entries(tags ?? {});
  if (entries.length === 0) return h('span', { class: 'muted', text: '–' });
  return h(
    'span',
    { class: 'chips' },
    ...entries.map(([k, v]) =>
      h(
        'span',
        { class: 'tag', title: `${k}=${v}` },
        h('span', { class: 'tag-key', text: k }),
        h('span', { class: 'tag-value', text: v }),
      ),
    ),
  );
}
