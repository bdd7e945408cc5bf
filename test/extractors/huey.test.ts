import { describe, expect, it } from 'vitest';
import { evidenceOf, scanFixture, single } from '../helpers/scan-fixture.js';

const said = (edges: { properties: object; evidence: { file: string; line: number }[] }[]) =>
  edges.map((e) => `${JSON.stringify(e.properties)} @ ${evidenceOf(e).join(' ')}`).sort();

describe('huey', () => {
  it('reads tasks of a named Huey instance with retries, and periodic tasks', async () => {
    const scan = await scanFixture('huey-shop', ['huey']);
    expect(scan.names('Job')).toEqual(['expire_carts', 'send_invoice']);
    expect(scan.node('Job', 'send_invoice').properties).toEqual({
      queue: 'shop',
      maxRetries: 3,
      retry: 'retries=3, retry_delay=10s',
      priority: 5,
    });
    expect(evidenceOf(single(scan.edges('CONSUMES', 'send_invoice', 'shop')))).toEqual([
      'shop/tasks.py:6',
    ]);
    expect(said(scan.edges('SCHEDULES', undefined, 'expire_carts'))).toEqual([
      '{"scheduler":"huey","schedule":"crontab(minute=\\"0\\", hour=\\"3\\")","scheduleKind":"cron"} @ shop/tasks.py:11',
    ]);
  });

  it('treats a call of a task as an enqueue, and schedule() with its delay', async () => {
    const scan = await scanFixture('huey-shop', ['huey']);
    expect(said(scan.edges('ENQUEUES', 'huey-shop', 'send_invoice'))).toEqual([
      '{"via":"call","queue":"shop"} @ shop/views.py:5',
      '{"via":"schedule","delayMs":60000,"queue":"shop"} @ shop/views.py:6',
    ]);
    expect(said(scan.edges('ENQUEUES', 'expire_carts', 'send_invoice'))).toEqual([
      '{"via":"call","queue":"shop"} @ shop/tasks.py:13',
    ]);
    // call_local() runs the function in-process.
    expect(scan.edges('PUBLISHES', 'huey-shop', 'shop')).toHaveLength(2);
  });

  it('reads djhuey decorators', async () => {
    const scan = await scanFixture('huey-django', ['huey']);
    expect(scan.node('Job', 'charge_subscription').properties).toEqual({
      maxRetries: 2,
      retry: 'retries=2',
    });
    expect(said(scan.edges('SCHEDULES', undefined, 'monthly_statements'))).toEqual([
      '{"scheduler":"huey","schedule":"crontab(day=\\"1\\", hour=\\"6\\", minute=\\"0\\")","scheduleKind":"cron"} @ billing/tasks.py:10',
    ]);
    expect(said(scan.edges('ENQUEUES', undefined, 'charge_subscription'))).toEqual([
      '{"via":"call"} @ billing/views.py:5',
    ]);
  });

  it('ignores crontab values and task decorators of other objects', async () => {
    const scan = await scanFixture('huey-negative', ['huey']);
    expect(scan.graph.nodes.filter((n) => n.label !== 'Service')).toEqual([]);
    expect(scan.graph.edges.filter((e) => e.type !== 'CONTAINS')).toEqual([]);
  });
});
