// cqrs and saga read the role of handlers: command, query, event or saga.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { KuzuStore } from '../../src/store/kuzu-store.js';
import { GraphBuilder } from './graph-builder.js';
import { openStore, runPattern } from './query-harness.js';

function graph() {
  const b = new GraphBuilder();
  const orders = b.service('orders');
  const reports = b.service('reports');
  const place = b.topic('PlaceOrder', 'in-process');
  const get = b.topic('GetOrder', 'in-process');
  const placed = b.topic('OrderPlaced', 'in-process');
  const ship = b.topic('ShipOrder', 'in-process');
  b.edge('CONSUMES', b.handler(orders, 'PlaceOrderHandler', { role: 'command' }), place);
  b.edge('CONSUMES', b.handler(orders, 'GetOrderHandler', { role: 'query' }), get);
  // Commands only: no separation to speak of.
  b.edge('CONSUMES', b.handler(reports, 'BuildReport', { role: 'command' }), b.topic('Build'));
  // A saga reacting to an event by dispatching a command; an event handler that dispatches
  // nothing is not one, nor is a saga that only listens.
  const saga = b.handler(orders, 'OrdersSaga.placed', { role: 'saga' });
  b.edge('CONSUMES', saga, placed);
  b.edge('PUBLISHES', saga, ship);
  b.edge('CONSUMES', b.handler(orders, 'Projection', { role: 'event' }), placed);
  b.edge('CONSUMES', b.handler(reports, 'Listener', { role: 'saga' }), placed);
  return b.build();
}

describe('cqrs and saga', () => {
  let store: KuzuStore;
  beforeAll(async () => {
    store = await openStore(graph());
  });
  afterAll(() => store.close());

  test('cqrs.cypher finds services with both command and query handlers', async () => {
    expect(await runPattern(store, 'cqrs')).toEqual([
      {
        serviceId: 'service:shop:orders',
        commandHandlers: ['PlaceOrderHandler'],
        queryHandlers: ['GetOrderHandler'],
        subjects: [
          'handler:shop:orders/src/GetOrderHandler.ts:GetOrderHandler',
          'handler:shop:orders/src/PlaceOrderHandler.ts:PlaceOrderHandler',
        ],
        evidence: ['edges/consumes.ts:12', 'edges/consumes.ts:9'],
      },
    ]);
  });

  test('saga.cypher finds sagas that consume events and dispatch commands', async () => {
    expect(await runPattern(store, 'saga')).toEqual([
      {
        sagaId: 'handler:shop:orders/src/OrdersSaga.placed.ts:OrdersSaga.placed',
        sagaName: 'OrdersSaga.placed',
        events: ['OrderPlaced'],
        commands: ['ShipOrder'],
        subjects: [
          'handler:shop:orders/src/OrdersSaga.placed.ts:OrdersSaga.placed',
          'topic:in-process:OrderPlaced',
          'topic:in-process:ShipOrder',
        ],
        evidence: ['edges/consumes.ts:19', 'edges/publishes.ts:20'],
      },
    ]);
  });
});
