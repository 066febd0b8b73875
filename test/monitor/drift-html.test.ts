// The HTML drift report: self-contained, escaped, one chart per drawable column.
import { describe, expect, it } from 'vitest';
import { categoricalColumn, Frame, numberColumn, textColumn } from '../../src/core/index.js';
import { buildReferenceSnapshot, detectDrift, renderDriftReportHtml } from '../../src/monitor/index.js';

const n = 600;
const evil = '<img src=x onerror=alert(1)>';
const reference = Frame.fromColumns([
  numberColumn(
    'amount',
    Array.from({ length: n }, (_, i) => ((i * 7919) % 1000) / 10),
  ),
  numberColumn(
    'level',
    Array.from({ length: n }, (_, i) => i % 3),
  ),
  categoricalColumn(
    evil,
    Array.from({ length: n }, (_, i) => ['a', 'b', '"c"'][i % 3]!),
  ),
  numberColumn(
    'tiny',
    Array.from({ length: n }, (_, i) => (i < 10 ? i : null)),
  ),
  textColumn('note', Array(n).fill('x')),
  numberColumn(
    'score',
    Array.from({ length: n }, (_, i) => (i % 100) / 100),
  ),
]);
const current = Frame.fromColumns([
  numberColumn(
    'amount',
    Array.from({ length: n }, (_, i) => ((i * 104729) % 1000) / 8 + 5),
  ),
  numberColumn(
    'level',
    Array.from({ length: n }, (_, i) => (i % 4 === 0 ? 2 : i % 3)),
  ),
  categoricalColumn(
    evil,
    Array.from({ length: n }, (_, i) => ['a', 'b', '<new>'][i % 3]!),
  ),
  numberColumn(
    'tiny',
    Array.from({ length: n }, (_, i) => (i < 10 ? i : null)),
  ),
  textColumn('note', Array(n).fill('y')),
  numberColumn(
    'score',
    Array.from({ length: n }, (_, i) => (i % 50) / 100),
  ),
]);

describe('renderDriftReportHtml', () => {
  const report = detectDrift(reference, current, { predictionColumn: 'score' });
  const html = renderDriftReportHtml(
    report,
    { reference, current },
    { title: 'Fraud <v2>', subtitle: 'a.csv vs b.csv', generatedAtMs: 0 },
  );

  it('is one self-contained page: no scripts, no external resources', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/https?:\/\//);
    // no src= attribute on any tag (quoted attribute values, already escaped, removed first)
    expect(html.replace(/"[^"]*"/g, '""')).not.toMatch(/<[^>]*\ssrc=/i);
    expect(html).not.toMatch(/<link/i);
    expect(html).toContain('1970-01-01 00:00:00 UTC');
  });

  it('escapes every name and value taken from the data', () => {
    expect(html).not.toContain(evil);
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;');
    expect(html).toContain('&#60;new&#62;');
    expect(html).toContain('<title>Fraud &#60;v2&#62;</title>');
  });

  it('has a summary row per column and a chart per drawable column', () => {
    const rows = html.match(/<tbody>(.*?)<\/tbody>/s)![1]!.match(/<tr/g)!.length;
    expect(rows).toBe(report.columns.length + 1); // + prediction
    // amount, level, the categorical, tiny (not enough data but drawable), score; not the text column
    expect(html.match(/<svg class="hist"/g)!.length).toBe(5);
    expect(html).toContain('not enough data');
    expect(html).toContain('Prediction drift (score)');
    expect(
      report.datasetDrift ? html.includes('Dataset drift detected') : html.includes('No dataset drift'),
    ).toBe(true);
  });

  it('draws from a snapshot reference too', () => {
    const snapshot = buildReferenceSnapshot(reference, { sampleSize: 100 });
    const r = detectDrift(snapshot, current);
    const page = renderDriftReportHtml(r, { reference: snapshot, current });
    expect(page.match(/<svg class="hist"/g)!.length).toBe(5);
    expect(page).toContain('(snapshot)');
  });
});
