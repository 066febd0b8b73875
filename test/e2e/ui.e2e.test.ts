// The web UI in a real browser: Debian's Chromium driven by playwright-core against a fastify
// server with the UI plugin on an ephemeral port, on a project seeded through the SDK.
import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Keel } from '../../src/sdk/index.js';
import { uiPlugin } from '../../src/ui/index.js';
import { tempDir } from '../helpers/tmp.js';
import { EVIL, IMPORTANCE, ROUNDS, type SeededProject, seedProject } from '../ui/seed-project.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = resolve(import.meta.dirname, '../.tmp');
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

if (!existsSync(CHROMIUM)) {
  describe('UI in a real browser', () => {
    it.skip(`skipped: ${CHROMIUM} is missing (install Debian's chromium: apt-get install chromium)`, () => {});
  });
} else {
  let seeded: SeededProject;
  let keel: Keel;
  let browser: Browser;
  const servers: FastifyInstance[] = [];
  const problems: string[] = [];

  async function serve(options: { token?: string } = {}): Promise<string> {
    const app = Fastify();
    await app.register(uiPlugin, { keel, ...(options.token ? { token: options.token } : {}) });
    await app.listen({ port: 0, host: '127.0.0.1' });
    servers.push(app);
    return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  }

  async function newPage(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    return page;
  }

  /** Waits for the router to finish rendering the page at `path` (it marks #main when done). */
  async function rendered(page: Page, path: string): Promise<void> {
    await page
      .locator(`#main[data-path=${JSON.stringify(path)}]:not([aria-busy])`)
      .waitFor({ state: 'attached' });
  }

  /** Drops the logged problems that contain `text` (failures a test caused on purpose). */
  function expected(list: string[], text: string): void {
    for (let i = list.length - 1; i >= 0; i--) if (list[i]!.includes(text)) list.splice(i, 1);
  }

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(SHOTS, `ui-${name}.png`), fullPage: true });

  describe('UI in a real browser', () => {
    let base: string;
    // One page for the walk through the UI (a new page costs a renderer and a cold module load).
    let page: Page;

    beforeAll(async () => {
      mkdirSync(SHOTS, { recursive: true });
      seeded = await seedProject(tempDir('keel-ui-e2e-'));
      keel = await Keel.open({ root: seeded.root, env: {}, config: { project: 'fraud-detection' } });
      base = await serve();
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
      page = await newPage();
    });

    afterAll(async () => {
      await browser?.close();
      for (const s of servers) await s.close();
      await keel?.close();
    });

    it('opens the overview and clicks through to a run with its metric charts and feature importance', async () => {
      await page.goto(`${base}/`);
      expect(new URL(page.url()).pathname).toBe('/ui/');
      await rendered(page, '/ui/');
      await expect.poll(() => page.textContent('[data-stat="runs"] .stat-value')).toBe('4');
      expect(await page.textContent('[data-stat="deployments"] .stat-value')).toBe('1');
      expect(await page.locator('.alias').allTextContents()).toEqual(
        expect.arrayContaining(['@championv2', '@challengerv1']),
      );
      await shot(page, 'overview');

      await page.getByRole('link', { name: 'gbdt-baseline' }).first().click();
      await rendered(page, `/ui/runs/${seeded.runs.gbdt}`);
      const auc = page.locator('figure.chart[data-chart="auc"]');
      await auc.and(page.locator('[data-drawn="true"]')).waitFor();
      expect(JSON.parse((await auc.getAttribute('data-points'))!)).toEqual({
        'train.auc': ROUNDS,
        'validation.auc': ROUNDS,
      });
      const logloss = page.locator('figure.chart[data-chart="logloss"]');
      expect(JSON.parse((await logloss.getAttribute('data-points'))!)).toEqual({
        'validation.logloss': ROUNDS,
      });
      // uPlot drew on a canvas of the figure's width and keeps its data: one x per round.
      const drawn = await auc.locator('canvas').evaluate((c) => {
        const canvas = c as unknown as { width: number; height: number };
        return { w: canvas.width, h: canvas.height };
      });
      expect(drawn.w).toBeGreaterThan(300);
      expect(drawn.h).toBeGreaterThan(150);
      expect(await auc.locator('.u-legend .u-series').count()).toBe(3);
      const bars = page.locator('[data-chart="feature-importance"]');
      expect(await bars.getAttribute('data-bars')).toBe(String(IMPORTANCE.length));
      expect(await bars.locator('.bar-label').allTextContents()).toEqual([
        'amount',
        'country',
        'hour',
        'age',
      ]);
      expect(await page.locator('#params').textContent()).toContain('learningRate');
      expect(await page.locator('#inputs').textContent()).toContain('transactions');
      // Hovering the chart moves uPlot's cursor and shows the value at that round in the legend.
      const box = (await auc.locator('.u-over').boundingBox())!;
      await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2);
      await expect
        .poll(() => auc.locator('.u-legend .u-series').nth(0).textContent())
        .toContain(String(ROUNDS));
      await shot(page, 'run');

      await page.getByRole('button', { name: 'Time' }).click();
      await expect
        .poll(() => page.locator('figure.chart[data-chart="auc"] .chart-x').textContent())
        .toBe('by seconds since start');
      // Rounds logged within the same millisecond share an x on the time axis: at most one point each.
      const byTime = JSON.parse(
        (await page.locator('figure.chart[data-chart="auc"]').getAttribute('data-points'))!,
      );
      expect(byTime['validation.auc']).toBeGreaterThan(0);
      expect(byTime['validation.auc']).toBeLessThanOrEqual(ROUNDS);
    });

    it('filters and sorts runs with the MLflow grammar, escapes user strings and compares runs', async () => {
      await page.goto(`${base}/ui/experiments`);
      await rendered(page, '/ui/experiments');
      await page.getByRole('link', { name: 'fraud', exact: true }).click();
      await rendered(page, '/ui/experiments/fraud');
      const rows = page.locator('.runs-table tbody tr');
      await expect.poll(() => rows.count()).toBe(3);
      // The malicious run name, param and tag are shown as text and never run.
      expect(await page.locator(`tr[data-run-id="${seeded.runs.evil}"] .run-cell a`).textContent()).toBe(
        EVIL.runName,
      );
      expect(await page.locator(`tr[data-run-id="${seeded.runs.evil}"]`).textContent()).toContain(EVIL.param);
      await page.goto(`${base}/ui/runs/${seeded.runs.evil}`);
      await rendered(page, `/ui/runs/${seeded.runs.evil}`);
      expect(await page.locator('#tags').textContent()).toContain(EVIL.tag);
      expect(await page.evaluate('window.__xss')).toBeUndefined();
      expect(await page.locator('img[src="x"], svg[onload]').count()).toBe(0);
      await page.goBack();
      await rendered(page, '/ui/experiments/fraud');

      await page.getByRole('searchbox').fill('metrics.`validation.auc` > 0.8');
      await page.getByRole('button', { name: 'Search' }).click();
      await expect.poll(() => rows.count()).toBe(2);
      await page.getByRole('button', { name: /^validation\.auc/ }).click();
      await expect.poll(() => rows.first().getAttribute('data-run-id')).toBe(seeded.runs.gbdt);
      expect(new URL(page.url()).searchParams.get('orderBy')).toBe('metrics.`validation.auc` DESC');
      await page.getByRole('button', { name: /^validation\.auc/ }).click();
      await expect.poll(() => rows.first().getAttribute('data-run-id')).toBe(seeded.runs.linear);
      await shot(page, 'runs');

      await page.getByRole('searchbox').fill('metrics.auc foo 0.9');
      await page.getByRole('button', { name: 'Search' }).click();
      await expect
        .poll(() => page.locator('.filter-problem .caret').textContent())
        .toBe(`metrics.auc foo 0.9\n${' '.repeat(12)}^`);
      // The browser logs the API's 400 for the bad filter; that one is expected.
      expected(problems, 'status of 400');

      await page.getByRole('button', { name: 'Clear' }).click();
      await expect.poll(() => rows.count()).toBe(3);
      await page.locator(`input[data-run-id="${seeded.runs.gbdt}"]`).check();
      await page.locator(`input[data-run-id="${seeded.runs.linear}"]`).check();
      await page.getByRole('button', { name: 'Compare 2 runs' }).click();
      await rendered(page, '/ui/compare');
      const chart = page.locator('figure.chart[data-chart="validation.auc"]');
      await chart.and(page.locator('[data-drawn="true"]')).waitFor();
      expect(JSON.parse((await chart.getAttribute('data-points'))!)).toEqual({
        'gbdt-baseline': ROUNDS,
        'linear-l2': 1,
      });
      // learner, learningRate, depth and l2 all differ between the two runs.
      expect(await page.locator('#compare-params tbody tr').count()).toBe(4);
      await shot(page, 'compare');
    });

    it('opens a model, its alias timeline and a version with lineage and signature', async () => {
      await page.goto(`${base}/ui/models`);
      await rendered(page, '/ui/models');
      await page.getByRole('link', { name: 'fraud', exact: true }).click();
      await rendered(page, '/ui/models/fraud');
      const timeline = page.locator('#alias-history ol.timeline');
      expect(await timeline.getAttribute('data-events')).toBe('4');
      expect(await timeline.locator('.move').allTextContents()).toEqual([
        'moved v2 → v1',
        'moved v1 → v2',
        'set to v2',
        'set to v1',
      ]);
      expect(await timeline.locator('.reason').first().textContent()).toBe('keep the old model warm');
      expect(await page.locator('#alias-history svg .segment').count()).toBe(4);
      await shot(page, 'model');

      await page.locator('#versions').getByRole('link', { name: 'v2' }).click();
      await rendered(page, '/ui/models/fraud/versions/2');
      expect(await page.locator('#lineage').textContent()).toContain('gbdt-baseline');
      expect(await page.locator('#signature tbody tr').count()).toBe(3);
      await shot(page, 'version');
    });

    it('shows a deployment: traffic per variant, canary share, shadow and decisions with evidence', async () => {
      await page.goto(`${base}/ui/deployments`);
      await rendered(page, '/ui/deployments');
      await page.getByRole('link', { name: 'fraud-api' }).click();
      await rendered(page, '/ui/deployments/fraud-api');
      expect(await page.textContent('.page-header h1 .badge')).toBe('canary');
      expect(await page.getAttribute('#canary', 'data-canary-percent')).toBe('25');
      const segments = page.locator('#traffic .share-seg');
      expect(
        await segments.evaluateAll((els) =>
          els.map((e) => [e.getAttribute('data-segment'), e.getAttribute('data-percent')]),
        ),
      ).toEqual([
        ['stable', '75'],
        ['canary', '25'],
      ]);
      expect(await page.locator('#traffic tbody').textContent()).toContain('fraud v2');
      expect(await page.locator('#policy').textContent()).toContain('10% mirrored');
      expect(await page.locator('#history .timeline-item').count()).toBe(3);
      expect(await page.locator('#history .evidence').first().textContent()).toContain('p_value');
      await shot(page, 'deployment');
    });

    it('lists drift reports and shows one in a sandboxed frame', async () => {
      await page.goto(`${base}/ui/reports`);
      await rendered(page, '/ui/reports');
      expect(await page.locator('.card tbody tr').count()).toBe(1);
      await page.getByRole('link', { name: 'drift-2024-03-01.html' }).click();
      await rendered(page, '/ui/reports/drift-2024-03-01.html');
      expect(await page.getAttribute('iframe.report-frame', 'sandbox')).toBe('');
      await expect
        .poll(() => page.frameLocator('iframe.report-frame').locator('body').textContent())
        .toContain('Dataset drift');
      await shot(page, 'report');
    });

    it('asks for the token when the API needs one and keeps it for the tab', async () => {
      const secured = await serve({ token: 'secret-token-123' });
      const fresh = await newPage();
      await fresh.goto(`${secured}/ui/`);
      const dialog = fresh.locator('dialog.login');
      await dialog.waitFor();
      await dialog.locator('input').fill('secret-token-123');
      await dialog.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => fresh.textContent('[data-stat="runs"] .stat-value')).toBe('4');
      expect(await fresh.evaluate("sessionStorage.getItem('keel.token')")).toBe('secret-token-123');
      await fresh.close();
      // The 401s before signing in are logged by the browser; they are expected here.
      expected(problems, 'status of 401');
    });

    it('raised no script errors on any page', () => {
      expect(problems).toEqual([]);
    });
  });
}
