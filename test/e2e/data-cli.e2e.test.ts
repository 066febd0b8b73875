import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import references from '../data/dataset-references.json' with { type: 'json' };
import { PLANTED_FAILURES } from '../data/planted.js';
import { tempDir } from '../helpers/tmp.js';

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, '../..');
const bin = join(repo, 'bin/keel.js');
const work = tempDir('keel-e2e-data-');
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('KEEL_')));

/** Runs the BUILT CLI (`npm run build` first) from the repository root. */
async function keel(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [bin, ...args], { cwd: repo, env, maxBuffer: 16 << 20 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

interface RefColumn {
  name: string;
  type: string;
  missing: number;
  distinct: number;
  top?: { value: string; count: number }[];
  [stat: string]: unknown;
}
type Reference = { file: string; rows: number; columns: RefColumn[] };
const datasets = Object.entries(references).filter(([k]) => !k.startsWith('_')) as [string, Reference][];
const NUMBER_STATS = ['mean', 'std', 'min', 'p25', 'median', 'p75', 'max'] as const;

beforeAll(() => {
  if (!existsSync(join(repo, 'dist/cli/index.js')))
    throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
});

describe.concurrent('keel data inspect', () => {
  it.each(datasets)('%s: schema, row count and statistics match pandas', async (_, ref) => {
    const { code, stdout, stderr } = await keel('data', 'inspect', ref.file, '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const out = JSON.parse(stdout) as {
      file: string;
      rows: number;
      fingerprint: string;
      columns: Record<string, unknown>[];
    };
    expect(out.file).toBe(join(repo, ref.file));
    expect(out.rows).toBe(ref.rows);
    expect(out.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(out.columns.map((c) => c.name)).toEqual(ref.columns.map((c) => c.name));
    ref.columns.forEach((want, j) => {
      const got = out.columns[j]!;
      const label = `${ref.file} ${want.name}`;
      expect(got.type, label).toBe(want.type);
      expect(got.missing, label).toBe(want.missing);
      expect(got.nullable, label).toBe(want.missing > 0);
      expect(got.count, label).toBe(ref.rows - want.missing);
      expect(got.distinct, label).toBe(want.distinct);
      if (want.type === 'numeric' || want.type === 'integer') {
        for (const stat of NUMBER_STATS)
          expect(got[stat] as number, `${label} ${stat}`).toBeCloseTo(want[stat] as number, 9);
        expect(got.zeros, label).toBe(want.zeros);
      }
      if (want.type === 'timestamp') {
        expect(got.min, label).toBe(new Date(want.min as number).toISOString());
        expect(got.max, label).toBe(new Date(want.max as number).toISOString());
      }
      if (want.top) expect((got.top as unknown[]).slice(0, want.top.length), label).toEqual(want.top);
    });
  });

  it('prints a readable table with the short fingerprint', async () => {
    const json = JSON.parse(
      (await keel('data', 'inspect', 'test/fixtures/datasets/penguins/penguins.csv', '--json')).stdout,
    );
    const { code, stdout } = await keel('data', 'inspect', 'test/fixtures/datasets/penguins/penguins.csv');
    expect(code).toBe(0);
    expect(stdout).toContain(`fingerprint: ${json.fingerprint.slice(0, 12)}`);
    expect(stdout).toMatch(/rows:\s+344/);
    expect(stdout).toMatch(/species\s+categorical\s+0\s+3\s+Adelie 152, Gentoo 124, Chinstrap 68/);
    expect(stdout).toMatch(/body_mass_g\s+integer\s+2 \(0\.581%\)\s+94\s+4202/);
  });

  it('exits 2 naming file and line for a malformed CSV, and skips it on request', async () => {
    const path = join(work, 'broken.csv');
    writeFileSync(path, 'a,b\n1,x\n2,y,z\n3,w\n');
    const failed = await keel('data', 'inspect', path);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain(`${path} line 3: expected 2 fields, found 3`);
    expect(failed.stderr).toContain('KEEL_DATA_PARSE_ERROR');
    const skipped = await keel('data', 'inspect', path, '--skip-bad-rows', '--json');
    expect(skipped.code).toBe(0);
    expect(JSON.parse(skipped.stdout)).toMatchObject({ rows: 2, badRows: { count: 1, rows: [{ line: 3 }] } });
  });

  it('exits 2 for a missing file or an unsupported format, with a JSON error under --json', async () => {
    const missing = await keel('data', 'inspect', 'no/such/file.csv', '--json');
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.stderr)).toMatchObject({ code: 'KEEL_DATA_FILE_NOT_FOUND' });
    const format = await keel('data', 'inspect', 'README.md');
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('KEEL_DATA_UNSUPPORTED_FORMAT');
  });
});

describe.concurrent('keel data validate', () => {
  const planted = 'test/fixtures/data-validation/planted.csv';

  it('exits 1 and reports each planted error with its rows', async () => {
    const { code, stdout } = await keel(
      'data',
      'validate',
      planted,
      '--expect',
      'test/fixtures/data-validation/planted.expect.yaml',
      '--json',
    );
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as {
      passed: boolean;
      rows: number;
      failures: { column: string | null; rule: string; failing: number; examples: { row?: number }[] }[];
    };
    expect(report.passed).toBe(false);
    expect(report.rows).toBe(11);
    expect(
      report.failures.map((f) => [
        f.column,
        f.rule,
        f.failing,
        f.examples.flatMap((e) => (e.row === undefined ? [] : [e.row])),
      ]),
    ).toEqual(PLANTED_FAILURES);
  });

  it('prints the failures as a table', async () => {
    const { code, stdout } = await keel(
      'data',
      'validate',
      planted,
      '--expect',
      'test/fixtures/data-validation/planted.expect.yaml',
    );
    expect(code).toBe(1);
    expect(stdout).toContain('14 of 19 rules failed');
    expect(stdout).toMatch(/\(table\)\s+parse\s+a well-formed row\s+1\s+line 9: expected 7 fields, found 8/);
    expect(stdout).toMatch(/amount\s+min\s+>= 0\s+1\s+row 2: -5/);
    expect(stdout).toMatch(/hour\s+nullable\s+no missing values\s+1\s+row 4: missing/);
  });

  it('exits 0 when every rule passes', async () => {
    const { code, stdout } = await keel(
      'data',
      'validate',
      'test/fixtures/fraud/tx_2000_seed42.csv',
      '--expect',
      'test/fixtures/data-validation/fraud.expect.json',
    );
    expect(code).toBe(0);
    expect(stdout).toContain('All 20 rules passed');
  });

  it('exits 2 for an unknown key in the expectations, naming it', async () => {
    const { code, stderr } = await keel(
      'data',
      'validate',
      planted,
      '--expect',
      'test/fixtures/data-validation/unknown-key.expect.yaml',
    );
    expect(code).toBe(2);
    expect(stderr).toContain('key "columns.amount.minimum" is not a known key');
    expect(stderr).toContain('KEEL_DATA_EXPECTATIONS_INVALID');
  });

  it('exits 2 when --expect is missing', async () => {
    const { code, stderr } = await keel('data', 'validate', planted);
    expect(code).toBe(2);
    expect(stderr).toContain("required option '--expect <file>' not specified");
  });
});
