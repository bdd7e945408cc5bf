import { describe, expect, it } from 'vitest';
import { scanFixture } from '../helpers/scan-fixture.js';

const where = (evidence: { file: string; line: number }[]) =>
  evidence.map((e) => `${e.file}:${String(e.line)}`);

describe('redis-py', () => {
  it('reads PUBLISH through a wrapper handed to handlers by injection, with its event type', async () => {
    const scan = await scanFixture('redis-py-notifications', ['redis-py']);

    const shipments = scan.node('Topic', 'shipments');
    expect(shipments.technology).toBe('redis-pubsub');
    expect(shipments.properties).toMatchObject({ kind: 'channel', override: 'SHIPMENTS_CHANNEL' });
    const injected = scan.edges('PUBLISHES', 'redis-py-notifications', 'shipments');
    expect(injected.map((e) => [e.properties, where(e.evidence).sort()])).toEqual([
      [{ caller: 'on_shipped' }, ['notify/handlers.py:10', 'notify/publisher.py:10']],
    ]);
    const direct = scan.edges('PUBLISHES', 'redis-py-notifications', 'prices');
    expect(direct.map((e) => where(e.evidence))).toEqual([['notify/handlers.py:14']]);

    expect(scan.edges('CARRIES', 'shipments', 'OrderShipped')).toHaveLength(1);
    expect(scan.edges('CARRIES', 'prices', 'PriceChanged')).toHaveLength(1);
    expect(scan.node('Event', 'OrderShipped').properties).toEqual({
      fields: ['order_id', 'carrier', 'shipped_at', 'version'],
      metadataFields: ['version'],
      shape: 'dataclass',
      version: 2,
      category: 'domain',
    });
    expect(scan.node('Event', 'PriceChanged').properties).toMatchObject({
      fields: ['event_id', 'sku', 'price'],
      metadataFields: ['event_id'],
      shape: 'pydantic',
    });
  });

  it('finds subscribers: the function a listen() loop hands messages to, keyword handlers, get_message loops', async () => {
    const scan = await scanFixture('redis-py-notifications', ['redis-py']);
    const consumers = scan
      .edges('CONSUMES')
      .map((e) => {
        const from = scan.graph.nodes.find((n) => n.id === e.from)?.name;
        const to = scan.graph.nodes.find((n) => n.id === e.to)?.name;
        return `${String(from)} <- ${String(to)} @ ${where(e.evidence).join()}`;
      })
      .sort();
    expect(consumers).toEqual([
      'apply_price <- prices @ notify/listener.py:19',
      'apply_price <- shipments @ notify/listener.py:19',
      'audit <- audit.* @ notify/listener.py:20',
      'watch <- alerts @ notify/listener.py:28',
    ]);
    expect(scan.node('Topic', 'audit.*').properties).toMatchObject({ pattern: true });
    expect(where(scan.node('Handler', 'apply_price').evidence)).toEqual(['notify/listener.py:9']);
  });

  it('reads streams: XADD with maxlen, consumer groups, acknowledgement, batches and reclaiming', async () => {
    const scan = await scanFixture('redis-py-streams', ['redis-py']);
    const readings = scan.node('Topic', 'readings');
    expect(readings.technology).toBe('redis-streams');
    expect(readings.properties).toMatchObject({ kind: 'stream', maxLength: 10000 });
    expect(where(readings.evidence)).toContain('ingest/consume.py:10');

    const [work] = scan.edges('CONSUMES', 'work', 'readings');
    expect(work?.properties).toEqual({
      group: 'ingestors',
      ack: 'manual',
      batch: true,
      retry: 'xautoclaim pending entries after 60000ms idle',
    });
    const [tail] = scan.edges('CONSUMES', 'tail', 'alarms');
    expect(tail?.properties).toEqual({});
    // Never acknowledged, but put back on the stream when handling fails.
    const [page] = scan.edges('CONSUMES', 'page', 'alarms');
    expect(page?.properties).toEqual({
      group: 'pagers',
      retry: 'xadd back to the stream on failure',
    });
    expect(where(page?.evidence ?? [])).toEqual(['ingest/consume.py:38']);
    expect(scan.edges('PUBLISHES', 'ingest', 'alarms').map((e) => where(e.evidence))).toEqual([
      ['ingest/consume.py:43', 'ingest/produce.py:11'],
    ]);
  });

  it('reports nothing for Redis used as a cache, a lock and plain keys, or for other publish methods', async () => {
    const scan = await scanFixture('redis-py-negative', ['redis-py']);
    expect(scan.graph.edges).toEqual([]);
    expect(scan.graph.nodes.filter((n) => n.label !== 'Service')).toEqual([]);
  });
});
