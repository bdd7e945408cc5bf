import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { KuzuStore } from '../../src/store/kuzu-store.js';
import { GraphBuilder } from './graph-builder.js';
import { openStore, runPattern } from './query-harness.js';

// orders queue: consumed, dead-letters to orders.dlq          -> covered row
// orders.dlq: consumed by an inspector, is itself a DLQ       -> uncovered row, flagged as DLQ
// emails queue: consumed, no route                            -> uncovered row
// legacy queue: route configured, nobody consumes it          -> route row without consumer
// unused queue: neither consumed nor routed                   -> no row
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
        channelId: 'queue:rabbitmq:emails',
        channelName: 'emails',
        consumerId: 'job:shop:celery:send_email',
        consumerName: 'send_email',
        deadLetterId: null,
        deadLetterName: null,
        isDeadLetterChannel: false,
        subjects: ['job:shop:celery:send_email', 'queue:rabbitmq:emails', null],
        evidence: ['edges/consumes.ts:16'],
      },
      {
        channelId: 'queue:rabbitmq:legacy',
        channelName: 'legacy',
        consumerId: null,
        consumerName: null,
        deadLetterId: 'queue:rabbitmq:legacy.dlq',
        deadLetterName: 'legacy.dlq',
        isDeadLetterChannel: false,
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
        subjects: [
          'handler:shop:billing/src/inspect.ts:inspect',
          'queue:rabbitmq:orders.dlq',
          null,
        ],
        evidence: ['edges/consumes.ts:14'],
      },
    ]);
  });
});
