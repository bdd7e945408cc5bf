import { describe, expect, it } from 'vitest';
import { scanFixture } from '../helpers/scan-fixture.js';

const where = (evidence: { file: string; line: number }[]) =>
  evidence.map((e) => `${e.file}:${String(e.line)}`);

describe('nameko', () => {
  it('makes each event handler read its own queue bound to the source service exchange', async () => {
    const scan = await scanFixture('nameko-shop', ['nameko']);
    const pooled = 'evt-orders-order_created--payments.on_order_created';
    const handler = scan.node('Handler', 'payments.on_order_created');
    expect(handler.technology).toBe('nameko');
    expect(handler.properties).toEqual({ group: 'payments' });
    expect(
      where(scan.edges('CONSUMES', 'payments.on_order_created', pooled)[0]?.evidence ?? []),
    ).toEqual(['shop/payments.py:12']);
    expect(scan.edges('ROUTES_TO', 'orders.events', pooled)[0]?.properties).toEqual({
      routingKey: 'order_created',
    });
    expect(scan.node('Queue', pooled).technology).toBe('rabbitmq');
    // A broadcast handler is not shared among instances.
    expect(scan.node('Handler', 'audit.record').properties).toEqual({});
  });

  it('publishes dispatched events to the service exchange with the type as routing key', async () => {
    const scan = await scanFixture('nameko-shop', ['nameko']);
    const dispatched = scan.edges('PUBLISHES', 'orders.create', 'orders.events');
    expect(dispatched[0]?.properties).toEqual({ routingKey: 'order_created' });
    expect(where(dispatched[0]?.evidence ?? [])).toEqual(['shop/orders.py:14']);
  });

  it('reads @rpc methods and RpcProxy calls as request-reply over nameko-rpc', async () => {
    const scan = await scanFixture('nameko-shop', ['nameko']);
    expect(scan.edges('CONSUMES', 'payments.authorise', 'rpc-payments')).toHaveLength(1);
    expect(scan.edges('ROUTES_TO', 'nameko-rpc', 'rpc-payments')[0]?.properties).toEqual({
      routingKey: 'payments.*',
    });
    const call = scan.edges('PUBLISHES', 'orders.create', 'nameko-rpc');
    expect(call[0]?.properties).toEqual({
      routingKey: 'payments.authorise',
      replyTo: 'rpc.reply-orders-{uuid}',
    });
    expect(where(call[0]?.evidence ?? [])).toEqual(['shop/orders.py:13']);
  });

  it('finds nothing for an HTTP-only service or a look-alike dispatch', async () => {
    const scan = await scanFixture('nameko-negative', ['nameko']);
    expect(scan.graph.edges).toEqual([]);
    expect(scan.names('Handler')).toEqual([]);
  });
});
