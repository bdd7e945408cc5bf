import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPatterns } from '../../src/patterns/patterns.js';
import type { KuzuStore } from '../../src/store/kuzu-store.js';
import { openStore } from '../cypher/query-harness.js';
import {
  bySource,
  evidenceOf,
  scanFixture,
  single,
  type FixtureScan,
} from '../helpers/scan-fixture.js';

const ID = 'nestjs-microservices';

describe('nestjs-microservices over RabbitMQ', () => {
  let scan: FixtureScan;
  let store: KuzuStore;
  beforeAll(async () => {
    scan = await scanFixture('nestjs-microservices-rmq-orders', [ID]);
    store = await openStore(scan.graph);
  });
  afterAll(async () => {
    await store.close();
  });

  it('names the queues of servers and clients, not the patterns', () => {
    expect(scan.names('Queue')).toEqual(['billing_queue', 'orders_queue', 'orders_queue.dlq']);
    expect(scan.names('Topic')).toEqual([]);
    expect(scan.diagnostics).toEqual([]);
    const orders = scan.node('Queue', 'orders_queue');
    expect(orders.technology).toBe('rabbitmq');
    expect(orders.properties).toEqual({ kind: 'queue', durable: true, messageTtlMs: 60000 });
    expect(evidenceOf(orders)).toEqual([
      'apps/gateway/src/gateway.module.ts:19',
      'apps/orders/src/main.ts:12',
    ]);
  });

  it('follows registerAsync factories and tokens imported from another file to emit and send', () => {
    const published = bySource(scan.edges('PUBLISHES', 'gateway', 'orders_queue'));
    expect(published.map((e) => [e.technology, e.properties, evidenceOf(e)])).toEqual([
      [
        'nestjs-microservices',
        { pattern: 'order.placed', url: 'amqp://***@rabbit:5672' },
        ['apps/gateway/src/orders/orders.controller.ts:12'],
      ],
      [
        'nestjs-microservices',
        {
          pattern: '{"cmd":"get_order"}',
          replyTo: 'amq.rabbitmq.reply-to',
          url: 'amqp://***@rabbit:5672',
        },
        ['apps/gateway/src/orders/orders.controller.ts:19'],
      ],
    ]);
    const billing = single(scan.edges('PUBLISHES', 'orders', 'billing_queue'));
    expect(billing.properties).toEqual({
      pattern: 'invoice.requested',
      url: 'amqp://***@localhost:5672',
    });
  });

  it('consumes the queue of the bootstrap that serves the controller through its modules', () => {
    const consumed = single(scan.edges('CONSUMES', 'placeOrder', 'orders_queue'));
    expect(consumed.properties).toEqual({
      pattern: 'order.placed',
      dispatcher: 'apps/orders/src/main.ts:8',
      ack: 'manual',
      prefetch: 10,
      url: 'amqp://***@localhost:5672',
    });
    expect(evidenceOf(consumed)).toEqual(['apps/orders/src/orders/orders.controller.ts:13']);
    expect(scan.node('Handler', 'getOrder').properties).toEqual({
      pattern: '{"cmd":"get_order"}',
      decorator: 'MessagePattern',
    });
    expect(scan.node('Handler', 'getOrder').technology).toBe('nestjs-microservices');
  });

  it('reports the patterns as events carried by the queue', () => {
    expect(scan.names('Event')).toEqual([
      'invoice.requested',
      'order.placed',
      '{"cmd":"get_order"}',
    ]);
    expect(scan.edges('CARRIES', 'orders_queue').length).toBe(2);
    expect(scan.edges('CARRIES', 'billing_queue', 'invoice.requested').length).toBe(1);
  });

  it('dead-letters through the default exchange to the queue the routing key names', () => {
    const route = single(scan.edges('DEAD_LETTERS_TO', 'orders_queue', 'orders_queue.dlq'));
    expect(route.properties).toEqual({ routingKey: 'orders_queue.dlq' });
    expect(evidenceOf(route)).toEqual(['apps/orders/src/main.ts:12']);
  });

  it('shows dispatch by pattern, dead-letter and request-reply, and no competing consumers', async () => {
    const { patterns } = await runPatterns(store);
    expect([...new Set(patterns.map((p) => p.id))].sort()).toEqual([
      'content-based-routing',
      'dead-letter',
      'request-reply',
    ]);
    const routing = single(patterns.filter((p) => p.id === 'content-based-routing'));
    expect(routing.summary).toBe(
      'orders_queue is dispatched to handlers by 2 message patterns (order.placed, {"cmd":"get_order"})',
    );
  });
});

describe('nestjs-microservices over Kafka, NATS, MQTT and Redis', () => {
  let scan: FixtureScan;
  beforeAll(async () => {
    scan = await scanFixture('nestjs-microservices-brokers', [ID]);
  });

  it('uses the pattern as topic, subject or channel of the transport', () => {
    const topics = scan.graph.nodes
      .filter((n) => n.label === 'Topic')
      .map((n) => [n.name, n.technology, n.properties.kind])
      .sort();
    expect(topics).toEqual([
      ['alerts.ack', 'nats', 'subject'],
      ['alerts.raised', 'kafka', 'topic'],
      ['cache.invalidate', 'redis-pubsub', 'channel'],
      ['cache.invalidated', 'redis-pubsub', 'channel'],
      ['devices/+/status', 'mqtt', 'topic'],
      ['readings.recorded', 'kafka', 'topic'],
      ['thresholds.lookup', 'kafka', 'topic'],
    ]);
    expect(scan.names('Queue')).toEqual([]);
    expect(scan.names('Event')).toEqual([]);
  });

  it('gives Kafka consumers the group the server really joins, NATS ones their queue group', () => {
    expect(single(scan.edges('CONSUMES', 'record', 'readings.recorded')).properties).toEqual({
      pattern: 'readings.recorded',
      dispatcher: 'src/kafka/main.ts:6',
      group: 'readings-consumer-server',
      fromBeginning: true,
      url: 'kafka:9092',
    });
    expect(single(scan.edges('CONSUMES', 'acknowledge', 'alerts.ack')).properties).toMatchObject({
      group: 'alerts-workers',
      url: 'nats://***@nats:4222',
    });
  });

  it('lets a handler publish, and marks send() with its reply address', () => {
    expect(evidenceOf(single(scan.edges('PUBLISHES', 'record', 'alerts.raised')))).toEqual([
      'src/kafka/readings.controller.ts:16',
    ]);
    expect(single(scan.edges('PUBLISHES', 'telemetry', 'thresholds.lookup')).properties).toEqual({
      pattern: 'thresholds.lookup',
      replyTo: 'thresholds.lookup.reply',
      url: 'kafka:9092',
    });
    expect(single(scan.edges('PUBLISHES', 'telemetry', 'alerts.ack')).properties.replyTo).toBe(
      '_INBOX (per request)',
    );
    expect(single(scan.edges('PUBLISHES', 'invalidate', 'cache.invalidated')).technology).toBe(
      'nestjs-microservices',
    );
  });

  it('leaves TCP apps out', () => {
    expect(scan.names('Handler')).toEqual(['acknowledge', 'invalidate', 'record', 'status']);
  });
});

describe('nestjs-microservices negatives', () => {
  it('reports nothing for TCP clients, node EventEmitter, websockets and look-alike decorators', async () => {
    const scan = await scanFixture('nestjs-microservices-negative', [ID]);
    expect(scan.graph.nodes.filter((n) => n.label !== 'Service')).toEqual([]);
    expect(scan.graph.edges.filter((e) => e.type !== 'CONTAINS')).toEqual([]);
  });
});
