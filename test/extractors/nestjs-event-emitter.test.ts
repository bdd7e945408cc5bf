import { beforeAll, describe, expect, it } from 'vitest';
import { evidenceOf, scanFixture, single, type FixtureScan } from '../helpers/scan-fixture.js';

const ID = 'nestjs-event-emitter';

describe('nestjs-event-emitter', () => {
  let scan: FixtureScan;
  beforeAll(async () => {
    scan = await scanFixture('nestjs-event-emitter-orders', [ID]);
  });

  it('names in-process channels from enums in another file, arrays and wildcards', () => {
    expect(scan.names('Topic')).toEqual([
      'order.*',
      'order.cancelled',
      'order.created',
      'user.invited',
      'user.signed-up',
    ]);
    expect(scan.node('Topic', 'order.created').technology).toBe('in-process');
    expect(scan.node('Topic', 'order.*').properties).toEqual({ kind: 'channel', wildcard: true });
    expect(scan.diagnostics).toEqual([]);
  });

  it('publishes from the service through the injected EventEmitter2, with the event class', () => {
    const created = single(scan.edges('PUBLISHES', 'orders-monolith', 'order.created'));
    expect(evidenceOf(created)).toEqual(['src/orders/orders.service.ts:10']);
    expect(created.properties).toEqual({});
    expect(
      single(scan.edges('PUBLISHES', 'orders-monolith', 'order.cancelled')).properties,
    ).toEqual({ awaited: true });
    expect(scan.node('Event', 'OrderCreatedEvent').properties.fields).toEqual(['orderId', 'total']);
    expect(scan.edges('CARRIES', 'order.created', 'OrderCreatedEvent')).toHaveLength(1);
  });

  it('makes @OnEvent methods handlers of each event they name', () => {
    const notify = single(scan.edges('CONSUMES', 'notify', 'order.created'));
    expect(evidenceOf(notify)).toEqual(['src/listeners/notifications.listener.ts:7']);
    expect(scan.edges('CONSUMES', 'welcome').map((e) => evidenceOf(e)[0])).toEqual([
      'src/listeners/notifications.listener.ts:12',
      'src/listeners/notifications.listener.ts:12',
    ]);
    expect(scan.node('Handler', 'record').properties).toEqual({ async: true });
  });
});

describe('nestjs-event-emitter negatives', () => {
  it('reports nothing for node EventEmitter, the module alone, or a look-alike decorator', async () => {
    const scan = await scanFixture('nestjs-event-emitter-negative', [ID]);
    expect(scan.graph.nodes.filter((n) => n.label !== 'Service')).toEqual([]);
    expect(scan.graph.edges.filter((e) => e.type !== 'CONTAINS')).toEqual([]);
  });
});
