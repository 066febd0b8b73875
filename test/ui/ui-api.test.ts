// The UI's JSON API and page routes through fastify inject(), on a project seeded through the SDK.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Keel } from '../../src/sdk/index.js';
import { type UiServices, uiPlugin, uiServicesFromKeel } from '../../src/ui/index.js';
import { tempDir } from '../helpers/tmp.js';
import { aucAt, EVIL, IMPORTANCE, ROUNDS, type SeededProject, seedProject } from './seed-project.js';

let seeded: SeededProject;
let keel: Keel;
let app: FastifyInstance;

async function get(url: string, headers: Record<string, string> = {}) {
  const res = await app.inject({ method: 'GET', url, headers });
  return { status: res.statusCode, headers: res.headers, body: res.body, json: () => res.json() };
}

beforeAll(async () => {
  seeded = await seedProject(tempDir('keel-ui-api-'));
  keel = await Keel.open({ root: seeded.root, env: {}, config: { project: 'fraud-detection' } });
  app = Fastify();
  await app.register(uiPlugin, { keel });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await keel?.close();
});

describe('UI API: tracking', () => {
  it('gives the overview counts, recent runs, models with aliases and deployments', async () => {
    const o = (await get('/api/v1/overview')).json();
    expect(o.project).toBe('fraud-detection');
    expect(o.counts).toEqual({
      experiments: 2,
      runs: 4,
      runsAtLeast: false,
      models: 1,
      versions: 2,
      deployments: 1,
      reports: 1,
    });
    expect(o.recentRuns.map((r: { name: string }) => r.name)).toEqual([
      'churn-rf',
      EVIL.runName,
      'linear-l2',
      'gbdt-baseline',
    ]);
    expect(o.models).toEqual([
      expect.objectContaining({ name: 'fraud', aliases: { champion: 2, challenger: 1 }, versionCount: 2 }),
    ]);
    expect(o.deployments[0]).toMatchObject({ name: 'fraud-api', mode: 'canary', revision: 3 });
  });

  it('lists experiments with their last run', async () => {
    const { experiments } = (await get('/api/v1/experiments')).json();
    expect(experiments.map((e: { name: string }) => e.name)).toEqual(['fraud', 'churn']);
    expect(experiments[0].lastRun.name).toBe(EVIL.runName);
  });

  it('searches runs with MLflow filters and ordering', async () => {
    const filter = encodeURIComponent('metrics.`validation.auc` > 0.8');
    const res = (
      await get(
        `/api/v1/runs?experiment=fraud&filter=${filter}&orderBy=${encodeURIComponent('metrics.`validation.auc` DESC')}`,
      )
    ).json();
    expect(res.runs.map((r: { name: string }) => r.name)).toEqual(['gbdt-baseline', 'linear-l2']);
    expect(res.runs[0].metrics['validation.auc']).toBeCloseTo(aucAt(ROUNDS), 12);
    expect(res.runs[0]).toMatchObject({
      experiment: 'fraud',
      status: 'FINISHED',
      params: { learner: 'gbdt', depth: '6' },
    });
    const all = (await get('/api/v1/runs?maxResults=2')).json();
    expect(all.runs).toHaveLength(2);
    expect(all.nextPageToken).toEqual(expect.any(String));
    const next = (
      await get(`/api/v1/runs?maxResults=2&pageToken=${encodeURIComponent(all.nextPageToken)}`)
    ).json();
    expect(next.runs).toHaveLength(2);
    expect(next.nextPageToken).toBeNull();
  });

  it('sends NaN metric values as "NaN" instead of null', async () => {
    const res = (await get(`/api/v1/runs/${seeded.runs.evil}`)).json();
    expect(res.run.metrics.loss).toBe('NaN');
    expect(res.run.name).toBe(EVIL.runName);
    expect(res.run.params.note).toBe(EVIL.param);
  });

  it('answers bad filters and parameters with 4xx { error, code, details }', async () => {
    const bad = await get(`/api/v1/runs?filter=${encodeURIComponent('metrics.auc foo 0.9')}`);
    expect(bad.status).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'KEEL_TRACK_BAD_FILTER', details: { position: 12 } });
    expect(bad.json().error).toMatch(/character 13/);
    const badMax = await get('/api/v1/runs?maxResults=0');
    expect(badMax.status).toBe(400);
    expect(badMax.json()).toMatchObject({
      code: 'KEEL_INVALID_ARGUMENT',
      details: { parameters: expect.arrayContaining(['maxResults']) },
    });
    const unknown = await get('/api/v1/runs?colour=blue');
    expect(unknown.status).toBe(400);
    expect(unknown.json().error).toMatch(/unknown parameter colour/);
    const noExperiment = await get('/api/v1/runs?experiment=nope');
    expect(noExperiment.status).toBe(404);
    expect(noExperiment.json().code).toBe('KEEL_TRACK_EXPERIMENT_NOT_FOUND');
    const noRun = await get('/api/v1/runs/does-not-exist');
    expect(noRun.status).toBe(404);
    expect(noRun.json()).toMatchObject({ code: 'KEEL_TRACK_RUN_NOT_FOUND', details: expect.any(Object) });
  });

  it('gives a run with every metric history, its datasets, artifacts and feature importance', async () => {
    const d = (await get(`/api/v1/runs/${seeded.runs.gbdt}`)).json();
    const auc = d.metricHistory['validation.auc'];
    expect(auc.steps).toEqual(Array.from({ length: ROUNDS }, (_, i) => i + 1));
    expect(auc.values[9]).toBeCloseTo(aucAt(10), 12);
    expect(auc.total).toBe(ROUNDS);
    expect(Object.keys(d.metricHistory).sort()).toEqual([
      'train.auc',
      'validation.auc',
      'validation.logloss',
    ]);
    expect(d.featureImportance).toEqual({ path: 'feature_importance.json', features: IMPORTANCE });
    expect(d.run.inputs).toEqual([expect.objectContaining({ name: 'transactions', rowCount: 5000 })]);
    expect(d.run.artifacts.map((a: { path: string }) => a.path).sort()).toEqual([
      'feature_importance.json',
      'model/model.bin',
    ]);
    expect(d.run.tags['keel.user']).toBe('ann');
    const one = (await get(`/api/v1/runs/${seeded.runs.gbdt}/metric-history?key=validation.logloss`)).json();
    expect(one.series.steps).toHaveLength(ROUNDS);
    const missing = await get(`/api/v1/runs/${seeded.runs.gbdt}/metric-history?key=nope`);
    expect(missing.status).toBe(404);
  });

  it('downloads a run artifact by its recorded path only', async () => {
    const ok = await get(`/api/v1/runs/${seeded.runs.gbdt}/artifact?path=model%2Fmodel.bin`);
    expect(ok.status).toBe(200);
    expect(ok.body).toBe('gbdt-model-bytes');
    expect(ok.headers['content-disposition']).toBe('attachment; filename="model.bin"');
    const outside = await get(`/api/v1/runs/${seeded.runs.gbdt}/artifact?path=..%2F..%2Fmetadata.db`);
    expect(outside.status).toBe(404);
    expect(outside.json().code).toBe('KEEL_NOT_FOUND');
  });

  it('compares runs: params diff, latest metrics and overlaid histories', async () => {
    const c = (await get(`/api/v1/compare?runs=${seeded.runs.gbdt},${seeded.runs.linear}`)).json();
    expect(c.runs.map((r: { name: string }) => r.name)).toEqual(['gbdt-baseline', 'linear-l2']);
    const lr = c.params.find((p: { key: string }) => p.key === 'learningRate');
    expect(lr).toEqual({ key: 'learningRate', values: ['0.1', '0.05'], differs: true });
    const depth = c.params.find((p: { key: string }) => p.key === 'depth');
    expect(depth).toEqual({ key: 'depth', values: ['6', null], differs: true });
    expect(c.metricHistory[seeded.runs.gbdt]['validation.auc'].steps).toHaveLength(ROUNDS);
    expect(c.metricHistory[seeded.runs.linear]['validation.auc'].values).toEqual([0.85]);
    const one = await get(`/api/v1/compare?runs=${seeded.runs.gbdt}`);
    expect(one.status).toBe(400);
    expect(one.json().code).toBe('KEEL_INVALID_ARGUMENT');
  });
});

