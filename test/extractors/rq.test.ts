import { describe, expect, it } from 'vitest';
import { evidenceOf, scanFixture, single } from '../helpers/scan-fixture.js';

const said = (edges: { properties: object; evidence: { file: string; line: number }[] }[]) =>
  edges.map((e) => `${JSON.stringify(e.properties)} @ ${evidenceOf(e).join(' ')}`).sort();

describe('rq', () => {
  it('reads @job through a partial of a subclass of rq.decorators.job', async () => {
    const scan = await scanFixture('rq-shop', ['rq']);
    expect(scan.names('Job')).toEqual([
      'build_report',
      'notify_warehouse',
      'resize_image',
      'send_receipt',
    ]);
    const receipt = scan.node('Job', 'send_receipt');
    expect(receipt.technology).toBe('rq');
    expect(receipt.properties).toEqual({
      maxRetries: 3,
      retry: 'max=3, interval=[10, 30, 60]',
      queue: 'emails',
    });
    expect(evidenceOf(receipt)).toContain('shop/tasks.py:8');
    expect(evidenceOf(single(scan.edges('CONSUMES', 'send_receipt', 'emails')))).toEqual([
      'shop/tasks.py:7',
    ]);
    expect(scan.node('Job', 'build_report').properties).toEqual({
      timeout: 600,
      progress: true,
      queue: 'reports',
    });
    expect(scan.node('Queue', 'reports').properties).toEqual({
      kind: 'queue',
      override: 'REPORTS_QUEUE',
    });
  });

  it('reports enqueues on Queue objects and subclasses, with their options', async () => {
    const scan = await scanFixture('rq-shop', ['rq']);
    expect(said(scan.edges('ENQUEUES', 'shop', 'resize_image'))).toEqual([
      '{"via":"enqueue","dedupKey":"f\\"resize-{image}\\"","atFront":true,"queue":"high"} @ shop/views.py:12',
    ]);
    // An undecorated function runs from the queue it is put on.
    expect(evidenceOf(single(scan.edges('CONSUMES', 'resize_image', 'high')))).toEqual([
      'shop/tasks.py:20',
    ]);
    expect(said(scan.edges('ENQUEUES', 'shop', 'notify_warehouse'))).toEqual([
      '{"via":"enqueue_in","delayMs":300000,"after":["resize_image"],"queue":"default"} @ shop/views.py:13',
    ]);
    expect(said(scan.edges('ENQUEUES', 'build_report', 'send_receipt'))).toEqual([
      '{"via":"delay","queue":"emails"} @ shop/tasks.py:14',
    ]);
    // The sender polls the job's result: request-reply over the queue.
    expect(said(scan.edges('PUBLISHES', 'shop', 'reports'))).toEqual([
      '{"jobName":"build_report","replyTo":"pending.result"} @ shop/views.py:20',
    ]);
    // A dotted path names the project function.
    expect(said(scan.edges('ENQUEUES', 'shop', 'build_report'))).toEqual([
      '{"via":"delay","replyTo":"pending.result","queue":"reports"} @ shop/views.py:20',
      '{"via":"enqueue","queue":"default"} @ shop/views.py:27',
    ]);
  });

  it('reads the queues a worker listens on from constants', async () => {
    const scan = await scanFixture('rq-shop', ['rq']);
    const consumed = scan
      .edges('CONSUMES', 'main')
      .map((e) => scan.graph.nodes.find((n) => n.id === e.to)?.name);
    expect(consumed.sort()).toEqual(['emails', 'high', 'reports']);
    expect(evidenceOf(scan.node('Handler', 'main'))).toEqual(['shop/run_worker.py:8']);
  });

  it('follows rq-scheduler entries from a list of dicts through helpers and loops', async () => {
    const scan = await scanFixture('rq-scheduler-periodic', ['rq']);
    expect(said(scan.edges('SCHEDULES'))).toEqual([
      '{"scheduler":"rq-scheduler","scheduleKind":"cron","schedule":"0 7 * * *"} @ app/schedule.py:34',
      '{"scheduler":"rq-scheduler","scheduleKind":"interval","schedule":"every 300s"} @ app/schedule.py:14 app/schedule.py:28',
      '{"scheduler":"rq-scheduler","scheduleKind":"interval","schedule":"every 3600s","repeat":10} @ app/schedule.py:15 app/schedule.py:28',
      '{"scheduler":"rq-scheduler","scheduleKind":"interval","schedule":"timedelta(minutes=config.WARM_EVERY)"} @ app/schedule.py:18 app/schedule.py:28',
    ]);
    expect(scan.edges('SCHEDULES', undefined, 'send_digest')).toHaveLength(1);
    expect(said(scan.edges('PUBLISHES', undefined, 'emails'))).toEqual([
      '{"jobName":"send_digest"} @ app/schedule.py:34',
    ]);
    expect(evidenceOf(single(scan.edges('CONSUMES', 'purge_sessions', 'maintenance')))).toEqual([
      'app/maintenance.py:1',
    ]);
    expect(said(scan.edges('ENQUEUES', undefined, 'warm_cache'))).toEqual([
      '{"via":"enqueue_in","delayMs":30000,"queue":"maintenance"} @ app/schedule.py:35',
    ]);
    // `id=` names the schedule entry, which scheduling again replaces: no message dedup key.
    const scheduled = scan.edges('PUBLISHES').filter((e) => e.evidence.some((x) => x.line === 28));
    expect(scheduled.length).toBeGreaterThan(0);
    expect(scheduled.filter((e) => e.properties.dedupKey !== undefined)).toEqual([]);
  });

  it('reads django-rq: RQ_QUEUES, bare @job, decorator factories, enqueue and get_queue', async () => {
    const scan = await scanFixture('rq-django', ['rq']);
    expect(scan.names('Queue')).toEqual(['default', 'high', 'low']);
    expect(evidenceOf(scan.node('Queue', 'low'))).toContain('mysite/settings.py:5');
    expect(scan.node('Job', 'archive_order').properties).toEqual({ queue: 'default' });
    expect(scan.node('Job', 'charge_card').properties).toEqual({ timeout: 120, queue: 'high' });
    expect(said(scan.edges('ENQUEUES', undefined, 'export_csv'))).toEqual([
      '{"via":"django_rq.enqueue","queue":"default"} @ orders/views.py:9',
      '{"via":"enqueue","dedupKey":"f\\"export-{order_id}\\"","queue":"low"} @ orders/views.py:11',
    ]);
    const worker = scan.edges('CONSUMES', 'start_worker');
    expect(worker.map((e) => evidenceOf(e).join())).toEqual([
      'orders/views.py:15',
      'orders/views.py:15',
    ]);
  });

  it('finds nothing where rq is only read, and ignores queues and schedulers of the stdlib', async () => {
    const scan = await scanFixture('rq-negative', ['rq']);
    expect(scan.graph.edges.filter((e) => e.type !== 'CONTAINS')).toEqual([]);
    expect(scan.graph.nodes.filter((n) => n.label !== 'Service')).toEqual([]);
    // A file that does not parse is reported and the scan goes on.
    expect(scan.diagnostics.map((d) => `${d.file ?? ''}:${String(d.line)} ${d.severity}`)).toEqual([
      'tools/broken.py:4 warning',
    ]);
  });
});
