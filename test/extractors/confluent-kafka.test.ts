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

  it('makes each consumer in one script or function its own handler', async () => {
    const scan = await scanFixture('confluent-kafka-fanout', ['confluent-kafka']);
    expect(scan.names('Handler')).toEqual([
      'label_consumer',
      'listen (tracking-mobile)',
      'listen (tracking-web)',
      'notify_consumer',
    ]);
    expect(scan.node('Handler', 'label_consumer').properties).toEqual({
      group: 'labels',
      fromBeginning: true,
    });
    expect(where(scan.node('Handler', 'label_consumer').evidence)).toEqual([
      'shipping/listeners.py:15',
    ]);
    expect(scan.node('Handler', 'notify_consumer').properties).toEqual({
      group: 'notifications',
    });
    expect(
      where(scan.edges('CONSUMES', 'notify_consumer', 'shipments.created')[0]?.evidence ?? []),
    ).toEqual(['shipping/listeners.py:11']);
    const tracked = scan.edges('CONSUMES', undefined, 'shipments.tracked').map((e) => ({
      group: e.properties.group,
      at: where(e.evidence),
    }));
    expect(tracked).toEqual([
      { group: 'tracking-mobile', at: ['shipping/tracking.py:13'] },
      { group: 'tracking-web', at: ['shipping/tracking.py:7'] },
    ]);
    expect(where(scan.node('Handler', 'listen (tracking-web)').evidence)).toEqual([
      'shipping/tracking.py:8',
    ]);
  });

  it('finds nothing when a producer is created but never produces', async () => {
    const scan = await scanFixture('confluent-kafka-negative', ['confluent-kafka']);
    expect(scan.graph.nodes).toEqual([]);
    expect(scan.graph.edges).toEqual([]);
  });
});
