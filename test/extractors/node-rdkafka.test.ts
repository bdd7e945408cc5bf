import { describe, expect, it } from 'vitest';
import { evidenceOf, scanFixture, single, type FixtureScan } from '../helpers/scan-fixture.js';

describe('node-rdkafka', () => {
  let scan: FixtureScan;

  it('reads produce() with the producer configuration defined in another module', async () => {
    scan = await scanFixture('node-rdkafka-payments', ['node-rdkafka']);
    expect(scan.diagnostics).toEqual([]);
    const edge = single(scan.edges('PUBLISHES', 'payments', 'payments.captured'));
    expect(edge.technology).toBe('kafka');
    expect(edge.properties).toEqual({
      idempotent: true,
      transactional: true,
      retry: 'retries=10, retry.backoff.ms=200',
      key: 'payment.id',
    });
    expect(evidenceOf(edge)).toEqual(['src/producer.js:9']);
  });

  it('leaves out a null key', () => {
    const edge = single(scan.edges('PUBLISHES', 'payments', 'ledger.entries'));
    expect(edge.properties).not.toHaveProperty('key');
  });

  it("registers on('data') as the handler of the consumer's group and subscriptions", () => {
    const handler = scan.node('Handler', 'settle');
    expect(evidenceOf(handler)).toEqual(['src/consumer.js:9']);
    const edge = single(scan.edges('CONSUMES', 'settle', 'payments.captured'));
    expect(edge.properties).toEqual({
      batch: false,
      group: 'settlement',
      autoCommit: false,
      fromBeginning: true,
    });
    expect(evidenceOf(edge)).toEqual(['src/consumer.js:16']);
    expect(scan.edges('CONSUMES', 'settle', '/^refunds\\..*/')).toHaveLength(1);
  });

  it('reads consume(n, callback) as a batch handler named after its group', () => {
    const edge = single(scan.edges('CONSUMES', 'audit consumer', 'ledger.entries'));
    expect(edge.properties).toEqual({ batch: true, group: 'audit' });
  });

  it('takes the topic of a write stream where it is created', () => {
    const edge = single(scan.edges('PUBLISHES', 'payments', 'payments.audit'));
    expect(evidenceOf(edge)).toEqual(['src/consumer.js:30']);
  });
});

describe('@confluentinc/kafka-javascript', () => {
  let scan: FixtureScan;

  it('reads the KafkaJS API as kafkajs, with options nested under kafkaJS', async () => {
    scan = await scanFixture('node-rdkafka-confluent', ['node-rdkafka']);
    const edge = single(scan.edges('PUBLISHES', 'inventory', 'stock.reserved'));
    expect(edge.properties).toEqual({ idempotent: true, key: 'event.sku' });
    expect(scan.edges('CARRIES', 'stock.reserved', 'StockReserved')).toHaveLength(1);
    const consumed = single(scan.edges('CONSUMES', 'inventory-sync eachMessage', 'orders.created'));
    expect(consumed.properties).toEqual({
      batch: false,
      group: 'inventory-sync',
      fromBeginning: true,
    });
  });

  it('reads its librdkafka-style API as node-rdkafka', () => {
    const edge = single(scan.edges('PUBLISHES', 'inventory', 'stock.snapshots'));
    expect(edge.properties).toEqual({ acks: 'all', key: "'all'" });
    expect(evidenceOf(edge)).toEqual(['src/admin.cjs:6']);
  });

  it('keeps a topic list passed in as the parameter that names it', () => {
    const edge = single(scan.edges('CONSUMES', 'followers consumer', 'topics'));
    expect(edge.properties).toEqual({ batch: false, group: 'followers' });
    expect(scan.node('Topic', 'topics').properties).toEqual({
      kind: 'topic',
      dynamic: true,
      expression: 'topics',
    });
  });

  it('is not read by the kafkajs extractor', async () => {
    const kafkajsOnly = await scanFixture('node-rdkafka-confluent', ['kafkajs']);
    expect(kafkajsOnly.graph.edges).toEqual([]);
  });
});

describe('node-rdkafka negatives', () => {
  it('reports nothing for metadata reads and look-alike produce/subscribe', async () => {
    const scan = await scanFixture('node-rdkafka-negative', ['node-rdkafka']);
    expect(scan.graph.nodes).toEqual([]);
    expect(scan.graph.edges).toEqual([]);
  });
});
