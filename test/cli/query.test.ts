// eventgraph query on the embedded store of a scan: formats, examples and exit codes.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, runCli } from '../helpers/run-cli.js';

const out = mkdtempSync(path.join(os.tmpdir(), 'eventgraph-query-'));
const SMALL = path.join(PROJECT_ROOT, 'test', 'fixtures', 'kafkajs-orders');
const services = 'MATCH (s:Service) RETURN s.name AS name ORDER BY name LIMIT 2';
afterAll(() => rmSync(out, { recursive: true, force: true }));

interface Example {
  params: Record<string, string>;
  columns: string[];
  rows: unknown[][];
  unordered?: boolean;
}

const table = (columns: string[], rows: unknown[][]) =>
  rows.map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i]])));
const key = (row: Record<string, unknown>) => JSON.stringify(row);
const evidence = (file: string, line: number) =>
  JSON.stringify([{ repository: 'shop', file: `services/${file}`, line }]);

// Every example in cypher/examples with the exact rows it returns on the shop scan.
const EXAMPLES: Record<string, Example> = {
  'consumers-of-service': {
    params: { service: 'orders' },
    columns: ['publisher', 'channel', 'technology', 'readFrom', 'consumerService', 'consumer'],
    rows: [
      [
        '@shop/orders',
        'orders.cancelled',
        'kafka',
        'orders.cancelled',
        '@shop/shipping',
        'handleOrderBatch',
      ],
      [
        '@shop/orders',
        'orders.cancelled',
        'kafka',
        'orders.cancelled',
        'shop-reports',
        'consume_cancellations',
      ],
      [
        '@shop/orders',
        'orders.created',
        'kafka',
        'orders.created',
        '@shop/billing',
        'handleOrderCreated',
      ],
      [
        '@shop/orders',
        'orders.created',
        'kafka',
        'orders.created',
        '@shop/notifications',
        'onOrderCreated',
      ],
      [
        '@shop/orders',
        'orders.created',
        'kafka',
        'orders.created',
        '@shop/shipping',
        'handleOrderBatch',
      ],
    ],
  },
  'consumers-without-dead-letter': {
    params: {},
    columns: ['service', 'consumer', 'channel', 'technology', 'evidence'],
    rows: [
      [
        '@shop/billing',
        'handleOrderCreated',
        'orders.created',
        'kafka',
        evidence('billing/src/main.ts', 9),
      ],
      [
        '@shop/notifications',
        'onOrderCreated',
        'orders.created',
        'kafka',
        evidence('notifications/src/order-listener.ts', 22),
      ],
      [
        '@shop/notifications',
        'processEmail',
        'emails',
        'bullmq',
        evidence('notifications/src/worker.ts', 17),
      ],
      [
        '@shop/shipping',
        'handleOrderBatch',
        'orders.cancelled',
        'kafka',
        evidence('shipping/src/orders-consumer.ts', 23),
      ],
      [
        '@shop/shipping',
        'handleOrderBatch',
        'orders.created',
        'kafka',
        evidence('shipping/src/orders-consumer.ts', 23),
      ],
      // The reports worker of docker-compose.yml takes from both its queues.
      ...['celery', 'reports'].map((queue) => [
        'shop',
        'reports-worker',
        queue,
        'celery',
        JSON.stringify([{ repository: 'shop', file: 'docker-compose.yml', line: 58 }]),
      ]),
      [
        'shop-reports',
        'build_sales_report',
        'reports',
        'celery',
        JSON.stringify([
          { repository: 'shop', file: 'services/reports/reports/celery_app.py', line: 13 },
          { repository: 'shop', file: 'services/reports/reports/tasks.py', line: 12 },
        ]),
      ],
      [
        'shop-reports',
        'consume_cancellations',
        'orders.cancelled',
        'kafka',
        evidence('reports/reports/kafka_listener.py', 15),
      ],
    ],
  },
  'jobs-and-schedules': {
    params: {},
    columns: ['job', 'technology', 'queue', 'service', 'schedule', 'scheduleKind'],
    rows: [
      [
        'build_sales_report',
        'celery',
        'reports',
        'shop-reports',
        'crontab(hour=3, minute=0)',
        'cron',
      ],
      ['digest', 'bullmq', 'emails', '@shop/notifications', '0 8 * * 1', 'cron'],
      ['order-confirmation', 'bullmq', 'emails', '@shop/notifications', null, null],
      ['reconcileInvoices', 'cron-library', null, '@shop/billing', '0 2 * * *', 'cron'],
      ['send_report_email', 'celery', null, 'shop-reports', null, null],
    ],
  },
  'paths-between-services': {
    params: { from: 'orders', to: 'shipping' },
    columns: ['hops', 'first', 'second', 'third', 'reachedBy'],
    rows: [
      [1, 'orders.cancelled', null, null, 'handleOrderBatch'],
      [1, 'orders.created', null, null, 'handleOrderBatch'],
    ],
    unordered: true,
  },
};

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

  it('has expected rows below for every example in cypher/examples', () => {
    const files = readdirSync(path.join(PROJECT_ROOT, 'cypher', 'examples'))
      .filter((f) => f.endsWith('.cypher'))
      .map((f) => f.replace(/\.cypher$/, ''))
      .sort();
    expect(Object.keys(EXAMPLES).sort()).toEqual(files);
  });

  for (const [name, example] of Object.entries(EXAMPLES)) {
    it(`runs the ${name} example on Kùzu and returns its real rows`, () => {
      const params = Object.entries(example.params).flatMap(([k, v]) => ['--param', `${k}=${v}`]);
      const run = runCli(['query', '--out', out, '--example', name, ...params, '--format', 'json']);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const rows = JSON.parse(run.stdout) as Record<string, unknown>[];
      // A UNION has no total order shared by both engines: compare those rows as a set.
      const order = (list: Record<string, unknown>[]) =>
        example.unordered ? [...list].sort((a, b) => key(a).localeCompare(key(b))) : list;
      expect(order(rows)).toEqual(order(table(example.columns, example.rows)));
    });
  }

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

  it('exits 3 with one line for a damaged store, and a scan rebuilds it', () => {
    const damaged = path.join(out, 'damaged');
    expect(runCli(['scan', SMALL, '--out', damaged, '--quiet']).status).toBe(0);
    writeFileSync(path.join(damaged, '.eventgraph', 'graph.kuzu'), randomBytes(64 * 1024));
    const run = runCli(['query', 'MATCH (n) RETURN count(n) AS n', '--out', damaged]);
    expect(run.status).toBe(3);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(
      /^eventgraph: The embedded database cannot be opened: .*; scan again with the same --out to rebuild it\n$/,
    );
    expect(runCli(['scan', SMALL, '--out', damaged, '--quiet']).status).toBe(0);
    expect(runCli(['query', 'MATCH (n) RETURN count(n) AS n', '--out', damaged]).status).toBe(0);
  });
});
