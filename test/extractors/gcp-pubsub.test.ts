import { describe, expect, it } from 'vitest';
import { evidenceOf, scanFixture, single, type FixtureScan } from '../helpers/scan-fixture.js';

describe('gcp-pubsub', () => {
  let scan: FixtureScan;

  it('names topics by the last segment of their resource path', async () => {
    scan = await scanFixture('gcp-pubsub-orders', ['gcp-pubsub']);
    expect(scan.names('Topic')).toEqual(['invoices', 'orders', 'orders-dead-letter']);
    expect(scan.names('Queue')).toEqual(['orders-audit', 'orders-email', 'orders-inventory']);
    expect(scan.node('Topic', 'invoices').properties).toMatchObject({
      override: 'INVOICES_TOPIC',
    });
    expect(scan.diagnostics).toEqual([]);
  });

  it('publishes with the ordering key and the topic batching', () => {
    const edge = single(scan.edges('PUBLISHES', 'order-pipeline', 'orders'));
    expect(edge.properties).toEqual({ key: 'order.customerId', batch: true });
    expect(evidenceOf(edge)).toEqual(['src/publish.ts:11']);
    expect(scan.edges('CARRIES', 'orders', 'OrderCreated')).toHaveLength(1);
    const invoices = single(scan.edges('PUBLISHES', 'order-pipeline', 'invoices'));
    expect(evidenceOf(invoices)).toEqual(['src/publish.ts:16']);
  });

  it('registers message listeners on subscriptions routed from their topic', () => {
    const stock = single(scan.edges('CONSUMES', 'reserveStock', 'orders-inventory'));
    expect(stock.properties).toEqual({ prefetch: 10 });
    expect(evidenceOf(stock)).toEqual(['src/subscribe.ts:11']);
    const email = single(scan.edges('CONSUMES', 'orders-email message', 'orders-email'));
    expect(evidenceOf(email)).toEqual(['src/subscribe.ts:17']);
    expect(evidenceOf(single(scan.edges('ROUTES_TO', 'orders', 'orders-email')))).toEqual([
      'src/subscribe.ts:16',
    ]);
    // The error listener is not a consumer.
    expect(scan.edges('CONSUMES')).toHaveLength(2);
  });

  it('reads createSubscription: route, dead-letter topic, retry and ordering', () => {
    expect(evidenceOf(single(scan.edges('ROUTES_TO', 'orders', 'orders-inventory')))).toEqual([
      'src/setup.ts:4',
    ]);
    const dead = single(scan.edges('DEAD_LETTERS_TO', 'orders-inventory', 'orders-dead-letter'));
    expect(dead.properties).toEqual({ maxDeliveryAttempts: 5 });
    expect(evidenceOf(dead)).toEqual(['src/setup.ts:7']);
    expect(scan.node('Queue', 'orders-inventory').properties).toMatchObject({
      ordered: true,
      retry: 'minimumBackoff=10s, maximumBackoff=600s',
    });
  });

  it('reads a dead-letter topic given as the name of a topic object', () => {
    const dead = single(scan.edges('DEAD_LETTERS_TO', 'orders-audit', 'orders-dead-letter'));
    expect(evidenceOf(dead)).toEqual(['src/setup.ts:17']);
    expect(scan.edges('ROUTES_TO', 'orders', 'orders-audit')).toHaveLength(1);
  });

  it('finds nothing in admin listings and in-process emitters', async () => {
    const negative = await scanFixture('gcp-pubsub-negative', ['gcp-pubsub']);
    expect(negative.graph.nodes.filter((n) => n.label !== 'Service')).toEqual([]);
    expect(negative.graph.edges.filter((e) => e.type !== 'CONTAINS')).toEqual([]);
  });
});