describe('UI API: registry, deployments, reports', () => {
  it('lists models and shows versions with lineage, signature, metrics and alias history', async () => {
    const { models } = (await get('/api/v1/models')).json();
    expect(models).toHaveLength(1);
    expect(models[0]).toMatchObject({
      name: 'fraud',
      versionCount: 2,
      latest: { version: 2, flavor: 'keel-gbdt' },
    });
    const m = (await get('/api/v1/models/fraud')).json();
    expect(m.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect(m.versions[0].aliases).toEqual(['champion']);
    expect(m.runs).toEqual({
      [seeded.runs.gbdt]: { name: 'gbdt-baseline', status: 'FINISHED' },
      [seeded.runs.linear]: { name: 'linear-l2', status: 'FINISHED' },
    });
    expect(
      m.aliasHistory.map(
        (e: { alias: string; fromVersion: number | null; toVersion: number | null; reason: string }) => [
          e.alias,
          e.fromVersion,
          e.toVersion,
        ],
      ),
    ).toEqual([
      ['champion', null, 1],
      ['challenger', null, 2],
      ['champion', 1, 2],
      ['challenger', 2, 1],
    ]);
    const v = (await get('/api/v1/models/fraud/versions/2')).json();
    expect(v.version.signature.inputs[1]).toEqual({
      name: 'country',
      type: 'categorical',
      levels: ['DE', 'FR', 'IT'],
    });
    expect(v.version.lineage).toMatchObject({
      runId: seeded.runs.gbdt,
      params: { learner: 'gbdt' },
      datasetFingerprints: ['a1b2c3d4e5f6a7b8'],
    });
    expect(v.version.metrics['validation.auc']).toBeCloseTo(aucAt(ROUNDS), 12);
    expect(v.run).toEqual({
      id: seeded.runs.gbdt,
      name: 'gbdt-baseline',
      status: 'FINISHED',
      experiment: 'fraud',
    });
    expect(v.aliasHistory).toHaveLength(3);
    const champion = (await get('/api/v1/models/fraud/alias-history?alias=champion')).json();
    expect(champion.events).toHaveLength(2);
    expect((await get('/api/v1/models/fraud/versions/two')).status).toBe(400);
    const missing = await get('/api/v1/models/fraud/versions/9');
    expect(missing.status).toBe(404);
    expect(missing.json().code).toBe('KEEL_REGISTRY_VERSION_NOT_FOUND');
    expect((await get('/api/v1/models/nope')).json().code).toBe('KEEL_REGISTRY_MODEL_NOT_FOUND');
  });

  it('shows deployments with resolved variants, canary share, shadow and the decision history', async () => {
    const { deployments } = (await get('/api/v1/deployments')).json();
    expect(deployments).toHaveLength(1);
    const d = (await get('/api/v1/deployments/fraud-api')).json();
    expect(d.deployment.canaryPercent).toBe(25);
    expect(
      d.deployment.variants.map(
        (v: { name: string; sharePercent: number; resolved: { version: number } }) => [
          v.name,
          v.sharePercent,
          v.resolved.version,
        ],
      ),
    ).toEqual([
      ['stable', 75, 2],
      ['canary', 25, 1],
    ]);
    expect(d.deployment.shadow).toMatchObject({
      ref: 'fraud/1',
      percent: 10,
      resolved: { model: 'fraud', version: 1 },
    });
    expect(d.history.map((e: { action: string; revision: number }) => [e.action, e.revision])).toEqual([
      ['canary-step', 3],
      ['canary-step', 2],
      ['create', 1],
    ]);
    expect(d.history[0].evidence).toEqual({
      requests: 10000,
      p_value: 0.03,
      error_rate: { stable: 0.011, canary: 0.009 },
    });
    const missing = await get('/api/v1/deployments/nope');
    expect(missing.status).toBe(404);
    expect(missing.json().code).toBe('KEEL_DEPLOY_NOT_FOUND');
  });

  it('lists only report files with a safe name and serves nothing else', async () => {
    const { reports } = (await get('/api/v1/reports')).json();
    expect(reports.map((r: { name: string }) => r.name)).toEqual(['drift-2024-03-01.html']);
    const ok = await get('/api/v1/reports/drift-2024-03-01.html');
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(ok.headers['content-security-policy']).toContain('sandbox');
    expect(ok.body).toContain('Dataset drift');
    for (const name of [
      'link.html',
      '.hidden.html',
      'notes.txt',
      'folder.html',
      '..%2Foutside.html',
      '..%2F..%2Fmetadata.db',
      '%2Fetc%2Fpasswd',
    ]) {
      const res = await get(`/api/v1/reports/${name}`);
      expect(res.status, name).toBe(404);
      expect(res.json().code, name).toBe('KEEL_NOT_FOUND');
    }
  });
});

describe('UI pages and static files', () => {
  it('redirects / and /ui to /ui/ and answers every /ui path with the page shell', async () => {
    expect((await get('/')).headers.location).toBe('/ui/');
    expect((await get('/ui')).headers.location).toBe('/ui/');
    for (const path of ['/ui/', `/ui/runs/${seeded.runs.gbdt}`, '/ui/models/fraud/versions/2']) {
      const page = await get(path);
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.headers['content-security-policy']).toContain("script-src 'self'");
      expect(page.body).toContain('<script type="module" src="/ui/assets/app.js">');
      expect(page.body).toContain('data-api-base="/api/v1"');
    }
  });

  it('serves the UI modules and uPlot from the package, with ETags, and nothing else', async () => {
    const appJs = await get('/ui/assets/app.js');
    expect(appJs.status).toBe(200);
    expect(appJs.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await get('/ui/assets/lib/line-chart.js')).body).toContain("from '../../vendor/uplot.esm.js'");
    const uplot = await get('/ui/vendor/uplot.esm.js');
    expect(uplot.body).toContain('export { uPlot as default }');
    expect((await get('/ui/vendor/uplot.min.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await get('/ui/assets/app.js', { 'if-none-match': String(appJs.headers.etag) })).status).toBe(
      304,
    );
    for (const path of [
      '/ui/assets/nope.js',
      '/ui/assets/..%2F..%2Fui-plugin.ts',
      '/ui/vendor/package.json',
    ]) {
      expect((await get(path)).status, path).toBe(404);
    }
  });

  it('escapes the project name in the page shell', async () => {
    const services: UiServices = {
      ...(await uiServicesFromKeel(keel)),
      project: '</title><script>alert(1)</script>',
    };
    const other = Fastify();
    await other.register(uiPlugin, { services, redirectRoot: false });
    const page = await other.inject({ method: 'GET', url: '/ui/' });
    expect(page.body).not.toContain('<script>alert(1)</script>');
    expect(page.body).toContain('&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect((await other.inject({ method: 'GET', url: '/' })).statusCode).toBe(404);
    await other.close();
  });
});

describe('UI plugin options', () => {
  it('mounts the API under another prefix, and refuses bad options', async () => {
    const other = Fastify();
    await other.register(uiPlugin, {
      services: await uiServicesFromKeel(keel),
      apiPrefix: '/api/ui',
      redirectRoot: false,
    });
    expect((await other.inject({ method: 'GET', url: '/api/ui/models' })).json().models).toHaveLength(1);
    expect((await other.inject({ method: 'GET', url: '/api/v1/models' })).statusCode).toBe(404);
    expect((await other.inject({ method: 'GET', url: '/ui/' })).body).toContain('data-api-base="/api/ui"');
    await other.close();
    await expect(Fastify().register(uiPlugin, { keel, apiPrefix: 'api' })).rejects.toMatchObject({
      code: 'KEEL_INVALID_ARGUMENT',
    });
    await expect(Fastify().register(uiPlugin, {})).rejects.toMatchObject({ code: 'KEEL_INVALID_ARGUMENT' });
  });
});

describe('UI API token', () => {
  it('requires the bearer token on the API when one is configured, never on pages', async () => {
    const secured = Fastify();
    await secured.register(uiPlugin, { services: await uiServicesFromKeel(keel), token: 'secret-token-123' });
    const call = (url: string, authorization?: string) =>
      secured.inject({ method: 'GET', url, headers: authorization ? { authorization } : {} });
    const none = await call('/api/v1/overview');
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="keel"');
    expect(none.json()).toMatchObject({ code: 'KEEL_UNAUTHORIZED', details: {} });
    expect((await call('/api/v1/reports/drift-2024-03-01.html')).statusCode).toBe(401);
    expect((await call('/api/v1/overview', 'Bearer wrong-token')).statusCode).toBe(401);
    expect((await call('/api/v1/overview', 'Basic secret-token-123')).statusCode).toBe(401);
    expect((await call('/api/v1/overview', 'Bearer secret-token-123')).statusCode).toBe(200);
    expect((await call('/ui/')).statusCode).toBe(200);
    expect((await call('/ui/assets/app.js')).statusCode).toBe(200);
    await secured.close();
  });

  it("takes the project's server.token when given { keel } and no token option", async () => {
    const root = tempDir('keel-ui-token-');
    const withToken = await Keel.open({ root, env: {}, config: { server: { token: 'project-token-42' } } });
    const secured = Fastify();
    await secured.register(uiPlugin, { keel: withToken });
    expect((await secured.inject({ method: 'GET', url: '/api/v1/models' })).statusCode).toBe(401);
    const ok = await secured.inject({
      method: 'GET',
      url: '/api/v1/models',
      headers: { authorization: 'Bearer project-token-42' },
    });
    expect(ok.json()).toEqual({ models: [] });
    await secured.close();
    await withToken.close();
  });
});
