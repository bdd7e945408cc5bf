import { describe, expect, it } from 'vitest';
import { scanFixture } from '../helpers/scan-fixture.js';

const where = (evidence: { file: string; line: number }[]) =>
  evidence.map((e) => `${e.file}:${String(e.line)}`);

describe('pika through a channel factory class', () => {
  it('names channels from constructor arguments of the topology class', async () => {
    const scan = await scanFixture('pika-channel-factory', ['pika']);
    expect(scan.names('Queue')).toEqual(['AuditTopology.queue_name', 'invoices', 'invoices_dlq']);
    expect(scan.names('Topic')).toEqual(['invoices.exchange']);

    const exchange = scan.node('Topic', 'invoices.exchange');
    expect(exchange.properties).toEqual({
      kind: 'exchange',
      exchangeType: 'direct',
      durable: true,
    });
    expect(where(scan.node('Queue', 'invoices_dlq').evidence)).toEqual(['billing/topology.py:12']);
    const binding = scan.edges('ROUTES_TO', 'invoices.exchange', 'invoices');
    expect(binding.map((e) => e.properties)).toEqual([{ routingKey: 'invoices' }]);
    expect(where(binding[0]?.evidence ?? [])).toEqual(['billing/topology.py:14']);
  });

  it('follows the returned channel and marks a republish after reconnect as a retry', async () => {
    const scan = await scanFixture('pika-channel-factory', ['pika']);
    const publishes = scan.edges('PUBLISHES');
    expect(publishes).toHaveLength(1);
    expect(scan.edges('PUBLISHES', 'pika-channel-factory', 'invoices.exchange')[0]).toMatchObject({
      properties: { routingKey: 'invoices', retry: 'republish after reconnect' },
    });
    expect(where(publishes[0]?.evidence ?? [])).toEqual(['billing/publisher.py:29']);
  });

  it('reads a loop over channel.consume as a consumer with its requeue flag', async () => {
    const scan = await scanFixture('pika-channel-factory', ['pika']);
    const handler = scan.node('Handler', 'run');
    expect(handler.properties).toEqual({
      ack: 'manual',
      prefetch: 5,
      requeue: 'self.requeue_failed',
    });
    expect(where(handler.evidence)).toEqual(['billing/worker.py:21']);
    const consumes = scan.edges('CONSUMES', 'run', 'invoices');
    expect(consumes.map((e) => e.properties)).toEqual([{ ack: 'manual', prefetch: 5 }]);
    expect(where(consumes[0]?.evidence ?? [])).toEqual(['billing/worker.py:23']);
    // CreditLedger.consume is a project method, not a channel.
    expect(scan.edges('CONSUMES').map((e) => where(e.evidence))).toEqual([
      ['billing/audit.py:22'],
      ['billing/worker.py:23'],
    ]);
  });

  it('names a run-time attribute once, after its class, and reads a batch', async () => {
    const scan = await scanFixture('pika-channel-factory', ['pika']);
    const audit = scan.node('Queue', 'AuditTopology.queue_name');
    expect(audit.properties).toEqual({
      kind: 'queue',
      dynamic: true,
      expression: 'AuditTopology.queue_name',
      durable: true,
    });
    expect(where(audit.evidence)).toEqual(['billing/audit.py:10', 'billing/audit.py:22']);
    const batch = scan.edges('CONSUMES', 'drain', 'AuditTopology.queue_name');
    expect(batch.map((e) => e.properties)).toEqual([{ ack: 'manual', batch: true }]);
    expect(where(scan.node('Handler', 'drain').evidence)).toEqual(['billing/audit.py:19']);
  });
});
