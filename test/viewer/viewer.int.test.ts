// The viewer in a real browser (Debian's chromium): the example system served by
// `eventgraph serve` and written as a self-contained file, and a scan of hostile names.
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scan } from '../../src/scan/scan.js';
import { startViewerServer, type RunningServer } from '../../src/serve/server.js';
import {
  ARTIFACTS,
  HAVE_CHROMIUM,
  NO_CHROMIUM_REASON,
  launchChromium,
  waitForViewer,
} from '../helpers/browser.js';
import { FIXTURES } from '../helpers/scan-fixture.js';
import { PROJECT_ROOT } from '../helpers/run-cli.js';

const SHOP_KINDS = { Event: 3, Handler: 8, Job: 5, Queue: 5, Service: 6, Topic: 5 };
const HOSTILE_TOPIC = '<img src=x onerror="window.__pwned=1">';

let temp: string;
let shop: RunningServer;
let hostile: RunningServer;
let browser: Browser;

if (!HAVE_CHROMIUM) {
  describe.skip(`viewer in a browser (skipped: ${NO_CHROMIUM_REASON})`, () => {
    it('needs chromium', () => undefined);
  });
}

describe.runIf(HAVE_CHROMIUM)('viewer in a browser', () => {
  beforeAll(async () => {
    temp = await mkdtemp(path.join(os.tmpdir(), 'eventgraph-viewer-'));
    await mkdir(ARTIFACTS, { recursive: true });
    await scan({
      paths: [path.join(PROJECT_ROOT, 'examples', 'shop')],
      outDir: path.join(temp, 'shop'),
      htmlFile: path.join(temp, 'shop', 'shop.html'),
    });
    await scan({
      paths: [path.join(FIXTURES, 'viewer-hostile')],
      outDir: path.join(temp, 'hostile'),
      htmlFile: path.join(temp, 'hostile', 'hostile.html'),
    });
    shop = await startViewerServer({ outDir: path.join(temp, 'shop'), port: 0 });
    hostile = await startViewerServer({ outDir: path.join(temp, 'hostile'), port: 0 });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser.close();
    await shop.close();
    await hostile.close();
    await rm(temp, { recursive: true, force: true });
  });

  async function open(url: string): Promise<{ page: Page; requests: string[]; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(url);
    await waitForViewer(page);
    return { page, requests, errors };
  }

  const visibleByKind = (page: Page) =>
    page.evaluate(() => {
      const counts: Record<string, number> = {};
      window.eventgraph?.cy.nodes(':visible').forEach((node) => {
        const kind = node.data('kind') as string;
        if (kind !== 'Repository') counts[kind] = (counts[kind] ?? 0) + 1;
      });
      return counts;
    });

  async function clickNode(page: Page, id: string): Promise<void> {
    const point = await page.evaluate((nodeId) => {
      const node = window.eventgraph?.cy.getElementById(nodeId);
      const box = document.getElementById('graph')?.getBoundingClientRect();
      if (!node || node.empty() || !box) return null;
      const at = node.renderedPosition();
      return { x: box.left + at.x, y: box.top + at.y };
    }, id);
    if (!point) throw new Error(`node ${id} is not on the page`);
    await page.mouse.click(point.x, point.y);
  }

  it('draws every node of the example system, each kind counted in the legend', async () => {
    const { page, requests, errors } = await open(shop.url);
    expect(await visibleByKind(page)).toEqual(SHOP_KINDS);
    const legend = await page.$$eval('#legend li', (items) => items.map((i) => i.textContent));
    expect(legend).toEqual(['Service6', 'Topic5', 'Queue5', 'Handler8', 'Event3', 'Job5']);
    const parents = await page.evaluate(() =>
      window.eventgraph?.cy
        .nodes('[kind = "Handler"]')
        .map((n) => n.parent().data('kind') as string),
    );
    expect(new Set(parents)).toEqual(new Set(['Service']));
    expect(requests.every((url) => url.startsWith(shop.url))).toBe(true);
    expect(errors).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'viewer-shop.png') });
    await page.close();
  });

  it('opens a topic with its properties and every piece of evidence with source lines', async () => {
    const { page } = await open(shop.url);
    await clickNode(page, 'topic:kafka:orders.created');
    await page.waitForSelector('#details .evidence pre.snippet');
    expect(await page.textContent('#details h3')).toBe('orders.created');
    const where = await page.$$eval('#details .evidence .where', (items) =>
      items.map((i) => i.textContent),
    );
    expect(where).toEqual([
      'services/billing/src/main.ts:9',
      'services/notifications/src/order-listener.ts:22',
      'services/orders/src/server.ts:24',
      'services/shipping/src/orders-consumer.ts:23',
    ]);
    await page.waitForFunction(
      () => document.querySelectorAll('#details pre.snippet').length === 4,
    );
    const hit = await page.$$eval('#details .line.hit', (lines) => lines.map((l) => l.textContent));
    expect(hit[2]).toContain('24');
    expect(await page.textContent('#details table.props')).toContain('ORDERS_TOPIC');
    await page.screenshot({ path: path.join(ARTIFACTS, 'viewer-evidence.png') });

    // An edge opens the same panel: its type, its ends and where the call is written.
    const middle = await page.evaluate(() => {
      const edge = window.eventgraph?.cy
        .edges('[type = "CONSUMES"]')
        .filter((e) => e.target().id() === 'queue:bullmq:emails')
        .first();
      const box = document.getElementById('graph')?.getBoundingClientRect();
      if (!edge || edge.empty() || !box) return null;
      const at = edge.renderedMidpoint();
      return { x: box.left + at.x, y: box.top + at.y };
    });
    if (!middle) throw new Error('no CONSUMES edge into emails');
    await page.mouse.click(middle.x, middle.y);
    await expect.poll(() => page.textContent('#details h2')).toBe('CONSUMES');
    expect(await page.textContent('#details h3')).toBe('processEmail → emails');
    await page.waitForSelector('#details pre.snippet');
    await page.close();
  });

  it('filters by kind, technology and service', async () => {
    const { page } = await open(shop.url);
    await page.uncheck('#legend input[value="Handler"]');
    const { Handler: _hidden, ...others } = SHOP_KINDS;
    // Cytoscape settles visibility on its next frame, hence polling.
    await expect.poll(() => visibleByKind(page)).toEqual(others);
    await page.check('#legend input[value="Handler"]');
    await page.uncheck('#technologies input[value="kafka"]');
    await expect
      .poll(() =>
        page.evaluate(() => window.eventgraph?.cy.nodes(':visible[technology = "kafka"]').length),
      )
      .toBe(0);
    await page.check('#technologies input[value="kafka"]');
    await page.selectOption('#service', 'service:shop:services/billing');
    const names = () =>
      page.evaluate(() =>
        window.eventgraph?.cy
          .nodes(':visible')
          .map((n) => n.data('name') as string)
          .sort(),
      );
    await expect.poll(names).not.toContain('processEmail');
    expect(await names()).toContain('handleOrderCreated');
    expect(await names()).toContain('orders.created');
    await page.screenshot({ path: path.join(ARTIFACTS, 'viewer-filter.png') });
    await page.close();
  });

  it('focuses on a node and its neighbourhood, and searches by name', async () => {
    const { page } = await open(shop.url);
    await clickNode(page, 'queue:bullmq:emails');
    await page.fill('#focus-steps', '1');
    await page.click('#focus');
    const focused = () =>
      page.evaluate(() =>
        window.eventgraph?.cy
          .nodes(':visible')
          .filter((n) => !n.isParent())
          .map((n) => n.data('name') as string)
          .sort(),
      );
    // The notifications service publishes to the queue; it shows as the group around its handlers.
    await expect.poll(focused).toEqual(['EmailJob', 'emails', 'processEmail']);
    await page.click('#show-all');
    await page.fill('#search', 'orders.c');
    await page.waitForFunction(() =>
      /match/.test(document.getElementById('status')?.textContent ?? ''),
    );
    expect(await page.textContent('#status')).toBe('3 matches');
    await page.close();
  });

  it('highlights the subjects of a pattern picked from the side list', async () => {
    const { page } = await open(shop.url);
    await page.click('.finding[data-finding="fan-out"] >> nth=0');
    const highlighted = await page.evaluate(() =>
      window.eventgraph?.cy
        .nodes('.highlight')
        .map((n) => n.id())
        .sort(),
    );
    expect(highlighted).toEqual([
      'handler:shop:services/billing/src/main.ts:handleOrderCreated',
      'handler:shop:services/notifications/src/order-listener.ts:onOrderCreated',
      'handler:shop:services/shipping/src/orders-consumer.ts:handleOrderBatch',
      'topic:kafka:orders.created',
    ]);
    expect(await page.evaluate(() => window.eventgraph?.cy.nodes('.faded').length)).toBeGreaterThan(
      0,
    );
    await page.screenshot({ path: path.join(ARTIFACTS, 'viewer-pattern.png') });
    await page.close();
  });

  it('runs a Cypher query, shows the rows and highlights the returned nodes', async () => {
    const { page } = await open(shop.url);
    await page.fill('#query', 'MATCH (q:Queue) RETURN q.id AS id, q.name AS name ORDER BY name');
    await page.click('#run-query');
    await page.waitForSelector('#query-result table.rows');
    const rows = await page.$$eval('#query-result tbody tr', (trs) =>
      trs.map((tr) => tr.textContent),
    );
    expect(rows).toEqual([
      'queue:celery:celerycelery',
      'queue:bullmq:emailsemails',
      'queue:celery:reportsreports',
      'queue:rabbitmq:shipping.labelsshipping.labels',
      'queue:rabbitmq:shipping.labels.auditshipping.labels.audit',
    ]);
    expect(await page.evaluate(() => window.eventgraph?.cy.nodes('.highlight').length)).toBe(5);
    await page.fill('#query', 'MATCH (n) DETACH DELETE n');
    await page.click('#run-query');
    await page.waitForSelector('#query-result .problem');
    expect(await page.textContent('#query-result .problem')).toContain('DELETE');
    await page.screenshot({ path: path.join(ARTIFACTS, 'viewer-query.png') });
    await page.close();
  });

  it('exports the view as PNG and SVG', async () => {
    const { page } = await open(shop.url);
    for (const [button, start] of [
      ['#export-png', '\u0089PNG'],
      ['#export-svg', '<'],
    ] as const) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
      const file = await download.path();
      const content = await readFile(file, 'latin1');
      expect(content.startsWith(start)).toBe(true);
      if (button === '#export-svg') expect(content).toContain('<svg');
      expect(content.length).toBeGreaterThan(1000);
    }
    await page.close();
  });

  it('opens the self-contained file with no server and no network', async () => {
    const file = pathToFileURL(path.join(temp, 'shop', 'shop.html')).href;
    const { page, requests, errors } = await open(file);
    expect(await visibleByKind(page)).toEqual(SHOP_KINDS);
    await clickNode(page, 'topic:kafka:orders.created');
    await page.waitForFunction(
      () => document.querySelectorAll('#details pre.snippet').length === 4,
    );
    expect(await page.isHidden('#run-query')).toBe(true);
    expect(requests).toEqual([file]);
    expect(errors).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'viewer-standalone.png') });
    await page.close();
  });

  it('groups services by repository when a scan holds several', async () => {
    const out = path.join(temp, 'multi');
    await scan({
      paths: [path.join(FIXTURES, 'kafkajs-orders'), path.join(FIXTURES, 'bullmq-emails')],
      outDir: out,
    });
    const server = await startViewerServer({ outDir: out, port: 0 });
    try {
      const { page } = await open(server.url);
      const groups = await page.evaluate(() =>
        window.eventgraph?.cy.nodes('[kind = "Repository"]').map((n) => ({
          name: n.data('name') as string,
          services: n.children('[kind = "Service"]').length,
        })),
      );
      expect(groups).toEqual([
        { name: 'kafkajs-orders', services: 1 },
        { name: 'bullmq-emails', services: 1 },
      ]);
      await page.uncheck('#repositories input[value="bullmq-emails"]');
      const repositories = () =>
        page.evaluate(() => [
          ...new Set(
            window.eventgraph?.cy
              .nodes(':visible')
              .map((n) => n.data('repository') as string)
              .filter(Boolean),
          ),
        ]);
      await expect.poll(repositories).toEqual(['kafkajs-orders']);
      await page.close();
    } finally {
      await server.close();
    }
  });

  it.each(['served', 'self-contained'])(
    'shows hostile names and sources as text (%s)',
    async (mode) => {
      const url =
        mode === 'served'
          ? hostile.url
          : pathToFileURL(path.join(temp, 'hostile', 'hostile.html')).href;
      const { page, errors } = await open(url);
      const topic = await page.evaluate(
        () => window.eventgraph?.cy.nodes('[kind = "Topic"]').first().id() ?? '',
      );
      await clickNode(page, topic);
      await page.waitForSelector('#details pre.snippet');
      expect(await page.textContent('#details h3')).toBe(HOSTILE_TOPIC);
      await page.waitForFunction(
        () => document.querySelectorAll('#details pre.snippet').length === 2,
      );
      expect(await page.textContent('#details')).toContain(
        "// <script>window.__pwned = 'snippet'</script>",
      );
      await page.fill('#search', 'img');
      await page.waitForFunction(() =>
        /match/.test(document.getElementById('status')?.textContent ?? ''),
      );
      const service = await page.textContent('#service');
      expect(service).toContain(`<img src=x onerror="window.__pwned='service'">`);
      await page.click('.finding >> nth=0');
      expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();
      expect(await page.$$eval('#app img, #app script', (found) => found.length)).toBe(0);
      expect(errors).toEqual([]);
      await page.screenshot({ path: path.join(ARTIFACTS, `viewer-hostile-${mode}.png`) });
      await page.close();
    },
  );
});
