import { describe, expect, it } from 'vitest';
import {
  bySource,
  evidenceOf,
  scanFixture,
  single,
  type FixtureScan,
} from '../helpers/scan-fixture.js';

describe('rascal', () => {
  let scan: FixtureScan;

  it('reads exchanges and queues of the vhost definition required from another module', async () => {
    scan = await scanFixture('rascal-billing', ['rascal']);
    expect(scan.diagnostics).toEqual([]);
    expect(scan.names('Topic')).toEqual(['invoices', 'invoices.dlx']);
    expect(scan.names('Queue')).toEqual([
      'invoices.audit',
      'invoices.failed',
      'invoices.issued',
      'invoices.reminders',
    ]);
    expect(scan.node('Topic', 'invoices').properties).toEqual({
      kind: 'exchange',
      exchangeType: 'topic',
      durable: true,
    });
    expect(scan.node('Queue', 'invoices.issued').properties).toEqual({
      kind: 'queue',
      durable: true,
      messageTtlMs: 60000,
    });
  });

  it('dead-letters through the x-dead-letter-exchange argument', () => {
    const edge = single(scan.edges('DEAD_LETTERS_TO', 'invoices.issued', 'invoices.dlx'));
    expect(evidenceOf(edge)).toEqual(['src/definitions.js:9']);
  });

  it('reads bindings in object and shorthand form', () => {
    const issued = single(scan.edges('ROUTES_TO', 'invoices', 'invoices.issued'));
    expect(issued.properties).toEqual({ routingKey: 'invoice.issued' });
    expect(evidenceOf(issued)).toEqual(['src/definitions.js:19']);
    const audit = single(scan.edges('ROUTES_TO', 'invoices', 'invoices.audit'));
    expect(audit.properties).toEqual({ routingKey: 'invoice.#' });
    const parked = single(scan.edges('ROUTES_TO', 'invoices.dlx', 'invoices.failed'));
    expect(evidenceOf(parked)).toEqual(['src/definitions.js:20']);
  });

  it('publishes to the publication destination, or to the exchange or queue of that name', () => {
    const [declared, voided] = bySource(scan.edges('PUBLISHES', 'billing', 'invoices'));
    expect(declared?.properties).toEqual({
      publication: 'invoice_issued',
      routingKey: 'invoice.issued',
    });
    expect(declared && evidenceOf(declared)).toEqual(['src/broker.js:8']);
    // A routing key read from the environment without a default keeps its expression.
    expect(voided?.properties).toEqual({
      publication: 'invoice_voided',
      routingKey: 'process.env.VOIDED_KEY',
    });
    const byDefault = single(scan.edges('PUBLISHES', 'billing', 'invoices.audit'));
    expect(byDefault.properties).toEqual({ publication: 'invoices.audit' });
  });

  it("consumes the subscription's queue with its prefetch, redeliveries and recovery", () => {
    const edge = single(scan.edges('CONSUMES', 'emailInvoice', 'invoices.issued'));
    expect(edge.properties).toEqual({ ack: 'manual', prefetch: 5 });
    expect(evidenceOf(edge)).toEqual(['src/broker.js:12']);
    const handler = scan.node('Handler', 'emailInvoice');
    expect(handler.properties.retry).toBe(
      'redeliveries.limit=3, republish attempts=2 defer=1000ms',
    );
  });

  it("subscribes to a queue's default subscription through createBroker's callback", () => {
    const edge = single(scan.edges('CONSUMES', 'sendReminder', 'invoices.reminders'));
    expect(edge.properties).toEqual({ ack: 'manual' });
    expect(evidenceOf(edge)).toEqual(['src/reminders.js:12']);
    expect(evidenceOf(scan.node('Queue', 'invoices.reminders'))).toContain('src/reminders.js:3');
  });

  it('lets the handler forward a failed message to its publication', () => {
    const edge = single(scan.edges('PUBLISHES', 'emailInvoice', 'invoices.failed'));
    expect(edge.properties).toEqual({ publication: 'park_invoice' });
    expect(evidenceOf(edge)).toEqual(['src/broker.js:24']);
  });
});

describe('rascal negatives', () => {
  it('reports nothing for an empty definition, a look-alike bus or an unused object', async () => {
    const scan = await scanFixture('rascal-negative', ['rascal']);
    expect(scan.graph.nodes).toEqual([]);
    expect(scan.graph.edges).toEqual([]);
  });
});
