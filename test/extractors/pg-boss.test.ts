import { describe, expect, it } from 'vitest';
import { evidenceOf, scanFixture } from '../helpers/scan-fixture.js';

describe('pg-boss', () => {
  it('reads sends, workers, schedules and dead-letter queues', async () => {
    const scan = await scanFixture('pg-boss-orders', ['pg-boss']);
    const name = (id: string) => scan.graph.nodes.find((n) => n.id === id)?.name;
    const rows = scan.graph.edges
      .filter((e) => e.type !== 'CONTAINS')
      .map((e) => [e.type, name(e.from), name(e.to), evidenceOf(e).join(' ')].join(' '))
      .sort();
    expect(rows).toEqual([
      'CONSUMES capturePayments payment-capture src/workers/payments.ts:14',
      'CONSUMES ledger-reconcile worker ledger-reconcile src/workers/payments.ts:18',
      'CONSUMES receipt-email worker receipt-email src/workers/payments.ts:15',
      'DEAD_LETTERS_TO payment-capture payment-capture-failed src/queue/boss.ts:17',
      // The scheduled job is the one that lands in its queue.
      'PUBLISHES ledger-reconcile ledger-reconcile src/queue/boss.ts:18',
      // A worker that sends publishes as itself.
      'PUBLISHES ledger-reconcile worker receipt-email src/workers/payments.ts:19',
      // `boss` of a lazy singleton (`let boss = null`, assigned in getBoss()).
      'PUBLISHES orders-service payment-capture src/api/checkout.ts:5',
      'SCHEDULES orders-service ledger-reconcile src/queue/boss.ts:18',
    ]);
    expect(scan.edges('PUBLISHES', 'orders-service', 'payment-capture')[0]?.properties).toEqual({
      attempts: 5,
      retry: 'retryLimit=4, retryDelay=30s, backoff=exponential',
      dedupKey: '`capture-${orderId}`',
    });
    expect(scan.edges('PUBLISHES', 'ledger-reconcile worker')[0]?.properties).toEqual({
      delayMs: 60000,
    });
    expect(scan.edges('CONSUMES', 'capturePayments')[0]?.properties).toEqual({
      batchSize: 10,
      batch: true,
    });
    expect(scan.edges('SCHEDULES')[0]?.properties).toEqual({
      schedule: '15 2 * * *',
      scheduleKind: 'cron',
      scheduler: 'pg-boss',
      timezone: 'Europe/Dublin',
    });
    expect(scan.names('Queue')).toEqual([
      'ledger-reconcile',
      'payment-capture',
      'payment-capture-failed',
      'receipt-email',
    ]);
    expect(scan.node('Queue', 'payment-capture').properties).toMatchObject({ policy: 'standard' });
  });

  it('leaves out monitoring calls and look-alike send() and schedule() methods', async () => {
    const scan = await scanFixture('pg-boss-negative', ['pg-boss']);
    expect(scan.graph.nodes.filter((n) => n.label !== 'Service')).toEqual([]);
    expect(scan.graph.edges).toEqual([]);
  });
});
