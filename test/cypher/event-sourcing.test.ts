import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { KuzuStore } from '../../src/store/kuzu-store.js';
import { GraphBuilder } from './graph-builder.js';
import { openStore, runPattern } from './query-harness.js';

// Dog stream: an event log carrying two events, replayed by one handler  -> row
// orders topic: an ordinary broker topic                                 -> no row
function graph() {
  const b = new GraphBuilder();
  const app = b.service('app');
  const dog = b.topic('Dog', 'eventsourcing', { kind: 'stream', eventLog: true });
  b.edge('CARRIES', dog, b.event('Registered'));
  b.edge('CARRIES', dog, b.event('TrickAdded'));
  b.edge('CONSUMES', b.handler(app, 'get_dog'), dog, { replay: true });
  const orders = b.topic('orders');
  b.edge('CARRIES', orders, b.event('OrderPlaced'));
  b.edge('CONSUMES', b.handler(app, 'bill'), orders);
  return b.build();
}

describe('event-sourcing.cypher', () => {
  let store: KuzuStore;
  beforeAll(async () => {
    store = await openStore(graph());
  });
  afterAll(() => store.close());

  test('finds event logs with the events stored and who replays them', async () => {
    expect(await runPattern(store, 'event-sourcing')).toEqual([
      {
        streamId: 'topic:eventsourcing:Dog',
        streamName: 'Dog',
        technology: 'eventsourcing',
        eventNames: ['Registered', 'TrickAdded'],
        readerNames: ['get_dog'],
        subjects: ['handler:shop:app/src/get_dog.ts:get_dog', 'topic:eventsourcing:Dog'],
        evidence: ['edges/consumes.ts:9', 'src/channels.ts:2'],
      },
    ]);
  });
});
