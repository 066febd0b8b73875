/**
 * A self-contained HTML drift report: a verdict, a summary table and, per column, reference and
 * current distributions overlaid in an inline SVG chart. No scripts, fonts or network requests;
 * every value taken from the data is escaped.
 */
import type { Frame } from '../../../core/index.js';
import { type DriftReference, type DriftSource, driftSource } from '../reference-source.js';
import type { ReferenceSnapshot } from '../snapshot.js';
import type { ColumnDrift, DriftReport } from '../types.js';
import { columnHistogram } from './histogram.js';
import { REPORT_CSS } from './report-css.js';
import { escapeHtml, histogramSvg } from './svg.js';

/** The data the report was computed on, for the charts. */
export interface DriftReportData {
  readonly reference: DriftReference;
  readonly current: Frame | ReferenceSnapshot;
}

/** Options of `renderDriftReportHtml`. */
export interface DriftHtmlOptions {
  /** Page title (default "Drift report"). */
  readonly title?: string;
  /** A line under the title, e.g. the file names compared. */
  readonly subtitle?: string;
  /** When the report was made (epoch ms), shown in UTC. */
  readonly generatedAtMs?: number;
  /** Missing categorical values were counted as "__missing__" when computing the report. */
  readonly categoricalMissing?: 'drop' | 'category';
}

function fmt(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e9)) return value.toExponential(3);
  return String(Number(value.toPrecision(4)));
}

const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;
const signedPct = (v: number): string =>
  `${v > 0 ? '+' : v < 0 ? '−' : '±'}${(Math.abs(v) * 100).toFixed(1)} pp`;

function badge(c: ColumnDrift): string {
  if (c.status === 'not_enough_data') return '<span class="badge muted">not enough data</span>';
  if (c.status === 'skipped') return '<span class="badge muted">skipped</span>';
  return c.drifted ? '<span class="badge drift">drift</span>' : '<span class="badge ok">no drift</span>';
}

function score(c: ColumnDrift): string {
  if (c.pValue !== null) return `p = ${fmt(c.pValue)}`;
  if (c.distance !== null) return `d = ${fmt(c.distance)}`;
  return '–';
}

function summaryRow(c: ColumnDrift): string {
  const news = c.newCategories.length
    ? escapeHtml(
        c.newCategories.slice(0, 5).join(', ') +
          (c.newCategories.length > 5 ? ` … (+${c.newCategories.length - 5})` : ''),
      )
    : '';
  return `<tr class="${c.drifted ? 'drifted' : ''}"><td><a href="#col-${anchor(c.column)}">${escapeHtml(c.column)}</a></td><td>${c.kind ?? '–'}</td><td>${c.test ?? '–'}</td><td class="num">${fmt(c.statistic)}</td><td class="num">${score(c)}</td><td class="num">${fmt(c.threshold)}</td><td>${badge(c)}</td><td class="num">${signedPct(c.missingShareChange)}</td><td>${news}</td></tr>`;
}

function anchor(name: string): string {
  return Array.from(name, (ch) =>
    /[A-Za-z0-9_-]/.test(ch) ? ch : `_${ch.codePointAt(0)!.toString(16)}`,
  ).join('');
}

