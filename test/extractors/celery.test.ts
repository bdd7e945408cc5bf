import { describe, expect, it } from 'vitest';
import { scanFixture } from '../helpers/scan-fixture.js';

const where = (evidence: { file: string; line: number }[]) =>
  evidence.map((e) => `${e.file}:${String(e.line)}`);

describe('celery', () => {
  it('finds tasks of an aliased app and shared_task, with options and routed queues', async () => {
    const scan = await scanFixture('celery-shop', ['celery']);
    expect(scan.names('Job')).toEqual([
      'build_daily_report',
      'cleanup_carts',
      'fulfil_order',
      'heartbeat',
      'notify',
      'payments.charge',
      'send_email',
    ]);

    const sendEmail = scan.node('Job', 'send_email');
    expect(sendEmail.technology).toBe('celery');
    expect(sendEmail.properties).toEqual({
      bind: true,
      maxRetries: 5,
      autoretryFor: ['requests.ConnectionError', 'TimeoutError'],
      acksLate: true,
      retry:
        'autoretry for requests.ConnectionError, TimeoutError, max_retries=5, backoff=exponential',
      queue: 'emails',
      qualifiedName: 'shop.tasks.send_email',
    });
    expect(where(sendEmail.evidence)).toEqual(['src/shop/tasks.py:18']);
    expect(scan.node('Queue', 'emails').properties).toMatchObject({
      kind: 'queue',
      override: 'EMAIL_QUEUE',
    });
    expect(scan.edges('CONSUMES', 'send_email', 'emails')).toHaveLength(1);

    expect(scan.node('Job', 'payments.charge').properties).toMatchObject({
      queue: 'payments',
      rateLimit: '10/m',
    });
    expect(scan.node('Job', 'fulfil_order').properties).toMatchObject({
      bind: true,
      maxRetries: 3,
      retry: 'self.retry, max_retries=3, countdown=60',
    });
    // `shop.reports.*` in task_routes
    expect(
      where(scan.edges('CONSUMES', 'build_daily_report', 'reports')[0]?.evidence ?? []),
    ).toEqual(['src/shop/reports.py:7']);
  });

  it('reports enqueues from tasks and from service code, with delay options', async () => {
    const scan = await scanFixture('celery-shop', ['celery']);
    const fromTask = scan.edges('ENQUEUES', 'fulfil_order', 'payments.charge');
    expect(fromTask[0]?.properties).toEqual({ via: 'delay' });
    expect(where(fromTask[0]?.evidence ?? [])).toEqual(['src/shop/tasks.py:30']);

    const applied = scan.edges('ENQUEUES', 'fulfil_order', 'send_email');
    expect(applied[0]?.properties).toEqual({
      via: 'apply_async',
      countdown: 30,
      delayMs: 30000,
      priority: 7,
      queue: 'priority',
    });
    const published = scan.edges('PUBLISHES', 'fulfil_order', 'priority');
    expect(published[0]?.properties).toEqual({ jobName: 'send_email' });
    expect(where(published[0]?.evidence ?? [])).toEqual(['src/shop/tasks.py:33']);

    const fromView = scan.edges('ENQUEUES', 'shop-worker', 'send_email');
    expect(fromView[0]?.properties).toEqual({ via: ['chain', 'delay'] });
    expect(where(fromView[0]?.evidence ?? [])).toEqual([
      'src/shop/views.py:6',
      'src/shop/views.py:7',
    ]);

    const sent = scan.edges('ENQUEUES', 'shop-worker', 'build_daily_report');
    expect(sent[0]?.properties).toEqual({ via: 'send_task', queue: 'reports' });
  });

  it('reads chains, groups and pipes of signatures', async () => {
    const scan = await scanFixture('celery-shop', ['celery']);
    expect(scan.edges('ENQUEUES', 'shop-worker', 'payments.charge')[0]?.properties).toEqual({
      via: 'chain',
    });
    expect(scan.edges('ENQUEUES', 'shop-worker', 'fulfil_order')[0]?.properties).toEqual({
      via: 'chain',
    });
    const notify = scan.edges('ENQUEUES', 'shop-worker', 'notify')[0];
    expect(notify?.properties).toEqual({ via: ['chain', 'group'] });
    expect(where(notify?.evidence ?? [])).toEqual(['src/shop/tasks.py:54', 'src/shop/views.py:7']);
  });

  it('reads beat schedules from a config class and matches tasks by dotted name', async () => {
    const scan = await scanFixture('celery-shop', ['celery']);
    const nightly = scan.edges('SCHEDULES', 'shop-worker', 'build_daily_report')[0];
    expect(nightly?.technology).toBe('celery-beat');
    expect(nightly?.properties).toEqual({
      schedule: 'crontab(hour=2, minute=30)',
      scheduleKind: 'cron',
      scheduler: 'celery-beat',
      task: 'shop.reports.build_daily_report',
      entry: 'nightly-report',
    });
    expect(where(nightly?.evidence ?? [])).toEqual(['src/shop/config.py:17']);
    expect(scan.edges('SCHEDULES', 'shop-worker', 'cleanup_carts')[0]?.properties).toMatchObject({
      schedule: 'timedelta(minutes=15)',
      scheduleKind: 'interval',
    });
    expect(scan.edges('SCHEDULES', 'shop-worker', 'heartbeat')[0]?.properties).toMatchObject({
      schedule: '30.0',
      scheduleKind: 'interval',
    });
  });

  it('reads a Django project: app in proj/celery.py, CELERY_ settings, periodic setup hooks', async () => {
    const scan = await scanFixture('celery-django', ['celery']);
    expect(scan.names('Job')).toEqual([
      'digest',
      'f"notifications.tasks.{kind}"',
      'purge_read',
      'push',
    ]);
    expect(scan.node('Job', 'push').properties).toEqual({
      bind: true,
      maxRetries: 4,
      acksLate: true,
      retry: 'self.retry, max_retries=4, countdown=2 ** self.request.retries',
      queue: 'notifications',
      qualifiedName: 'notifications.tasks.push',
    });
    expect(scan.node('Queue', 'notifications').properties).toMatchObject({
      override: 'NOTIFY_QUEUE',
    });

    const weekly = scan.edges('SCHEDULES', 'celery-django', 'digest')[0];
    expect(weekly?.properties).toEqual({
      schedule: 'crontab(hour=7, minute=30, day_of_week=1)',
      scheduleKind: 'cron',
      scheduler: 'celery-beat',
      entry: 'weekly digest',
    });
    expect(where(weekly?.evidence ?? [])).toEqual(['proj/celery.py:17']);
    const purge = scan.edges('SCHEDULES', 'celery-django', 'purge_read')[0];
    expect(purge?.properties).toMatchObject({ schedule: '3600', scheduleKind: 'interval' });
    expect(where(purge?.evidence ?? [])).toEqual(['proj/settings.py:13']);

    expect(scan.edges('ENQUEUES', 'celery-django', 'push')[0]?.properties).toEqual({
      via: 'apply_async',
      eta: 'request.scheduled_at',
    });
    const dynamic = scan.edges('ENQUEUES', 'celery-django', 'f"notifications.tasks.{kind}"')[0];
    expect(dynamic?.properties).toEqual({ via: 'send_task', dynamic: true });
    expect(where(dynamic?.evidence ?? [])).toEqual(['notifications/views.py:8']);
  });

  it('finds nothing for an idle app and decorators that are not Celery', async () => {
    const scan = await scanFixture('celery-negative', ['celery']);
    expect(scan.graph.nodes).toEqual([]);
    expect(scan.graph.edges).toEqual([]);
  });
});
