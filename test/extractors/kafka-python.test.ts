import { describe, expect, it } from 'vitest';
import { scanFixture } from '../helpers/scan-fixture.js';

const where = (evidence: { file: string; line: number }[]) =>
  evidence.map((e) => `${e.file}:${String(e.line)}`);

describe('kafka-python', () => {
  it('traces a producer created in one module and used in another, and through a wrapper', async () => {
    const scan = await scanFixture('kafka-python-billing', ['kafka-python']);
    const invoices = scan.edges('PUBLISHES', 'kafka-python-billing', 'billing.invoices');
    expect(invoices[0]?.technology).toBe('kafka');
    expect(invoices[0]?.properties).toEqual({
      retry: 'retries=5',
      acks: 'all',
      key: 'invoice["customer_id"].encode()',
    });
    expect(where(invoices[0]?.evidence ?? [])).toEqual(['billing/invoices.py:6']);
    expect(scan.node('Topic', 'billing.invoices').properties).toMatchObject({
      kind: 'topic',
      override: 'INVOICES_TOPIC',
    });

    // publish_event(topic, ...) is reported where it is called, with the caller's f-string topic.
    const payments = scan.edges('PUBLISHES', 'kafka-python-billing', 'billing.payments');
    expect(payments[0]?.properties).toEqual({
      retry: 'retries=5',
      acks: 'all',
      caller: 'record_payment',
    });
    expect(where(payments[0]?.evidence ?? [])).toEqual(['billing/invoices.py:10']);
  });

  it('reads constructor topics, group, commits and the handler around the loop', async () => {
    const scan = await scanFixture('kafka-python-billing', ['kafka-python']);
    const handler = scan.node('Handler', 'run_ledger');
    expect(handler.properties).toEqual({
      group: 'ledger',
      autoCommit: false,
      ack: 'manual',
      fromBeginning: true,
    });
    expect(where(handler.evidence)).toEqual(['billing/consumer.py:11']);
    expect(
      where(scan.edges('CONSUMES', 'run_ledger', 'billing.invoices')[0]?.evidence ?? []),
    ).toEqual(['billing/consumer.py:13']);
    expect(
      where(scan.edges('CONSUMES', 'run_ledger', 'billing.payments')[0]?.evidence ?? []),
    ).toEqual(['billing/consumer.py:14']);
  });

  it('names a top-level poll loop after its script and sees max_records as a batch', async () => {
    const scan = await scanFixture('kafka-python-billing', ['kafka-python']);
    expect(scan.node('Handler', 'audit').properties).toEqual({ group: 'audit', batch: true });
    const refunds = scan.edges('CONSUMES', 'audit', 'billing.refunds');
    expect(where(refunds[0]?.evidence ?? [])).toEqual(['billing/audit.py:4']);
    expect(scan.edges('CONSUMES', 'audit', 'billing.invoices')).toHaveLength(1);
  });

  it('makes each consumer object its own handler, so fan-out over one topic is kept', async () => {
    const scan = await scanFixture('kafka-python-fanout', ['kafka-python', 'confluent-kafka']);
    expect(scan.names('Handler')).toEqual([
      'audit_consumer',
      'billing_consumer',
      'indexer',
      'legacy',
      'replay (analytics)',
      'replay (search)',
      'run_single',
    ]);
    const consumers = scan
      .edges('CONSUMES', undefined, 'orders')
      .map((e) => `${String(e.properties.group)} ${where(e.evidence).join(' ')}`)
      .sort();
    expect(consumers).toEqual([
      'analytics orders_fanout/replay.py:9',
      'audit orders_fanout/workers.py:25',
      'billing orders_fanout/workers.py:20',
      'legacy-sync orders_fanout/bridge.py:9',
      'search orders_fanout/replay.py:20',
      'search-indexer orders_fanout/bridge.py:11',
    ]);
    // Named after the variable, with the handler's evidence where that consumer is read.
    expect(scan.node('Handler', 'audit_consumer').properties).toEqual({
      group: 'audit',
      autoCommit: false,
      ack: 'manual',
    });
    expect(where(scan.node('Handler', 'audit_consumer').evidence)).toEqual([
      'orders_fanout/workers.py:36',
    ]);
    expect(where(scan.node('Handler', 'billing_consumer').evidence)).toEqual([
      'orders_fanout/workers.py:31',
    ]);
    // One variable reassigned: only the group tells the two apart.
    expect(scan.node('Handler', 'replay (search)').properties).toEqual({
      group: 'search',
      fromBeginning: true,
    });
    expect(where(scan.node('Handler', 'replay (search)').evidence)).toEqual([
      'orders_fanout/replay.py:26',
    ]);
    // A kafka-python and a confluent-kafka consumer in one function.
    expect(scan.node('Handler', 'legacy').properties).toEqual({ group: 'legacy-sync' });
    expect(scan.node('Handler', 'indexer').properties).toEqual({ group: 'search-indexer' });
    expect(where(scan.node('Handler', 'run_single').evidence)).toEqual([
      'orders_fanout/workers.py:12',
    ]);
  });

  it('publishes from the consumer whose loop holds the send, else from the service', async () => {
    const scan = await scanFixture('kafka-python-fanout', ['kafka-python']);
    expect(
      where(scan.edges('PUBLISHES', 'billing_consumer', 'invoices')[0]?.evidence ?? []),
    ).toEqual(['orders_fanout/workers.py:34']);
    expect(
      where(scan.edges('PUBLISHES', 'kafka-python-fanout', 'workers.heartbeat')[0]?.evidence ?? []),
    ).toEqual(['orders_fanout/workers.py:40']);
    expect(scan.edges('PUBLISHES')).toHaveLength(2);
  });

  it('finds nothing when clients are created but nothing is sent or polled', async () => {
    const scan = await scanFixture('kafka-python-negative', ['kafka-python']);
    expect(scan.graph.nodes).toEqual([]);
    expect(scan.graph.edges).toEqual([]);
  });
});
