import { describe, expect, it } from 'vitest';
import { scanFixture } from '../helpers/scan-fixture.js';

const where = (evidence: { file: string; line: number }[]) =>
  evidence.map((e) => `${e.file}:${String(e.line)}`);

describe('google-cloud-pubsub', () => {
  it('names topics by topic_path or the last segment of a written path', async () => {
    const scan = await scanFixture('google-cloud-pubsub-orders', ['google-cloud-pubsub']);
    const orders = scan.edges('PUBLISHES', 'google-cloud-pubsub-orders', 'orders');
    expect(orders[0]?.technology).toBe('gcp-pubsub');
    expect(orders[0]?.properties).toEqual({ key: 'order["customer_id"]' });
    expect(where(orders[0]?.evidence ?? [])).toEqual(['orders/publisher.py:13']);
    expect(scan.node('Topic', 'orders').properties).toMatchObject({ override: 'ORDERS_TOPIC' });
    expect(
      where(scan.edges('PUBLISHES', 'google-cloud-pubsub-orders', 'refunds')[0]?.evidence ?? []),
    ).toEqual(['orders/publisher.py:17']);
  });

  it('reads a streaming subscribe callback and a pull as handlers', async () => {
    const scan = await scanFixture('google-cloud-pubsub-orders', ['google-cloud-pubsub']);
    expect(scan.node('Handler', 'handle_order').properties).toEqual({ prefetch: 20 });
    expect(
      where(scan.edges('CONSUMES', 'handle_order', 'orders-billing')[0]?.evidence ?? []),
    ).toEqual(['orders/subscriber.py:19']);
    expect(scan.node('Handler', 'drain_refunds').properties).toEqual({ batch: true });
    expect(scan.edges('CONSUMES', 'drain_refunds', 'refunds-audit')).toHaveLength(1);
  });

  it('reads create_subscription as a route with ordering, exactly-once and a dead-letter topic', async () => {
    const scan = await scanFixture('google-cloud-pubsub-orders', ['google-cloud-pubsub']);
    expect(scan.edges('ROUTES_TO', 'orders', 'orders-billing')).toHaveLength(1);
    expect(scan.node('Queue', 'orders-billing').properties).toMatchObject({
      ordered: true,
      exactlyOnce: true,
      maxDeliveryAttempts: 5,
    });
    const dead = scan.edges('DEAD_LETTERS_TO', 'orders-billing', 'orders-dead');
    expect(dead[0]?.properties).toEqual({ maxDeliveryAttempts: 5 });
    expect(where(dead[0]?.evidence ?? [])).toEqual(['orders/provision.py:16']);
  });

  it('finds nothing for listing topics, storage, or a test double', async () => {
    const scan = await scanFixture('google-cloud-pubsub-negative', ['google-cloud-pubsub']);
    expect(scan.graph.edges).toEqual([]);
    expect(scan.names('Topic')).toEqual([]);
  });
});
