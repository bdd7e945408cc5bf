// Event types on kafkajs, amqplib and BullMQ channels (src/lang/typescript/payload-types.ts).
import { beforeAll, describe, expect, it } from 'vitest';
import { categoryOf } from '../../src/lang/typescript/payload-types.js';
import { evidenceOf, scanFixture, type FixtureScan } from '../helpers/scan-fixture.js';

/** Every CARRIES edge as 'channel -> Event @ evidence, ...', sorted. */
function carries(scan: FixtureScan): string[] {
  const names = new Map(scan.graph.nodes.map((n) => [n.id, n.name]));
  return scan
    .edges('CARRIES')
    .map((e) => {
      const ends = `${names.get(e.from) ?? e.from} -> ${names.get(e.to) ?? e.to}`;
      return `${ends} @ ${evidenceOf(e).join(', ')}`;
    })
    .sort();
}

describe('event types on kafkajs topics', () => {
  let scan: FixtureScan;
  beforeAll(async () => {
    scan = await scanFixture('kafkajs-events', ['kafkajs']);
  });

  it('names an Event only for payloads whose type the project declares or names', () => {
    expect(scan.names('Event')).toEqual([
      'OrderCreated',
      'OrderShipped',
      'OrderSummary',
      'PaymentCaptured',
      'ShipOrder',
    ]);
    expect(scan.diagnostics).toEqual([]);
  });

  it('describes an interface: fields, metadata, literal version, category, declaration', () => {
    const event = scan.node('Event', 'OrderCreated');
    expect(event.properties).toEqual({
      fields: ['correlationId', 'eventId', 'occurredAt', 'orderId', 'total', 'version'],
      metadataFields: ['correlationId', 'eventId', 'occurredAt', 'version'],
      version: 2,
      category: 'domain',
    });
    expect(evidenceOf(event)).toEqual(['src/events.ts:2']);
  });

  it('reads a type alias, a class (fields, not methods) and an uncategorised name', () => {
    expect(scan.node('Event', 'ShipOrder').properties).toEqual({
      fields: ['address', 'orderId', 'requestedAt'],
      metadataFields: [],
      category: 'command',
    });
    expect(evidenceOf(scan.node('Event', 'ShipOrder'))).toEqual(['src/events.ts:11']);
    expect(scan.node('Event', 'PaymentCaptured').properties).toEqual({
      fields: ['amount', 'paymentId', 'timestamp'],
      metadataFields: ['timestamp'],
      category: 'domain',
    });
    expect(evidenceOf(scan.node('Event', 'PaymentCaptured'))).toEqual(['src/events.ts:17']);
    expect(scan.node('Event', 'OrderSummary').properties).toEqual({
      fields: ['lines', 'orderId'],
      metadataFields: [],
    });
  });

  it('names an object literal by its type property', () => {
    const event = scan.node('Event', 'OrderShipped');
    expect(event.properties).toEqual({
      fields: ['orderId', 'shippedAt', 'type'],
      metadataFields: ['type'],
      category: 'domain',
    });
    expect(evidenceOf(event)).toEqual(['src/orders.ts:31']);
  });

  it('carries through wrappers at each caller, and from single-topic handlers that parse', () => {
    expect(carries(scan)).toEqual([
      // audit(entry) has a fixed topic; the payload comes from its caller.
      'audit.log -> OrderCreated @ src/orders.ts:15',
      // publishEvent(topic, event): the caller's typed variable, and the billing handler's parse.
      'orders.created -> OrderCreated @ src/consumers.ts:6, src/orders.ts:14',
      // Buffer.from(JSON.stringify({ type: 'OrderShipped', ... })) at the send itself.
      'orders.shipped -> OrderShipped @ src/orders.ts:26',
      // `{ ... } satisfies OrderSummary`; the auditor's two-topic parse adds nothing.
      'orders.summaries -> OrderSummary @ src/orders.ts:22',
      // `new PaymentCaptured(...)`.
      'payments.captured -> PaymentCaptured @ src/orders.ts:21',
      // publishEvent<ShipOrder>(...), and `const command: ShipOrder = JSON.parse(raw)`.
      'shipping.commands -> ShipOrder @ src/consumers.ts:12, src/orders.ts:16',
    ]);
  });

  it('finds none in Buffer, string, any, Record<string, unknown> or a user named Alice', () => {
    for (const topic of ['raw.buffer', 'raw.text', 'raw.any', 'raw.record', 'raw.user']) {
      expect(scan.edges('PUBLISHES', undefined, topic)).toHaveLength(1);
      expect(scan.edges('CARRIES', topic)).toEqual([]);
    }
  });
});

