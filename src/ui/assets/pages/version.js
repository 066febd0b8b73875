/** One model version: metrics, signature, lineage, artifact, tags and the alias moves that touched it. */
import { api } from '../lib/api.js';
import {
  aliasChip,
  card,
  empty,
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
import { h, link, ui } from '../lib/dom.js';
import { fmtBytes } from '../lib/format.js';
import { aliasTimeline } from './models.js';

/** One model version: metrics, lineage, signature, params, tags and alias moves. */
export async function versionPage({ params }) {
  const d = await api(
    `/models/${encodeURIComponent(params.name)}/versions/${encodeURIComponent(params.version)}`,
  );
  const v = d.version;
  const l = v.lineage;
  document.title = `${v.model} v${v.version} · Keel`;
  return h(
    'div',
    { class: 'page' },
    pageHeader({
      title: h(
        'span',
        {},
        `${v.model} `,
        h('span', { class: 'muted', text: `v${v.version}` }),
        ' ',
        ...v.aliases.map((a) => aliasChip(a)),
      ),
      kicker: [link(ui('models'), 'Models'), link(ui('models', v.model), v.model)],
      subtitle: [v.description || ''],
    }),
    card(
      null,
      facts([
        ['Flavor', v.flavor],
        ['Task', v.signature.task ?? '–'],
        ['Created', time(v.createdAt)],
        ['By', v.createdBy],
        ['Size', fmtBytes(v.artifactSize)],
        ['sha256', mono(v.artifactDigest, { short: true })],
      ]),
    ),
    h(
      'div',
      { class: 'grid-2' },
      card('Metrics', recordTable(v.metrics, 'No metrics recorded.', { numeric: true }), {
        id: 'version-metrics',
      }),
      card(
        'Lineage',
        facts([
          [
            'Run',
            d.run
              ? h('span', {}, runLink(d.run.id, d.run.name), ' ', statusBadge(d.run.status))
              : l.runId
                ? h(
                    'span',
                    {},
                    mono(l.runId, { short: true }),
                    h('span', { class: 'muted', text: ' (deleted)' }),
                  )
                : '–',
          ],
          [
            'Experiment',
            d.run?.experiment ? link(ui('experiments', d.run.experiment), d.run.experiment) : '–',
          ],
          ['Git commit', l.gitCommit ? mono(l.gitCommit, { short: true }) : '–'],
          ['Feature service', l.featureService ?? '–'],
          [
            'Datasets',
            l.datasetFingerprints.length
              ? h('span', { class: 'chips' }, ...l.datasetFingerprints.map((f) => mono(f, { short: true })))
              : '–',
          ],
        ]),
        { id: 'lineage' },
      ),
    ),
    card('Signature', signature(v.signature), { id: 'signature' }),
    h(
      'div',
      { class: 'grid-2' },
      card('Training params', recordTable(l.params, 'No params recorded.'), { id: 'lineage-params' }),
      card(
        'Tags',
        kvTable(
          Object.entries(v.tags).map(([k, x]) => [k, h('span', { class: 'value', text: x })]),
          'No tags.',
        ),
        { id: 'version-tags' },
      ),
    ),
    card(
      'Alias moves to or from this version',
      d.aliasHistory.length
        ? aliasTimeline(d.aliasHistory, v.model)
        : empty('No alias ever pointed at this version.'),
      { id: 'version-aliases' },
    ),
  );
}

function fieldTable(fields, emptyText) {
  return table(
    [
      { label: 'Name', value: (f) => h('code', { text: f.name }) },
      { label: 'Type', value: (f) => f.type },
      { label: 'Tensor', value: (f) => (f.datatype ? `${f.datatype} [${(f.shape ?? []).join(', ')}]` : '–') },
      { label: 'Nullable', value: (f) => (f.nullable === undefined ? '–' : f.nullable ? 'yes' : 'no') },
      {
        label: 'Levels',
        value: (f) =>
          f.levels
            ? h('span', {
                title: f.levels.join(', '),
                text: `${f.levels.slice(0, 6).join(', ')}${f.levels.length > 6 ? ` … (${f.levels.length})` : ''}`,
              })
            : '–',
      },
    ],
    fields,
    { emptyText, className: 'signature-table' },
  );
}

function signature(s) {
  return h(
    'div',
    {},
    h(
      'p',
      { class: 'muted' },
      `${s.kind === 'tensors' ? 'Tensor' : 'Column'} signature`,
      s.classes ? ` · classes: ${s.classes.join(', ')}` : '',
    ),
    h('h3', { text: `Inputs (${s.inputs.length})` }),
    fieldTable(s.inputs, 'No inputs.'),
    h('h3', { text: `Outputs (${s.outputs.length})` }),
    fieldTable(s.outputs, 'No outputs.'),
  );
}
