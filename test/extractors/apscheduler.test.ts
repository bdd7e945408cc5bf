import { describe, expect, it } from 'vitest';
import { evidenceOf, scanFixture } from '../helpers/scan-fixture.js';

const said = (edges: { properties: object; evidence: { file: string; line: number }[] }[]) =>
  edges.map((e) => `${JSON.stringify(e.properties)} @ ${evidenceOf(e).join(' ')}`).sort();

describe('apscheduler', () => {
  it('reads add_job with trigger aliases, trigger objects and textual references', async () => {
    const scan = await scanFixture('apscheduler-reports', ['apscheduler']);
    expect(scan.names('Job')).toEqual([
      'compact_archive',
      'heartbeat',
      'purge_exports',
      'refresh_rates',
      'rollup_sales',
      'send_weekly_digest',
      'warm_dashboard',
    ]);
    expect(said(scan.edges('SCHEDULES', undefined, 'rollup_sales'))).toEqual([
      '{"scheduler":"apscheduler","scheduleKind":"cron","schedule":"cron hour=2 minute=30","entry":"rollup"} @ reports/scheduling.py:19',
    ]);
    expect(said(scan.edges('SCHEDULES', undefined, 'purge_exports'))).toEqual([
      '{"scheduler":"apscheduler","scheduleKind":"cron","schedule":"cron day_of_week=\\"sun\\""} @ reports/scheduling.py:41',
      '{"scheduler":"apscheduler","scheduleKind":"interval","schedule":"IntervalTrigger(hours=6)"} @ reports/scheduling.py:20',
    ]);
    expect(said(scan.edges('SCHEDULES', undefined, 'send_weekly_digest'))).toEqual([
      '{"scheduler":"apscheduler","scheduleKind":"cron","schedule":"CronTrigger.from_crontab(\\"0 4 * * 1\\", timezone=\\"Europe/Berlin\\")","timezone":"Europe/Berlin"} @ reports/scheduling.py:22',
    ]);
    // 'package.module:function' names the project function.
    expect(evidenceOf(scan.node('Job', 'warm_dashboard'))).toEqual(['reports/jobs.py:17']);
    expect(said(scan.edges('SCHEDULES', undefined, 'warm_dashboard'))).toEqual([
      '{"scheduler":"apscheduler","scheduleKind":"date","schedule":"date"} @ reports/scheduling.py:23',
    ]);
  });

  it('reads wrappers at their call sites and the scheduled_job decorator', async () => {
    const scan = await scanFixture('apscheduler-reports', ['apscheduler']);
    expect(said(scan.edges('SCHEDULES', undefined, 'refresh_rates'))).toEqual([
      '{"scheduler":"apscheduler","scheduleKind":"interval","schedule":"interval minutes=15"} @ reports/scheduling.py:15 reports/scheduling.py:24',
    ]);
    expect(said(scan.edges('SCHEDULES', undefined, 'heartbeat'))).toEqual([
      '{"scheduler":"apscheduler","scheduleKind":"interval","schedule":"interval seconds=30","entry":"heartbeat"} @ reports/scheduling.py:27',
    ]);
  });

  it('follows a package importing its own submodule, and a scheduler set through global', async () => {
    const scan = await scanFixture('apscheduler-reports', ['apscheduler']);
    expect(evidenceOf(scan.node('Job', 'compact_archive'))).toEqual(['reports/jobs.py:21']);
    expect(said(scan.edges('SCHEDULES', undefined, 'compact_archive'))).toEqual([
      '{"scheduler":"apscheduler","scheduleKind":"interval","schedule":"interval days=1"} @ reports/__init__.py:6',
    ]);
  });

  it('ignores job stores alone and add_job methods of other classes', async () => {
    const scan = await scanFixture('apscheduler-negative', ['apscheduler']);
    expect(scan.graph.nodes.filter((n) => n.label !== 'Service')).toEqual([]);
    expect(scan.graph.edges.filter((e) => e.type !== 'CONTAINS')).toEqual([]);
  });
});
