import { beforeAll, describe, expect, it } from 'vitest';
import { evidenceOf, scanFixture, single, type FixtureScan } from '../helpers/scan-fixture.js';

const ID = 'nestjs-schedule';

describe('nestjs-schedule', () => {
  let scan: FixtureScan;
  beforeAll(async () => {
    scan = await scanFixture('nestjs-schedule-jobs', [ID]);
  });

  it('names decorated jobs by their option name, else by class and method', () => {
    expect(scan.names('Job')).toEqual([
      'ReportsService.rollUp',
      'ReportsService.warmUp',
      'heartbeat',
      'nightly-export',
      'poll-feeds',
      'refresh-feeds',
    ]);
    expect(scan.node('Job', 'poll-feeds').technology).toBe('nestjs-schedule');
    expect(scan.diagnostics).toEqual([]);
  });

  it('keeps a CronExpression member as written and follows constants from another file', () => {
    const hourly = single(scan.edges('SCHEDULES', 'back-office', 'ReportsService.rollUp'));
    expect(hourly.properties).toEqual({
      schedule: 'CronExpression.EVERY_HOUR',
      scheduleKind: 'cron',
      scheduler: 'nestjs-schedule',
    });
    expect(evidenceOf(hourly)).toEqual(['src/reports/reports.service.ts:9']);
    expect(single(scan.edges('SCHEDULES', 'back-office', 'nightly-export')).properties).toEqual({
      schedule: '0 0 2 * * *',
      scheduleKind: 'cron',
      scheduler: 'nestjs-schedule',
      timezone: 'Europe/Paris',
    });
  });

  it('reads intervals and timeouts, with or without a name', () => {
    expect(single(scan.edges('SCHEDULES', 'back-office', 'poll-feeds')).properties).toMatchObject({
      schedule: 'every 30000ms',
      scheduleKind: 'interval',
    });
    expect(
      single(scan.edges('SCHEDULES', 'back-office', 'ReportsService.warmUp')).properties,
    ).toMatchObject({ schedule: 'once after 5000ms', scheduleKind: 'date' });
  });

  it('reads jobs added through SchedulerRegistry', () => {
    const refresh = single(scan.edges('SCHEDULES', 'back-office', 'refresh-feeds'));
    expect(refresh.properties).toMatchObject({ schedule: '*/15 * * * *', scheduleKind: 'cron' });
    expect(evidenceOf(refresh)).toEqual(['src/feeds.service.ts:11']);
    expect(single(scan.edges('SCHEDULES', 'back-office', 'heartbeat')).properties).toMatchObject({
      schedule: 'every 60000ms',
      scheduleKind: 'interval',
    });
  });
});

describe('nestjs-schedule negatives', () => {
  it('reports nothing for ScheduleModule alone, registry reads and look-alike decorators', async () => {
    const scan = await scanFixture('nestjs-schedule-negative', [ID]);
    expect(scan.graph.nodes.filter((n) => n.label !== 'Service')).toEqual([]);
    expect(scan.graph.edges.filter((e) => e.type !== 'CONTAINS')).toEqual([]);
  });
});
