import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  entity,
  featureService,
  featureView,
  fileSource,
  loadFeatureRepository,
  onDemandFeatureView,
  parseTtl,
  parseYamlDefinitions,
  project,
  pushSource,
  repositoryFromDefinitions,
  requestSource,
  transformHash,
} from '../../src/features/index.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('keel-defs-');
const defineJs = resolve(import.meta.dirname, '../../src/features/define.js');

const yaml = `
entities:
  - name: location
    join_keys: [location]
sources:
  - name: weather_source
    path: data/weather.csv
    timestamp_field: date
    created_timestamp_column: loaded_at
feature_views:
  - name: daily_weather
    entities: [location]
    source: weather_source
    ttl: 2d
    tags: { team: weather, a: b }
    schema:
      temp_max: Float64
      weather: String
      rainy: Bool
feature_services:
  - name: svc
    features:
      - daily_weather:temp_max
      - daily_weather:weather
`;

describe('feature definitions', () => {
  it('gives the same specs and digests from TypeScript and from YAML', () => {
    const location = entity({ name: 'location' });
    const view = featureView({
      name: 'daily_weather',
      entities: [location],
      source: fileSource({
        name: 'weather_source',
        path: 'data/weather.csv',
        timestampField: 'date',
        createdTimestampField: 'loaded_at',
      }),
      ttl: 2 * 86_400_000,
      tags: { a: 'b', team: 'weather' },
      schema: { temp_max: 'float64', weather: 'string', rainy: 'bool' },
    });
    const svc = featureService({ name: 'svc', features: [project(view, ['temp_max', 'weather'])] });
    const fromTs = repositoryFromDefinitions([svc]);
    const fromYaml = repositoryFromDefinitions(parseYamlDefinitions(yaml, 'weather.yaml'));
    expect(fromTs.specs).toEqual(fromYaml.specs);
    expect(fromTs.specs.find((s) => s.kind === 'dataSource')).toEqual({
      kind: 'dataSource',
      name: 'weather_source',
      type: 'file',
      description: '',
      owner: '',
      tags: {},
      path: 'data/weather.csv',
      format: 'csv',
      timestampField: 'date',
      createdTimestampField: 'loaded_at',
      fieldMapping: {},
    });
    expect(fromTs.specs.find((s) => s.kind === 'featureView')).toMatchObject({
      ttlMs: 172_800_000,
      online: true,
      entities: ['location'],
    });
  });

  it('parses TTLs as Feast does: 0 and absent are unbounded', () => {
    expect(parseTtl('90m', 'x')).toBe(5_400_000);
    expect(parseTtl('1w', 'x')).toBe(604_800_000);
    expect(parseTtl(0, 'x')).toBeNull();
    expect(parseTtl(undefined, 'x')).toBeNull();
    expect(() => parseTtl('3 days', 'view "v"')).toThrow(
      expect.objectContaining({ code: 'KEEL_FEATURE_DEFINITION_INVALID' }),
    );
    expect(() => parseTtl(-5, 'x')).toThrow(/not a duration/);
  });

  it('keeps on-demand code out of the specs: only a hash of the transform', () => {
    const req = requestSource({ name: 'req', schema: { x: 'float64' } });
    const fn = (r: { x: number | null }) => ({ y: r.x === null ? null : r.x * 2 });
    const odfv = onDemandFeatureView({
      name: 'double',
      sources: [req],
      schema: { y: 'float64' },
      transform: fn,
    });
    const repo = repositoryFromDefinitions([odfv]);
    const spec = repo.specs.find((s) => s.kind === 'onDemandFeatureView')!;
    expect(JSON.stringify(spec)).not.toContain('x * 2');
    expect(spec).toMatchObject({ transformHash: transformHash(fn), requestSources: ['req'] });
    expect(repo.transforms.get('double')?.({ x: 3 })).toEqual({ y: 6 });
  });

  it('lists every problem of an invalid set, naming the objects', () => {
    const e = entity({ name: 'driver', joinKeys: { driver_id: 'float64' } });
    const req = requestSource({ name: 'req', schema: { x: 'int64' } });
    const bad = featureView({
      name: 'bad view',
      entities: [e],
      source: req,
      schema: { driver_id: 'int64', event_timestamp: 'float64' },
    });
    const other = featureView({
      name: 'v2',
      entities: [e],
      source: pushSource({ name: 'p' }),
      schema: { a: 'float64' },
    });
    const svc = featureService({
      name: 'svc',
      features: [project(other, ['a']), { view: 'missing' }] as never,
    });
    let error: unknown;
    try {
      repositoryFromDefinitions([bad, svc]);
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({ code: 'KEEL_FEATURE_DEFINITION_INVALID' });
    const problems = (error as { details: { problems: string[] } }).details.problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('feature view "bad view" has an invalid name'),
        expect.stringContaining('join key "driver_id" must be string, int32 or int64'),
        expect.stringContaining('source "req" is a request source'),
        expect.stringContaining('feature "driver_id" has the name of a join key'),
        expect.stringContaining('feature "event_timestamp" uses a reserved name'),
        expect.stringContaining('"missing" is not a defined feature view'),
      ]),
    );
  });

  it('rejects two different definitions with one name, and unknown YAML keys with the file', () => {
    const a = entity({ name: 'x' });
    const b = entity({ name: 'x', joinKeys: ['other'] });
    expect(() => repositoryFromDefinitions([a, b])).toThrow(
      expect.objectContaining({ code: 'KEEL_FEATURE_DEFINITION_INVALID' }),
    );
    expect(() => parseYamlDefinitions('entities:\n  - name: x\n    join_kes: [a]\n', 'f.yaml')).toThrow(
      /f\.yaml: entities\[0\] \(x\): unknown key "join_kes"/,
    );
    expect(() => parseYamlDefinitions('on_demand_feature_views: []\n', 'f.yaml')).toThrow(
      /define them in a \.ts file/,
    );
    expect(() => parseYamlDefinitions('entities: [\n', 'f.yaml')).toThrow(/f\.yaml:\d+:\d+/);
  });

  it('loads a folder of YAML and TypeScript files, following references to unexported definitions', async () => {
    const repo = join(dir, 'repo');
    mkdirSync(join(repo, 'sub'), { recursive: true });
    writeFileSync(join(repo, 'weather.yaml'), yaml);
    writeFileSync(
      join(repo, 'sub', 'extra.ts'),
      `import { featureService, featureView, fileSource, entity, onDemandFeatureView } from ${JSON.stringify(defineJs)};
const src = fileSource({ name: 'other_source', path: 'x.parquet' });
const v = featureView({ name: 'other', entities: [entity({ name: 'location' })], source: src, schema: { n: 'int64' } });
const od = onDemandFeatureView({ name: 'n2', sources: [v], schema: { n2: 'int64' }, transform: (r) => ({ n2: r.n === null ? null : r.n * 2 }) });
export const svc = featureService({ name: 'other_svc', features: [v, od] });
`,
    );
    writeFileSync(join(repo, 'keel.yaml'), 'project: ignored\n');
    const loaded = await loadFeatureRepository(repo);
    expect(loaded.files).toEqual(['sub/extra.ts', 'weather.yaml']);
    expect(loaded.specs.map((s) => `${s.kind}:${s.name}`).sort()).toEqual([
      'dataSource:other_source',
      'dataSource:weather_source',
      'entity:location',
      'featureService:other_svc',
      'featureService:svc',
      'featureView:daily_weather',
      'featureView:other',
      'onDemandFeatureView:n2',
    ]);
    expect(loaded.origins.get('featureView:other')).toBe('sub/extra.ts');
    expect(loaded.transforms.get('n2')?.({ n: 4 })).toEqual({ n2: 8 });
    await expect(loadFeatureRepository(join(dir, 'missing'))).rejects.toMatchObject({
      code: 'KEEL_FEATURE_DEFINITION_INVALID',
    });
  });
});
