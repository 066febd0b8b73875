/** Horizontal bars (feature importance, latest metric values) and a stacked share bar (traffic). */
import { h } from './dom.js';
import { fmtPercent } from './format.js';
import { PALETTE } from './line-chart.js';

/**
 * Horizontal bars: `rows` are `{ label, value, display, title?, color? }`, scaled to the largest
 * |value|. The container carries `data-bars` (the number of bars).
 */
export function barChart(rows, { name = 'bars' } = {}) {
  const max = Math.max(0, ...rows.map((r) => Math.abs(r.value)).filter(Number.isFinite));
  return h(
    'div',
    { class: 'bars', role: 'list', dataset: { bars: String(rows.length), chart: name } },
    ...rows.map((r) =>
      h(
        'div',
        { class: 'bar-row', role: 'listitem', title: r.title ?? `${r.label}: ${r.display}` },
        h('span', { class: 'bar-label', text: r.label }),
        h(
          'span',
          { class: 'bar-track' },
          h('span', {
            class: 'bar-fill',
            style: {
              width: `${max > 0 && Number.isFinite(r.value) ? (Math.abs(r.value) / max) * 100 : 0}%`,
              background: r.color ?? PALETTE[0],
            },
          }),
        ),
        h('span', { class: 'bar-value', text: r.display }),
      ),
    ),
  );
}

/**
 * One bar split into shares: `segments` are `{ label, percent, color?, title? }` (percent of 100).
 * Each segment carries `data-percent`.
 */
export function shareBar(segments, { legend = true } = {}) {
  const colored = segments.map((s, i) => ({ ...s, color: s.color ?? PALETTE[i % PALETTE.length] }));
  return h(
    'div',
    { class: 'share' },
    h(
      'div',
      {
        class: 'share-bar',
        role: 'img',
        'aria-label': colored.map((s) => `${s.label} ${fmtPercent(s.percent)}`).join(', '),
      },
      ...colored.map((s) =>
        h(
          'span',
          {
            class: 'share-seg',
            title: s.title ?? `${s.label}: ${fmtPercent(s.percent)}`,
            dataset: { percent: String(s.percent), segment: s.label },
            style: { width: `${s.percent}%`, background: s.color },
          },
          s.percent >= 12
            ? h('span', { class: 'share-text', text: `${s.label} ${fmtPercent(s.percent)}` })
            : null,
        ),
      ),
    ),
    legend
      ? h(
          'div',
          { class: 'legend' },
          ...colored.map((s) =>
            h(
              'span',
              { class: 'legend-item' },
              h('span', { class: 'swatch', style: { background: s.color } }),
              `${s.label} · ${fmtPercent(s.percent)}`,
            ),
          ),
        )
      : null,
  );
}
