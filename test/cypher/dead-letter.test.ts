import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { KuzuStore } from '../../src/store/kuzu-store.js';
import { GraphBuilder } from './graph-builder.js';
import { runPatterns } from '../../src/patterns/patterns.js';
import { openStore, runPattern } from './query-harness.js';

// orders queue: consumed, dead-letters to orders.dlq          -> covered row
// orders.dlq: consumed by an inspector, is itself a DLQ       -> uncovered row, flagged as DLQ
// emails queue: consumed, no route                            -> uncovered row
// legacy queue: route configured, nobody consumes it          -> route row without consumer
// unused queue: neither consumed nor routed                   -> no row
// Config.queue_name: named at run time, consumed               -> row, route unknown
// jobs queue: declared with arguments the scan could not read  -> row, route unknown
function graph() {
  const b = new GraphBuilder();
  const billing = b.service('billing');
  const orders = b.queue('orders');
  const dlq = b.queue('orders.dlq');
  const emails = b.queue('emails');
  const legacy = b.queue('legacy');
  const legacyDlq = b.queue('legacy.dlq');
  b.queue('unused');
  b.edge('DEAD_LETTERS_TO', orders, dlq);
  b.edge('CONSUMES', b.handler(billing, 'takeOrder'), orders);
  b.edge('CONSUMES', b.handler(billing, 'inspect'), dlq);
  b.edge('CONSUMES', b.job('send_email'), emails);
  b.edge('DEAD_LETTERS_TO', legacy, legacyDlq);
  const named = b.queue('Config.queue_name', 'rabbitmq', { dynamic: true });
  b.edge('CONSUMES', b.handler(billing, 'readNamed'), named);
  const jobs = b.queue('jobs', 'rabbitmq', { unresolvedArguments: 'self.arguments' });
  b.edge('CONSUMES', b.handler(billing, 'runJob'), jobs);
  return b.build();
}

describe('dead-letter.cypher', () => {
  let store: KuzuStore;
  beforeAll(async () => {
    store = await openStore(graph());
  });
  afterAll(() => store.close());

  test('returns covered and uncovered consumers and routes nobody consumes', async () => {
    expect(await runPattern(store, 'dead-letter')).toEqual([
      {
        channelId: 'queue:rabbitmq:Config.queue_name',
        channelName: 'Config.queue_name',
        consumerId: 'handler:shop:billing/src/readNamed.ts:readNamed',
        consumerName: 'readNamed',
        deadLetterId: null,
        deadLetterName: null,
        isDeadLetterChannel: false,
        routeUnknown: true,
        subjects: [
          'handler:shop:billing/src/readNamed.ts:readNamed',
          'queue:rabbitmq:Config.queue_name',
          null,
        ],
        evidence: ['edges/consumes.ts:21'],
      },
      {
        channelId: 'queue:rabbitmq:emails',
        channelName: 'emails',
        consumerId: 'job:shop:celery:send_email',
        consumerName: 'send_email',
        deadLetterId: null,
        deadLetterName: null,
        isDeadLetterChannel: false,
        routeUnknown: false,
        subjects: ['job:shop:celery:send_email', 'queue:rabbitmq:emails', null],
        evidence: ['edges/consumes.ts:16'],
      },
      {
        channelId: 'queue:rabbitmq:jobs',
        channelName: 'jobs',
        consumerId: 'handler:shop:billing/src/runJob.ts:runJob',
        consumerName: 'runJob',
        deadLetterId: null,
        deadLetterName: null,
        isDeadLetterChannel: false,
        routeUnknown: true,
        subjects: ['handler:shop:billing/src/runJob.ts:runJob', 'queue:rabbitmq:jobs', null],
        evidence: ['edges/consumes.ts:25'],
      },
      {
        channelId: 'queue:rabbitmq:legacy',
        channelName: 'legacy',
        consumerId: null,
        consumerName: null,
        deadLetterId: 'queue:rabbitmq:legacy.dlq',
        deadLetterName: 'legacy.dlq',
        isDeadLetterChannel: false,
        routeUnknown: false,
        subjects: ['queue:rabbitmq:legacy', 'queue:rabbitmq:legacy.dlq', null],
        evidence: ['edges/dead_letters_to.ts:17'],
      },
      {
        channelId: 'queue:rabbitmq:orders',
        channelName: 'orders',
        consumerId: 'handler:shop:billing/src/takeOrder.ts:takeOrder',
        consumerName: 'takeOrder',
        deadLetterId: 'queue:rabbitmq:orders.dlq',
        deadLetterName: 'orders.dlq',
        isDeadLetterChannel: false,
        routeUnknown: false,
        subjects: [
          'handler:shop:billing/src/takeOrder.ts:takeOrder',
          'queue:rabbitmq:orders',
          'queue:rabbitmq:orders.dlq',
        ],
        evidence: ['edges/consumes.ts:11', 'edges/dead_letters_to.ts:8'],
      },
      {
        channelId: 'queue:rabbitmq:orders.dlq',
        channelName: 'orders.dlq',
        consumerId: 'handler:shop:billing/src/inspect.ts:inspect',
        consumerName: 'inspect',
        deadLetterId: null,
        deadLetterName: null,
        isDeadLetterChannel: true,
        routeUnknown: false,
        subjects: [
          'handler:shop:billing/src/inspect.ts:inspect',
          'queue:rabbitmq:orders.dlq',
          null,
        ],
        evidence: ['edges/consumes.ts:14'],
      },
    ]);
  });

  test('reports no missing route where the route cannot be known', async () => {
    const { gaps } = await runPatterns(store);
    expect(gaps.filter((g) => g.id === 'no-dead-letter-route').map((g) => g.summary)).toEqual([
      'emails has no dead-letter route; consumed by send_email',
    ]);
  });
});
