import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { KuzuStore } from '../../src/store/kuzu-store.js';
import { GraphBuilder } from './graph-builder.js';
import { openStore, runPattern } from './query-harness.js';

// charge job: retry policy on the node                         -> row
// billing service: publishes to payments with retry            -> row (send)
// billing service: enqueues charge with attempts 3             -> row (send)
// notify handler: retry on the node and a plain publish        -> one row, no send
// plain job / plain publish / attempts 1                       -> no row
function graph() {
  const b = new GraphBuilder();
  const billing = b.service('billing');
  const charge = b.job('charge', 'celery', { retry: 'max_retries=5, countdown=60' });
  const plain = b.job('plain');
  const payments = b.topic('payments');
  const notify = b.handler(billing, 'notify', { retry: 'attempts=3' });
  b.edge('PUBLISHES', billing, payments, { retry: 'retries=10' });
  b.edge('ENQUEUES', billing, charge, { attempts: 3 });
  b.edge('ENQUEUES', notify, plain, { attempts: 1 });
  b.edge('PUBLISHES', notify, payments);
  return b.build();
}

describe('retry.cypher', () => {
  let store: KuzuStore;
  beforeAll(async () => {
    store = await openStore(graph());
  });
  afterAll(() => store.close());

  test('finds retry policies on handlers, jobs and sends', async () => {
    const common = { siteRetry: null, siteEvidence: ['billing/package.json:1'] };
    expect(await runPattern(store, 'retry')).toEqual([
      {
        siteId: 'handler:shop:billing/src/notify.ts:notify',
        siteLabel: 'Handler',
        siteName: 'notify',
        siteRetry: 'attempts=3',
        sendId: null,
        sendKind: null,
        targetId: null,
        targetName: null,
        sendRetry: null,
        sendAttempts: null,
        siteEvidence: ['billing/src/notify.ts:5'],
        sendEvidence: [],
      },
      {
        siteId: 'job:shop:celery:charge',
        siteLabel: 'Job',
        siteName: 'charge',
        siteRetry: 'max_retries=5, countdown=60',
        sendId: null,
        sendKind: null,
        targetId: null,
        targetName: null,
        sendRetry: null,
        sendAttempts: null,
        siteEvidence: ['tasks/charge.py:2'],
        sendEvidence: [],
      },
      {
        siteId: 'service:shop:billing',
        siteLabel: 'Service',
        siteName: 'billing',
        ...common,
        sendId: 'ENQUEUES:service:shop:billing->job:shop:celery:charge',
        sendKind: 'ENQUEUES',
        targetId: 'job:shop:celery:charge',
        targetName: 'charge',
        sendRetry: null,
        sendAttempts: 3,
        sendEvidence: ['edges/enqueues.ts:8'],
      },
      {
        siteId: 'service:shop:billing',
        siteLabel: 'Service',
        siteName: 'billing',
        ...common,
        sendId: 'PUBLISHES:service:shop:billing->topic:kafka:payments',
        sendKind: 'PUBLISHES',
        targetId: 'topic:kafka:payments',
        targetName: 'payments',
        sendRetry: 'retries=10',
        sendAttempts: null,
        sendEvidence: ['edges/publishes.ts:7'],
      },
    ]);
  });
});
