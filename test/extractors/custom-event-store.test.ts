import { describe, expect, it } from 'vitest';
import { scanFixture, type FixtureScan } from '../helpers/scan-fixture.js';

function links(scan: FixtureScan, type: 'CONSUMES' | 'PUBLISHES'): string[] {
  const name = (id: string) => scan.graph.nodes.find((n) => n.id === id)?.name ?? id;
  return scan
    .edges(type)
    .map((e) => {
      const at = e.evidence.map((v) => `${v.file}:${String(v.line)}`).join();
      const props = Object.keys(e.properties).length > 0 ? ` ${JSON.stringify(e.properties)}` : '';
      return `${name(e.from)} -> ${name(e.to)}${props} @ ${at}`;
    })
    .sort();
}

describe('custom-event-store', () => {
  it('reads an events table and an events collection appended to and replayed into aggregates', async () => {
    const scan = await scanFixture('custom-event-store-ledger', ['custom-event-store']);
    expect(scan.names('Topic')).toEqual(['account_events', 'domain_events']);
    expect(scan.node('Topic', 'account_events').properties).toEqual({
      kind: 'stream',
      eventLog: true,
    });
    expect(scan.node('Topic', 'account_events').technology).toBe('custom');
    expect(links(scan, 'PUBLISHES')).toEqual([
      'custom-event-store-ledger -> account_events @ ledger/store.py:14',
      'custom-event-store-ledger -> domain_events @ ledger/mongo_store.py:9',
    ]);
    expect(links(scan, 'CONSUMES')).toEqual([
      'load -> account_events {"replay":true} @ ledger/store.py:19',
      'rebuild -> domain_events {"replay":true} @ ledger/mongo_store.py:14',
    ]);
  });

  it('reads an outbox written in the transaction of the state and drained by a relay', async () => {
    const scan = await scanFixture('custom-event-store-outbox', ['custom-event-store']);
    expect(scan.node('Queue', 'invoice_outbox').properties).toEqual({
      kind: 'queue',
      outbox: true,
    });
    expect(links(scan, 'PUBLISHES')).toEqual([
      'custom-event-store-outbox -> invoice_outbox @ billing/invoices.py:10',
    ]);
    expect(links(scan, 'CONSUMES')).toEqual(['drain -> invoice_outbox @ billing/relay.py:7']);
  });

  it('ignores audit tables nobody replays and tables not named for events', async () => {
    const scan = await scanFixture('custom-event-store-negative', ['custom-event-store']);
    expect(scan.graph.edges).toEqual([]);
    expect(scan.graph.nodes.filter((n) => n.label !== 'Service')).toEqual([]);
  });
});
