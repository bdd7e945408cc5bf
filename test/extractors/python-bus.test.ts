import { describe, expect, it } from 'vitest';
import { scanFixture, type FixtureScan } from '../helpers/scan-fixture.js';

const where = (evidence: { file: string; line: number }[]) =>
  evidence.map((e) => `${e.file}:${String(e.line)}`);

function links(scan: FixtureScan, type: 'CONSUMES' | 'PUBLISHES'): string[] {
  const name = (id: string) => scan.graph.nodes.find((n) => n.id === id)?.name ?? id;
  return scan
    .edges(type)
    .map((e) => {
      const props = Object.keys(e.properties).length > 0 ? ` ${JSON.stringify(e.properties)}` : '';
      return `${name(e.from)} -> ${name(e.to)}${props} @ ${where(e.evidence).join()}`;
    })
    .sort();
}

describe('python-bus', () => {
  it('reads a hand-written bus: one topic per message class, its handlers, its senders', async () => {
    const scan = await scanFixture('python-bus-library', ['python-bus']);
    expect(scan.names('Topic')).toEqual([
      'BookBorrowed',
      'BookReturned',
      'BorrowBook',
      'ReturnBook',
    ]);
    expect(scan.node('Topic', 'BorrowBook').properties).toEqual({
      kind: 'topic',
      dispatch: 'message-type',
    });
    expect(links(scan, 'CONSUMES')).toEqual([
      'borrow -> BorrowBook {"group":"borrow"} @ library/routes.py:4',
      'close_loan -> BookReturned {"group":"close_loan"} @ library/routes.py:10',
      'give_back -> ReturnBook {"group":"give_back"} @ library/routes.py:5',
      'notify_member -> BookBorrowed {"group":"notify_member"} @ library/routes.py:9',
      'record_loan -> BookBorrowed {"group":"record_loan"} @ library/routes.py:9',
    ]);
    expect(links(scan, 'PUBLISHES')).toEqual([
      'library -> BookBorrowed {"collected":true} @ library/model.py:12',
      'library -> BorrowBook @ library/api.py:7',
    ]);
    expect(scan.node('Handler', 'borrow').properties).toEqual({ role: 'command' });
    expect(scan.node('Handler', 'record_loan').properties).toEqual({
      role: 'event',
      projection: 'loans_view',
    });
    expect(scan.node('Handler', 'notify_member').properties).toEqual({ role: 'event' });
  });

  it('describes the message classes: pydantic commands, attrs events with inherited metadata', async () => {
    const scan = await scanFixture('python-bus-library', ['python-bus']);
    expect(scan.node('Event', 'BookBorrowed').properties).toEqual({
      fields: ['event_id', 'occurred_at', 'book_id', 'member_id'],
      metadataFields: ['event_id', 'occurred_at'],
      shape: 'attrs',
      category: 'domain',
    });
    expect(scan.node('Event', 'BorrowBook').properties).toEqual({
      fields: ['book_id', 'member_id'],
      metadataFields: [],
      shape: 'pydantic',
      category: 'command',
    });
    expect(where(scan.node('Event', 'BorrowBook').evidence)).toEqual(['library/messages.py:12']);
    expect(scan.edges('CARRIES', 'BookReturned', 'BookReturned')).toHaveLength(1);
  });

  it('reads Django signals, and a built-in signal only where its receiver starts a job', async () => {
    const scan = await scanFixture('python-bus-django', ['python-bus']);
    expect(scan.names('Topic')).toEqual(['order_paid', 'order_refunded', 'post_save']);
    expect(links(scan, 'PUBLISHES')).toEqual([
      'python-bus-django -> order_paid @ shop/orders/views.py:7',
      'python-bus-django -> order_refunded {"robust":true} @ shop/orders/views.py:12',
    ]);
    expect(links(scan, 'CONSUMES')).toEqual([
      'audit_refund -> order_refunded {"group":"audit_refund"} @ shop/orders/receivers.py:23',
      'email_receipt -> order_paid {"group":"email_receipt"} @ shop/orders/receivers.py:14',
      'reindex -> post_save {"group":"reindex","sender":"Order"} @ shop/orders/receivers.py:26',
    ]);
    expect(scan.node('Handler', 'reindex').properties).toEqual({ drives: 'index_order.delay' });
    expect(scan.names('Handler')).not.toContain('log_delete');
  });

  it('reads blinker signals by their registered name and pyee events', async () => {
    const scan = await scanFixture('python-bus-emitters', ['python-bus']);
    expect(links(scan, 'CONSUMES')).toEqual([
      'log_reading -> reading {"group":"log_reading"} @ alerts/listeners.py:25',
      'mark_offline -> sensor-offline {"group":"mark_offline"} @ alerts/listeners.py:13',
      'page_on_call -> threshold-crossed {"group":"page_on_call"} @ alerts/listeners.py:4',
      'store_reading -> reading {"group":"store_reading"} @ alerts/listeners.py:16',
    ]);
    expect(links(scan, 'PUBLISHES')).toEqual([
      'python-bus-emitters -> reading @ alerts/sensors.py:5',
      'python-bus-emitters -> sensor-offline @ alerts/sensors.py:11',
      'python-bus-emitters -> threshold-crossed @ alerts/sensors.py:7',
    ]);
    expect(scan.node('Topic', 'reading').properties).toMatchObject({ signal: 'pyee' });
  });

  it('ignores class tables nobody dispatches on, idle signals, OS and Flask signals, quiet hooks', async () => {
    const scan = await scanFixture('python-bus-negative', ['python-bus']);
    expect(scan.graph.edges).toEqual([]);
    expect(scan.graph.nodes.filter((n) => n.label !== 'Service')).toEqual([]);
  });
});
