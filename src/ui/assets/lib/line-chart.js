/** Line charts of metric histories, drawn with uPlot (served from /ui/vendor, no network). */
import uPlot from '../../vendor/uplot.esm.js';
import { h } from './dom.js';
import { fmtNumber, toNumber } from './format.js';

/** Series colours, in order (colour-blind friendly, after Okabe–Ito and Tableau 10). */
export const PALETTE = [
  '#2563eb',
  '#e8590c',
  '#059669',
  '#c026d3',
  '#ca8a04',
  '#0891b2',
  '#dc2626',
  '#4f46e5',
  '#65a30d',
  '#db2777',
];

/** Merges series onto one sorted x axis; a series without a point at some x gets null there. */
export function alignSeries(series) {
  const xs = [...new Set(series.flatMap((s) => s.x))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const ys = series.map((s) => {
    const y = new Array(xs.length).fill(null);
    s.x.forEach((x, i) => {
      const v = toNumber(s.y[i]);
      y[index.get(x)] = v === null || !Number.isFinite(v) ? null : v;
    });
    return y;
  });
  return [xs, ...ys];
}

function tickValues(_u, values) {
  return values.map((v) => (v === null ? '' : fmtNumber(v, 3)));
}

/** uPlot options for `series` at `width` pixels; `colorOf(i)` gives series i its colour. */
function chartOptions({ series, xLabel, height, width, colorOf, showPoints }) {
  const axis = {
    stroke: '#57606a',
    grid: { stroke: '#eaeef2' },
    ticks: { stroke: '#d0d7de' },
    values: tickValues,
  };
  const value = (_u, v) => (v === null ? '–' : fmtNumber(v));
  return {
    width,
    height,
    scales: { x: { time: false } },
    legend: { live: true, markers: { fill: (_u, i) => (i === 0 ? 'transparent' : colorOf(i - 1)) } },
    cursor: { drag: { x: true, y: false }, focus: { prox: 24 } },
    focus: { alpha: 0.35 },
    axes: [axis, { ...axis, size: 56 }],
    series: [
      { label: xLabel, value },
      ...series.map((s, i) => ({
        label: s.label,
        stroke: colorOf(i),
        width: 2,
        spanGaps: true,
        points: { show: showPoints, size: 5 },
        value,
      })),
    ],
  };
}

/**
 * A chart figure: `series` are `{ label, x: number[], y: (number|string)[] }` (repeated x: the
 * last point wins); `colors` optionally picks each series' palette index. The figure carries
 * `data-chart` (the title), `data-points` (JSON: label → points drawn) and, once uPlot drew it,
 * `data-drawn`; it draws itself when it gets a width and follows its container's size.
 */
export function lineChart({ title, series, xLabel = 'step', height = 220, colors }) {
  const data = alignSeries(series);
  const points = Object.fromEntries(
    series.map((s, i) => [s.label, data[i + 1].filter((v) => v !== null).length]),
  );
  const canvas = h('div', { class: 'chart-plot' });
  const figure = h(
    'figure',
    { class: 'chart', dataset: { chart: title, points: JSON.stringify(points) } },
    h(
      'figcaption',
      {},
      h('span', { class: 'chart-title', text: title }),
      h('span', { class: 'chart-x', text: `by ${xLabel}` }),
    ),
    canvas,
  );
  const colorOf = (i) => PALETTE[(colors?.[i] ?? i) % PALETTE.length];
  const showPoints = data[0].length <= 60;
  let plot = null;
  const observer = new ResizeObserver(() => {
    // Removed from the page (navigation, redraw): release uPlot's window listeners.
    if (!canvas.isConnected) {
      plot?.destroy();
      observer.disconnect();
      return;
    }
    const width = Math.floor(canvas.clientWidth);
    if (width <= 0) return;
    if (!plot) {
      plot = new uPlot(chartOptions({ series, xLabel, height, width, colorOf, showPoints }), data, canvas);
      figure.dataset.drawn = 'true';
    } else if (Math.abs(plot.width - width) > 1) plot.setSize({ width, height });
  });
  observer.observe(canvas);
  return figure;
}
