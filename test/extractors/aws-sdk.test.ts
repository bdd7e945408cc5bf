import { describe, expect, it } from 'vitest';
import { evidenceOf, scanFixture, single, type FixtureScan } from '../helpers/scan-fixture.js';

describe('aws-sdk producers and configuration', () => {
  let scan: FixtureScan;

  it('names queues, topics, buses and streams by the last segment of URLs and ARNs', async () => {
    scan = await scanFixture('aws-sdk-orders', ['aws-sdk']);
    expect(scan.names('Queue')).toEqual([
      '`arn:aws:sqs:eu-west-1:123456789012:${queue}`',
      'billing-audit',
      'invoices',
      'invoices-dlq',
      'orders-dlq.fifo',
      'orders.fifo',
      'queueUrl',
      'reminders',
    ]);
    expect(scan.names('Topic')).toEqual(['clicks', 'default', 'order-events', 'shop-bus']);
    expect(scan.node('Queue', 'orders.fifo').properties).toMatchObject({
      override: 'ORDERS_QUEUE_URL',
      fifo: true,
      visibilityTimeoutMs: 45000,
      messageTtlMs: 86400000,
    });
    expect(scan.node('Queue', 'orders.fifo').properties.dynamic).toBeUndefined();
    expect(scan.node('Queue', 'queueUrl').properties).toMatchObject({ dynamic: true });
    expect(scan.node('Topic', 'clicks').properties.kind).toBe('stream');
    expect(scan.node('Topic', 'clicks').technology).toBe('kinesis');
    expect(scan.node('Topic', 'shop-bus').technology).toBe('eventbridge');
    expect(scan.diagnostics).toEqual([]);
  });

  it('reads a FIFO send: group id as ordering key, deduplication id as idempotence', () => {
    const edge = single(scan.edges('PUBLISHES', 'orders-api', 'orders.fifo'));
    expect(edge.technology).toBe('sqs');
    expect(edge.properties).toEqual({
      key: 'order.customerId',
      dedupKey: 'order.orderId',
      idempotent: true,
    });
    expect(evidenceOf(edge)).toEqual(['src/orders.ts:14']);
    const carried = single(scan.edges('CARRIES', 'orders.fifo', 'OrderPlaced'));
    expect(evidenceOf(carried)).toEqual(['src/orders.ts:14']);
  });

  it('follows a command held in a variable to its send, and SNS publish to its topic', () => {
    const edge = single(scan.edges('PUBLISHES', 'orders-api', 'order-events'));
    expect(edge.technology).toBe('sns');
    expect(edge.properties).toEqual({ key: 'order.customerId' });
    expect(evidenceOf(edge)).toEqual(['src/orders.ts:21']);
  });

  it('reads message options a wrapper takes as parameters from its caller', () => {
    const invoices = single(scan.edges('PUBLISHES', 'orders-api', 'invoices'));
    expect(invoices.properties.delayMs).toBe(30000);
  });

  it('keeps a known last part of a template whose start is known only at run time', () => {
    const batch = single(scan.edges('PUBLISHES', 'orders-api', 'reminders'));
    expect(batch.properties).toEqual({ batch: true, delayMs: 60000 });
    expect(scan.node('Queue', 'reminders').properties).toMatchObject({
      expression: '`${SQS_BASE_URL}/reminders`',
    });
    const invoices = single(scan.edges('PUBLISHES', 'orders-api', 'invoices'));
    expect(invoices.properties).toEqual({ delayMs: 30000, via: 'src/orders.ts:39' });
    expect(evidenceOf(invoices)).toEqual(['src/orders.ts:43']);
  });

  it('reads EventBridge entries: each bus, its source and detail type as the event', () => {
    const shipped = single(scan.edges('PUBLISHES', 'orders-api', 'shop-bus'));
    expect(shipped.properties).toEqual({ source: 'shop.orders', detailType: 'OrderShipped' });
    expect(scan.node('Event', 'OrderShipped').properties.fields).toEqual(['orderId', 'carrier']);
    expect(evidenceOf(single(scan.edges('CARRIES', 'shop-bus', 'OrderShipped')))).toEqual([
      'src/events.ts:15',
    ]);
    expect(scan.edges('CARRIES', 'default', 'OrderAudited')).toHaveLength(1);
  });

  it('reads Kinesis partition keys and record batches', () => {
    const [one, many] = scan
      .edges('PUBLISHES', 'orders-api', 'clicks')
      .sort((a, b) => (a.evidence[0]?.line ?? 0) - (b.evidence[0]?.line ?? 0));
    expect(one?.properties).toEqual({ key: 'userId' });
    expect(evidenceOf(one ?? { evidence: [] })).toEqual(['src/events.ts:26']);
    expect(many?.properties).toEqual({ batch: true, key: 'userId' });
  });

  it('turns redrive policies into dead-letter routes, from JSON.stringify or literal JSON', () => {
    const fifo = single(scan.edges('DEAD_LETTERS_TO', 'orders.fifo', 'orders-dlq.fifo'));
    expect(fifo.properties).toEqual({ maxReceiveCount: 5 });
    expect(evidenceOf(fifo)).toEqual(['src/infrastructure.ts:18']);
    const literal = single(scan.edges('DEAD_LETTERS_TO', 'invoices', 'invoices-dlq'));
    expect(literal.properties).toEqual({ maxReceiveCount: 3 });
  });

  it('routes an SNS topic to its SQS subscriptions, never to e-mail endpoints', () => {
    const routes = scan.edges('ROUTES_TO', 'order-events');
    expect(routes).toHaveLength(2);
    const audit = single(scan.edges('ROUTES_TO', 'order-events', 'billing-audit'));
    expect(evidenceOf(audit)).toEqual(['src/infrastructure.ts:41']);
    expect(scan.names('Queue')).not.toContain('ops@example.com');
  });
});

