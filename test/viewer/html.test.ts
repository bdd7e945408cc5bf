// The self-contained viewer file: data inlined so that no name can end its script element,
// the page's only script allowed by hash, and nothing fetched from anywhere.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scan } from '../../src/scan/scan.js';
import { jsonInHtml } from '../../src/viewer/html.js';
import { PROJECT_ROOT } from '../helpers/run-cli.js';

let out: string;
let page: string;
let report: string;

beforeAll(async () => {
  out = await mkdtemp(path.join(os.tmpdir(), 'eventgraph-html-'));
  const fixture = path.join(PROJECT_ROOT, 'test', 'fixtures', 'viewer-hostile');
  await scan({ paths: [fixture], outDir: out, htmlFile: path.join(out, 'view', 'graph.html') });
  page = await readFile(path.join(out, 'view', 'graph.html'), 'utf8');
  report = await readFile(path.join(out, 'eventgraph-report.md'), 'utf8');
});

afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

describe('scan --html', () => {
  it('inlines data, script and styles and refers to no other file or site', () => {
    expect(page).toContain('<script type="application/json" id="eventgraph-data">');
    expect(page).not.toMatch(/<script[^>]+src=|<link[^>]+stylesheet/);
    expect(page).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(page).toMatch(/content="default-src 'none'; script-src 'sha256-[^']+'/);
  });

  it('keeps every hostile name inside the data element', () => {
    const data = /id="eventgraph-data">([^<]*)<\/script>/.exec(page)?.[1] ?? '';
    expect(data).toContain('\\u003cimg src=x onerror=');
    expect(page.match(/<\/script>/g)?.length).toBe(2);
    expect(page).not.toContain('window.__pwned="group"</script>');
  });

  it('inlines the snippets of the evidence', () => {
    expect(page).toContain(
      "// \\u003cscript\\u003ewindow.__pwned = 'snippet'\\u003c/script\\u003e",
    );
  });

  it('is linked from the report near the top', () => {
    const lines = report.split('\n');
    expect(lines.slice(0, 5)).toContain('Interactive view: [view/graph.html](<view/graph.html>)');
  });
});

describe('jsonInHtml', () => {
  it('escapes what could end a script element or start a comment', () => {
    expect(jsonInHtml({ a: '</script><!--&\u2028' })).toBe(
      '{"a":"\\u003c/script\\u003e\\u003c!--\\u0026\\u2028"}',
    );
  });
});
