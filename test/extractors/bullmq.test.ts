import { beforeAll, describe, expect, it } from 'vitest';
import {
  bySource,
  evidenceOf,
  scanFixture,
  single,
  type FixtureScan,
} from '../helpers/scan-fixture.js';

describe('bullmq', () => {
  let scan: FixtureScan;
  beforeAll(async () => {
    scan = await scanFixture('bullmq-emails', ['bullmq']);
  });

  it('names queues from new Queue() in another module and jobs from add()', () => {
    expect(scan.names('Queue')).toEqual(['emails', 'inventory', 'reports', 'shipping']);
    expect(scan.names('Job')).toEqual([
      'cleanup',
      'daily-report',
      'email-sent',
      'invite-email',
      'reserve-stock',
      'ship-order',
      'welcome-email',
    ]);
    expect(scan.diagnostics).toEqual([]);
  });

  it('records delay, attempts, backoff and the jobId dedup key on the call, not the job', () => {
    const enqueue = single(scan.edges('ENQUEUES', 'notifications', 'welcome-email'));
    expect(enqueue.properties).toEqual({
      queue: 'emails',
      delayMs: 60000,
      retry: 'attempts=5, backoff=exponential 1000ms',
      dedupKey: '`welcome-${user.id}`',
    });
    expect(evidenceOf(enqueue)).toEqual(['src/signup.ts:10']);
    expect(scan.node('Job', 'welcome-email').properties).toEqual({ queue: 'emails' });
    const publishes = scan.edges('PUBLISHES', 'notifications', 'emails');
    expect(bySource(publishes).map((e) => [e.properties, evidenceOf(e)])).toEqual([
      [
        {
          delayMs: 60000,
          attempts: 5,
          backoff: 'exponential 1000ms',
          retry: 'attempts=5, backoff=exponential 1000ms',
          jobName: 'welcome-email',
        },
        ['src/signup.ts:10'],
      ],
      [{ priority: 2, jobName: 'invite-email' }, ['src/signup.ts:23']],
    ]);
  });

  it('schedules repeatable jobs and job schedulers', () => {
    expect(single(scan.edges('SCHEDULES', 'notifications', 'daily-report')).properties).toEqual({
      schedule: '0 6 * * *',
      scheduleKind: 'cron',
      scheduler: 'bullmq',
    });
    const cleanup = single(scan.edges('SCHEDULES', 'notifications', 'cleanup'));
    expect(cleanup.properties).toEqual({
      schedule: 'every 60000ms',
      scheduleKind: 'interval',
      scheduler: 'bullmq',
    });
    expect(evidenceOf(cleanup)).toEqual(['src/scheduler.ts:5']);
    expect(scan.edges('SCHEDULES', 'notifications', 'welcome-email')).toEqual([]);
  });

  it('registers workers as handlers with concurrency, and lets them publish', () => {
    expect(scan.node('Handler', 'sendEmail').properties).toEqual({
      concurrency: 5,
      rateLimit: '10 per 1000ms',
    });
    const consume = single(scan.edges('CONSUMES', 'sendEmail', 'emails'));
    expect(consume.properties).toEqual({ concurrency: 5 });
    expect(evidenceOf(consume)).toEqual(['src/worker.ts:10']);
    expect(evidenceOf(single(scan.edges('PUBLISHES', 'sendEmail', 'reports')))).toEqual([
      'src/worker.ts:7',
    ]);
    expect(single(scan.edges('CONSUMES', 'reports worker', 'reports')).properties).toEqual({});
  });

  it('reads flows: every job goes to its queue and the parent waits for its children', () => {
    expect(single(scan.edges('PUBLISHES', 'notifications', 'shipping')).properties).toEqual({
      jobName: 'ship-order',
    });
    expect(scan.node('Job', 'reserve-stock').properties).toEqual({ queue: 'inventory' });
    expect(single(scan.edges('ENQUEUES', 'notifications', 'ship-order')).properties).toEqual({
      queue: 'shipping',
      via: 'flow',
      waitsFor: ['reserve-stock'],
    });
    const child = single(scan.edges('ENQUEUES', 'notifications', 'reserve-stock'));
    expect(child.properties).toEqual({ queue: 'inventory', via: 'flow', parent: 'ship-order' });
    expect(evidenceOf(child)).toEqual(['src/flows.ts:11']);
  });
});

describe('bullmq negatives', () => {
  it('reports nothing for a queue that is only read, nor for Set or cart add()', async () => {
    const scan = await scanFixture('bullmq-negative', ['bullmq']);
    expect(scan.graph.nodes).toEqual([]);
    expect(scan.graph.edges).toEqual([]);
  });
});

