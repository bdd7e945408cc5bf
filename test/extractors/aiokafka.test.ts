import { describe, expect, it } from 'vitest';
import { scanFixture } from '../helpers/scan-fixture.js';

const where = (evidence: { file: string; line: number }[]) =>
  evidence.map((e) => `${e.file}:${String(e.line)}`);

describe('aiokafka', () => {
  it('reads send_and_wait with its key and an idempotent producer from another module', async () => {
    const scan = await scanFixture('aiokafka-orders', ['aiokafka']);
    const created = scan.edges('PUBLISHES', 'aiokafka-orders', 'orders.created');
    expect(created).toHaveLength(1);
    expect(created[0]?.technology).toBe('kafka');
    expect(created[0]?.properties).toEqual({
      idempotent: true,
      acks: 'all',
      key: 'order["customer"].encode()',
    });
    expect(where(created[0]?.evidence ?? [])).toEqual(['orders/producer.py:16']);
    expect(scan.node('Topic', 'orders.created').properties).toMatchObject({
      kind: 'topic',
      override: 'ORDERS_TOPIC',
    });
  });

  it('marks a producer with a transactional_id used through self as transactional', async () => {
    const scan = await scanFixture('aiokafka-orders', ['aiokafka']);
    const entries = scan.edges('PUBLISHES', 'aiokafka-orders', 'ledger.entries');
    expect(entries[0]?.properties).toEqual({ transactional: true });
    expect(where(entries[0]?.evidence ?? [])).toEqual(['orders/ledger.py:12']);
  });

  it('reads an async for consumer with its group and the send inside its loop', async () => {
    const scan = await scanFixture('aiokafka-orders', ['aiokafka']);
    expect(scan.node('Handler', 'consume_orders').properties).toEqual({
      group: 'fulfilment',
      autoCommit: false,
      ack: 'manual',
      fromBeginning: true,
    });
    expect(
      where(scan.edges('CONSUMES', 'consume_orders', 'orders.created')[0]?.evidence ?? []),
    ).toEqual(['orders/consumer.py:13']);
    expect(
      where(scan.edges('PUBLISHES', 'consume_orders', 'orders.shipped')[0]?.evidence ?? []),
    ).toEqual(['orders/consumer.py:25']);
  });

  it('sees getmany as a batch consumer', async () => {
    const scan = await scanFixture('aiokafka-orders', ['aiokafka']);
    expect(scan.node('Handler', 'audit_shipments').properties).toEqual({
      group: 'audit',
      batch: true,
    });
    expect(
      where(scan.edges('CONSUMES', 'audit_shipments', 'orders.shipped')[0]?.evidence ?? []),
    ).toEqual(['orders/consumer.py:33']);
    expect(scan.names('Handler')).toEqual(['audit_shipments', 'consume_orders']);
  });

  it('follows clients held in fields typed as aiokafka clients and built elsewhere', async () => {
    const scan = await scanFixture('aiokafka-injected', ['aiokafka']);
    // The wrapper's topic comes from its caller; the injected producer's settings are unknown.
    const posted = scan.edges('PUBLISHES', 'aiokafka-injected', 'chat.new-message');
    expect(posted[0]?.properties).toEqual({ key: 'chat_id.encode()', caller: 'post_message' });
    expect(where(posted[0]?.evidence ?? [])).toEqual(['chat/messages.py:7']);
    // The subscribed topic is a parameter nobody resolves here: kept as written, dynamic.
    expect(scan.node('Topic', 'topic').properties).toMatchObject({ dynamic: true });
    expect(where(scan.edges('CONSUMES', 'listen', 'topic')[0]?.evidence ?? [])).toEqual([
      'chat/broker.py:16',
    ]);
  });

  it('finds nothing where clients are only made or an unrelated object sends', async () => {
    const scan = await scanFixture('aiokafka-negative', ['aiokafka']);
    expect(scan.graph.edges).toEqual([]);
    expect(scan.names('Topic')).toEqual([]);
    expect(scan.names('Handler')).toEqual([]);
  });
});
