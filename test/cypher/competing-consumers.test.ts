import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { KuzuStore } from '../../src/store/kuzu-store.js';
import { GraphBuilder } from './graph-builder.js';
import { openStore, runPattern } from './query-harness.js';

// jobs queue: a handler and a job take from it                -> competing
// solo queue: one consumer                                    -> not competing
// orders topic: two handlers in group billing                 -> competing (group)
// orders topic: one handler in group shipping                 -> not competing
// clicks topic: one handler without group, concurrency 4      -> competing (concurrency)
// news topic: two handlers without group (each gets all)      -> not competing
// a queue named only at run time, read by two handlers         -> not competing (may be two)
function graph() {
  const b = new GraphBuilder();
  const billing = b.service('billing');
  const shipping = b.service('shipping');

  const jobs = b.queue('jobs', 'bullmq');
  b.edge('CONSUMES', b.handler(billing, 'worker'), jobs);
  b.edge('CONSUMES', b.job('cleanup', 'bullmq'), jobs);

  const solo = b.queue('solo', 'bullmq');
  b.edge('CONSUMES', b.handler(billing, 'soloWorker'), solo);

  const orders = b.topic('orders');
  b.edge('CONSUMES', b.handler(billing, 'billA'), orders, { group: 'billing' });
  b.edge('CONSUMES', b.handler(billing, 'billB', { group: 'billing' }), orders);
  b.edge('CONSUMES', b.handler(shipping, 'ship'), orders, { group: 'shipping' });

  const clicks = b.topic('clicks');
  b.edge('CONSUMES', b.handler(shipping, 'countClicks', { concurrency: 4 }), clicks);

  const news = b.topic('news', 'redis-pubsub');
  b.edge('CONSUMES', b.handler(billing, 'readNewsA'), news);
  b.edge('CONSUMES', b.handler(shipping, 'readNewsB'), news);

  const unknown = b.queue('Broker.queue_name', 'rabbitmq', { dynamic: true });
  b.edge('CONSUMES', b.handler(billing, 'readAny'), unknown);
  b.edge('CONSUMES', b.handler(shipping, 'readOther'), unknown);

  // Two handlers one subscription dispatches to by message pattern are one consumer.
  const inbox = b.queue('inbox', 'rabbitmq');
  const dispatcher = 'src/main.ts:8';
  b.edge('CONSUMES', b.handler(billing, 'onPlaced'), inbox, { dispatcher, pattern: 'placed' });
  b.edge('CONSUMES', b.handler(billing, 'onPaid'), inbox, { dispatcher, pattern: 'paid' });
  return b.build();
}

describe('competing-consumers.cypher', () => {
  let store: KuzuStore;
  beforeAll(async () => {
    store = await openStore(graph());
  });
  afterAll(() => store.close());

  test('finds shared queues, shared groups and concurrent consumers only', async () => {
    expect(await runPattern(store, 'competing-consumers')).toEqual([
      {
        channelId: 'queue:bullmq:jobs',
        channelName: 'jobs',
        channelLabel: 'Queue',
        share: 'queue',
        consumerGroup: null,
        consumerCount: 2,
        maxConcurrency: 1,
        consumerNames: ['cleanup', 'worker'],
        subjects: [
          'handler:shop:billing/src/worker.ts:worker',
          'job:shop:bullmq:cleanup',
          'queue:bullmq:jobs',
        ],
        evidence: ['edges/consumes.ts:6', 'edges/consumes.ts:8'],
      },
      {
        channelId: 'topic:kafka:clicks',
        channelName: 'clicks',
        channelLabel: 'Topic',
        share: 'consumer:handler:shop:shipping/src/countClicks.ts:countClicks',
        consumerGroup: null,
        consumerCount: 1,
        maxConcurrency: 4,
        consumerNames: ['countClicks'],
        subjects: ['handler:shop:shipping/src/countClicks.ts:countClicks', 'topic:kafka:clicks'],
        evidence: ['edges/consumes.ts:26'],
      },
      {
        channelId: 'topic:kafka:orders',
        channelName: 'orders',
        channelLabel: 'Topic',
        share: 'group:billing',
        consumerGroup: 'billing',
        consumerCount: 2,
        maxConcurrency: 1,
        consumerNames: ['billA', 'billB'],
        subjects: [
          'handler:shop:billing/src/billA.ts:billA',
          'handler:shop:billing/src/billB.ts:billB',
          'topic:kafka:orders',
        ],
        evidence: ['edges/consumes.ts:16', 'edges/consumes.ts:19'],
      },
    ]);
  });
});
