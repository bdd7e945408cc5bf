// Every endpoint of `eventgraph serve`, over HTTP on an ephemeral port, against real scans of
// the example system and of a fixture whose names and sources hold HTML and script.
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scan } from '../../src/scan/scan.js';
import { startViewerServer, type RunningServer } from '../../src/serve/server.js';
import type { ViewerData } from '../../src/viewer/viewer-data.js';
import { PROJECT_ROOT } from '../helpers/run-cli.js';

let temp: string;
let shop: RunningServer;
let hostile: RunningServer;
let hostileRoot: string;

beforeAll(async () => {
  temp = await mkdtemp(path.join(os.tmpdir(), 'eventgraph-serve-'));
  await scan({
    paths: [path.join(PROJECT_ROOT, 'examples', 'shop')],
    outDir: path.join(temp, 'shop'),
  });
  // The hostile repository is copied so that a symlink pointing out of it can be added.
  hostileRoot = path.join(temp, 'hostile-repo');
  await mkdir(path.join(hostileRoot, 'src'), { recursive: true });
  const fixture = path.join(PROJECT_ROOT, 'test', 'fixtures', 'viewer-hostile');
  for (const file of ['package.json', 'src/relay.ts']) {
    await writeFile(path.join(hostileRoot, file), await readFile(path.join(fixture, file)));
  }
  await writeFile(path.join(temp, 'secret.txt'), 'outside the repository\n');
  await writeFile(path.join(hostileRoot, '.env'), 'TOKEN=outside the repository\n');
  await scan({ paths: [hostileRoot], outDir: path.join(temp, 'hostile') });
  await symlink(path.join(temp, 'secret.txt'), path.join(hostileRoot, 'src', 'link.ts'));
  await symlink(temp, path.join(hostileRoot, 'up'));

  shop = await startViewerServer({ outDir: path.join(temp, 'shop'), port: 0 });
  hostile = await startViewerServer({ outDir: path.join(temp, 'hostile'), port: 0 });
});

afterAll(async () => {
  await shop.close();
  await hostile.close();
  await rm(temp, { recursive: true, force: true });
});

async function get(server: RunningServer, route: string, headers: Record<string, string> = {}) {
  const response = await fetch(new URL(route, server.url), { headers });
  const text = await response.text();
  return { status: response.status, text, headers: response.headers };
}

