// The bundled example system, scanned by the built CLI as the README's first command does.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, runCli, type CliRun } from '../helpers/run-cli.js';

interface ExportedNode {
  id: string;
  label: string;
  name: string;
  technology: string | null;
  properties: Record<string, unknown>;
  evidence: { repository: string; file: string; line: number }[];
}
interface Exported {
  schemaVersion: number;
  verdict: string;
  repositories: { name: string; root: string; commit: string | null }[];
  nodes: ExportedNode[];
  edges: {
    type: string;
    from: string;
    to: string;
    properties: Record<string, unknown>;
    evidence: ExportedNode['evidence'];
  }[];
  patterns: {
    id: string;
    subjects: string[];
    summary: string;
    evidence: ExportedNode['evidence'];
  }[];
  findings: { id: string; summary: string }[];
}

const out = mkdtempSync(path.join(os.tmpdir(), 'eventgraph-example-'));
let run: CliRun;
let exported: Exported;
let report: string;

beforeAll(() => {
  run = runCli(['scan', 'examples/shop', '--out', out]);
  exported = JSON.parse(readFileSync(path.join(out, 'eventgraph-graph.json'), 'utf8')) as Exported;
  report = readFileSync(path.join(out, 'eventgraph-report.md'), 'utf8');
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

const byId = () => new Map(exported.nodes.map((n) => [n.id, n]));
const where = (e: { evidence: ExportedNode['evidence'] }) =>
  e.evidence.map((x) => `${x.file}:${String(x.line)}`).join(' ');

describe('eventgraph scan examples/shop', () => {
  it('succeeds and summarises the scan on stderr only', () => {
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^shop: 27 files read, \d+ parsed, \d+ lines$/m);
    expect(run.stderr).toMatch(
      /^graph: 5 Service, 5 Topic, 4 Queue, 7 Handler, 3 Event, 5 Job; 41 edges$/m,
    );
    expect(run.stderr).toMatch(/^done in \d+\.\d s$/m);
  });

  it('exports the contract other tools read', () => {
    expect(exported.schemaVersion).toBe(1);
    expect(exported.verdict).toBe('event-driven');
    // examples/shop sits inside eventgraph's own git repository, so it has that commit.
    expect(exported.repositories).toEqual([
      { name: 'shop', root: 'examples/shop', commit: expect.stringMatching(/^[0-9a-f]{40}$/) },
    ]);
  });

  it('finds every channel with its technology and kind', () => {
    const channels = exported.nodes
      .filter((n) => n.label === 'Topic' || n.label === 'Queue')
      .map((n) => `${n.label} ${n.name} ${String(n.technology)} ${String(n.properties.kind)}`);
    expect(channels.sort()).toEqual([
      'Queue emails bullmq queue',
      'Queue reports celery queue',
      'Queue shipping.labels rabbitmq queue',
      'Queue shipping.labels.audit rabbitmq queue',
      'Topic orders.cancelled kafka topic',
      'Topic orders.created kafka topic',
      'Topic orders.created.dlq kafka topic',
      'Topic shipping.dlx rabbitmq exchange',
      'Topic shipping.events rabbitmq exchange',
    ]);
  });

  it('connects producers, consumers, jobs and schedules with file:line evidence', () => {
    const nodes = byId();
    const name = (id: string) => nodes.get(id)?.name ?? id;
    const edges = exported.edges
      .filter((e) => e.type !== 'CONTAINS' && e.type !== 'CARRIES')
      .map((e) => `${e.type} ${name(e.from)} -> ${name(e.to)} @ ${where(e)}`);
    expect(edges.sort()).toEqual([
      'CONSUMES build_sales_report -> reports @ services/reports/reports/celery_app.py:13 services/reports/reports/tasks.py:12',
      'CONSUMES consume_cancellations -> orders.cancelled @ services/reports/reports/kafka_listener.py:15',
      'CONSUMES handleOrderBatch -> orders.cancelled @ services/shipping/src/orders-consumer.ts:23',
      'CONSUMES handleOrderBatch -> orders.created @ services/shipping/src/orders-consumer.ts:23',
      'CONSUMES handleOrderCreated -> orders.created @ services/billing/src/main.ts:9',
      'CONSUMES onOrderCreated -> orders.created @ services/notifications/src/order-listener.ts:22',
      'CONSUMES on_label_event -> shipping.labels.audit @ services/reports/reports/consumer.py:31',
      'CONSUMES printLabel -> shipping.labels @ services/shipping/src/amqp.ts:40',
      'CONSUMES processEmail -> emails @ services/notifications/src/worker.ts:17',
      'DEAD_LETTERS_TO shipping.labels -> shipping.dlx @ services/shipping/src/amqp.ts:14',
      'DEAD_LETTERS_TO shipping.labels.audit -> shipping.dlx @ services/reports/reports/consumer.py:24',
      'ENQUEUES @shop/notifications -> digest @ services/notifications/src/main.ts:6',
      'ENQUEUES @shop/notifications -> order-confirmation @ services/notifications/src/order-listener.ts:13',
      'ENQUEUES build_sales_report -> send_report_email @ services/reports/reports/tasks.py:15',
      'ENQUEUES shop-reports -> build_sales_report @ services/reports/reports/kafka_listener.py:23',
      'PUBLISHES @shop/billing -> orders.created.dlq @ services/billing/src/handlers/order-created.ts:21',
      'PUBLISHES @shop/notifications -> emails @ services/notifications/src/main.ts:6',
      'PUBLISHES @shop/notifications -> emails @ services/notifications/src/order-listener.ts:13',
      'PUBLISHES @shop/orders -> orders.cancelled @ services/orders/src/server.ts:43',
      'PUBLISHES @shop/orders -> orders.created @ services/orders/src/server.ts:24',
      'PUBLISHES @shop/shipping -> shipping.events @ services/shipping/src/amqp.ts:24',
      'ROUTES_TO shipping.events -> shipping.labels @ services/shipping/src/amqp.ts:19',
      'ROUTES_TO shipping.events -> shipping.labels.audit @ services/reports/reports/consumer.py:29',
      'SCHEDULES @shop/billing -> reconcileInvoices @ services/billing/src/main.ts:12',
      'SCHEDULES @shop/notifications -> digest @ services/notifications/src/main.ts:6',
      'SCHEDULES shop-reports -> build_sales_report @ services/reports/reports/celery_app.py:18',
    ]);
  });

  it('names the event types each channel carries, with their payload and metadata', () => {
    const nodes = byId();
    const events = exported.nodes
      .filter((n) => n.label === 'Event')
      .map(
        (n) => `${n.name}: ${String(n.properties.fields)} | ${String(n.properties.metadataFields)}`,
      );
    expect(events.sort()).toEqual([
      'EmailJob: orderId,to | ',
      'OrderCancelled: correlationId,customerId,occurredAt,orderId,reason | correlationId,occurredAt',
      'OrderCreated: correlationId,customerId,occurredAt,orderId,total | correlationId,occurredAt',
    ]);
    const carries = exported.edges
      .filter((e) => e.type === 'CARRIES')
      .map(
        (e) => `${nodes.get(e.from)?.name ?? ''} -> ${nodes.get(e.to)?.name ?? ''} @ ${where(e)}`,
      );
    expect(carries.sort()).toEqual([
      'emails -> EmailJob @ services/notifications/src/main.ts:6 services/notifications/src/order-listener.ts:13 services/notifications/src/worker.ts:4',
      'orders.cancelled -> OrderCancelled @ services/orders/src/server.ts:43',
      'orders.created -> OrderCreated @ services/billing/src/handlers/order-created.ts:16 services/orders/src/server.ts:24',
    ]);
  });

  it('keeps the schedules as written and the consumer settings', () => {
    const nodes = byId();
    const schedules = exported.edges
      .filter((e) => e.type === 'SCHEDULES')
      .map((e) => `${nodes.get(e.to)?.name ?? ''}: ${String(e.properties.schedule)}`);
    expect(schedules.sort()).toEqual([
      'build_sales_report: crontab(hour=3, minute=0)',
      'digest: 0 8 * * 1',
      'reconcileInvoices: 0 2 * * *',
    ]);
    const groups = exported.edges
      .filter((e) => e.type === 'CONSUMES' && e.properties.group !== undefined)
      .map((e) => `${nodes.get(e.to)?.name ?? ''} ${String(e.properties.group)}`);
    expect(groups.sort()).toEqual([
      'orders.cancelled reports',
      'orders.cancelled shipping',
      'orders.created billing',
      'orders.created notifications',
      'orders.created shipping',
    ]);
  });

  it('derives the patterns the example implements, and no others', () => {
    expect([...new Set(exported.patterns.map((p) => p.id))].sort()).toEqual([
      'batch-processing',
      'competing-consumers',
      'content-based-routing',
      'dead-letter',
      'exactly-once',
      'fan-out',
      'retry',
    ]);
    const retries = exported.patterns
      .filter((p) => p.id === 'retry')
      .map((p) => `${p.summary} @ ${where(p)}`);
    // Each claim cites only the call that makes it: the repeatable digest add() has no attempts,
    // and add() options describe that call, not the BullMQ job (a Celery task's own do).
    expect(retries.sort()).toEqual([
      '@shop/notifications enqueues job order-confirmation on queue emails with retry: attempts=5, backoff=exponential 1000ms @ services/notifications/src/order-listener.ts:13',
      'Job build_sales_report retries: autoretry for ConnectionError, max_retries=3 @ services/reports/reports/tasks.py:12',
    ]);
    const fanOut = exported.patterns.filter((p) => p.id === 'fan-out').map((p) => p.summary);
    expect(fanOut.sort()).toEqual([
      'orders.cancelled is consumed by 2 consumer groups: reports, shipping',
      'orders.created is consumed by 3 consumer groups: billing, notifications, shipping',
      'shipping.events routes to 2 consumed queues: shipping.labels, shipping.labels.audit',
    ]);
    expect(
      exported.findings
        .filter((f) => f.id === 'orphan-channel')
        .map((f) => f.summary)
        .sort(),
    ).toEqual([
      'orders.created.dlq is published but never consumed in the scanned code',
      'shipping.dlx is a dead-letter destination never consumed in the scanned code',
    ]);
    // Billing parks failed orders in orders.created.dlq from its handler's catch block.
    expect(
      exported.findings
        .filter((f) => f.id === 'no-dead-letter-route')
        .map((f) => f.summary)
        .sort(),
    ).toEqual([
      'emails has no dead-letter route; consumed by processEmail',
      'orders.cancelled has no dead-letter route; consumed by consume_cancellations, handleOrderBatch',
      'orders.created has no dead-letter route; consumed by handleOrderBatch, onOrderCreated',
      'reports has no dead-letter route; consumed by build_sales_report',
    ]);
  });

  it('writes a report with the diagram, the sections in order and evidence on every item', () => {
    const headings = report.split('\n').filter((l) => l.startsWith('## '));
    expect(headings).toEqual([
      '## Services and flows',
      '## Message brokers and queues',
      '## Event patterns',
      '## Messaging patterns',
      '## Background jobs',
      '## Gaps',
    ]);
    expect(report).toContain('```mermaid\nflowchart LR\n');
    const items = report
      .split('\n')
      .filter((l) => l.startsWith('- ') || (l.startsWith('| ') && !l.startsWith('| ---')));
    const withoutEvidence = items.filter(
      (l) => !/`[^`]+:\d+`/.test(l) && !/^\| [A-Z][a-z]+ \|/.test(l),
    );
    expect(withoutEvidence).toEqual([]);
    expect(report).toContain(
      '| `reconcileInvoices` | cron `0 2 * * *` | `node-cron` | `services/billing/src/main.ts:12` |',
    );
  });

  it('maps which service sends to which, through what', () => {
    expect(report).toContain(
      '| @shop/shipping | `shipping.events` (rabbitmq) | shop-reports | ' +
        '`services/shipping/src/amqp.ts:24` | `services/reports/reports/consumer.py:31` |',
    );
    const map = report.split('### Service map')[1]?.split('```')[1] ?? '';
    expect(map.split('\n').filter((l) => l.includes('-->'))).toEqual([
      '    s3 -- "orders.created" --> s1',
      '    s3 -- "orders.created" --> s2',
      '    s3 -- "orders.cancelled" --> s4',
      '    s3 -- "orders.cancelled, orders.created" --> s5',
      '    s5 -- "shipping.events" --> s4',
    ]);
    expect(report).not.toContain('### Cycles between services');
  });

  it('never prints a credential from a connection string', () => {
    const source = readFileSync(
      path.join(PROJECT_ROOT, 'examples/shop/services/reports/reports/celery_app.py'),
      'utf8',
    );
    expect(source).toContain('guest:guest@');
    expect(report).not.toContain('guest:guest');
    expect(JSON.stringify(exported)).not.toContain('guest:guest');
    expect(run.stderr).not.toContain('guest:guest');
  });

  it('lists each delayed call site once in the report', () => {
    const delayed = report
      .split('### Delayed and recurring jobs\n\n')[1]
      ?.split('\n\n')[0]
      ?.split('\n');
    expect(delayed).toEqual([
      '- `shop-reports` service → `build_sales_report`: delayMs=300000; countdown=300 — `services/reports/reports/kafka_listener.py:23`',
    ]);
  });
});
