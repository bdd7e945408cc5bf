import { beforeAll, describe, expect, it } from 'vitest';
import {
  bySource,
  evidenceOf,
  scanFixture,
  single,
  type FixtureScan,
} from '../helpers/scan-fixture.js';

describe('amqplib', () => {
  let scan: FixtureScan;
  beforeAll(async () => {
    scan = await scanFixture('amqplib-orders', ['amqplib']);
  });

  it('declares exchanges and queues with their options', () => {
    expect(scan.node('Topic', 'orders').properties).toEqual({
      kind: 'exchange',
      exchangeType: 'topic',
      durable: true,
    });
    expect(scan.node('Queue', 'orders.process').properties).toEqual({
      kind: 'queue',
      durable: true,
      messageTtlMs: 60000,
    });
    expect(scan.node('Queue', 'orders.retry').properties).toEqual({
      kind: 'queue',
      messageTtlMs: 5000,
    });
    // assertQueue('') names nothing; only its consumer shows the queue, as written.
    expect(scan.names('Queue')).not.toContain("''");
    expect(scan.diagnostics).toEqual([]);
  });

  it('links dead-letter exchanges, and the default exchange to the queue named by the key', () => {
    const dlx = single(scan.edges('DEAD_LETTERS_TO', 'orders.process', 'orders.dlx'));
    expect(dlx.properties).toEqual({ routingKey: 'orders.dead' });
    expect(evidenceOf(dlx)).toEqual(['src/rabbit.ts:12']);
    const retry = single(scan.edges('DEAD_LETTERS_TO', 'orders.retry', 'orders.process'));
    expect(scan.graph.nodes.find((n) => n.id === retry.to)?.label).toBe('Queue');
    expect(evidenceOf(retry)).toEqual(['src/rabbit.ts:18']);
  });

  it('routes an exchange to a queue through a binding', () => {
    const edge = single(scan.edges('ROUTES_TO', 'orders', 'orders.process'));
    expect(edge.properties).toEqual({ routingKey: 'order.*' });
    expect(evidenceOf(edge)).toEqual(['src/rabbit.ts:21']);
  });

  it('publishes through a class method wrapper, once per caller routing key', () => {
    const edges = scan.edges('PUBLISHES', 'order-events', 'orders');
    expect(bySource(edges).map((e) => [e.properties, evidenceOf(e)])).toEqual([
      [
        { persistent: true, routingKey: 'order.created', via: 'src/rabbit.ts:25' },
        ['src/orders.ts:4'],
      ],
      [
        { persistent: true, routingKey: 'order.shipped', via: 'src/rabbit.ts:25' },
        ['src/orders.ts:8'],
      ],
    ]);
  });

  it('sends to a queue directly or through the default exchange', () => {
    const request = single(scan.edges('PUBLISHES', 'order-events', 'pricing.requests'));
    expect(request.properties).toEqual({ replyTo: 'replyQueue', correlationId: 'correlationId' });
    const audit = single(scan.edges('PUBLISHES', 'order-events', 'pricing.audit'));
    expect(scan.graph.nodes.find((n) => n.id === audit.to)?.label).toBe('Queue');
    expect(evidenceOf(audit)).toEqual(['src/rpc.ts:11']);
  });

  it('follows callback_api channels to a named consumer with its prefetch', () => {
    expect(scan.node('Handler', 'sendEmail').properties).toEqual({ ack: 'manual', prefetch: 10 });
    const edge = single(scan.edges('CONSUMES', 'sendEmail', 'emails'));
    expect(edge.properties).toEqual({ ack: 'manual', prefetch: 10 });
    expect(evidenceOf(edge)).toEqual(['src/worker.js:8']);
    const reply = single(scan.edges('PUBLISHES', 'sendEmail', 'emails.sent'));
    expect(evidenceOf(reply)).toEqual(['src/worker.js:10']);
  });

  it('reads noAck and requeueing nacks', () => {
    expect(single(scan.edges('CONSUMES', 'replyQueue consumer', 'replyQueue')).properties).toEqual({
      ack: 'auto',
    });
    expect(scan.node('Queue', 'replyQueue').properties).toMatchObject({ dynamic: true });
    expect(scan.node('Handler', 'pricing.requests consumer').properties).toEqual({
      ack: 'manual',
      retry: 'requeue on nack',
    });
  });
});

describe('amqplib negatives', () => {
  it('reports nothing for an idle channel or a look-alike in-memory bus', async () => {
    const scan = await scanFixture('amqplib-negative', ['amqplib']);
    expect(scan.graph.nodes).toEqual([]);
    expect(scan.graph.edges).toEqual([]);
  });
});

describe('amqplib consumers of one function', () => {
  it('keeps each consume() with an inline callback as its own handler', async () => {
    const scan = await scanFixture('amqplib-inline-consumers', ['amqplib']);
    expect(
      scan.graph.nodes
        .filter((n) => n.label === 'Handler')
        .map((n) => [n.name, n.properties, evidenceOf(n)]),
    ).toEqual([
      ['stock.release consumer', { ack: 'manual', prefetch: 10 }, ['src/listen.ts:18']],
      ['stock.reserve consumer', { ack: 'manual', prefetch: 10 }, ['src/listen.ts:11']],
      ['stock.reserve consumer (line 27)', { ack: 'manual', prefetch: 10 }, ['src/listen.ts:27']],
    ]);
    const consumers = bySource(scan.edges('CONSUMES', undefined, 'stock.reserve')).map((e) => [
      scan.graph.nodes.find((n) => n.id === e.from)?.name,
      evidenceOf(e),
    ]);
    expect(consumers).toEqual([
      ['stock.reserve consumer', ['src/listen.ts:11']],
      ['stock.reserve consumer (line 27)', ['src/listen.ts:27']],
    ]);
    expect(scan.diagnostics).toEqual([]);
  });
});
