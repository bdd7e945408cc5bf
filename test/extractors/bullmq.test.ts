import { beforeAll, describe, expect, it } from 'vitest';
import { scanFixture, type FixtureScan } from '../helpers/scan-fixture.js';

function evidenceOf(item: { evidence: { file: string; line: number }[] }): string[] {
  return item.evidence.map((e) => `${e.file}:${String(e.line)}`);
}

function single<T>(items: T[]): T {
  expect(items).toHaveLength(1);
  return items[0] as T;
}

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

  it('records delay, attempts, backoff and the jobId dedup key', () => {
    const enqueue = single(scan.edges('ENQUEUES', 'notifications', 'welcome-email'));
    expect(enqueue.properties).toEqual({
      queue: 'emails',
      delayMs: 60000,
      retry: 'attempts=5, backoff=exponential 1000ms',
    });
    expect(evidenceOf(enqueue)).toEqual(['src/signup.ts:10']);
    expect(scan.node('Job', 'welcome-email').properties).toEqual({
      queue: 'emails',
      retry: 'attempts=5, backoff=exponential 1000ms',
      maxRetries: 5,
      dedupKey: '`welcome-${user.id}`',
    });
    const publish = single(scan.edges('PUBLISHES', 'notifications', 'emails'));
    expect(publish.properties.jobName).toEqual(['invite-email', 'welcome-email']);
    expect(evidenceOf(publish)).toEqual(['src/signup.ts:10', 'src/signup.ts:23']);
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

  it('reads flows: every job goes to its queue and children depend on parents', () => {
    expect(single(scan.edges('PUBLISHES', 'notifications', 'shipping')).properties).toEqual({
      jobName: 'ship-order',
    });
    expect(scan.node('Job', 'reserve-stock').properties).toEqual({
      queue: 'inventory',
      dependsOn: 'ship-order',
    });
    expect(evidenceOf(single(scan.edges('ENQUEUES', 'notifications', 'reserve-stock')))).toEqual([
      'src/flows.ts:11',
    ]);
  });
});

describe('bullmq negatives', () => {
  it('reports nothing for a queue that is only read, nor for Set or cart add()', async () => {
    const scan = await scanFixture('bullmq-negative', ['bullmq']);
    expect(scan.graph.nodes).toEqual([]);
    expect(scan.graph.edges).toEqual([]);
  });
});
