// A system of three repositories in three languages whose flows only connect across
// repositories, scanned through its system file by the built CLI.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, runCli, type CliRun } from '../helpers/run-cli.js';

// A copy outside eventgraph's own git repository, so no commit is recorded and the report
// is the same on every run.
const work = mkdtempSync(path.join(os.tmpdir(), 'eventgraph-system-'));
const system = path.join(work, 'system-marketplace');
const out = path.join(work, 'out');
let run: CliRun;
let report: string;
let exported: { repositories: { name: string; remote?: string }[] };

beforeAll(() => {
  cpSync(path.join(PROJECT_ROOT, 'test/fixtures/system-marketplace'), system, { recursive: true });
  run = runCli(['scan', '--system', path.join(system, 'eventgraph.yaml'), '--out', out]);
  report = readFileSync(path.join(out, 'eventgraph-report.md'), 'utf8');
  exported = JSON.parse(readFileSync(path.join(out, 'eventgraph-graph.json'), 'utf8')) as never;
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('eventgraph scan --system', () => {
  it('scans every listed repository under its given name', () => {
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/^storefront: 6 files read, 3 parsed/m);
    expect(run.stderr).toMatch(/^payments: 4 files read, 1 parsed/m);
    expect(run.stderr).toMatch(/^mailer: 3 files read, 1 parsed/m);
    expect(exported.repositories).toEqual([
      expect.objectContaining({
        name: 'storefront',
        remote: 'https://git.example.com/marketplace/storefront',
      }),
      expect.objectContaining({ name: 'payments' }),
      expect.objectContaining({ name: 'mailer' }),
    ]);
  });

  it('writes the system report checked in full', () => {
    const expected = readFileSync(
      path.join(PROJECT_ROOT, 'test/e2e/system-marketplace.expected.md'),
      'utf8',
    );
    expect(report).toBe(expected);
  });

  it('names the flows that cross repositories, the cycle and the unpaired channels', () => {
    expect(report).toContain(
      '| storefront | `orders.placed` (kafka) | payments | `storefront:src/checkout.ts:13` | `payments:payments/worker.py:32` |',
    );
    expect(report).toContain(
      '| payments | `receipts` (rabbitmq) | mailer | `payments:payments/worker.py:15` | `mailer:lib/index.js:13` |',
    );
    expect(report).toContain(
      '- payments, storefront: payments → storefront through `payments.settled` (kafka); storefront → payments through `orders.placed` (kafka)',
    );
    expect(report).toContain('- orders.audit is published but never consumed');
    expect(report).toContain('- inventory.low is consumed but never published');
    expect(report).not.toContain('Flows within a repository');
  });

  it('combines a system file with paths given on the command line', () => {
    const extra = path.join(work, 'extra');
    cpSync(path.join(PROJECT_ROOT, 'test/fixtures/kafkajs-negative'), extra, { recursive: true });
    const again = runCli([
      'scan',
      '--system',
      path.join(system, 'eventgraph.yaml'),
      extra,
      '--out',
      path.join(work, 'out2'),
      '--quiet',
    ]);
    expect(again.status).toBe(0);
    const graph = JSON.parse(
      readFileSync(path.join(work, 'out2', 'eventgraph-graph.json'), 'utf8'),
    ) as typeof exported;
    expect(graph.repositories.map((r) => r.name)).toEqual([
      'storefront',
      'payments',
      'mailer',
      'extra',
    ]);
  });

  it('refuses a system file it cannot use with one line and exit 2', () => {
    const bad = path.join(work, 'bad.yaml');
    writeFileSync(bad, 'repositories:\n  - path: nowhere\n');
    const missing = runCli(['scan', '--system', bad, '--out', path.join(work, 'out3')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(
      `eventgraph: ${bad}: path not found: ${path.join(work, 'nowhere')}; give the folder of a repository to scan\n`,
    );
    writeFileSync(bad, 'base: &b {path: x}\nrepositories:\n  - *b\n');
    const aliased = runCli(['scan', '--system', bad, '--out', path.join(work, 'out3')]);
    expect(aliased.status).toBe(2);
    expect(aliased.stderr).toMatch(
      /^eventgraph: .*bad\.yaml: aliases \(\*name\) are not allowed; /,
    );
  });
});
