// runPatterns: every query on one small system, rows turned into findings and gaps.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runPatterns } from '../../src/patterns/patterns.js';
import type { KuzuStore } from '../../src/store/kuzu-store.js';
import { GraphBuilder } from './graph-builder.js';
import { openStore } from './query-harness.js';

function shop() {
  const b = new GraphBuilder();
  const checkout = b.service('checkout');
  const billing = b.service('billing');
  const shipping = b.service('shipping');
  const orders = b.topic('orders.created');
  b.edge('PUBLISHES', checkout, orders, { idempotent: true });
  const bill = b.handler(billing, 'billOrder', { retry: 'attempts=3' });
  b.edge('CONSUMES', bill, orders, { group: 'billing' });
  b.edge('CONSUMES', b.handler(shipping, 'shipOrder'), orders, { group: 'shipping' });
  const dlt = b.topic('orders.created.dlt');
  b.edge('DEAD_LETTERS_TO', orders, dlt);
  const audit = b.topic('audit');
  b.edge('PUBLISHES', checkout, audit);
  const emails = b.queue('emails');
  b.edge('PUBLISHES', bill, emails);
  b.edge('CONSUMES', b.job('send_email'), emails);
  return b.build();
}

describe('runPatterns', () => {
  let store: KuzuStore;
  beforeAll(async () => {
    store = await openStore(shop());
  });
  afterAll(() => store.close());

  test('turns rows into findings with one-line summaries and evidence', async () => {
    const results = await runPatterns(store);
    const brief = (f: {
      id: string;
      summary: string;
      evidence: { file: string; line: number }[];
    }) =>
      `${f.id}: ${f.summary} @ ${f.evidence.map((e) => `${e.file}:${String(e.line)}`).join(' ')}`;
    expect(results.patterns.map(brief)).toEqual([
      'dead-letter: orders.created dead-letters to orders.created.dlt' +
        ' @ edges/consumes.ts:8 edges/consumes.ts:11 edges/dead_letters_to.ts:13',
      'exactly-once: checkout publishes to orders.created as idempotent producer' +
        ' @ edges/publishes.ts:5',
      'fan-out: orders.created is consumed by 2 consumer groups: billing, shipping' +
        ' @ edges/consumes.ts:8 edges/consumes.ts:11',
      'retry: Handler billOrder retries: attempts=3 @ billing/src/billOrder.ts:6',
    ]);
    expect(results.gaps.map(brief)).toEqual([
      'no-dead-letter-route: emails has no dead-letter route; consumed by send_email' +
        ' @ edges/consumes.ts:19',
      'orphan-channel: audit is published but never consumed in the scanned code' +
        ' @ edges/publishes.ts:15 src/channels.ts:14',
      'orphan-channel: orders.created.dlt is a dead-letter destination never consumed in the scanned code' +
        ' @ src/channels.ts:12',
    ]);
    expect(results.patterns[2]?.subjects).toEqual([
      'handler:shop:billing/src/billOrder.ts:billOrder',
      'handler:shop:shipping/src/shipOrder.ts:shipOrder',
      'topic:kafka:orders.created',
    ]);
  });

  test('is deterministic', async () => {
    expect(await runPatterns(store)).toEqual(await runPatterns(store));
  });
});
