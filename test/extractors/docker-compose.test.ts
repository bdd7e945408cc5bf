import { describe, expect, it } from 'vitest';
import { evidenceOf, scanFixture, single } from '../helpers/scan-fixture.js';

describe('docker-compose', () => {
  it('reads worker commands, replicas and the queues a worker takes from', async () => {
    const scan = await scanFixture('docker-compose-shop', ['docker-compose']);
    const worker = scan.node('Handler', 'worker');
    expect(worker.technology).toBe('celery');
    expect(worker.properties).toEqual({
      command: 'celery -A shop.celery_app worker -Q emails,reports --concurrency 4',
      replicas: 2,
      concurrency: 8,
    });
    for (const queue of ['emails', 'reports']) {
      const edge = single(scan.edges('CONSUMES', 'worker', queue));
      expect(edge.properties).toEqual({ concurrency: 8 });
      expect(evidenceOf(edge)).toEqual(['docker-compose.yml:18']);
      expect(scan.node('Queue', queue).id).toBe(`queue:celery:${queue}`);
    }
    // celery beat is the scheduler: the celery extractor reads what it schedules.
    expect(scan.names('Handler')).toEqual(['worker']);
  });

  it('names channels from settings with the technology of the broker a service is wired to', async () => {
    const scan = await scanFixture('docker-compose-shop', ['docker-compose']);
    const invoices = scan.node('Queue', 'invoices');
    expect(invoices.id).toBe('queue:rabbitmq:invoices');
    expect(invoices.properties).toEqual({ kind: 'queue', env: ['INVOICE_QUEUE'] });
    expect(evidenceOf(invoices)).toEqual(['docker-compose.yml:28']);
    const notifications = scan.node('Topic', 'notifications');
    expect([notifications.id, notifications.properties.kind]).toEqual([
      'topic:rabbitmq:notifications',
      'exchange',
    ]);
    // LOG_STREAM=stdout is not a channel; INVOICE_QUEUE_HOST is a host.
    expect(scan.names('Topic')).toEqual(['notifications']);
    expect(scan.names('Queue')).toEqual(['emails', 'invoices', 'reports']);
  });

  it('keeps broker containers out of the graph and says so in a note', async () => {
    const scan = await scanFixture('docker-compose-shop', ['docker-compose']);
    expect(scan.graph.nodes.some((n) => n.technology === 'redis-pubsub')).toBe(false);
    expect(
      scan.diagnostics.map((d) => `${d.severity} ${d.file ?? ''}:${String(d.line)} ${d.message}`),
    ).toEqual([
      'note docker-compose.yml:9 service "rabbitmq" runs a RabbitMQ broker ' +
        '(rabbitmq:3.13-management); a broker container alone is infrastructure, not a finding',
      'note docker-compose.yml:14 service "redis" runs a Redis broker (redis:7-alpine); ' +
        'a broker container alone is infrastructure, not a finding',
    ]);
  });

  it('merges a queue named in compose with the same queue consumed in code', async () => {
    const scan = await scanFixture('docker-compose-shop', ['docker-compose', 'pika', 'celery']);
    const invoices = scan.node('Queue', 'invoices');
    expect(invoices.properties).toMatchObject({
      env: ['INVOICE_QUEUE'],
      override: 'INVOICE_QUEUE',
    });
    expect(evidenceOf(invoices)).toContain('docker-compose.yml:28');
    expect(evidenceOf(invoices).some((e) => e.startsWith('shop/billing.py:'))).toBe(true);
    expect(scan.edges('CONSUMES', 'on_invoice', 'invoices')).toHaveLength(1);
    // The celery task and the compose worker meet on one queue.
    expect(
      scan
        .edges('CONSUMES', undefined, 'emails')
        .map((e) => e.from)
        .sort(),
    ).toEqual([
      'handler:docker-compose-shop:docker-compose.yml:worker',
      'job:docker-compose-shop:celery:send_email',
    ]);
  });

  it('finds nothing in infrastructure-only compose files and CI services', async () => {
    const scan = await scanFixture('docker-compose-negative', ['docker-compose']);
    expect(scan.graph.nodes).toEqual([]);
    expect(scan.diagnostics.map((d) => d.severity)).toEqual(['note', 'note']);
  });
});
