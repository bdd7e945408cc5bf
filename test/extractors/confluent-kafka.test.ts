import { describe, expect, it } from 'vitest';
import { scanFixture } from '../helpers/scan-fixture.js';

const where = (evidence: { file: string; line: number }[]) =>
  evidence.map((e) => `${e.file}:${String(e.line)}`);

describe('confluent-kafka', () => {
  it('reads consumer configuration from merged config dicts and a batch consume loop', async () => {
    const scan = await scanFixture('confluent-kafka-payments', ['confluent-kafka']);
    const handler = scan.node('Handler', 'run');
    expect(handler.technology).toBe('kafka');
    expect(handler.properties).toEqual({
      group: 'payments',
      autoCommit: false,
      ack: 'manual',
      fromBeginning: true,
      batch: true,
    });
    expect(where(handler.evidence)).toEqual(['payments/processor.py:14']);
    const consumes = scan.edges('CONSUMES', 'run', 'payments.requests');
    expect(where(consumes[0]?.evidence ?? [])).toEqual(['payments/processor.py:15']);
  });

  it('publishes from the handler with idempotence and transactions', async () => {
    const scan = await scanFixture('confluent-kafka-payments', ['confluent-kafka']);
    const settled = scan.edges('PUBLISHES', 'run', 'payments.settled');
    expect(settled[0]?.properties).toEqual({
      idempotent: true,
      transactional: true,
      acks: 'all',
      key: 'request["id"]',
    });
    expect(where(settled[0]?.evidence ?? [])).toEqual(['payments/processor.py:23']);
    expect(scan.node('Topic', 'payments.settled').properties).toMatchObject({
      override: 'SETTLED_TOPIC',
    });

    const requested = scan.edges('PUBLISHES', 'payments', 'payments.requests');
    expect(requested[0]?.properties).toEqual({});
    expect(where(requested[0]?.evidence ?? [])).toEqual(['payments/api.py:11']);
  });

  it('names a top-level poll loop after its script', async () => {
    const scan = await scanFixture('confluent-kafka-payments', ['confluent-kafka']);
    expect(scan.node('Handler', 'refunds').properties).toEqual({ group: 'refunds' });
    expect(where(scan.edges('CONSUMES', 'refunds', 'payments.refunds')[0]?.evidence ?? [])).toEqual(
      ['payments/refunds.py:4'],
    );
  });

  it('finds nothing when a producer is created but never produces', async () => {
    const scan = await scanFixture('confluent-kafka-negative', ['confluent-kafka']);
    expect(scan.graph.nodes).toEqual([]);
    expect(scan.graph.edges).toEqual([]);
  });
});
