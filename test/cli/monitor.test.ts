// `keel monitor drift` and `keel monitor snapshot`, run in-process on CSV files.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/tmp.js';

/** Deterministic CSV: amount (numeric), country (categorical), age (numeric with gaps), score. */
function writeCsv(file: string, rows: number, drift: boolean): void {
  const lines = ['amount,country,age,score'];
  for (let i = 0; i < rows; i++) {
    const u = ((i * 7919) % 1009) / 1009;
    const amount = (drift ? 40 + 80 * u : 20 + 60 * u).toFixed(3);
    const country = drift && i % 10 === 0 ? 'IT' : ['US', 'DE', 'FR'][i % 3];
    const age = i % (drift ? 4 : 20) === 0 ? '' : String(18 + ((i * 31) % 60));
    const score = (drift ? u * u : u).toFixed(4);
    lines.push(`${amount},${country},${age},${score}`);
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

describe('keel monitor drift', () => {
  const dir = tempDir();
  writeCsv(join(dir, 'train.csv'), 1200, false);
  writeCsv(join(dir, 'same.csv'), 800, false);
  writeCsv(join(dir, 'today.csv'), 800, true);

  it('prints a table and exits 1 when the dataset drifts, naming where the HTML report went', async () => {
    const r = await runCli(
      [
        'monitor',
        'drift',
        '--reference',
        'train.csv',
        '--current',
        'today.csv',
        '--prediction',
        'score',
        '--html',
        'out.html',
      ],
      dir,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^column\s+test\s+statistic\s+p-value\/distance\s+threshold\s+drift/);
    expect(r.stdout).toMatch(/amount\s+wasserstein\s.*yes/);
    expect(r.stdout).toMatch(/country\s+jensenshannon\s.*yes\s+new: IT/);
    expect(r.stdout).toMatch(/age\s.*missing \+20\.0 pp/);
    expect(r.stdout).toMatch(/score \(prediction\)/);
    expect(r.stdout).toContain('Dataset drift: YES');
    expect(r.stdout).toContain(`HTML report written to ${join(dir, 'out.html')}`);
    const html = readFileSync(join(dir, 'out.html'), 'utf8');
    expect(html).toContain('Dataset drift detected');
    expect(html).toContain('train.csv (reference) vs today.csv (current)');
  });

  it('exits 0 without drift', async () => {
    const r = await runCli(['monitor', 'drift', '--reference', 'train.csv', '--current', 'same.csv'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Dataset drift: no');
  });

  it('prints JSON, honours --columns, --stattest all and --threshold, and encodes infinities as strings', async () => {
    const r = await runCli(
      [
        'monitor',
        'drift',
        '--reference',
        'train.csv',
        '--current',
        'today.csv',
        '--columns',
        'country,amount',
        '--stattest',
        'all',
        '--threshold',
        '0.5',
        '--json',
      ],
      dir,
    );
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.columns.map((c: { column: string }) => c.column)).toEqual(['country', 'amount']);
    const country = report.columns[0];
    expect(country.threshold).toBe(0.5);
    expect(country.tests.map((t: { test: string }) => t.test)).toContain('chisquare');
    expect(country.tests.find((t: { test: string }) => t.test === 'chisquare').statistic).toBe('Infinity');
    expect(report.htmlReport).toBeNull();
  });

  it('accepts a snapshot written by `keel monitor snapshot` as the reference', async () => {
    const s = await runCli(
      ['monitor', 'snapshot', 'train.csv', '--out', 'train.snapshot.json', '--sample-size', '500'],
      dir,
    );
    expect(s.code).toBe(0);
    expect(s.stdout).toMatch(/Reference snapshot of 1200 rows, 4 columns written to/);
    expect(existsSync(join(dir, 'train.snapshot.json'))).toBe(true);
    const r = await runCli(
      ['monitor', 'drift', '--reference', 'train.snapshot.json', '--current', 'today.csv', '--json'],
      dir,
    );
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.referenceKind).toBe('snapshot');
    expect(report.referenceRows).toBe(1200);
  });

  it('exits 2 with the fix on input errors', async () => {
    const cases: [string[], RegExp][] = [
      [['--current', 'today.csv'], /Pass --reference <file>/],
      [['--reference', 'missing.csv', '--current', 'today.csv'], /missing\.csv does not exist/],
      [['--reference', 'train.csv', '--current', 'today.csv', '--stattest', 'kss'], /unknown test "kss"/],
      [['--reference', 'train.csv', '--current', 'today.csv', '--columns', 'zzz'], /no column "zzz"/],
      [
        ['--reference', 'train.csv', '--current', 'today.csv', '--threshold', 'x'],
        /--threshold must be a number/,
      ],
      [
        ['--reference', 'train.csv', '--current', 'today.csv', '--drift-share', '2'],
        /driftShare must be in \(0, 1\]/,
      ],
    ];
    writeFileSync(join(dir, 'other.csv'), 'a,b\n1,2\n3,4\n');
    cases.push([
      ['--reference', 'train.csv', '--current', 'other.csv'],
      /train\.csv and other\.csv have no column in common.*train\.csv has: amount, country, age, score; other\.csv has: a, b\./,
    ]);
    writeFileSync(join(dir, 'bad.json'), '{"format": "other"}');
    cases.push([
      ['--reference', 'bad.json', '--current', 'today.csv'],
      /reference snapshot is invalid at format/,
    ]);
    for (const [args, message] of cases) {
      const r = await runCli(['monitor', 'drift', ...args], dir);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
  });
});