describe('event types on amqplib exchanges and queues', () => {
  let scan: FixtureScan;
  beforeAll(async () => {
    scan = await scanFixture('amqplib-events', ['amqplib']);
  });

  it('reads content through Buffer.from(JSON.stringify(...)), as-casts and constants', () => {
    expect(scan.names('Event')).toEqual(['InvoiceIssued', 'SendReminderEmail', 'invoice.voided']);
    expect(scan.node('Event', 'InvoiceIssued').properties).toEqual({
      fields: ['customerId', 'invoiceId', 'occurred_at', 'schemaVersion'],
      metadataFields: ['occurred_at', 'schemaVersion'],
      // A string field: the version is the literal written where the event is built.
      version: 'v3',
      category: 'domain',
    });
    expect(scan.node('Event', 'SendReminderEmail').properties).toEqual({
      fields: ['invoiceId', 'messageId', 'to'],
      metadataFields: ['messageId'],
      category: 'command',
    });
    const voided = scan.node('Event', 'invoice.voided');
    expect(voided.properties).toEqual({
      fields: ['correlationId', 'eventType', 'invoiceId'],
      metadataFields: ['correlationId', 'eventType'],
      category: 'domain',
    });
    expect(evidenceOf(voided)).toEqual(['src/billing.ts:23']);
  });

  it('carries from the exchange or queue published to, and from the consumed queue', () => {
    expect(carries(scan)).toEqual([
      'billing -> InvoiceIssued @ src/billing.ts:14',
      'billing -> invoice.voided @ src/billing.ts:24',
      // recordInvoice(JSON.parse(...)) takes an InvoiceIssued.
      'invoices -> InvoiceIssued @ src/billing.ts:52',
      'reminders -> SendReminderEmail @ src/billing.ts:19, src/billing.ts:37',
    ]);
    expect(scan.edges('CARRIES', 'billing')[0]?.technology).toBe('rabbitmq');
    for (const queue of ['relay.buffer', 'relay.text', 'relay.any', 'relay.record']) {
      expect(scan.edges('PUBLISHES', undefined, queue)).toHaveLength(1);
      expect(scan.edges('CARRIES', queue)).toEqual([]);
    }
  });
});

describe('event types of BullMQ job data', () => {
  let scan: FixtureScan;
  beforeAll(async () => {
    scan = await scanFixture('bullmq-events', ['bullmq']);
  });

  it('reads the data argument, the Queue<T> argument, Job<T> and Worker<T>', () => {
    expect(scan.names('Event')).toEqual(['GenerateThumbnail', 'WelcomeEmail']);
    expect(scan.node('Event', 'WelcomeEmail').properties).toEqual({
      fields: ['createdAt', 'to', 'userId'],
      metadataFields: ['createdAt'],
    });
    expect(evidenceOf(scan.node('Event', 'GenerateThumbnail'))).toEqual(['src/jobs.ts:8']);
    expect(carries(scan)).toEqual([
      'emails -> WelcomeEmail @ src/queues.ts:11, src/workers.ts:4',
      'images -> GenerateThumbnail @ src/queues.ts:15, src/workers.ts:8',
    ]);
  });
});

describe('event categories', () => {
  it.each([
    ['OrderCreated', 'domain'],
    ['order.paid', 'domain'],
    ['ORDER_SHIPPED', 'domain'],
    ['CreateOrder', 'command'],
    ['SendInvoice', 'command'],
    ['RefundPaymentCommand', 'command'],
    ['CancelOrderRequested', 'domain'],
    ['OrderEvent', undefined],
    ['Create', undefined],
    ['NewsFeed', undefined],
  ])('%s is %s', (name, category) => {
    expect(categoryOf(name)).toBe(category);
  });
});
