/** Drift reports stored in the project's reports folder, shown in a sandboxed frame. */
import { api, apiText } from '../lib/api.js';
import { card, empty, pageHeader, table, time } from '../lib/components.js';
import { h, link, ui } from '../lib/dom.js';
import { fmtBytes } from '../lib/format.js';

/** The drift reports in the project's reports folder. */
export async function reportsPage() {
  const { reports, folder } = await api('/reports');
  document.title = 'Drift reports · Keel';
  return h(
    'div',
    { class: 'page' },
    pageHeader({
      title: 'Drift reports',
      subtitle: ['HTML reports written by keel monitor drift --html into the reports folder.'],
    }),
    card(
      null,
      reports.length === 0
        ? empty(
            'No reports yet.',
            h(
              'p',
              { class: 'muted' },
              'Write one with ',
              h('code', {
                text: 'keel monitor drift --reference train.csv --current today.csv --html .keel/reports/drift-today.html',
              }),
            ),
            folder ? h('p', { class: 'muted small' }, 'Folder: ', h('code', { text: folder })) : null,
          )
        : table(
            [
              { label: 'Report', value: (r) => link(ui('reports', r.name), h('strong', { text: r.name })) },
              { label: 'Written', value: (r) => time(r.modifiedAt) },
              { label: 'Size', value: (r) => fmtBytes(r.size), className: 'num' },
            ],
            reports,
          ),
    ),
  );
}

/** One drift report in a sandboxed frame, with a download link. */
export async function reportPage({ params }) {
  const html = await apiText(`/reports/${encodeURIComponent(params.file)}`);
  document.title = `${params.file} · Keel`;
  // An empty sandbox: the report runs no script and gets an opaque origin, whatever the file holds.
  const frame = h('iframe', {
    class: 'report-frame',
    sandbox: '',
    title: params.file,
    referrerpolicy: 'no-referrer',
  });
  frame.srcdoc = html;
  const download = h(
    'a',
    {
      class: 'btn',
      download: params.file,
      href: URL.createObjectURL(new Blob([html], { type: 'application/octet-stream' })),
    },
    'Download',
  );
  return h(
    'div',
    { class: 'page' },
    pageHeader({ title: params.file, kicker: [link(ui('reports'), 'Drift reports')], actions: [download] }),
    h('div', { class: 'report-wrap' }, frame),
  );
}
