import { describe, expect, it } from 'vitest';
import { scanFixture } from '../helpers/scan-fixture.js';

const where = (evidence: { file: string; line: number }[]) =>
  evidence.map((e) => `${e.file}:${String(e.line)}`);

describe('faststream', () => {
  it('makes subscribers faststream handlers of the Kafka topics, with group and batch', async () => {
    const scan = await scanFixture('faststream-orders', ['faststream']);
    const charge = scan.node('Handler', 'charge');
    expect(charge.technology).toBe('faststream');
    expect(charge.properties).toEqual({ group: 'billing' });
    expect(where(charge.evidence)).toEqual(['orders/kafka_app.py:14']);
    const consumed = scan.edges('CONSUMES', 'charge', 'orders.placed');
    expect(consumed[0]?.technology).toBe('kafka');
    expect(where(consumed[0]?.evidence ?? [])).toEqual(['orders/kafka_app.py:12']);
    expect(scan.node('Topic', 'orders.placed').technology).toBe('kafka');
    expect(scan.node('Handler', 'record').properties).toEqual({ group: 'ledger', batch: true });
  });

  it('reads the handler parameter type as the event its topic carries', async () => {
    const scan = await scanFixture('faststream-orders', ['faststream']);
    expect(scan.edges('CARRIES', 'orders.placed', 'OrderPlaced')).toHaveLength(1);
    expect(scan.node('Event', 'OrderPlaced').properties).toMatchObject({
      shape: 'pydantic',
      fields: ['order_id', 'customer_id', 'total'],
    });
  });

  it('publishes a subscriber return through @publisher, and broker.publish calls', async () => {
    const scan = await scanFixture('faststream-orders', ['faststream']);
    expect(where(scan.edges('PUBLISHES', 'charge', 'payments.taken')[0]?.evidence ?? [])).toEqual([
      'orders/kafka_app.py:13',
    ]);
    const placed = scan.edges('PUBLISHES', 'orders', 'orders.placed');
    expect(placed[0]?.properties).toEqual({ key: 'order.customer_id.encode()' });
    expect(where(placed[0]?.evidence ?? [])).toEqual(['orders/kafka_app.py:24']);
  });

  it('reads RabbitMQ queues bound to exchanges and rpc publishes', async () => {
    const scan = await scanFixture('faststream-orders', ['faststream']);
    expect(scan.edges('CONSUMES', 'ship', 'shipping')[0]?.technology).toBe('rabbitmq');
    const bound = scan.edges('ROUTES_TO', 'shop.events', 'shipping');
    expect(bound[0]?.properties).toEqual({ routingKey: 'order.*' });
    expect(scan.edges('PUBLISHES', 'ship', 'shop.events')[0]?.properties).toEqual({
      routingKey: 'order.shipped',
    });
    expect(scan.edges('PUBLISHES', 'orders', 'stock.check')[0]?.properties).toEqual({
      replyTo: 'amq.rabbitmq.reply-to',
    });
  });

  it('reads NATS subjects with queue groups and requests', async () => {
    const scan = await scanFixture('faststream-orders', ['faststream']);
    expect(scan.node('Handler', 'reserve').properties).toEqual({ group: 'inventory-workers' });
    expect(scan.node('Topic', 'inventory.reserve').properties).toMatchObject({ kind: 'subject' });
    expect(scan.edges('PUBLISHES', 'orders', 'inventory.reserve')[0]?.properties).toEqual({
      replyTo: 'inbox',
    });
  });

  it('finds nothing for a bare broker or a look-alike decorator', async () => {
    const scan = await scanFixture('faststream-negative', ['faststream']);
    expect(scan.graph.edges).toEqual([]);
    expect(scan.names('Handler')).toEqual([]);
    expect(scan.names('Topic')).toEqual([]);
  });
});