describe('bullmq options of one add() call', () => {
  let scan: FixtureScan;
  beforeAll(async () => {
    scan = await scanFixture('bullmq-shared-job-name', ['bullmq']);
  });

  it('keeps the job node to what every call shares: its name and queue', () => {
    expect(scan.names('Job')).toEqual(['daily-digest', 'send-receipt']);
    const job = scan.node('Job', 'send-receipt');
    expect(job.properties).toEqual({ queue: 'receipts' });
    expect(evidenceOf(job)).toEqual([
      'checkout/src/receipts.ts:7',
      'checkout/src/receipts.ts:17',
      'support/src/resend.ts:9',
    ]);
    expect(scan.node('Job', 'daily-digest').properties).toEqual({ queue: 'receipts' });
    expect(scan.diagnostics).toEqual([]);
  });

  it('puts attempts, backoff, priority, delay and jobId only on the edges of their call', () => {
    const enqueues = [
      ...scan.edges('ENQUEUES', 'checkout', 'send-receipt'),
      ...scan.edges('ENQUEUES', 'support', 'send-receipt'),
    ];
    expect(bySource(enqueues).map((e) => [evidenceOf(e), e.properties])).toEqual([
      [
        ['checkout/src/receipts.ts:7'],
        {
          queue: 'receipts',
          retry: 'attempts=4, backoff=exponential 2000ms',
          dedupKey: '`receipt-${orderId}`',
        },
      ],
      [['checkout/src/receipts.ts:17'], { queue: 'receipts', delayMs: 5000 }],
      [['support/src/resend.ts:9'], { queue: 'receipts' }],
    ]);
    const publishes = scan.edges('PUBLISHES', 'checkout', 'receipts');
    expect(bySource(publishes).map((e) => [evidenceOf(e), e.properties])).toEqual([
      [
        ['checkout/src/receipts.ts:7'],
        {
          priority: 1,
          attempts: 4,
          backoff: 'exponential 2000ms',
          retry: 'attempts=4, backoff=exponential 2000ms',
          jobName: 'send-receipt',
        },
      ],
      [['checkout/src/receipts.ts:17'], { delayMs: 5000, jobName: 'send-receipt' }],
    ]);
  });

  it('schedules a repeatable job on SCHEDULES and keeps its attempts on its own call', () => {
    const schedule = single(scan.edges('SCHEDULES', 'support', 'daily-digest'));
    expect(schedule.properties).toEqual({
      schedule: '0 7 * * *',
      scheduleKind: 'cron',
      scheduler: 'bullmq',
    });
    expect(single(scan.edges('ENQUEUES', 'support', 'daily-digest')).properties).toEqual({
      queue: 'receipts',
      retry: 'attempts=2',
    });
  });
});

describe('bullmq flows', () => {
  let scan: FixtureScan;
  beforeAll(async () => {
    scan = await scanFixture('bullmq-flow-report', ['bullmq']);
  });

  it('says which children a parent waits for and names each child’s parent', () => {
    const rows = bySource(scan.edges('ENQUEUES', 'reporting')).map((e) => ({
      job: scan.graph.nodes.find((n) => n.id === e.to)?.name,
      properties: e.properties,
      at: evidenceOf(e),
    }));
    expect(rows).toEqual([
      {
        job: 'render-report',
        properties: { queue: 'reports', via: 'flow', waitsFor: ['export-sales', 'export-refunds'] },
        at: ['src/month-end.ts:8'],
      },
      {
        job: 'export-sales',
        properties: {
          queue: 'ledgers',
          retry: 'attempts=3',
          via: 'flow',
          parent: 'render-report',
          waitsFor: ['snapshot-accounts'],
        },
        at: ['src/month-end.ts:13'],
      },
      {
        job: 'snapshot-accounts',
        properties: { queue: 'ledgers', via: 'flow', parent: 'export-sales' },
        at: ['src/month-end.ts:18'],
      },
      {
        job: 'export-refunds',
        properties: { queue: 'ledgers', via: 'flow', parent: 'render-report' },
        at: ['src/month-end.ts:20'],
      },
    ]);
  });

  it('leaves the job nodes to their name and queue', () => {
    expect(
      scan.graph.nodes.filter((n) => n.label === 'Job').map((n) => [n.name, n.properties]),
    ).toEqual([
      ['export-refunds', { queue: 'ledgers' }],
      ['export-sales', { queue: 'ledgers' }],
      ['render-report', { queue: 'reports' }],
      ['snapshot-accounts', { queue: 'ledgers' }],
    ]);
  });
});
