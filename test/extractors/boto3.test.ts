import { describe, expect, it } from 'vitest';
import { scanFixture } from '../helpers/scan-fixture.js';

const where = (evidence: { file: string; line: number }[]) =>
  evidence.map((e) => `${e.file}:${String(e.line)}`);

describe('boto3', () => {
  it('names a queue by the last segment of its URL and keeps the env override', async () => {
    const scan = await scanFixture('boto3-orders', ['boto3']);
    expect(scan.node('Queue', 'orders.fifo').properties).toMatchObject({
      kind: 'queue',
      override: 'ORDERS_QUEUE_URL',
      fifo: true,
      visibilityTimeoutMs: 60000,
    });
    const sends = scan
      .edges('PUBLISHES', 'boto3-orders', 'orders.fifo')
      .map((e) => [where(e.evidence).join(' '), e.properties]);
    expect(sends).toEqual([
      [
        'orders/publisher.py:8',
        { key: 'order["customer_id"]', dedupKey: 'order["id"]', idempotent: true },
      ],
      ['orders/publisher.py:17', { key: 'o["customer_id"]', batch: true }],
    ]);
  });

  it('reads SNS, EventBridge and Kinesis publishes', async () => {
    const scan = await scanFixture('boto3-orders', ['boto3']);
    const sns = scan.edges('PUBLISHES', 'boto3-orders', 'order-events');
    expect(sns[0]?.technology).toBe('sns');
    expect(where(sns[0]?.evidence ?? [])).toEqual(['orders/publisher.py:27']);
    expect(scan.node('Topic', 'order-events').properties).toMatchObject({
      override: 'ORDER_EVENTS_ARN',
    });
    const bus = scan.edges('PUBLISHES', 'boto3-orders', 'shop-bus');
    expect(bus[0]?.technology).toBe('eventbridge');
    expect(bus[0]?.properties).toEqual({ source: 'shop.orders', detailType: 'OrderPlaced' });
    const stream = scan.edges('PUBLISHES', 'boto3-orders', 'order-clicks');
    expect(stream[0]?.technology).toBe('kinesis');
    expect(stream[0]?.properties).toEqual({ key: 'order["id"]' });
    expect(scan.node('Topic', 'order-clicks').properties).toMatchObject({ kind: 'stream' });
  });

  it('makes a receive_message loop a batch handler that publishes what it forwards', async () => {
    const scan = await scanFixture('boto3-orders', ['boto3']);
    expect(scan.node('Handler', 'process_orders').properties).toEqual({ batch: true });
    expect(
      where(scan.edges('CONSUMES', 'process_orders', 'orders.fifo')[0]?.evidence ?? []),
    ).toEqual(['orders/worker.py:9']);
    // f"{QUEUE_BASE}/shipments": the prefix is known only at run time, the queue is not.
    const forwarded = scan.edges('PUBLISHES', 'process_orders', 'shipments');
    expect(where(forwarded[0]?.evidence ?? [])).toEqual(['orders/worker.py:14']);
  });

  it('follows resource-style queues and topics', async () => {
    const scan = await scanFixture('boto3-orders', ['boto3']);
    expect(where(scan.edges('PUBLISHES', 'boto3-orders', 'invoices')[0]?.evidence ?? [])).toEqual([
      'orders/invoices.py:8',
    ]);
    expect(scan.node('Handler', 'collect').properties).toEqual({});
    expect(where(scan.edges('CONSUMES', 'collect', 'invoices')[0]?.evidence ?? [])).toEqual([
      'orders/invoices.py:12',
    ]);
    expect(scan.edges('PUBLISHES', 'boto3-orders', 'billing')[0]?.technology).toBe('sns');
  });

  it('reads a redrive policy as a dead-letter route and an SNS to SQS subscription', async () => {
    const scan = await scanFixture('boto3-orders', ['boto3']);
    const dead = scan.edges('DEAD_LETTERS_TO', 'orders.fifo', 'orders-dlq');
    expect(dead[0]?.properties).toEqual({ maxReceiveCount: 5 });
    expect(where(dead[0]?.evidence ?? [])).toEqual(['orders/infra.py:14']);
    expect(scan.edges('ROUTES_TO', 'order-events', 'audit')).toHaveLength(1);
  });

  it('names a queue whose URL comes from create_queue or get_queue_url', async () => {
    const scan = await scanFixture('boto3-orders', ['boto3']);
    expect(where(scan.edges('PUBLISHES', 'boto3-orders', 'refunds')[0]?.evidence ?? [])).toEqual([
      'orders/infra.py:27',
    ]);
    expect(where(scan.edges('PUBLISHES', 'boto3-orders', 'audit')[0]?.evidence ?? [])).toEqual([
      'orders/infra.py:29',
    ]);
  });

  it('finds nothing for S3, list_queues or look-alike methods', async () => {
    const scan = await scanFixture('boto3-negative', ['boto3']);
    expect(scan.graph.edges).toEqual([]);
    expect(scan.names('Queue')).toEqual([]);
    expect(scan.names('Topic')).toEqual([]);
  });
});
