// exactly-once, request-reply and the routing queries read properties of single edges.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { KuzuStore } from '../../src/store/kuzu-store.js';
import { GraphBuilder } from './graph-builder.js';
import { openStore, runPattern } from './query-harness.js';

function graph() {
  const b = new GraphBuilder();
  const api = b.service('api');
  const payments = b.topic('payments');
  const rpc = b.queue('rpc');
  const plain = b.topic('plain');
  b.edge('PUBLISHES', api, payments, { idempotent: true, transactional: false }); // exactly-once
  b.edge('PUBLISHES', api, rpc, { replyTo: 'amq.rabbitmq.reply-to', correlationId: 'uuid4()' });
  b.edge('PUBLISHES', api, plain, { idempotent: false }); // neither

  const orders = b.topic('orders', 'rabbitmq', { exchangeType: 'topic' });
  b.edge('ROUTES_TO', orders, b.queue('billing'), { routingKey: 'order.created' });
  b.edge('ROUTES_TO', orders, b.queue('refunds'), { routingKey: 'order.cancelled' });
  const fanout = b.topic('broadcast', 'rabbitmq', { exchangeType: 'fanout' }); // no keys
  b.edge('ROUTES_TO', fanout, b.queue('a'));
  b.edge('ROUTES_TO', fanout, b.queue('b'));
  const same = b.topic('same', 'rabbitmq'); // one key twice: not routing by content
  b.edge('ROUTES_TO', same, b.queue('c'), { routingKey: 'k' });
  b.edge('ROUTES_TO', same, b.queue('d'), { routingKey: 'k' });
  const labels = b.topic('labels', 'rabbitmq', { exchangeType: 'topic' }); // one wildcard key
  b.edge('ROUTES_TO', labels, b.queue('printing'), { routingKey: 'label.*' });
  // One subscription dispatching by message pattern (NestJS) routes by content; the same
  // pattern consumed by two handlers of one dispatcher does not.
  const inbox = b.queue('inbox');
  const dispatcher = 'main.ts:8';
  b.edge('CONSUMES', b.handler('api', 'onPlaced'), inbox, { dispatcher, pattern: 'placed' });
  b.edge('CONSUMES', b.handler('api', 'onPaid'), inbox, { dispatcher, pattern: 'paid' });
  const single = b.queue('single');
  b.edge('CONSUMES', b.handler('api', 'onA'), single, { dispatcher, pattern: 'same' });
  b.edge('CONSUMES', b.handler('api', 'onB'), single, { dispatcher, pattern: 'same' });
  return b.build();
}

describe('single-edge pattern queries', () => {
  let store: KuzuStore;
  beforeAll(async () => {
    store = await openStore(graph());
  });
  afterAll(() => store.close());

  test('exactly-once.cypher finds idempotent or transactional producers', async () => {
    expect(await runPattern(store, 'exactly-once')).toEqual([
      {
        producerId: 'service:shop:api',
        producerName: 'api',
        channelId: 'topic:kafka:payments',
        channelName: 'payments',
        idempotent: true,
        transactional: false,
        subjects: ['service:shop:api', 'topic:kafka:payments'],
        evidence: ['edges/publishes.ts:5'],
      },
    ]);
  });

  test('request-reply.cypher finds sends with a reply address or correlation id', async () => {
    expect(await runPattern(store, 'request-reply')).toEqual([
      {
        requesterId: 'service:shop:api',
        requesterName: 'api',
        channelId: 'queue:rabbitmq:rpc',
        channelName: 'rpc',
        replyTo: 'amq.rabbitmq.reply-to',
        correlationId: 'uuid4()',
        subjects: ['queue:rabbitmq:rpc', 'service:shop:api'],
        evidence: ['edges/publishes.ts:6'],
      },
    ]);
  });

  test('content-based-routing.cypher finds exchanges binding different keys or patterns', async () => {
    expect(await runPattern(store, 'content-based-routing')).toEqual([
      {
        exchangeId: 'topic:rabbitmq:labels',
        exchangeName: 'labels',
        exchangeType: 'topic',
        routingKeys: ['label.*'],
        queueNames: ['printing'],
        subjects: ['queue:rabbitmq:printing', 'topic:rabbitmq:labels'],
        evidence: ['edges/routes_to.ts:25'],
      },
      {
        exchangeId: 'topic:rabbitmq:orders',
        exchangeName: 'orders',
        exchangeType: 'topic',
        routingKeys: ['order.cancelled', 'order.created'],
        queueNames: ['billing', 'refunds'],
        subjects: ['queue:rabbitmq:billing', 'queue:rabbitmq:refunds', 'topic:rabbitmq:orders'],
        evidence: ['edges/routes_to.ts:10', 'edges/routes_to.ts:12'],
      },
    ]);
  });

  test('message-pattern-routing.cypher finds one subscription dispatching by pattern', async () => {
    expect(await runPattern(store, 'message-pattern-routing')).toEqual([
      {
        exchangeId: 'queue:rabbitmq:inbox',
        exchangeName: 'inbox',
        exchangeType: 'message pattern',
        routingKeys: ['paid', 'placed'],
        queueNames: ['inbox'],
        subjects: [
          'handler:shop:api/src/onPaid.ts:onPaid',
          'handler:shop:api/src/onPlaced.ts:onPlaced',
          'queue:rabbitmq:inbox',
        ],
        evidence: ['edges/consumes.ts:29', 'edges/consumes.ts:32'],
      },
    ]);
  });
});
