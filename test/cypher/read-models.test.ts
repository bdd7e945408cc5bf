import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { KuzuStore } from '../../src/store/kuzu-store.js';
import { GraphBuilder } from './graph-builder.js';
import { openStore, runPattern } from './query-harness.js';

// shop: a projector of OrderPlaced and a command handler   -> one row
// a projector in a graph without command handlers is covered by the second graph
function graph(withCommands: boolean) {
  const b = new GraphBuilder();
  const app = b.service('app');
  const placed = b.topic('OrderPlaced', 'in-process');
  const place = b.topic('PlaceOrder', 'in-process');
  b.edge('CONSUMES', b.handler(app, 'project', { projection: 'orders_view' }), placed);
  b.edge('CONSUMES', b.handler(app, 'mail'), placed);
  if (withCommands) b.edge('CONSUMES', b.handler(app, 'place', { role: 'command' }), place);
  return b.build();
}

describe('read-models.cypher', () => {
  let store: KuzuStore;
  let bare: KuzuStore;
  beforeAll(async () => {
    store = await openStore(graph(true));
    bare = await openStore(graph(false));
  });
  afterAll(async () => {
    await store.close();
    await bare.close();
  });

  test('finds read-model projectors beside command handlers', async () => {
    expect(await runPattern(store, 'read-models')).toEqual([
      {
        projectorId: 'handler:shop:app/src/project.ts:project',
        projectorName: 'project',
        readModel: 'orders_view',
        eventNames: ['OrderPlaced'],
        commandHandlerCount: 1,
        subjects: ['handler:shop:app/src/project.ts:project', 'topic:in-process:OrderPlaced'],
        evidence: ['app/src/project.ts:4', 'edges/consumes.ts:6'],
      },
    ]);
  });

  test('needs a command side', async () => {
    expect(await runPattern(bare, 'read-models')).toEqual([]);
  });
});
