import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { KuzuStore } from '../../src/store/kuzu-store.js';
import { GraphBuilder } from './graph-builder.js';
import { openStore, runPattern } from './query-harness.js';

// order_outbox: written in a transaction, drained by a relay   -> row
// mail_outbox: written in a transaction, nobody relays it       -> no row
// jobs queue: a Kafka-style transactional send, no outbox         -> no row
function graph() {
  const b = new GraphBuilder();
  const app = b.service('app');
  const outbox = b.queue('order_outbox', 'custom', { outbox: true });
  b.edge('PUBLISHES', app, outbox);
  b.edge('CONSUMES', b.handler(app, 'relay'), outbox);
  b.edge('PUBLISHES', app, b.queue('mail_outbox', 'custom', { outbox: true }));
  const jobs = b.queue('jobs');
  b.edge('PUBLISHES', app, jobs, { transactional: true });
  b.edge('CONSUMES', b.handler(app, 'work'), jobs);
  return b.build();
}

describe('transactional-outbox.cypher', () => {
  let store: KuzuStore;
  beforeAll(async () => {
    store = await openStore(graph());
  });
  afterAll(() => store.close());

  test('finds outbox tables written with state and drained by a relay', async () => {
    expect(await runPattern(store, 'transactional-outbox')).toEqual([
      {
        outboxId: 'queue:custom:order_outbox',
        outboxName: 'order_outbox',
        relayNames: ['relay'],
        subjects: ['handler:shop:app/src/relay.ts:relay', 'queue:custom:order_outbox'],
        evidence: ['edges/consumes.ts:6', 'edges/publishes.ts:3'],
      },
    ]);
  });
});
