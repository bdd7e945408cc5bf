import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { KuzuStore } from '../../src/store/kuzu-store.js';
import { GraphBuilder } from './graph-builder.js';
import { openStore, runPattern } from './query-harness.js';

// audit topic: published, never consumed                       -> orphan (published)
// legacy topic: consumed, never published                      -> orphan (consumed)
// orders topic: published and consumed                         -> not orphan
// events exchange: published, routes to a consumed queue       -> not orphan
// mail queue: fed by the published exchange, consumed          -> not orphan
// failed dlq: fed by DEAD_LETTERS_TO from mail, consumed       -> not orphan
// declared queue: neither side                                 -> not reported
// reports queue: consumed by a job that another service enqueues -> not orphan
// nightly queue: consumed by a job that is only scheduled       -> not orphan
function graph() {
  const b = new GraphBuilder();
  const api = b.service('api');
  const audit = b.topic('audit');
  const legacy = b.topic('legacy', 'kafka', { dynamic: true });
  const orders = b.topic('orders');
  const events = b.topic('events', 'rabbitmq');
  const mail = b.queue('mail');
  const failed = b.queue('failed');
  b.queue('declared');
  b.edge('PUBLISHES', api, audit);
  b.edge('CONSUMES', b.handler(api, 'readLegacy'), legacy);
  b.edge('PUBLISHES', api, orders);
  b.edge('CONSUMES', b.handler(api, 'readOrders'), orders);
  b.edge('PUBLISHES', api, events);
  b.edge('ROUTES_TO', events, mail);
  b.edge('CONSUMES', b.handler(api, 'sendMail'), mail);
  b.edge('DEAD_LETTERS_TO', mail, failed);
  b.edge('CONSUMES', b.handler(api, 'inspect'), failed);
  const report = b.job('build_report');
  b.edge('CONSUMES', report, b.queue('reports', 'celery'));
  b.edge('ENQUEUES', api, report);
  const nightly = b.job('nightly');
  b.edge('CONSUMES', nightly, b.queue('nightly', 'celery'));
  b.edge('SCHEDULES', api, nightly);
  return b.build();
}

describe('orphan-channels.cypher', () => {
  let store: KuzuStore;
  beforeAll(async () => {
    store = await openStore(graph());
  });
  afterAll(() => store.close());

  test('finds channels with only one side, counting routes and dead-letter feeds', async () => {
    expect(await runPattern(store, 'orphan-channels')).toEqual([
      {
        channelId: 'topic:kafka:audit',
        channelName: 'audit',
        channelLabel: 'Topic',
        technology: 'kafka',
        dynamic: false,
        published: true,
        consumed: false,
        deadLetterTarget: false,
        subjects: ['service:shop:api', 'topic:kafka:audit'],
        evidence: ['edges/publishes.ts:9', 'src/channels.ts:2'],
      },
      {
        channelId: 'topic:kafka:legacy',
        channelName: 'legacy',
        channelLabel: 'Topic',
        technology: 'kafka',
        dynamic: true,
        published: false,
        consumed: true,
        deadLetterTarget: false,
        subjects: ['handler:shop:api/src/readLegacy.ts:readLegacy', 'topic:kafka:legacy'],
        evidence: ['edges/consumes.ts:12', 'src/channels.ts:3'],
      },
    ]);
  });
});
