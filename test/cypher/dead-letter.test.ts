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
// payments topic: its consumer's service publishes payments.dlq -> covered row, parked
// refunds topic: its consumer's service publishes audit.dlq     -> uncovered (not its name)
// OrderPlaced: a message class of an in-process bus, consumed  -> no row
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
  const ledger = b.service('ledger');
  b.edge('CONSUMES', b.handler(ledger, 'capture'), b.topic('payments'));
  b.edge('PUBLISHES', ledger, b.topic('payments.dlq'));
  b.edge('CONSUMES', b.handler(ledger, 'refund'), b.topic('refunds'));
  b.edge('PUBLISHES', ledger, b.topic('audit.dlq'));
  b.edge('CONSUMES', b.handler(ledger, 'project'), b.topic('OrderPlaced', 'in-process'));
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
        parkedByConsumer: false,
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
        parkedByConsumer: false,
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
        parkedByConsumer: false,
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
        parkedByConsumer: false,
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
        parkedByConsumer: false,
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
        parkedByConsumer: false,
        isDeadLetterChannel: true,
        routeUnknown: false,
        subjects: [
          'handler:shop:billing/src/inspect.ts:inspect',
          'queue:rabbitmq:orders.dlq',
          null,
        ],
        evidence: ['edges/consumes.ts:14'],
      },
      {
        channelId: 'topic:kafka:payments',
        channelName: 'payments',
        consumerId: 'handler:shop:ledger/src/capture.ts:capture',
        consumerName: 'capture',
        deadLetterId: 'topic:kafka:payments.dlq',
        deadLetterName: 'payments.dlq',
        parkedByConsumer: true,
        isDeadLetterChannel: false,
        routeUnknown: false,
        subjects: [
          'handler:shop:ledger/src/capture.ts:capture',
          'topic:kafka:payments',
          'topic:kafka:payments.dlq',
        ],
        evidence: ['edges/consumes.ts:30', 'edges/publishes.ts:32'],
      },
      {
        channelId: 'topic:kafka:refunds',
        channelName: 'refunds',
        consumerId: 'handler:shop:ledger/src/refund.ts:refund',
        consumerName: 'refund',
        deadLetterId: null,
        deadLetterName: null,
        parkedByConsumer: false,
        isDeadLetterChannel: false,
        routeUnknown: false,
        subjects: ['handler:shop:ledger/src/refund.ts:refund', 'topic:kafka:refunds', null],
        evidence: ['edges/consumes.ts:36'],
      },
    ]);
  });

  test('reports no missing route where the route cannot be known', async () => {
    const { gaps } = await runPatterns(store);
    expect(gaps.filter((g) => g.id === 'no-dead-letter-route').map((g) => g.summary)).toEqual([
      'refunds has no dead-letter route; consumed by refund',
      'emails has no dead-letter route; consumed by send_email',
    ]);
  });

  test('counts failed messages a consumer parks in <channel>.dlq as its route', async () => {
    const { patterns } = await runPatterns(store);
    const parked = patterns.filter(
      (p) => p.id === 'dead-letter' && p.subjects.includes('topic:kafka:payments'),
    );
    expect(parked.map((p) => p.summary)).toEqual([
      "payments: its consumer's code publishes failed messages to payments.dlq",
    ]);
  });
});
