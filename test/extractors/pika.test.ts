import { describe, expect, it } from 'vitest';
import { scanFixture } from '../helpers/scan-fixture.js';

const where = (evidence: { file: string; line: number }[]) =>
  evidence.map((e) => `${e.file}:${String(e.line)}`);

describe('pika', () => {
  it('reads exchanges, queues, bindings and dead-lettering through settings and a wrapper class', async () => {
    const scan = await scanFixture('pika-orders', ['pika']);

    const exchange = scan.node('Topic', 'orders');
    expect(exchange.properties).toMatchObject({
      kind: 'exchange',
      exchangeType: 'topic',
      durable: true,
      override: 'ORDERS_EXCHANGE',
    });
    expect(where(exchange.evidence)).toContain('orders/broker.py:20');
    expect(scan.node('Topic', 'orders.dlx').properties).toMatchObject({
      kind: 'exchange',
      exchangeType: 'fanout',
    });

    const created = scan.node('Queue', 'orders.created');
    expect(created.technology).toBe('rabbitmq');
    expect(created.properties).toMatchObject({
      durable: true,
      messageTtlMs: 60000,
      maxLength: 10000,
    });
    expect(scan.node('Queue', 'orders.retry').properties).toMatchObject({
      override: 'RETRY_QUEUE',
    });

    const deadLetters = scan.edges('DEAD_LETTERS_TO', 'orders.created', 'orders.dlx');
    expect(deadLetters.map((e) => where(e.evidence))).toEqual([['orders/broker.py:22']]);
    const binding = scan.edges('ROUTES_TO', 'orders', 'orders.created');
    expect(binding[0]?.properties).toEqual({ routingKey: 'order.created' });
    expect(where(binding[0]?.evidence ?? [])).toEqual(['orders/broker.py:31']);
  });

  it('reports one PUBLISHES per call site of a wrapper method, with the caller', async () => {
    const scan = await scanFixture('pika-orders', ['pika']);
    const publishes = scan
      .edges('PUBLISHES', 'pika-orders', 'orders')
      .map((e) => ({ properties: e.properties, at: where(e.evidence) }))
      .sort((a, b) => a.at.join().localeCompare(b.at.join()));
    expect(publishes).toEqual([
      {
        properties: { persistent: true, routingKey: 'order.cancelled', caller: 'cancel_order' },
        at: ['orders/service.py:13'],
      },
      {
        properties: { persistent: true, routingKey: 'order.created', caller: 'place_order' },
        at: ['orders/service.py:9'],
      },
    ]);
  });

  it('finds consumers with ack mode, prefetch, requeue and batch reads', async () => {
    const scan = await scanFixture('pika-orders', ['pika']);
    const handler = scan.node('Handler', 'handle_created');
    expect(handler.properties).toEqual({ ack: 'manual', prefetch: 10, retry: 'requeue on nack' });
    expect(where(handler.evidence)).toEqual(['orders/worker.py:10']);
    const consumes = scan.edges('CONSUMES', 'handle_created', 'orders.created');
    expect(where(consumes[0]?.evidence ?? [])).toEqual(['orders/worker.py:33']);

    const batch = scan.edges('CONSUMES', 'drain_audit', 'orders.audit');
    expect(batch[0]?.properties).toEqual({ ack: 'manual', batch: true });
    expect(where(batch[0]?.evidence ?? [])).toEqual(['orders/worker.py:22']);
  });

  it('reports a syntax error with its line and keeps extracting the file', async () => {
    const scan = await scanFixture('pika-orders', ['pika']);
    expect(scan.diagnostics).toEqual([
      expect.objectContaining({
        file: 'orders/broken.py',
        line: 8,
        message: "syntax error: missing ')'",
      }),
    ]);
    expect(
      where(scan.edges('PUBLISHES', 'pika-orders', 'orders.broken')[0]?.evidence ?? []),
    ).toEqual(['orders/broken.py:5']);
  });

  it('follows the RPC pattern: reply-to, correlation id and publishes from the handler', async () => {
    const scan = await scanFixture('pika-rpc', ['pika']);
    const request = scan.edges('PUBLISHES', 'rpc-server', 'rpc_queue');
    // Attributes known only at run time are named after the class that assigns them.
    expect(request[0]?.properties).toEqual({
      replyTo: 'FibonacciRpcClient.callback_queue',
      correlationId: 'FibonacciRpcClient.corr_id',
    });
    expect(where(request[0]?.evidence ?? [])).toEqual(['client.py:24']);

    const reply = scan.edges('PUBLISHES', 'on_request', 'props.reply_to');
    expect(reply[0]?.properties).toEqual({ correlationId: 'props.correlation_id' });
    expect(scan.node('Queue', 'props.reply_to').properties).toMatchObject({ dynamic: true });

    expect(scan.edges('CONSUMES', 'on_request', 'rpc_queue')[0]?.properties).toEqual({
      ack: 'manual',
      prefetch: 1,
    });
    expect(
      scan.edges('CONSUMES', 'on_response', 'FibonacciRpcClient.callback_queue')[0]?.properties,
    ).toEqual({
      ack: 'auto',
    });
  });

  it('finds nothing when a connection is opened but nothing is declared, sent or consumed', async () => {
    const scan = await scanFixture('pika-negative', ['pika']);
    expect(scan.graph.nodes).toEqual([]);
    expect(scan.graph.edges).toEqual([]);
    expect(scan.diagnostics).toEqual([]);
  });
});
