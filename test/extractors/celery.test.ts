import { describe, expect, it } from 'vitest';
import { scanFixture } from '../helpers/scan-fixture.js';

const where = (evidence: { file: string; line: number }[]) =>
  evidence.map((e) => `${e.file}:${String(e.line)}`);

/** Edges that say different things stay apart: one line per edge, properties and evidence. */
const said = (edges: { properties: object; evidence: { file: string; line: number }[] }[]) =>
  edges.map((e) => `${JSON.stringify(e.properties)} @ ${where(e.evidence).join(' ')}`).sort();

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
    ).toEqual(['src/shop/config.py:13', 'src/shop/reports.py:7']);
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

    expect(said(scan.edges('ENQUEUES', 'shop-worker', 'send_email'))).toEqual([
      '{"via":"chain"} @ src/shop/views.py:7',
      '{"via":"delay"} @ src/shop/views.py:6',
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
    expect(said(scan.edges('ENQUEUES', 'shop-worker', 'notify'))).toEqual([
      '{"via":"chain"} @ src/shop/views.py:7',
      '{"via":"group"} @ src/shop/tasks.py:54',
    ]);
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

  it('routes tasks by name and glob from conf.update, with the route line as evidence', async () => {
    const scan = await scanFixture('celery-routing', ['celery']);
    const consumes = scan
      .edges('CONSUMES')
      .map((e) => `${e.from.split(':').pop() ?? ''} -> ${e.to} @ ${where(e.evidence).join(' ')}`);
    expect(consumes).toEqual([
      'custom.crop -> queue:celery:media @ mailer/celery.py:11 mailer/tasks.py:12',
      'custom.resize -> queue:celery:media @ mailer/celery.py:11 mailer/tasks.py:7',
      'housekeeping -> queue:celery:mailer @ mailer/celery.py:14 mailer/tasks.py:32',
      'render_digest -> queue:celery:digests @ mailer/celery.py:13 mailer/tasks.py:27',
      'send_receipt -> queue:celery:billing @ mailer/tasks.py:22',
      'send_welcome -> queue:celery:outbound @ mailer/celery.py:12 mailer/tasks.py:17',
    ]);
    expect(where(scan.node('Queue', 'media').evidence)).toEqual([
      'mailer/celery.py:11',
      'mailer/tasks.py:7',
      'mailer/tasks.py:12',
    ]);
    expect(scan.node('Job', 'send_welcome').properties).toEqual({
      queue: 'outbound',
      qualifiedName: 'mailer.tasks.send_welcome',
    });
    // Celery routes a task by the name it is registered under, not its module path.
    expect(scan.node('Job', 'reports.weekly').properties).toEqual({
      qualifiedName: 'mailer.tasks.weekly_report',
    });

    const digest = scan.edges('SCHEDULES', 'celery-routing', 'render_digest')[0];
    expect(digest?.properties).toEqual({
      schedule: 'crontab(hour=6, minute=0)',
      scheduleKind: 'cron',
      scheduler: 'celery-beat',
      task: 'mailer.tasks.render_digest',
      entry: 'morning-digest',
    });
    expect(where(digest?.evidence ?? [])).toEqual(['mailer/celery.py:18']);
  });

  it('follows signatures into chords, groups, chains and pipes, however they are built', async () => {
    const scan = await scanFixture('celery-canvas', ['celery']);
    const enqueues = (task: string) => said(scan.edges('ENQUEUES', 'celery-canvas', task));
    expect(enqueues('consume_file')).toEqual([
      '{"via":"apply_async","priority":3} @ archive/pipelines.py:35 archive/pipelines.py:36',
      '{"via":"chain"} @ archive/pipelines.py:24 archive/pipelines.py:26 archive/pipelines.py:30 archive/pipelines.py:31',
      '{"via":"chord"} @ archive/pipelines.py:7 archive/pipelines.py:8',
    ]);
    // The chord body runs after its header.
    expect(enqueues('cleanup')).toEqual([
      '{"via":"chord","after":["consume_file"]} @ archive/pipelines.py:8',
    ]);
    expect(enqueues('notify_owner')).toEqual([
      '{"via":"chord","after":["thumbnail"]} @ archive/pipelines.py:15',
    ]);
    expect(enqueues('thumbnail')).toEqual([
      '{"via":"chain"} @ archive/pipelines.py:31',
      '{"via":"chord"} @ archive/pipelines.py:14 archive/pipelines.py:15',
    ]);
    expect(enqueues('index_document')).toEqual([
      '{"via":"chain"} @ archive/pipelines.py:25 archive/pipelines.py:26',
      '{"via":"delay"} @ archive/exports.py:25 archive/exports.py:30',
      '{"via":"group"} @ archive/pipelines.py:19',
    ]);
  });

  it('names a task chosen at run time by its expression, and only when it is plausibly a task', async () => {
    const scan = await scanFixture('celery-canvas', ['celery']);
    const dynamicJobs = scan.graph.nodes.filter(
      (n) => n.label === 'Job' && n.properties.dynamic === true,
    );
    expect(dynamicJobs.map((n) => [n.name, n.properties])).toEqual([
      ['EXPORTERS[fmt]', { dynamic: true, expression: 'EXPORTERS[fmt]' }],
      ['exporter', { dynamic: true, expression: 'exporter' }],
      ['task_func', { dynamic: true, expression: 'task_func' }],
      ['task_name', { dynamic: true, expression: 'task_name' }],
    ]);
    expect(said(scan.edges('ENQUEUES', 'celery-canvas', 'task_func'))).toEqual([
      '{"via":"apply_async","countdown":5,"delayMs":5000,"dynamic":true} @ archive/exports.py:21',
    ]);
    expect(said(scan.edges('ENQUEUES', 'celery-canvas', 'task_name'))).toEqual([
      '{"via":"apply_async","dynamic":true} @ archive/exports.py:34 archive/exports.py:35',
    ]);
    // `client.delay()` and a mapping that holds no tasks say nothing.
    const fromNotATask = scan.graph.edges.filter((e) =>
      e.evidence.some((x) => x.file === 'archive/exports.py' && x.line >= 38),
    );
    expect(fromNotATask).toEqual([]);
    expect(scan.edges('ENQUEUES')).toHaveLength(14);
  });

  it('reads beat entries a settings loop builds from a literal list of dicts', async () => {
    const scan = await scanFixture('celery-beat-loop', ['celery']);
    expect(said(scan.edges('SCHEDULES'))).toEqual([
      '{"schedule":"crontab(minute, hour, day_week, day_month, month)","scheduler":"celery-beat",' +
        '"task":"billing.tasks.close_books","entry":"Close the books","scheduleKind":"cron",' +
        '"scheduleDefault":"0 23 * * fri"} @ djproj/schedules.py:19 djproj/schedules.py:27',
      '{"schedule":"crontab(minute, hour, day_week, day_month, month)","scheduler":"celery-beat",' +
        '"task":"billing.tasks.send_invoices","entry":"Send invoices","scheduleKind":"cron",' +
        '"scheduleDefault":"*/30 * * * *"} @ djproj/schedules.py:13 djproj/schedules.py:27',
      '{"schedule":"timedelta(minutes=item[\\"minutes\\"])","scheduler":"celery-beat",' +
        '"task":"billing.tasks.expire_trials","entry":"billing.tasks.expire_trials",' +
        '"scheduleKind":"interval"} @ worker/celeryconfig.py:6 worker/celeryconfig.py:11',
    ]);
    expect(scan.edges('SCHEDULES', 'celery-beat-loop', 'send_invoices')).toHaveLength(1);
    // A dict built the same way but never given to beat schedules nothing.
    expect(scan.edges('SCHEDULES', undefined, 'sync_rates')).toEqual([]);
  });

  it('finds nothing for an idle app and decorators that are not Celery', async () => {
    const scan = await scanFixture('celery-negative', ['celery']);
    expect(scan.graph.nodes).toEqual([]);
    expect(scan.graph.edges).toEqual([]);
  });
});
