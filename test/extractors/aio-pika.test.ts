import { describe, expect, it } from 'vitest';
import { scanFixture } from '../helpers/scan-fixture.js';

const where = (evidence: { file: string; line: number }[]) =>
  evidence.map((e) => `${e.file}:${String(e.line)}`);

describe('aio-pika', () => {
  it('reads declared exchanges and queues, bindings and dead-lettering', async () => {
    const scan = await scanFixture('aio-pika-orders', ['aio-pika']);
    expect(scan.node('Topic', 'orders').properties).toMatchObject({
      kind: 'exchange',
      exchangeType: 'topic',
      durable: true,
      override: 'ORDERS_EXCHANGE',
    });
    expect(scan.node('Topic', 'orders.dlx').properties).toMatchObject({ exchangeType: 'fanout' });
    expect(scan.node('Queue', 'billing').properties).toMatchObject({
      durable: true,
      messageTtlMs: 60000,
    });
    const dead = scan.edges('DEAD_LETTERS_TO', 'billing', 'orders.dlx');
    expect(where(dead[0]?.evidence ?? [])).toEqual(['orders/topology.py:12']);
    const bound = scan.edges('ROUTES_TO', 'orders', 'billing');
    expect(bound[0]?.properties).toEqual({ routingKey: 'order.created' });
    expect(where(bound[0]?.evidence ?? [])).toEqual(['orders/topology.py:17']);
    // A queue bound by the exchange's name rather than its object.
    expect(scan.edges('ROUTES_TO', 'orders.dlx', 'billing.parked')).toHaveLength(1);
  });

  it('reads publishes to an exchange and through the default exchange', async () => {
    const scan = await scanFixture('aio-pika-orders', ['aio-pika']);
    const created = scan.edges('PUBLISHES', 'aio-pika-orders', 'orders');
    expect(created[0]?.properties).toEqual({ persistent: true, routingKey: 'order.created' });
    expect(where(created[0]?.evidence ?? [])).toEqual(['orders/publisher.py:15']);
    const rpc = scan.edges('PUBLISHES', 'aio-pika-orders', 'pricing.rpc');
    expect(rpc[0]?.properties).toEqual({ replyTo: 'callback_queue', correlationId: 'sku' });
    expect(scan.node('Queue', 'pricing.rpc').properties).toMatchObject({ kind: 'queue' });
  });

  it('makes a consume callback and an iterator loop handlers, with their channel prefetch', async () => {
    const scan = await scanFixture('aio-pika-orders', ['aio-pika']);
    expect(scan.node('Handler', 'on_order').properties).toEqual({ ack: 'manual', prefetch: 10 });
    expect(where(scan.node('Handler', 'on_order').evidence)).toEqual(['orders/billing.py:9']);
    expect(where(scan.edges('CONSUMES', 'on_order', 'billing')[0]?.evidence ?? [])).toEqual([
      'orders/billing.py:20',
    ]);
    // set_qos was called on another channel.
    expect(scan.node('Handler', 'drain_parked').properties).toEqual({ ack: 'manual' });
    expect(
      where(scan.edges('CONSUMES', 'drain_parked', 'billing.parked')[0]?.evidence ?? []),
    ).toEqual(['orders/billing.py:27']);
    expect(where(scan.edges('PUBLISHES', 'drain_parked', 'billing')[0]?.evidence ?? [])).toEqual([
      'orders/billing.py:30',
    ]);
  });

  it('finds nothing where a channel is only opened or an unrelated object publishes', async () => {
    const scan = await scanFixture('aio-pika-negative', ['aio-pika']);
    expect(scan.graph.edges).toEqual([]);
    expect(scan.names('Queue')).toEqual([]);
    expect(scan.names('Topic')).toEqual([]);
  });
});
