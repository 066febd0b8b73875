import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { readFrame } from '../../src/data/index.js';
import { tempDir } from '../helpers/tmp.js';

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, '../..');
const bin = join(repo, 'bin/keel.js');
const work = tempDir('keel-e2e-features-');
// The example project, with its stores in a temporary home so the repository stays clean.
const env = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('KEEL_'))),
  KEEL_HOME: join(work, 'home'),
};

async function keel(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [bin, '--project', 'examples/feature-repo', ...args], {
      cwd: repo,
      env,
      maxBuffer: 16 << 20,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

interface WeatherRow {
  location: string;
  date: number;
  precipitation: number;
  temp_max: number;
  temp_min: number;
  wind: number;
}

/** The weather CSV parsed by hand: the reference the CLI's answers are checked against. */
function weatherRows(): WeatherRow[] {
  const [, ...lines] = readFileSync(join(repo, 'test/fixtures/datasets/weather/weather.csv'), 'utf8')
    .trim()
    .split('\n');
  return lines.map((line) => {
    const [location, date, precipitation, temp_max, temp_min, wind] = line.split(',');
    return {
      location: location!,
      date: Date.parse(`${date}T00:00:00Z`),
      precipitation: Number(precipitation),
      temp_max: Number(temp_max),
      temp_min: Number(temp_min),
      wind: Number(wind),
    };
  });
}

/** Reference point-in-time lookup: latest row of the location with date in [ts - 2d, ts]. */
function expectedAt(rows: readonly WeatherRow[], location: string, ts: number): WeatherRow | null {
  let best: WeatherRow | null = null;
  for (const r of rows) {
    if (
      r.location === location &&
      r.date <= ts &&
      r.date >= ts - 2 * 86_400_000 &&
      (!best || r.date > best.date)
    )
      best = r;
  }
  return best;
}

beforeAll(() => {
  if (!existsSync(join(repo, 'dist/cli/index.js')))
    throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
});

describe('keel features on the example repository (weather + flights)', () => {
  const weather = weatherRows();

  it('plans, applies idempotently, materializes and reads online and historical values', async () => {
    const plan = await keel('features', 'plan', '--json');
    expect(plan.code, plan.stderr).toBe(0);
    const changes = JSON.parse(plan.stdout).changes as { action: string; kind: string; name: string }[];
    expect(changes.map((c) => `${c.action} ${c.kind} ${c.name}`)).toEqual([
      'create entity airport',
      'create entity location',
      'create dataSource departures',
      'create dataSource flight_request',
      'create dataSource flights_file',
      'create dataSource weather_source',
      'create featureView daily_weather',
      'create featureView last_departure',
      'create onDemandFeatureView delay_risk',
      'create featureService flight_delay',
      'create featureService weather_forecast',
    ]);
    expect((await keel('features', 'apply')).stdout).toContain('Applied: 11 to create');
    const again = await keel('features', 'apply');
    expect(again.stdout).toContain('No changes');

    const materialized = await keel(
      'features',
      'materialize',
      '--start',
      '2000-01-01T00:00:00Z',
      '--end',
      '2016-01-01T00:00:00Z',
      '--json',
    );
    expect(materialized.code, materialized.stderr).toBe(0);
    const origins = new Set(
      readFileSync(join(repo, 'test/fixtures/datasets/flights/flights.csv'), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(',')[2]),
    );
    expect(
      JSON.parse(materialized.stdout).map((r: { view: string; written: number }) => [r.view, r.written]),
    ).toEqual([
      ['daily_weather', 2],
      ['last_departure', origins.size],
    ]);

    const online = await keel(
      'features',
      'get-online',
      '--service',
      'weather_forecast',
      '--entity',
      'location=Seattle',
      '--entity',
      'location=Paris',
      '--serve-stale',
      '--json',
    );
    expect(online.code, online.stderr).toBe(0);
    const result = JSON.parse(online.stdout) as {
      featureNames: string[];
      results: { values: unknown[]; statuses: string[] }[];
    };
    const lastSeattle = weather.filter((r) => r.location === 'Seattle').at(-1)!;
    expect(result.featureNames).toEqual(['location', 'precipitation', 'temp_max', 'temp_min', 'wind']);
    expect(result.results.slice(1).map((c) => c.values)).toEqual([
      [lastSeattle.precipitation, null],
      [lastSeattle.temp_max, null],
      [lastSeattle.temp_min, null],
      [lastSeattle.wind, null],
    ]);
    // Years old against a 2-day TTL: flagged, and withheld without --serve-stale.
    expect(result.results[1]!.statuses).toEqual(['OUTSIDE_MAX_AGE', 'NOT_FOUND']);

    const entities = join(work, 'entities.csv');
    const stamps = [
      '2012-01-03T08:00:00Z',
      '2015-12-31T23:00:00Z',
      '2011-12-31T00:00:00Z',
      '2014-06-03T00:00:00Z',
      '2013-03-01T12:00:00+02:00',
    ];
    const places = ['Seattle', 'New York', 'Seattle', 'Seattle', 'New York'];
    writeFileSync(
      entities,
      `location,event_timestamp\n${places.map((p, i) => `${p},${stamps[i]}`).join('\n')}\n`,
    );
    const output = join(work, 'training.parquet');
    const hist = await keel(
      'features',
      'get-historical',
      '--entities',
      entities,
      '--service',
      'weather_forecast',
      '--output',
      output,
      '--json',
    );
    expect(hist.code, hist.stderr).toBe(0);
    expect(JSON.parse(hist.stdout)).toMatchObject({
      rows: 5,
      featureService: 'weather_forecast',
      fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const frame = await readFrame(output);
    expect(frame.names).toEqual([
      'location',
      'event_timestamp',
      'precipitation',
      'temp_max',
      'temp_min',
      'wind',
    ]);
    places.forEach((place, i) => {
      const want = expectedAt(weather, place, Date.parse(stamps[i]!));
      const got = frame.row(i);
      expect(got.location).toBe(place);
      expect([got.precipitation, got.temp_max, got.temp_min, got.wind], `row ${i}`).toEqual(
        want ? [want.precipitation, want.temp_max, want.temp_min, want.wind] : [null, null, null, null],
      );
    });
  });

  it('rejects bad input with codes and a message naming what is wrong', async () => {
    const naive = join(work, 'naive.csv');
    writeFileSync(naive, 'location,event_timestamp\nSeattle,2012-01-03 08:00:00\n');
    const [noZone, missingKey, unknownView] = await Promise.all([
      keel('features', 'get-historical', '--entities', naive, '--service', 'weather_forecast', '--json'),
      keel(
        'features',
        'get-online',
        '--features',
        'daily_weather:temp_max',
        '--entity',
        'city=Seattle',
        '--json',
      ),
      keel('features', 'get-online', '--features', 'nope:x', '--entity', 'location=Seattle'),
    ]);
    expect(noZone.code).toBe(2);
    expect(JSON.parse(noZone.stderr).code).toBe('KEEL_FEATURE_NO_TIMEZONE');
    expect(JSON.parse(missingKey.stderr).code).toBe('KEEL_FEATURE_MISSING_JOIN_KEY');
    expect(unknownView.code).toBe(2);
    expect(unknownView.stderr).toContain('No feature view named "nope"');
    expect(unknownView.stderr).toContain('KEEL_FEATURE_VIEW_NOT_FOUND');
  });
});
