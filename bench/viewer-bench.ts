// The viewer in Debian's chromium on generated graphs of 5,000 and 30,000 nodes: load time
// (navigation to first frame), layout time, frame times while panning, zooming and selecting,
// and the time a kind filter takes to show.
// usage: npm run bench:viewer -- [size ...]
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium, type Page } from 'playwright-core';
import { serializeExport } from '../src/export/graph-json.js';
import { startViewerServer } from '../src/serve/server.js';
import { generateGraph } from './generate-graph.js';

const CHROMIUM = process.env.EVENTGRAPH_CHROMIUM ?? '/usr/bin/chromium';

interface Figures {
  nodes: number;
  edges: number;
  loadMs: number;
  layoutMs: number;
  panMs: number;
  zoomMs: number;
  selectMs: number;
  filterMs: number;
}

// The in-page steps are plain script text: this file compiles without the DOM's types.

/** In the page: the median interval between frames while each frame pans or zooms the view. */
async function frameTime(page: Page, mode: 'pan' | 'zoom'): Promise<number> {
  const step =
    mode === 'pan'
      ? 'cy.panBy({ x: frame % 2 === 0 ? 7 : -5, y: 3 })'
      : 'cy.zoom({ level: cy.zoom() * (frame % 2 === 0 ? 1.05 : 0.96), renderedPosition: { x: 300, y: 300 } })';
  return Number(
    await page.evaluate(`(async () => {
      const cy = window.eventgraph.cy;
      const intervals = [];
      let last = performance.now();
      for (let frame = 0; frame < 60; frame += 1) {
        ${step};
        await new Promise(requestAnimationFrame);
        const now = performance.now();
        intervals.push(now - last);
        last = now;
      }
      intervals.sort((a, b) => a - b);
      return intervals[Math.floor(intervals.length / 2)];
    })()`),
  );
}

/** In the page: from an action to the second frame after it. */
async function timed(page: Page, action: 'select' | 'filter'): Promise<number> {
  const act =
    action === 'select'
      ? 'cy.nodes().unselect(); cy.nodes(\'[kind = "Topic"]\').first().select()'
      : 'document.querySelector(\'#legend input[value="Handler"]\').click()';
  return Number(
    await page.evaluate(`(async () => {
      const cy = window.eventgraph.cy;
      const started = performance.now();
      ${act};
      await new Promise(requestAnimationFrame);
      await new Promise(requestAnimationFrame);
      return performance.now() - started;
    })()`),
  );
}

async function measure(size: number, folder: string): Promise<Figures> {
  const graph = generateGraph(size);
  const out = path.join(folder, String(size));
  await mkdir(out, { recursive: true });
  await writeFile(path.join(out, 'eventgraph-graph.json'), serializeExport(graph), 'utf8');
  const server = await startViewerServer({ outDir: out, port: 0 });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    // The in-page steps are evaluated text, which the page's own policy forbids.
    const page = await browser.newPage({ viewport: { width: 1400, height: 850 }, bypassCSP: true });
    const started = performance.now();
    await page.goto(server.url);
    await page.waitForFunction('document.body.dataset.state === "ready"', null, {
      timeout: 600_000,
    });
    const loadMs = performance.now() - started;
    const layoutMs = Number(await page.evaluate('window.eventgraph.timings.layoutMs'));
    const panMs = await frameTime(page, 'pan');
    const zoomMs = await frameTime(page, 'zoom');
    const selectMs = await timed(page, 'select');
    const filterMs = await timed(page, 'filter');
    return {
      nodes: graph.nodes.length,
      edges: graph.edges.length,
      loadMs,
      layoutMs,
      panMs,
      zoomMs,
      selectMs,
      filterMs,
    };
  } finally {
    await browser.close();
    await server.close();
  }
}

const sizes = process.argv.slice(2).map(Number);
const folder = await mkdtemp(path.join(os.tmpdir(), 'eventgraph-viewer-bench-'));
try {
  const rows: string[] = [
    '| nodes | edges | load s | layout s | pan frame ms | zoom frame ms | select ms | filter ms |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const size of sizes.length > 0 ? sizes : [5000, 30000]) {
    const f = await measure(size, folder);
    const s = (ms: number) => (ms / 1000).toFixed(2);
    const m = (ms: number) => ms.toFixed(0);
    rows.push(
      `| ${f.nodes.toLocaleString('en')} | ${f.edges.toLocaleString('en')} | ${s(f.loadMs)} | ${s(f.layoutMs)} | ${m(f.panMs)} | ${m(f.zoomMs)} | ${m(f.selectMs)} | ${m(f.filterMs)} |`,
    );
    process.stdout.write(`${rows.at(-1) ?? ''}\n`);
  }
  process.stdout.write(`\n${rows.join('\n')}\n`);
} finally {
  await rm(folder, { recursive: true, force: true });
}