describe('aws-sdk consumers', () => {
  let scan: FixtureScan;

  it('registers sqs-consumer handlers on their queues', async () => {
    scan = await scanFixture('aws-sdk-workers', ['aws-sdk']);
    const edge = single(scan.edges('CONSUMES', 'chargeCustomer', 'billing'));
    expect(edge.properties).toEqual({ batch: false });
    expect(evidenceOf(edge)).toEqual(['src/billing.js:14']);
    expect(evidenceOf(scan.node('Handler', 'chargeCustomer'))).toEqual(['src/billing.js:7']);
    expect(scan.node('Queue', 'billing').properties).toMatchObject({
      override: 'BILLING_QUEUE_URL',
    });
    const batch = single(scan.edges('CONSUMES', 'shipping handleMessageBatch', 'shipping'));
    expect(batch.properties).toEqual({ batch: true, prefetch: 10 });
    expect(scan.diagnostics).toEqual([]);
  });

  it('lets a handler publish what it sends through a v2 client', () => {
    const edge = single(scan.edges('PUBLISHES', 'chargeCustomer', 'receipts'));
    expect(edge.technology).toBe('sqs');
    expect(evidenceOf(edge)).toEqual(['src/billing.js:10']);
  });

  it('makes the function polling through a ReceiveMessage wrapper the consumer', () => {
    const edge = single(scan.edges('CONSUMES', 'pollRefunds', 'refunds'));
    expect(evidenceOf(edge)).toEqual(['src/refunds.ts:6']);
    // MaxNumberOfMessages is the wrapper's parameter; the caller asks for 5 at a time.
    expect(edge.properties).toEqual({ batch: true });
    expect(scan.edges('CONSUMES')).toHaveLength(3);
  });
});

describe('aws-sdk negative', () => {
  it('finds nothing in storage calls, unsent commands and look-alike methods', async () => {
    const scan = await scanFixture('aws-sdk-negative', ['aws-sdk']);
    expect(scan.graph.nodes.filter((n) => n.label !== 'Service')).toEqual([]);
    expect(scan.graph.edges.filter((e) => e.type !== 'CONTAINS')).toEqual([]);
  });
});
