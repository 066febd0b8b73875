/**
 * Inline SVG bar charts for the HTML drift report: reference and current shares overlaid on the
 * same bins, with axes, a share scale and hover titles. No scripts, fonts or external resources.
 */
import type { Histogram } from './histogram.js';

/** Escapes text for HTML and SVG content and attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const WIDTH = 720;
const HEIGHT = 240;
const LEFT = 48;
const RIGHT = 12;
const TOP = 12;
const BOTTOM = 64;

const pct = (v: number): string => `${(v * 100).toFixed(v < 0.01 && v > 0 ? 2 : 1)}%`;

/** An SVG chart of a histogram (reference grey, current blue, overlap darker). */
export function histogramSvg(h: Histogram, title: string): string {
  const n = h.labels.length;
  if (n === 0) return '<p class="muted">No values to draw.</p>';
  const plotW = WIDTH - LEFT - RIGHT;
  const plotH = HEIGHT - TOP - BOTTOM;
  const top = Math.max(...h.reference, ...h.current, 1e-12);
  const slot = plotW / n;
  const barW = Math.max(1, slot * (h.kind === 'range' ? 0.96 : 0.8));
  const y = (v: number): number => TOP + plotH - (v / top) * plotH;
  const parts: string[] = [];
  parts.push(
    `<svg class="hist" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeHtml(title)}">`,
  );
  for (const f of [0, 0.5, 1]) {
    const yy = y(top * f).toFixed(1);
    parts.push(`<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${yy}" y2="${yy}" class="grid"/>`);
    parts.push(
      `<text x="${LEFT - 4}" y="${yy}" class="tick" text-anchor="end" dominant-baseline="middle">${pct(top * f)}</text>`,
    );
  }
  for (let i = 0; i < n; i++) {
    const x = (LEFT + i * slot + (slot - barW) / 2).toFixed(1);
    const label = escapeHtml(h.labels[i]!);
    const r = h.reference[i]!;
    const c = h.current[i]!;
    parts.push(
      `<rect x="${x}" y="${y(r).toFixed(1)}" width="${barW.toFixed(1)}" height="${(TOP + plotH - y(r)).toFixed(1)}" class="ref"><title>${label}: reference ${pct(r)}</title></rect>`,
    );
    parts.push(
      `<rect x="${x}" y="${y(c).toFixed(1)}" width="${barW.toFixed(1)}" height="${(TOP + plotH - y(c)).toFixed(1)}" class="cur"><title>${label}: current ${pct(c)}</title></rect>`,
    );
  }
  parts.push(
    `<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${TOP + plotH}" y2="${TOP + plotH}" class="axis"/>`,
  );
  parts.push(...xLabels(h, slot, plotH));
  parts.push('</svg>');
  return parts.join('');
}

function xLabels(h: Histogram, slot: number, plotH: number): string[] {
  const base = TOP + plotH + 14;
  if (h.kind === 'range') {
    const first = h.edges[0]!;
    const last = h.edges[h.edges.length - 1]!;
    const mid = h.edges[Math.floor(h.edges.length / 2)]!;
    const fmt = (v: number): string => escapeHtml(String(Number(v.toPrecision(4))));
    return [
      `<text x="${LEFT}" y="${base}" class="tick">${fmt(first)}</text>`,
      `<text x="${LEFT + ((h.edges.length - 1) / 2) * slot}" y="${base}" class="tick" text-anchor="middle">${fmt(mid)}</text>`,
      `<text x="${WIDTH - RIGHT}" y="${base}" class="tick" text-anchor="end">${fmt(last)}</text>`,
    ];
  }
  return h.labels.map((l, i) => {
    const x = (LEFT + (i + 0.5) * slot).toFixed(1);
    const text = escapeHtml(l.length > 14 ? `${l.slice(0, 13)}…` : l);
    return `<text x="${x}" y="${base}" class="tick" text-anchor="end" transform="rotate(-40 ${x} ${base})">${text}</text>`;
  });
}
