import { describe, expect, it } from 'vitest';
import { evidenceOf, scanFixture } from '../helpers/scan-fixture.js';

const said = (edges: { properties: object; evidence: { file: string; line: number }[] }[]) =>
  edges.map((e) => `${JSON.stringify(e.properties)} @ ${evidenceOf(e).join(' ')}`).sort();

describe('python-schedule', () => {
  it('reads every(...).do(job) chains on the package and on Scheduler instances', async () => {
    const scan = await scanFixture('python-schedule-bot', ['python-schedule']);
    expect(scan.names('Job')).toEqual([
      'heartbeat',
      'post_standup',
      'rotate_logs',
      'sync_calendar',
    ]);
    expect(scan.node('Job', 'sync_calendar').technology).toBe('python-schedule');
    expect(evidenceOf(scan.node('Job', 'sync_calendar'))).toEqual(['bot/jobs.py:5']);
    expect(said(scan.edges('SCHEDULES'))).toEqual([
      '{"scheduler":"schedule","schedule":"every().day.at(\\"09:30\\")","scheduleKind":"cron"} @ bot/main.py:12',
      '{"scheduler":"schedule","schedule":"every().sunday.at(\\"23:00\\")","scheduleKind":"cron"} @ bot/main.py:14',
      '{"scheduler":"schedule","schedule":"every(15).minutes","scheduleKind":"interval"} @ bot/main.py:13',
      '{"scheduler":"schedule","schedule":"every(6).hours","scheduleKind":"interval"} @ bot/main.py:17',
    ]);
  });

  it('ignores get_jobs() and every/do methods of other classes', async () => {
    const scan = await scanFixture('python-schedule-negative', ['python-schedule']);
    expect(scan.graph.nodes.filter((n) => n.label !== 'Service')).toEqual([]);
    expect(scan.graph.edges.filter((e) => e.type !== 'CONTAINS')).toEqual([]);
  });
});