async function query(server: RunningServer, body: unknown) {
  const response = await fetch(new URL('api/query', server.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('binding', () => {
  it('listens on 127.0.0.1 by default', () => {
    expect(shop.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('refuses a Host header that is not a loopback name (DNS rebinding)', async () => {
    // fetch drops a Host header it is given, so this one goes through node:http.
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const request = http.get(
        new URL('api/graph', shop.url),
        { headers: { host: 'attacker.example' } },
        (response) => {
          response.resume();
          resolve(response.statusCode);
        },
      );
      request.on('error', reject);
    });
    expect(status).toBe(403);
  });
});

describe('GET /', () => {
  it('serves the bundled page, which loads nothing from another origin', async () => {
    const page = await get(shop, '/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<script src="viewer.js"></script>');
    expect(page.text).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const script = await get(shop, 'viewer.js');
    expect(script.status).toBe(200);
    expect(script.text.length).toBeGreaterThan(100_000);
  });
});

describe('GET /api/graph', () => {
  it('returns the last export with remote links, marked as served', async () => {
    const answer = await get(shop, 'api/graph');
    expect(answer.status).toBe(200);
    const data = JSON.parse(answer.text) as ViewerData;
    expect(data.server).toBe(true);
    expect(data.snippets).toBeNull();
    expect(data.graph.schemaVersion).toBe(1);
    expect(data.graph.counts.nodes).toEqual({
      Event: 3,
      Handler: 8,
      Job: 5,
      Queue: 5,
      Service: 6,
      Topic: 5,
    });
    expect(Object.keys(data.links)).toEqual(['shop']);
  });

  it('shows a new scan in the same folder without a restart', async () => {
    const out = path.join(temp, 'rescan');
    await scan({ paths: [hostileRoot], outDir: out });
    const server = await startViewerServer({ outDir: out, port: 0 });
    try {
      const before = JSON.parse((await get(server, 'api/graph')).text) as ViewerData;
      await scan({ paths: [path.join(PROJECT_ROOT, 'examples', 'shop')], outDir: out });
      const after = JSON.parse((await get(server, 'api/graph')).text) as ViewerData;
      expect(before.graph.repositories.map((r) => r.name)).toEqual(['hostile-repo']);
      expect(after.graph.repositories.map((r) => r.name)).toEqual(['shop']);
    } finally {
      await server.close();
    }
  });

  it('says what to do when the folder holds no scan', async () => {
    const empty = await startViewerServer({ outDir: path.join(temp, 'nothing'), port: 0 });
    try {
      const answer = await get(empty, 'api/graph');
      expect(answer.status).toBe(400);
      expect(answer.text).toContain('No scan export');
    } finally {
      await empty.close();
    }
  });
});

describe('GET /api/findings', () => {
  it('lists the derived patterns and gaps with their subjects', async () => {
    const answer = await get(shop, 'api/findings');
    const body = JSON.parse(answer.text) as {
      patterns: { id: string; subjects: string[] }[];
      findings: { id: string }[];
    };
    expect(answer.status).toBe(200);
    const fanOut = body.patterns.find((p) => p.id === 'fan-out');
    expect(fanOut?.subjects).toContain('topic:kafka:orders.created');
    expect(new Set(body.findings.map((f) => f.id))).toEqual(
      new Set(['no-dead-letter-route', 'orphan-channel']),
    );
  });
});

describe('GET /api/evidence', () => {
  const evidence = (server: RunningServer, repository: string, file: string, line: number) =>
    get(
      server,
      `api/evidence?${new URLSearchParams({ repository, file, line: String(line) }).toString()}`,
    );

  it('returns the lines around a piece of evidence', async () => {
    const answer = await evidence(hostile, 'hostile-repo', 'src/relay.ts', 12);
    expect(answer.status).toBe(200);
    const snippet = JSON.parse(answer.text) as { start: number; line: number; lines: string[] };
    expect(snippet.start).toBe(9);
    expect(snippet.line).toBe(12);
    expect(snippet.lines[3]).toBe(`    topic: '<img src=x onerror="window.__pwned=1">',`);
  });

  it.each([
    ['..', '../secret.txt', 403],
    ['.. inside the path', 'src/../../secret.txt', 403],
    ['an absolute path', path.join(temp ?? '/tmp', 'secret.txt'), 403],
    ['an absolute path', '/etc/passwd', 403],
    ['a backslash path', 'src\\..\\..\\secret.txt', 403],
    ['a symlinked file', 'src/link.ts', 403],
    ['a symlinked folder', 'up/secret.txt', 403],
    ['a file the scan cites no evidence in', '.env', 403],
    ['a missing file', 'src/nothing.ts', 403],
  ])('refuses %s (%s)', async (_what, file, status) => {
    const answer = await evidence(hostile, 'hostile-repo', file, 1);
    expect(answer.status).toBe(status);
    expect(answer.text).not.toContain('outside the repository');
  });

  it('refuses unknown repositories, bad lines and missing parameters', async () => {
    expect((await evidence(hostile, 'other', 'src/relay.ts', 1)).status).toBe(403);
    expect((await evidence(hostile, 'hostile-repo', 'src/relay.ts', 0)).status).toBe(400);
    expect((await evidence(hostile, 'hostile-repo', 'src/relay.ts', 999)).status).toBe(404);
    expect((await get(hostile, 'api/evidence?file=src/relay.ts')).status).toBe(400);
  });
});

describe('POST /api/query', () => {
  it('runs a read-only query and names the node ids it returned', async () => {
    const answer = await query(shop, { query: 'MATCH (t:Topic) RETURN t.id AS id ORDER BY id' });
    expect(answer.status).toBe(200);
    expect(answer.body.columns).toEqual(['id']);
    expect(answer.body.truncated).toBe(false);
    expect(answer.body.nodeIds).toContain('topic:kafka:orders.created');
    expect((answer.body.rows as unknown[]).length).toBe(5);
  });

  it.each([
    'MATCH (t:Topic) DETACH DELETE t',
    "CREATE (:Topic {id: 'x'})",
    "MATCH (t:Topic) SET t.name = 'x'",
    'MATCH (t:Topic) RETURN t; MATCH (n) DETACH DELETE n',
    "COPY Topic FROM '/etc/passwd'",
  ])('refuses %s and leaves the graph as it was', async (text) => {
    const answer = await query(shop, { query: text });
    expect(answer.status).toBe(400);
    expect(String(answer.body.error)).toMatch(/Refused|not allowed|statement/);
    const after = await query(shop, { query: 'MATCH (t:Topic) RETURN count(t) AS n' });
    expect(after.body.rows).toEqual([{ n: 5 }]);
  });

  it('answers a syntax error and a bad body with 400', async () => {
    expect((await query(shop, { query: 'MATCH (t:Topic RETURN t' })).status).toBe(400);
    expect((await query(shop, { text: 'MATCH (n) RETURN n' })).status).toBe(400);
    expect((await query(shop, '{not json')).status).toBe(400);
  });

  it('answers unknown API routes with 404', async () => {
    expect((await get(shop, 'api/nothing')).status).toBe(404);
  });
});
