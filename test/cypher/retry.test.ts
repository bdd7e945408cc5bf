import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { KuzuStore } from '../../src/store/kuzu-store.js';
import { GraphBuilder } from './graph-builder.js';
import { interpreters } from '../../src/patterns/interpret.js';
import { openStore, patternQuery, runPattern } from './query-harness.js';

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

// One BullMQ queue.add('order-confirmation', data, { attempts, backoff }) is an ENQUEUES of the
// job and a PUBLISHES to its queue with the same policy and evidence: one call site, one
// finding. A publish with the same policy from another line stays a finding of its own.
function bullmqAdd() {
  const b = new GraphBuilder();
  const notifications = b.service('notifications');
  const emails = b.queue('emails', 'bullmq');
  const job = b.job('order-confirmation', 'bullmq');
  const audit = b.queue('audit', 'bullmq');
  const retry = 'attempts=5, backoff=exponential 1000ms';
  b.edge('PUBLISHES', notifications, emails, { retry, attempts: 5, jobName: 'order-confirmation' });
  b.edge('ENQUEUES', notifications, job, { retry, queue: 'emails' });
  b.edge('PUBLISHES', notifications, audit, { retry, attempts: 5 });
  const graph = b.build();
  const call = [{ repository: 'shop', file: 'src/order-listener.ts', line: 13 }];
  for (const edge of graph.edges) if (edge.to !== audit) edge.evidence = call;
  return graph;
}

describe('retry interpreter', () => {
  let store: KuzuStore;
  beforeAll(async () => {
    store = await openStore(bullmqAdd());
  });
  afterAll(() => store.close());

  test('lists a BullMQ add() once, naming its job and its queue', async () => {
    const { patterns } = interpreters.retry!(await store.query(patternQuery('retry')));
    expect(
      patterns.map((p) => ({
        summary: p.summary,
        subjects: p.subjects,
        evidence: p.evidence.map((e) => `${e.file}:${String(e.line)}`),
      })),
    ).toEqual([
      {
        summary:
          'notifications enqueues job order-confirmation on queue emails with retry: ' +
          'attempts=5, backoff=exponential 1000ms',
        subjects: [
          'job:shop:bullmq:order-confirmation',
          'queue:bullmq:emails',
          'service:shop:notifications',
        ],
        evidence: ['src/order-listener.ts:13'],
      },
      {
        summary:
          'notifications publishes to audit with retry: attempts=5, backoff=exponential 1000ms',
        subjects: ['queue:bullmq:audit', 'service:shop:notifications'],
        evidence: ['edges/publishes.ts:7'],
      },
    ]);
  });
});
