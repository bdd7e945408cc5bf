// eventgraph query on the embedded store of a scan: formats, examples and exit codes.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, runCli } from '../helpers/run-cli.js';

const out = mkdtempSync(path.join(os.tmpdir(), 'eventgraph-query-'));
const services = 'MATCH (s:Service) RETURN s.name AS name ORDER BY name LIMIT 2';
afterAll(() => rmSync(out, { recursive: true, force: true }));

beforeAll(() => {
  const run = runCli([
    'scan',
    path.join(PROJECT_ROOT, 'examples', 'shop'),
    '--out',
    out,
    '--quiet',
  ]);
  expect(run.status).toBe(0);
});

describe('eventgraph query on the embedded store', () => {
  it('prints a table', () => {
    const run = runCli(['query', services, '--out', out]);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(
      ['name', '-------------------', '@shop/billing', '@shop/notifications', '(2 rows)', ''].join(
        '\n',
      ),
    );
  });

  it('prints JSON and CSV', () => {
    const json = runCli(['query', services, '--out', out, '--format', 'json']);
    expect(JSON.parse(json.stdout)).toEqual([
      { name: '@shop/billing' },
      { name: '@shop/notifications' },
    ]);
    const csv = runCli(['query', services, '--out', out, '--format', 'csv']);
    expect(csv.stdout).toBe('name\r\n@shop/billing\r\n@shop/notifications\r\n');
  });

  it('runs an example with a parameter', () => {
    const run = runCli([
      'query',
      '--out',
      out,
      '--example',
      'consumers-of-service',
      '--param',
      'service=orders',
      '--format',
      'json',
    ]);
    expect(run.status).toBe(0);
    const rows = JSON.parse(run.stdout) as { consumer: string }[];
    expect(rows.map((r) => r.consumer)).toContain('handleOrderCreated');
  });

  it('lists the examples', () => {
    const run = runCli(['query', '--example', 'list', '--format', 'csv']);
    expect(run.stdout.split('\r\n').map((l) => l.split(',')[0])).toEqual([
      'name',
      'consumers-of-service',
      'consumers-without-dead-letter',
      'jobs-and-schedules',
      'paths-between-services',
      '',
    ]);
  });

  it('exits 2 for a write, naming the refused clause', () => {
    const run = runCli(['query', 'MATCH (n:Service) SET n.name = "x"', '--out', out]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('Refused: SET is not allowed in a read-only query');
  });

  it('exits 2 for a syntax error, an unknown example or a missing parameter', () => {
    expect(runCli(['query', 'MATCH (n RETURN n', '--out', out]).status).toBe(2);
    expect(runCli(['query', '--example', 'nope', '--out', out]).status).toBe(2);
    const missing = runCli(['query', '--example', 'consumers-of-service', '--out', out]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('--param service=');
  });

  it('exits 3 when no scan left a store in --out', () => {
    const run = runCli(['query', services, '--out', path.join(out, 'empty')]);
    expect(run.status).toBe(3);
    expect(run.stderr).toContain('run eventgraph scan with the same --out first');
  });
});
