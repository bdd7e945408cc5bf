import { describe, expect, it } from 'vitest';
import { evidenceOf, scanFixture, single, type FixtureScan } from '../helpers/scan-fixture.js';

describe('azure-service-bus', () => {
  let scan: FixtureScan;

  it('tells topics from queues by the subscriptions the project reads them through', async () => {
    scan = await scanFixture('azure-service-bus-orders', ['azure-service-bus']);
    expect(scan.names('Topic')).toEqual(['order-events']);
    expect(scan.names('Queue')).toEqual([
      'order-events/Subscriptions/billing/$DeadLetterQueue',
      'orders',
      'orders/$DeadLetterQueue',
      'parked-orders',
      'process.env.AUDIT_QUEUE',
    ]);
    expect(scan.node('Queue', 'orders').properties).toMatchObject({
      override: 'ORDERS_QUEUE',
      maxDeliveryCount: 5,
      sessions: true,
    });
    expect(scan.diagnostics).toEqual([]);
  });

  it('reads senders: session id as ordering key, message batches and scheduled sends', () => {
    const [accept, later] = scan
      .edges('PUBLISHES', 'fulfilment', 'orders')
      .sort((a, b) => (a.evidence[0]?.line ?? 0) - (b.evidence[0]?.line ?? 0));
    expect(accept?.properties).toEqual({ key: 'order.customerId' });
    expect(evidenceOf(accept ?? { evidence: [] })).toEqual(['src/publisher.ts:12']);
    expect(later?.properties).toEqual({ batch: true, scheduled: true });
    const batch = single(scan.edges('PUBLISHES', 'fulfilment', 'order-events'));
    expect(batch.properties).toEqual({ batch: true });
    expect(evidenceOf(batch)).toEqual(['src/publisher.ts:18']);
    expect(scan.edges('CARRIES', 'orders', 'OrderAccepted')).toHaveLength(1);
  });

  it('makes each subscription a consumer group of its topic', () => {
    const bill = single(scan.edges('CONSUMES', 'bill', 'order-events'));
    expect(bill.properties).toEqual({
      group: 'billing',
      concurrency: 4,
      ack: 'manual',
      batch: false,
    });
    expect(evidenceOf(bill)).toEqual(['src/workers.ts:13']);
    const shipping = single(
      scan.edges('CONSUMES', 'order-events/shipping subscribe', 'order-events'),
    );
    expect(shipping.properties).toEqual({ group: 'shipping', batch: false });
  });

  it('reads receiveMessages in a session and on the dead-letter sub-queue', () => {
    const drain = single(scan.edges('CONSUMES', 'drainOrders', 'orders'));
    expect(drain.properties).toEqual({ batch: true, sessions: true });
    expect(evidenceOf(drain)).toEqual(['src/workers.ts:25']);
    const failures = single(scan.edges('CONSUMES', 'inspectFailures', 'orders/$DeadLetterQueue'));
    expect(evidenceOf(failures)).toEqual(['src/workers.ts:31']);
  });

  it('finds dead-letter routes from deadLetterMessage and the administration client', () => {
    const handled = single(
      scan.edges(
        'DEAD_LETTERS_TO',
        'order-events',
        'order-events/Subscriptions/billing/$DeadLetterQueue',
      ),
    );
    expect(evidenceOf(handled)).toEqual(['src/workers.ts:9']);
    const configured = single(scan.edges('DEAD_LETTERS_TO', 'orders', 'orders/$DeadLetterQueue'));
    expect(evidenceOf(configured)).toEqual(['src/admin.ts:6']);
    const forwarded = single(scan.edges('DEAD_LETTERS_TO', 'order-events', 'parked-orders'));
    expect(evidenceOf(forwarded)).toEqual(['src/admin.ts:9']);
  });

  it('keeps an environment variable held by a const as a dynamic name with its override', () => {
    expect(scan.node('Queue', 'process.env.AUDIT_QUEUE').properties).toMatchObject({
      dynamic: true,
      override: 'AUDIT_QUEUE',
    });
  });

  it('finds nothing where the client is only made and look-alike methods are called', async () => {
    const negative = await scanFixture('azure-service-bus-negative', ['azure-service-bus']);
    expect(negative.graph.nodes.filter((n) => n.label !== 'Service')).toEqual([]);
    expect(negative.graph.edges.filter((e) => e.type !== 'CONTAINS')).toEqual([]);
  });
});