function testsTable(c: ColumnDrift): string {
  if (c.tests.length < 2) return '';
  const rows = c.tests
    .map(
      (t, i) =>
        `<tr><td>${t.test}${i === 0 ? ' (decides)' : ''}</td><td class="num">${fmt(t.statistic)}</td><td class="num">${t.pValue !== null ? `p = ${fmt(t.pValue)}` : `d = ${fmt(t.distance)}`}</td><td class="num">${fmt(t.threshold)}</td><td>${t.drifted ? 'drift' : 'no drift'}${t.approximate ? ' (sketch)' : ''}</td></tr>`,
    )
    .join('');
  return `<table class="tests"><thead><tr><th>test</th><th>statistic</th><th>p-value / distance</th><th>threshold</th><th>verdict</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function columnSection(
  c: ColumnDrift,
  ref: DriftSource,
  cur: DriftSource,
  missingAsCategory: boolean,
): string {
  const facts = [
    c.test
      ? `${c.test}: statistic ${fmt(c.statistic)}, ${score(c)}, threshold ${fmt(c.threshold)}`
      : escapeHtml(c.reason ?? ''),
    `rows used: reference ${c.referenceSize}, current ${c.currentSize}`,
    `missing: reference ${pct(c.referenceMissingShare)}, current ${pct(c.currentMissingShare)} (${signedPct(c.missingShareChange)})`,
  ];
  if (c.newCategories.length) facts.push(`only in current data: ${escapeHtml(c.newCategories.join(', '))}`);
  let chart = '<p class="muted">No chart for this column.</p>';
  if (ref.names.includes(c.column) && cur.names.includes(c.column)) {
    const h = columnHistogram(ref.side(c.column, missingAsCategory), cur.side(c.column, missingAsCategory));
    if (h) chart = histogramSvg(h, `${c.column}: reference and current distributions`);
  }
  return `<section class="column" id="col-${anchor(c.column)}"><h3>${escapeHtml(c.column)} ${badge(c)}</h3><ul class="facts">${facts.map((f) => `<li>${f}</li>`).join('')}</ul>${chart}${testsTable(c)}</section>`;
}

/**
 * Renders `report` as one self-contained HTML page; `data` (the frames or snapshots it was
 * computed on) supplies the histograms.
 */
export function renderDriftReportHtml(
  report: DriftReport,
  data: DriftReportData,
  options: DriftHtmlOptions = {},
): string {
  const ref = driftSource(data.reference);
  const cur = driftSource(data.current);
  const missingAsCategory = options.categoricalMissing === 'category';
  const title = options.title ?? 'Drift report';
  const verdict = report.datasetDrift
    ? '<p class="verdict drift">Dataset drift detected</p>'
    : '<p class="verdict ok">No dataset drift</p>';
  const meta = [
    `${report.driftedColumns} of ${report.testedColumns} tested columns drifted (${pct(report.shareOfDriftedColumns)}; dataset drift at ≥ ${pct(report.driftShare)})`,
    `reference: ${report.referenceRows} rows (${report.referenceKind}); current: ${report.currentRows} rows`,
  ];
  if (options.generatedAtMs !== undefined)
    meta.push(
      `generated ${new Date(options.generatedAtMs).toISOString().replace('T', ' ').slice(0, 19)} UTC`,
    );
  if (report.onlyInReference.length)
    meta.push(`only in the reference (not tested): ${escapeHtml(report.onlyInReference.join(', '))}`);
  if (report.onlyInCurrent.length)
    meta.push(`only in the current data (not tested): ${escapeHtml(report.onlyInCurrent.join(', '))}`);
  const all = report.predictionDrift ? [report.predictionDrift, ...report.columns] : report.columns;
  const prediction = report.predictionDrift
    ? `<p class="prediction">Prediction drift (${escapeHtml(report.predictionDrift.column)}): ${badge(report.predictionDrift)} ${score(report.predictionDrift)}</p>`
    : '';
  const head =
    '<tr><th>column</th><th>type</th><th>test</th><th>statistic</th><th>p-value / distance</th><th>threshold</th><th>verdict</th><th>missing Δ</th><th>new categories</th></tr>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${REPORT_CSS}</style></head>
<body><main>
<h1>${escapeHtml(title)}</h1>${options.subtitle ? `<p class="muted">${escapeHtml(options.subtitle)}</p>` : ''}
${verdict}<ul class="meta">${meta.map((m) => `<li>${m}</li>`).join('')}</ul>${prediction}
<h2>Columns</h2>
<table class="summary"><thead>${head}</thead><tbody>${all.map(summaryRow).join('')}</tbody></table>
<p class="legend"><span class="swatch ref"></span> reference <span class="swatch cur"></span> current — bars are shares of each side's non-missing values.</p>
<h2>Distributions</h2>
${all.map((c) => columnSection(c, ref, cur, missingAsCategory)).join('\n')}
<footer><p>p-value tests (ks, chisquare, chi2_contingency, g_test, z) flag drift when p falls below the threshold (ks: p ≤ threshold); distance tests (wasserstein normed by the reference standard deviation, psi, jensenshannon) when the distance reaches it. Columns with too few rows are reported, never counted as drift. Made by Keel.</p></footer>
</main></body></html>
`;
}
