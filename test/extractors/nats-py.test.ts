import { describe, expect, it } from 'vitest';
import { scanFixture } from '../helpers/scan-fixture.js';

const where = (evidence: { file: string; line: number }[]) =>
  evidence.map((e) => `${e.file}:${String(e.line)}`);

describe('nats-py', () => {
  it('makes subscribe callbacks handlers with their queue group, and flags wildcards', async () => {
    const scan = await scanFixture('nats-py-inventory', ['nats-py']);
    expect(scan.node('Handler', 'on_reserve').properties).toEqual({ group: 'reservers' });
    expect(where(scan.node('Handler', 'on_reserve').evidence)).toEqual(['inventory/service.py:11']);
    const reserve = scan.edges('CONSUMES', 'on_reserve', 'inventory.reserve');
    expect(reserve[0]?.technology).toBe('nats');
    expect(where(reserve[0]?.evidence ?? [])).toEqual(['inventory/service.py:19']);
    expect(scan.node('Topic', 'inventory.reserve').properties).toMatchObject({
      kind: 'subject',
      override: 'RESERVE_SUBJECT',
    });
    expect(scan.node('Topic', 'inventory.*.audit').properties).toMatchObject({ wildcard: true });
    expect(scan.edges('CONSUMES', 'on_audit', 'inventory.*.audit')[0]?.properties).toEqual({});
  });

  it('publishes from the callback that sends, and marks a request as awaiting a reply', async () => {
    const scan = await scanFixture('nats-py-inventory', ['nats-py']);
    expect(
      where(scan.edges('PUBLISHES', 'on_reserve', 'inventory.reserved')[0]?.evidence ?? []),
    ).toEqual(['inventory/service.py:14']);
    const request = scan.edges('PUBLISHES', 'nats-py-inventory', 'inventory.reserve');
    expect(request[0]?.properties).toEqual({ replyTo: 'inbox' });
    expect(where(request[0]?.evidence ?? [])).toEqual(['inventory/service.py:25']);
  });

  it('reads JetStream streams, deduplicated publishes and durable pull consumers', async () => {
    const scan = await scanFixture('nats-py-inventory', ['nats-py']);
    expect(scan.node('Topic', 'ORDERS').properties).toMatchObject({
      kind: 'stream',
      subjects: ['orders.created', 'orders.paid'],
    });
    expect(scan.node('Topic', 'orders.paid').properties).toMatchObject({ stream: 'ORDERS' });
    expect(scan.edges('PUBLISHES', 'nats-py-inventory', 'orders.created')[0]?.properties).toEqual({
      idempotent: true,
    });
    expect(scan.node('Handler', 'settle').properties).toEqual({
      durable: 'settler',
      group: 'settler',
      batch: true,
    });
    expect(where(scan.edges('CONSUMES', 'settle', 'orders.paid')[0]?.evidence ?? [])).toEqual([
      'inventory/stream.py:16',
    ]);
  });

  it('finds nothing for a bare connection or a look-alike bus', async () => {
    const scan = await scanFixture('nats-py-negative', ['nats-py']);
    expect(scan.graph.edges).toEqual([]);
    expect(scan.names('Topic')).toEqual([]);
  });
});
