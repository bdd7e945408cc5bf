import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { KuzuStore } from '../../src/store/kuzu-store.js';
import { interpreters } from '../../src/patterns/interpret.js';
import { GraphBuilder } from './graph-builder.js';
import { openStore, patternQuery, runPattern } from './query-harness.js';

// sso: a job enqueued twice with one key -> one row; payments: a FIFO queue with a
// deduplication id -> one row; audit: sent without a key -> no row
function graph() {
  const b = new GraphBuilder();
  const api = b.service('api');
  const sso = b.job('ValidateSSOAccessTask', 'bull');
  b.edge('ENQUEUES', api, sso, { dedupKey: '`validate-sso:${user.id}`' });
  b.edge('ENQUEUES', b.handler('api', 'onLogin'), sso, { dedupKey: '`validate-sso:${user.id}`' });
  b.edge('PUBLISHES', api, b.queue('payments.fifo', 'sqs'), { dedupKey: 'order.id' });
  b.edge('PUBLISHES', api, b.queue('audit', 'sqs'), { delayMs: 10 });
  return b.build();
}

describe('idempotent-consumer.cypher', () => {
  let store: KuzuStore;
  beforeAll(async () => {
    store = await openStore(graph());
  });
  afterAll(() => store.close());

  test('finds what is sent with a deduplication key, once per target', async () => {
    const rows = await runPattern(store, 'idempotent-consumer');
    expect(rows.map((r) => [r.targetName, r.keys])).toEqual([
      ['ValidateSSOAccessTask', ['`validate-sso:${user.id}`']],
      ['payments.fifo', ['order.id']],
    ]);
    expect(rows[0]?.subjects).toHaveLength(3);
    const interpret = interpreters['idempotent-consumer'];
    const findings = interpret?.(await store.query(patternQuery('idempotent-consumer'))).patterns;
    expect(findings?.map((f) => f.summary)).toEqual([
      'job ValidateSSOAccessTask runs once per deduplication key (`validate-sso:${user.id}`)',
      'messages to payments.fifo are taken once per deduplication key (order.id)',
    ]);
  });
});
