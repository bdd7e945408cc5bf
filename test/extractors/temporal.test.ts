import { describe, expect, it } from 'vitest';
import { evidenceOf, scanFixture } from '../helpers/scan-fixture.js';

describe('temporal', () => {
  it('reads workflow starts, child workflows, workers, schedules and activity retries', async () => {
    const scan = await scanFixture('temporal-orders', ['temporal']);
    const name = (id: string) => scan.graph.nodes.find((n) => n.id === id)?.name;
    const rows = scan.graph.edges
      .filter((e) => e.type !== 'CONTAINS')
      .map((e) => [e.type, name(e.from), name(e.to), ...evidenceOf(e)].join(' '))
      .sort();
    expect(rows).toEqual([
      'CONSUMES fulfilment worker fulfilment src/worker.ts:7',
      // A workflow starting a child workflow is the one enqueuing it.
      'ENQUEUES fulfilment placeOrder src/client.ts:7',
      'ENQUEUES placeOrder shipOrder src/workflows.ts:16',
      'PUBLISHES fulfilment fulfilment src/client.ts:7',
      'SCHEDULES fulfilment auditOrders src/client.ts:16',
    ]);
    expect(scan.edges('ENQUEUES', 'fulfilment', 'placeOrder')[0]?.properties).toEqual({
      via: 'start',
      dedupKey: '`order-${orderId}`',
      queue: 'fulfilment',
    });
    expect(scan.edges('SCHEDULES')[0]?.properties).toEqual({
      schedule: '0 1 * * *',
      scheduleKind: 'cron',
      scheduler: 'temporal',
      timezone: 'UTC',
    });
    expect(scan.edges('CONSUMES')[0]?.properties).toEqual({ concurrency: 20 });
    const retry = 'maximumAttempts=5, initialInterval=2s, backoffCoefficient=2';
    expect(scan.node('Job', 'placeOrder').properties).toEqual({ retry });
    expect(evidenceOf(scan.node('Job', 'shipOrder'))).toEqual([
      'src/workflows.ts:9',
      'src/workflows.ts:16',
    ]);
    expect(scan.node('Job', 'auditOrders').properties).toEqual({});
  });

  it('leaves out workflow handles and a look-alike workflow.start', async () => {
    const scan = await scanFixture('temporal-negative', ['temporal']);
    expect(scan.graph.nodes.filter((n) => n.label !== 'Service')).toEqual([]);
    expect(scan.graph.edges).toEqual([]);
  });
});
