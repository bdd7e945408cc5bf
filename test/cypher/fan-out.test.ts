import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { KuzuStore } from '../../src/store/kuzu-store.js';
import { GraphBuilder } from './graph-builder.js';
import { openStore, runPattern } from './query-harness.js';

// orders.created: two consumer groups in two services            -> fan-out
// payments: two handlers of one service, no group                -> not fan-out
// invoices: one consumer                                         -> not fan-out
// audit: two handlers, same group, two services                  -> not fan-out (one group)
// events exchange: routes to two consumed queues and one unused  -> fan-out via routes
// single exchange: routes to one consumed queue                  -> not fan-out
// a topic named only at run time, two groups                     -> not fan-out (may be two)
function graph() {
  const b = new GraphBuilder();
  const billing = b.service('billing');
  const shipping = b.service('shipping');
  const orders = b.topic('orders.created');
  b.edge('CONSUMES', b.handler(billing, 'billOrder', { group: 'billing' }), orders, {
    group: 'billing',
  });
  b.edge('CONSUMES', b.handler(shipping, 'shipOrder'), orders, { group: 'shipping' });

  const payments = b.topic('payments');
  b.edge('CONSUMES', b.handler(billing, 'capture'), payments);
  b.edge('CONSUMES', b.handler(billing, 'refund'), payments);

  const invoices = b.topic('invoices');
  b.edge('CONSUMES', b.handler(billing, 'archive'), invoices, { group: 'archive' });

  const audit = b.topic('audit');
  b.edge('CONSUMES', b.handler(billing, 'auditA'), audit, { group: 'auditors' });
  b.edge('CONSUMES', b.handler(shipping, 'auditB'), audit, { group: 'auditors' });

  const events = b.topic('events', 'rabbitmq');
  const mail = b.queue('mail');
  const sms = b.queue('sms');
  const unused = b.queue('unused');
  b.edge('ROUTES_TO', events, mail);
  b.edge('ROUTES_TO', events, sms);
  b.edge('ROUTES_TO', events, unused);
  b.edge('CONSUMES', b.handler(shipping, 'sendMail'), mail);
  b.edge('CONSUMES', b.job('send_sms'), sms);

  const single = b.topic('single', 'rabbitmq');
  const only = b.queue('only');
  b.edge('ROUTES_TO', single, only);
  b.edge('CONSUMES', b.job('only_job'), only);

  const unknown = b.topic('Settings.topic', 'kafka', { dynamic: true });
  b.edge('CONSUMES', b.handler(billing, 'readAny'), unknown, { group: 'billing' });
  b.edge('CONSUMES', b.handler(shipping, 'readOther'), unknown, { group: 'shipping' });
  return b.build();
}

describe('fan-out.cypher', () => {
  let store: KuzuStore;
  beforeAll(async () => {
    store = await openStore(graph());
  });
  afterAll(() => store.close());

  test('finds topics with two audiences and exchanges with two consumed queues', async () => {
    expect(await runPattern(store, 'fan-out')).toEqual([
      {
        channelId: 'topic:kafka:orders.created',
        channelName: 'orders.created',
        channelKind: 'topic',
        technology: 'kafka',
        audienceCount: 2,
        audiences: ['billing', 'shipping'],
        groups: ['billing', 'shipping'],
        queueCount: 0,
        queueNames: [],
        subjects: [
          'handler:shop:billing/src/billOrder.ts:billOrder',
          'handler:shop:shipping/src/shipOrder.ts:shipOrder',
          'topic:kafka:orders.created',
        ],
        evidence: ['edges/consumes.ts:6', 'edges/consumes.ts:9'],
      },
      {
        channelId: 'topic:rabbitmq:events',
        channelName: 'events',
        channelKind: 'exchange',
        technology: 'rabbitmq',
        audienceCount: 0,
        audiences: [],
        groups: [],
        queueCount: 2,
        queueNames: ['mail', 'sms'],
        subjects: ['queue:rabbitmq:mail', 'queue:rabbitmq:sms', 'topic:rabbitmq:events'],
        evidence: ['edges/routes_to.ts:32', 'edges/routes_to.ts:33'],
      },
    ]);
  });
});
