import { describe, expect, it } from 'vitest';
import {
  bySource,
  evidenceOf,
  scanFixture,
  single,
  type FixtureScan,
} from '../helpers/scan-fixture.js';

describe('kafkajs', () => {
  let scan: FixtureScan;

  it('finds topics named by literals, constants, enums, env defaults and templates', async () => {
    scan = await scanFixture('kafkajs-orders', ['kafkajs']);
    expect(scan.names('Topic')).toEqual([
      '/^legacy\\..*/',
      '`audit.${order.id}`',
      'billing.invoiced',
      'orders.cancelled',
      'orders.created',
      'payments.captured',
      'shipping.requested',
      'shop.audit',
    ]);
    expect(scan.node('Topic', 'shop.audit').properties).toMatchObject({ override: 'TOPIC_PREFIX' });
    expect(scan.node('Topic', 'shipping.requested').properties).toMatchObject({
      override: 'SHIPPING_TOPIC',
    });
    expect(scan.node('Topic', '`audit.${order.id}`').properties).toMatchObject({ dynamic: true });
    expect(scan.node('Topic', '/^legacy\\..*/').properties).toMatchObject({ dynamic: true });
    expect(scan.diagnostics).toEqual([]);
  });

  it('publishes through a producer created in another module, with its options', () => {
    const edge = single(scan.edges('PUBLISHES', 'orders-service', 'orders.created'));
    expect(edge.technology).toBe('kafka');
    expect(edge.properties).toEqual({
      idempotent: true,
      retry: 'retries=8, initialRetryTime=300ms',
      acks: '-1',
      key: 'order.id',
    });
    expect(evidenceOf(edge)).toEqual(['src/orders.ts:10']);
  });

  it('attributes a wrapper function publish to each caller', () => {
    const cancelled = single(scan.edges('PUBLISHES', 'orders-service', 'orders.cancelled'));
    expect(evidenceOf(cancelled)).toEqual(['src/orders.ts:18']);
    expect(cancelled.properties.via).toBe('src/kafka.ts:15');
    const captured = single(scan.edges('PUBLISHES', 'orders-service', 'payments.captured'));
    expect(evidenceOf(captured)).toEqual(['src/orders.ts:22']);
    // The wrapper's own parameter is never reported as a topic.
    expect(scan.names('Topic')).not.toContain('topic');
  });

  it('reads sendBatch topicMessages one edge per topic', () => {
    expect(evidenceOf(single(scan.edges('PUBLISHES', 'orders-service', 'shop.audit')))).toEqual([
      'src/orders.ts:23',
    ]);
    expect(scan.edges('PUBLISHES', 'orders-service', '`audit.${order.id}`')).toHaveLength(1);
  });

  it('follows a client kept in this.producer by a CommonJS class with a transactionalId', () => {
    const edge = single(scan.edges('PUBLISHES', 'orders-service', 'billing.invoiced'));
    expect(edge.properties).toEqual({ transactional: true, key: 'invoice.customerId' });
    expect(evidenceOf(edge)).toEqual(['src/billing.ts:10']);
  });

  it('registers the eachMessage function as a handler consuming every subscribed topic', () => {
    const handler = scan.node('Handler', 'handleOrderCreated');
    expect(handler.properties).toEqual({ batch: false, group: 'orders-service' });
    expect(evidenceOf(handler)).toEqual(['src/consumer.ts:5']);
    const edge = single(scan.edges('CONSUMES', 'handleOrderCreated', 'orders.created'));
    expect(edge.properties).toEqual({
      batch: false,
      group: 'orders-service',
      autoCommit: false,
      fromBeginning: true,
    });
    expect(evidenceOf(edge)).toEqual(['src/consumer.ts:12']);
    expect(scan.edges('CONSUMES', 'handleOrderCreated', '/^legacy\\..*/')).toHaveLength(1);
  });

  it('lets the handler, not the service, publish from inside eachMessage', () => {
    const edge = single(scan.edges('PUBLISHES', undefined, 'shipping.requested'));
    expect(scan.graph.nodes.find((n) => n.id === edge.from)?.label).toBe('Handler');
    expect(evidenceOf(edge)).toEqual(['src/consumer.ts:7']);
  });

  it('names an inline eachBatch handler after its group', () => {
    const edge = single(scan.edges('CONSUMES', 'audit eachBatch', 'billing.invoiced'));
    expect(edge.properties).toEqual({ batch: true, group: 'audit' });
    expect(evidenceOf(edge)).toEqual(['src/billing.ts:16']);
  });

  it('takes partitions and retention from admin.createTopics', () => {
    const topic = scan.node('Topic', 'orders.created');
    expect(topic.properties).toMatchObject({ partitions: 6, retentionMs: 604800000 });
    expect(evidenceOf(topic)).toContain('src/kafka.ts:24');
  });
});

describe('kafkajs negatives', () => {
  it('reports nothing for an idle client, an EventEmitter or an unrelated send', async () => {
    const scan = await scanFixture('kafkajs-negative', ['kafkajs']);
    expect(scan.graph.nodes).toEqual([]);
    expect(scan.graph.edges).toEqual([]);
  });

  it('turns a syntax error into a path:line diagnostic and still extracts the file', async () => {
    const scan = await scanFixture('kafkajs-syntax-error', ['kafkajs']);
    expect(scan.diagnostics).toEqual([
      expect.objectContaining({ file: 'src/events.ts', line: 10, severity: 'warning' }),
    ]);
    expect(scan.edges('PUBLISHES', 'broken', 'orders.created')).toHaveLength(1);
  });
});

describe('kafkajs consumers of one file', () => {
  it('keeps two consumer groups with inline handlers in one function as two handlers', async () => {
    const scan = await scanFixture('kafkajs-consumer-groups', ['kafkajs']);
    expect(
      scan.graph.nodes
        .filter((n) => n.label === 'Handler')
        .map((n) => [n.name, n.properties, evidenceOf(n)]),
    ).toEqual([
      [
        'analytics-indexer eachMessage',
        { batch: false, group: 'analytics-indexer' },
        ['src/indexers.ts:21'],
      ],
      [
        'search-indexer eachMessage',
        { batch: false, group: 'search-indexer' },
        ['src/indexers.ts:16'],
      ],
      ['email-notifier eachMessage', { batch: false, group: 'email-notifier' }, ['src/main.ts:18']],
      ['sms-notifier eachMessage', { batch: false, group: 'sms-notifier' }, ['src/main.ts:24']],
    ]);
    const consumes = bySource(scan.edges('CONSUMES')).map((e) => [
      scan.graph.nodes.find((n) => n.id === e.from)?.name,
      scan.graph.nodes.find((n) => n.id === e.to)?.name,
      e.properties,
      evidenceOf(e),
    ]);
    expect(consumes).toEqual([
      [
        'search-indexer eachMessage',
        'products.changed',
        { batch: false, group: 'search-indexer' },
        ['src/indexers.ts:12'],
      ],
      [
        'analytics-indexer eachMessage',
        'products.changed',
        { batch: false, group: 'analytics-indexer' },
        ['src/indexers.ts:13'],
      ],
      [
        'email-notifier eachMessage',
        'orders.shipped',
        { batch: false, group: 'email-notifier' },
        ['src/main.ts:14'],
      ],
      [
        'sms-notifier eachMessage',
        'orders.shipped',
        { batch: false, group: 'sms-notifier', fromBeginning: false },
        ['src/main.ts:15'],
      ],
    ]);
    expect(scan.diagnostics).toEqual([]);
  });
});
