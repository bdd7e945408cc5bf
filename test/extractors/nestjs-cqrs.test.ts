import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPatterns } from '../../src/patterns/patterns.js';
import type { KuzuStore } from '../../src/store/kuzu-store.js';
import { openStore } from '../cypher/query-harness.js';
import { evidenceOf, scanFixture, single, type FixtureScan } from '../helpers/scan-fixture.js';

const ID = 'nestjs-cqrs';

describe('nestjs-cqrs', () => {
  let scan: FixtureScan;
  let store: KuzuStore;
  beforeAll(async () => {
    scan = await scanFixture('nestjs-cqrs-orders', [ID]);
    store = await openStore(scan.graph);
  });
  afterAll(async () => {
    await store.close();
  });

  it('makes each message class an in-process channel of its bus', () => {
    const channels = scan.graph.nodes
      .filter((n) => n.label === 'Topic')
      .map((n) => [n.name, n.technology, n.properties.bus]);
    expect(channels.sort()).toEqual([
      ['GetOrderQuery', 'in-process', 'query'],
      ['OrderPlacedEvent', 'in-process', 'event'],
      ['OrderShippedEvent', 'in-process', 'event'],
      ['PlaceOrderCommand', 'in-process', 'command'],
      ['ShipOrderCommand', 'in-process', 'command'],
    ]);
    expect(scan.diagnostics).toEqual([]);
  });

  it('registers handler classes by decorator with their role', () => {
    const roles = scan.graph.nodes
      .filter((n) => n.label === 'Handler')
      .map((n) => [n.name, n.technology, n.properties.role]);
    expect(roles.sort()).toEqual([
      ['GetOrderHandler', 'nestjs-cqrs', 'query'],
      ['OrderProjection', 'nestjs-cqrs', 'event'],
      ['OrdersSaga.orderPlaced', 'nestjs-cqrs', 'saga'],
      ['PlaceOrderHandler', 'nestjs-cqrs', 'command'],
      ['ShipOrderHandler', 'nestjs-cqrs', 'command'],
    ]);
    expect(scan.edges('CONSUMES', 'OrderProjection').map((e) => evidenceOf(e)[0])).toEqual([
      'src/orders/events/order-events.handler.ts:4',
      'src/orders/events/order-events.handler.ts:4',
    ]);
  });

  it('follows buses, a query held in a variable, and AggregateRoot.apply', () => {
    expect(evidenceOf(single(scan.edges('PUBLISHES', 'ordering', 'PlaceOrderCommand')))).toEqual([
      'src/orders/orders.controller.ts:15',
    ]);
    expect(evidenceOf(single(scan.edges('PUBLISHES', 'ordering', 'GetOrderQuery')))).toEqual([
      'src/orders/orders.controller.ts:21',
    ]);
    expect(single(scan.edges('PUBLISHES', 'ordering', 'OrderPlacedEvent')).properties).toEqual({
      via: 'AggregateRoot.apply',
    });
    expect(scan.edges('PUBLISHES', 'ShipOrderHandler', 'OrderShippedEvent')).toHaveLength(1);
  });

  it('reads a saga: the events it filters on and the commands it creates', () => {
    expect(
      evidenceOf(single(scan.edges('CONSUMES', 'OrdersSaga.orderPlaced', 'OrderPlacedEvent'))),
    ).toEqual(['src/orders/sagas/orders.saga.ts:12']);
    expect(
      evidenceOf(single(scan.edges('PUBLISHES', 'OrdersSaga.orderPlaced', 'ShipOrderCommand'))),
    ).toEqual(['src/orders/sagas/orders.saga.ts:13']);
  });

  it('shows the cqrs and saga patterns', async () => {
    const { patterns } = await runPatterns(store);
    expect(patterns.map((p) => [p.id, p.summary])).toEqual([
      [
        'cqrs',
        'nestjs-cqrs-orders handles commands (PlaceOrderHandler, ShipOrderHandler) apart from queries (GetOrderHandler)',
      ],
      ['saga', 'OrdersSaga.orderPlaced reacts to OrderPlacedEvent by dispatching ShipOrderCommand'],
    ]);
  });
});

describe('nestjs-cqrs negatives', () => {
  it('reports nothing for CqrsModule alone or look-alike execute and publish', async () => {
    const scan = await scanFixture('nestjs-cqrs-negative', [ID]);
    expect(scan.graph.nodes.filter((n) => n.label !== 'Service')).toEqual([]);
    expect(scan.graph.edges.filter((e) => e.type !== 'CONTAINS')).toEqual([]);
  });
});
