import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { KuzuStore } from '../../src/store/kuzu-store.js';
import { GraphBuilder } from './graph-builder.js';
import { openStore, runPattern } from './query-harness.js';

// two message classes of one bus, three handlers   -> one row
// a named signal (no dispatch by type)              -> no row
function graph() {
  const b = new GraphBuilder();
  const app = b.service('app');
  const placed = b.topic('OrderPlaced', 'in-process', { dispatch: 'message-type' });
  const cancel = b.topic('CancelOrder', 'in-process', { dispatch: 'message-type' });
  b.edge('CONSUMES', b.handler(app, 'bill'), placed);
  b.edge('CONSUMES', b.handler(app, 'ship'), placed);
  b.edge('CONSUMES', b.handler(app, 'cancel'), cancel);
  const paid = b.topic('order_paid', 'in-process');
  b.edge('CONSUMES', b.handler(app, 'receipt'), paid);
  return b.build();
}

describe('message-type-dispatch.cypher', () => {
  let store: KuzuStore;
  beforeAll(async () => {
    store = await openStore(graph());
  });
  afterAll(() => store.close());

  test('finds a bus that routes two or more message classes to their handlers', async () => {
    expect(await runPattern(store, 'message-type-dispatch')).toEqual([
      {
        repository: 'shop',
        typeCount: 2,
        typeNames: ['CancelOrder', 'OrderPlaced'],
        handlerCount: 3,
        subjects: ['topic:in-process:CancelOrder', 'topic:in-process:OrderPlaced'],
        evidence: ['edges/consumes.ts:12', 'edges/consumes.ts:6', 'edges/consumes.ts:9'],
      },
    ]);
  });
});
