import { beforeAll, describe, expect, it } from 'vitest';
import {
  bySource,
  evidenceOf,
  scanFixture,
  single,
  type FixtureScan,
} from '../helpers/scan-fixture.js';

describe('bull', () => {
  let scan: FixtureScan;
  beforeAll(async () => {
    scan = await scanFixture('bull-tasks', ['bull']);
  });

  it('names queues created by a factory, through a tsconfig path alias', () => {
    expect(scan.names('Queue')).toEqual(['mail', 'tasks']);
    expect(scan.diagnostics).toEqual([]);
  });

  it('names jobs by their add() name, or by the class whose instance enqueues them', () => {
    expect(scan.names('Job')).toEqual([
      'PurgeCacheTask',
      'ResizeImageTask',
      'digest',
      'ping',
      'task-done',
      'welcome',
    ]);
    const resize = single(scan.edges('ENQUEUES', 'media', 'ResizeImageTask'));
    expect(evidenceOf(resize)).toEqual(['src/api/uploads.ts:4']);
    expect(resize.properties).toEqual({ queue: 'tasks' });
    const purges = bySource(scan.edges('ENQUEUES', 'media', 'PurgeCacheTask'));
    expect(purges.flatMap(evidenceOf)).toEqual(['src/api/admin.ts:5', 'src/tasks/dispatch.ts:5']);
    expect(scan.names('Event')).toEqual([]);
    // The options a caller passes to the base class's method go on that caller's edge.
    expect(purges.map((e) => e.properties)).toEqual([
      { queue: 'tasks', retry: 'attempts=2', dedupKey: '`purge:${prefix}`' },
      { queue: 'tasks' },
    ]);
  });

  it('publishes to the queue where add() is, with the queue defaults under the call options', () => {
    const publishes = bySource(scan.edges('PUBLISHES', 'media'));
    expect(publishes.map((e) => [evidenceOf(e), e.properties])).toEqual([
      [
        ['src/mail.ts:6'],
        {
          delayMs: 5000,
          attempts: 3,
          backoff: 'exponential 2000ms',
          retry: 'attempts=3, backoff=exponential 2000ms',
          jobName: 'welcome',
        },
      ],
      [
        ['src/mail.ts:10'],
        {
          attempts: 3,
          backoff: 'exponential 2000ms',
          retry: 'attempts=3, backoff=exponential 2000ms',
          jobName: 'digest',
        },
      ],
      [
        ['src/mail.ts:11'],
        {
          attempts: 1,
          backoff: 'exponential 2000ms',
          retry: 'attempts=1, backoff=exponential 2000ms',
          jobName: 'ping',
        },
      ],
      [['src/tasks/BaseTask.ts:6'], { priority: 10 }],
      [['src/tasks/dispatch.ts:5'], { jobName: 'PurgeCacheTask' }],
    ]);
    expect(single(scan.edges('ENQUEUES', 'media', 'welcome')).properties).toEqual({
      queue: 'mail',
      delayMs: 5000,
      retry: 'attempts=3, backoff=exponential 2000ms',
      dedupKey: '`welcome:${userId}`',
    });
  });

  it('schedules repeatable jobs by cron with their time zone, or by interval', () => {
    expect(single(scan.edges('SCHEDULES', 'media', 'digest')).properties).toEqual({
      schedule: '0 8 * * *',
      scheduleKind: 'cron',
      scheduler: 'bull',
      timezone: 'Europe/Paris',
    });
    const ping = single(scan.edges('SCHEDULES', 'media', 'ping'));
    expect(ping.properties).toEqual({
      schedule: 'every 60000ms',
      scheduleKind: 'interval',
      scheduler: 'bull',
    });
    expect(evidenceOf(ping)).toEqual(['src/mail.ts:11']);
  });

  it('registers processors with their concurrency and job name, through a wrapper', () => {
    expect(scan.names('Handler')).toEqual([
      'runTask',
      'sendDigest',
      'sendWelcome',
      'thumbnail-processor.js',
    ]);
    expect(single(scan.edges('CONSUMES', 'sendWelcome', 'mail')).properties).toEqual({});
    expect(single(scan.edges('CONSUMES', 'sendDigest', 'mail')).properties).toEqual({
      concurrency: 2,
      jobName: 'digest',
    });
    const tasks = single(scan.edges('CONSUMES', 'runTask', 'tasks'));
    expect(tasks.properties).toEqual({ concurrency: 4 });
    expect(evidenceOf(tasks)).toEqual(['src/jobs/worker.ts:19']);
    const sandboxed = single(scan.edges('CONSUMES', 'thumbnail-processor.js', 'mail'));
    expect(sandboxed.properties).toEqual({ jobName: 'thumbnail' });
    expect(evidenceOf(sandboxed)).toEqual(['src/jobs/worker.ts:31']);
    const done = single(scan.edges('PUBLISHES', 'runTask', 'mail'));
    expect(evidenceOf(done)).toEqual(['src/jobs/worker.ts:22']);
  });
});

describe('bull negatives', () => {
  it('reports nothing for a queue only read and listened to, nor for other add() and process()', async () => {
    const scan = await scanFixture('bull-negative', ['bull']);
    expect(scan.graph.nodes).toEqual([]);
    expect(scan.graph.edges).toEqual([]);
  });
});
