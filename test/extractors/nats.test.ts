import { describe, expect, it } from 'vitest';
import { evidenceOf, scanFixture, single, type FixtureScan } from '../helpers/scan-fixture.js';

describe('nats publishers and JetStream streams', () => {
  let scan: FixtureScan;

  it('declares the stream with its subjects, retention and max_age in milliseconds', async () => {
    scan = await scanFixture('nats-orders', ['nats']);
    expect(scan.diagnostics).toEqual([]);
    expect(scan.names('Topic')).toEqual([
      'ORDERS',
      'orders.*',
      'orders.audit',
      'orders.placed',
      'pricing.quote',
    ]);
    const stream = scan.node('Topic', 'ORDERS');
    expect(stream.properties).toEqual({
      kind: 'stream',
      subjects: ['orders.*', 'orders.placed'],
      retention: 'workqueue',
      retentionMs: 86400000,
    });
    expect(scan.node('Topic', 'orders.*').properties).toEqual({
      kind: 'subject',
      stream: 'ORDERS',
      wildcard: true,
    });
  });

  it('marks a JetStream publish with a msgID idempotent', () => {
    const edge = single(scan.edges('PUBLISHES', 'orders-api', 'orders.placed'));
    expect(edge.properties).toEqual({ idempotent: true });
    expect(evidenceOf(edge)).toEqual(['src/orders.ts:13']);
  });

  it('gives a request the inbox as its reply address, with the env default as subject', () => {
    const edge = single(scan.edges('PUBLISHES', 'orders-api', 'pricing.quote'));
    expect(edge.properties).toEqual({ replyTo: '_INBOX' });
    expect(scan.node('Topic', 'pricing.quote').properties).toMatchObject({
      override: 'PRICE_SUBJECT',
    });
  });

  it('attributes a wrapper publish to its caller', () => {
    const edge = single(scan.edges('PUBLISHES', 'orders-api', 'orders.audit'));
    expect(evidenceOf(edge)).toEqual(['src/orders.ts:16']);
    expect(edge.properties.via).toBe('src/bus.ts:23');
  });
});

describe('nats subscribers', () => {
  let scan: FixtureScan;

  it('reads a queue group subscription with a callback as a grouped handler', async () => {
    scan = await scanFixture('nats-workers', ['nats']);
    const edge = single(scan.edges('CONSUMES', 'onShipment', 'shipments.requested'));
    expect(edge.properties).toEqual({ group: 'shippers' });
    expect(evidenceOf(edge)).toEqual(['src/workers.ts:19']);
    expect(evidenceOf(scan.node('Handler', 'onShipment'))).toEqual(['src/workers.ts:13']);
    expect(scan.edges('CARRIES', 'shipments.requested', 'ShipmentRequested')).toHaveLength(1);
  });

  it('lets the callback, not the service, publish', () => {
    expect(scan.edges('PUBLISHES', 'onShipment', 'shipments.scheduled')).toHaveLength(1);
    expect(scan.edges('PUBLISHES', 'order-workers', 'shipments.scheduled')).toEqual([]);
  });

  it('keeps a wildcard subject as written and names a for-await handler after its function', () => {
    expect(scan.node('Topic', 'orders.>').properties).toEqual({ kind: 'subject', wildcard: true });
    const edge = single(scan.edges('CONSUMES', 'auditAll', 'orders.>'));
    expect(evidenceOf(edge)).toEqual(['src/workers.ts:22']);
  });

  it('reads durable, max_deliver and ack from a consumerOpts builder made by a factory', () => {
    const edge = single(scan.edges('CONSUMES', 'answerQuotes', 'pricing.quote'));
    expect(edge.properties).toEqual({ group: 'quoters', durable: 'quoters', ack: 'manual' });
    expect(evidenceOf(edge)).toEqual(['src/workers.ts:37']);
    expect(scan.node('Handler', 'answerQuotes').properties.retry).toBe('max_deliver=3');
  });

  it('reads queue, mack and the consumer config of object subscription options', () => {
    const edge = single(scan.edges('CONSUMES', 'trackPayments', 'payments.*'));
    expect(edge.properties).toEqual({
      group: 'trackers',
      durable: 'payment-trackers',
      ack: 'manual',
    });
    expect(scan.node('Handler', 'trackPayments').properties.retry).toBe('max_deliver=2');
  });

  it('takes a durable of js.consumers.get from its consumers.add behind a .catch()', () => {
    const edge = single(scan.edges('CONSUMES', 'fulfil', 'ORDERS'));
    expect(edge.properties).toEqual({ group: 'fulfilment', durable: 'fulfilment', ack: 'manual' });
    expect(scan.node('Handler', 'fulfil').properties.retry).toBe('max_deliver=4, nak redelivers');
    expect(evidenceOf(scan.node('Topic', 'ORDERS'))).toEqual([
      'src/admin.ts:8',
      'src/workers.ts:46',
    ]);
  });
});

describe('nats.js v3 modules', () => {
  it('reads jetstream(nc) from @nats-io/jetstream over a @nats-io/transport-node connection', async () => {
    const scan = await scanFixture('nats-workers', ['nats']);
    const edge = single(scan.edges('PUBLISHES', 'order-workers', 'refunds.recorded'));
    expect(edge.properties).toEqual({ idempotent: true });
    expect(evidenceOf(edge)).toEqual(['src/refunds.ts:8']);
  });
});

describe('nats negatives', () => {
  it('reports nothing for a health check connection or a GraphQL PubSub', async () => {
    const scan = await scanFixture('nats-negative', ['nats']);
    expect(scan.graph.nodes).toEqual([]);
    expect(scan.graph.edges).toEqual([]);
  });
});
