// Debian's chromium driven by playwright-core. No test tool ever downloads a browser: CI
// installs the chromium package (.ci/run), and without it the browser tests skip and say why.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PROJECT_ROOT } from './run-cli.js';

export const CHROMIUM = process.env.EVENTGRAPH_CHROMIUM ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
export const NO_CHROMIUM_REASON = `no browser at ${CHROMIUM}: apt-get install -y chromium`;
export const ARTIFACTS = path.join(PROJECT_ROOT, 'test-results');

/** Playwright gives every launch a fresh, empty profile of its own. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    // Without the background-networking flags chromium keeps calling home, which this
    // machine's closed network refuses.
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
}

/** Waits until the viewer has drawn its first frame, and fails if the page reported an error. */
export async function waitForViewer(page: Page): Promise<void> {
  await page.waitForFunction(() => document.body.dataset.state !== 'loading', null, {
    timeout: 60_000,
  });
  const state = await page.evaluate(() => document.body.dataset.state);
  if (state !== 'ready') {
    const status = await page.textContent('#status');
    throw new Error(`viewer ${String(state)}: ${String(status)}`);
  }
}
