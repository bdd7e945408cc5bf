import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { KuzuStore } from '../../src/store/kuzu-store.js';
import { GraphBuilder } from './graph-builder.js';
import { openStore, runPattern } from './query-harness.js';

// eachBatch handler (batch on the node)                        -> row
// bulk job consuming with batch on the edge                    -> row
// producer sending in batches                                  -> row
// batch handler that also publishes one by one                 -> publish is no row
// plain consumer, batch false                                  -> no row
function graph() {
  const b = new GraphBuilder();
  const api = b.service('api');
  const clicks = b.topic('clicks');
  const rows = b.queue('rows');
  const batcher = b.handler(api, 'eachBatch', { batch: true });
  b.edge('CONSUMES', batcher, clicks);
  b.edge('PUBLISHES', batcher, rows);
  b.edge('CONSUMES', b.job('bulk_insert'), rows, { batch: true });
  b.edge('PUBLISHES', api, clicks, { batch: true });
  b.edge('CONSUMES', b.handler(api, 'single', { batch: false }), clicks);
  return b.build();
}

describe('batch-processing.cypher', () => {
  let store: KuzuStore;
  beforeAll(async () => {
    store = await openStore(graph());
  });
  afterAll(() => store.close());

  test('finds batch consumers and batch producers', async () => {
    expect(await runPattern(store, 'batch-processing')).toEqual([
      {
        partyId: 'handler:shop:api/src/eachBatch.ts:eachBatch',
        partyName: 'eachBatch',
        direction: 'CONSUMES',
        channelId: 'topic:kafka:clicks',
        channelName: 'clicks',
        subjects: ['handler:shop:api/src/eachBatch.ts:eachBatch', 'topic:kafka:clicks'],
        evidence: ['api/src/eachBatch.ts:4', 'edges/consumes.ts:6'],
      },
      {
        partyId: 'job:shop:celery:bulk_insert',
        partyName: 'bulk_insert',
        direction: 'CONSUMES',
        channelId: 'queue:rabbitmq:rows',
        channelName: 'rows',
        subjects: ['job:shop:celery:bulk_insert', 'queue:rabbitmq:rows'],
        evidence: ['edges/consumes.ts:9', 'tasks/bulk_insert.py:8'],
      },
      {
        partyId: 'service:shop:api',
        partyName: 'api',
        direction: 'PUBLISHES',
        channelId: 'topic:kafka:clicks',
        channelName: 'clicks',
        subjects: ['service:shop:api', 'topic:kafka:clicks'],
        evidence: ['api/package.json:1', 'edges/publishes.ts:10'],
      },
    ]);
  });
});
