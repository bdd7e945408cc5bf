import { describe, expect, it } from 'vitest';
import { scanFixture } from '../helpers/scan-fixture.js';

const where = (evidence: { file: string; line: number }[]) =>
  evidence.map((e) => `${e.file}:${String(e.line)}`);

describe('faust', () => {
  it('makes agents kafka handlers in the app id group, with concurrency and batches', async () => {
    const scan = await scanFixture('faust-orders', ['faust']);
    expect(scan.node('Handler', 'screen').properties).toEqual({
      group: 'order-pipeline',
      concurrency: 4,
    });
    expect(where(scan.edges('CONSUMES', 'screen', 'orders')[0]?.evidence ?? [])).toEqual([
      'orders/agents.py:9',
    ]);
    expect(scan.node('Topic', 'orders').properties).toMatchObject({ partitions: 8 });
    expect(scan.node('Handler', 'bill').properties).toEqual({
      group: 'order-pipeline',
      batch: true,
    });
  });

  it('reads the value_type of a topic as the event it carries', async () => {
    const scan = await scanFixture('faust-orders', ['faust']);
    expect(scan.edges('CARRIES', 'orders', 'Order')).toHaveLength(1);
    expect(where(scan.node('Event', 'Order').evidence)).toEqual(['orders/models.py:4']);
  });

  it('publishes topic sends, agent sends and sinks', async () => {
    const scan = await scanFixture('faust-orders', ['faust']);
    expect(scan.edges('PUBLISHES', 'screen', 'orders.approved')[0]?.properties).toEqual({
      key: 'order.customer_id',
    });
    expect(where(scan.edges('PUBLISHES', 'screen', 'orders.audit')[0]?.evidence ?? [])).toEqual([
      'orders/agents.py:9',
    ]);
    expect(where(scan.edges('PUBLISHES', 'faust-orders', 'orders')[0]?.evidence ?? [])).toEqual([
      'orders/agents.py:24',
    ]);
  });

  it('finds nothing for a web-only app or a look-alike registry', async () => {
    const scan = await scanFixture('faust-negative', ['faust']);
    expect(scan.graph.edges).toEqual([]);
    expect(scan.names('Topic')).toEqual([]);
  });
});
