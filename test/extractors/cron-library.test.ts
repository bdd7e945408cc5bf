import { describe, expect, it } from 'vitest';
import { evidenceOf, scanFixture } from '../helpers/scan-fixture.js';

const LIBRARIES = ['cron-library', 'node-cron'];

describe('cron libraries', () => {
  it('schedules each job of cron, node-schedule, croner and toad-scheduler', async () => {
    const scan = await scanFixture('cron-library-jobs', LIBRARIES);
    expect(scan.names('Job')).toEqual([
      'closeLedger',
      'launchPromo',
      'nightly-warm',
      'sendReminders',
      'session-purge',
      'snapshotJob',
      'warm-cache',
      'weekly-reminders',
    ]);
    const rows = scan.edges('SCHEDULES').map((edge) => ({
      job: scan.graph.nodes.find((n) => n.id === edge.to)?.name,
      ...edge.properties,
      at: evidenceOf(edge),
    }));
    rows.sort((a, b) => String(a.job).localeCompare(String(b.job)));
    expect(rows).toEqual([
      {
        job: 'closeLedger',
        schedule: '0 0 * * *',
        scheduleKind: 'cron',
        scheduler: 'cron',
        timezone: 'America/New_York',
        at: ['src/jobs/ledger.ts:4'],
      },
      {
        job: 'launchPromo',
        schedule: 'new Date(2030, 0, 1)',
        scheduleKind: 'date',
        scheduler: 'node-schedule',
        at: ['src/jobs/reminders.js:12'],
      },
      {
        job: 'nightly-warm',
        schedule: '0 2 * * *',
        scheduleKind: 'cron',
        scheduler: 'toad-scheduler',
        at: ['src/jobs/sessions.ts:14'],
      },
      {
        job: 'sendReminders',
        schedule: 'RecurrenceRule dayOfWeek=[0, 6], hour=4',
        scheduleKind: 'cron',
        scheduler: 'node-schedule',
        timezone: 'Europe/Paris',
        at: ['src/jobs/reminders.js:10'],
      },
      {
        job: 'session-purge',
        schedule: '0 */6 * * *',
        scheduleKind: 'cron',
        scheduler: 'croner',
        timezone: 'Asia/Tokyo',
        at: ['src/jobs/sessions.ts:6'],
      },
      {
        job: 'snapshotJob',
        schedule: '*/15 * * * *',
        scheduleKind: 'cron',
        scheduler: 'cron',
        timezone: 'UTC',
        at: ['src/jobs/ledger.ts:12'],
      },
      {
        job: 'warm-cache',
        schedule: 'every 300s',
        scheduleKind: 'interval',
        scheduler: 'toad-scheduler',
        at: ['src/jobs/sessions.ts:11'],
      },
      {
        job: 'weekly-reminders',
        schedule: '30 9 * * 1',
        scheduleKind: 'cron',
        scheduler: 'node-schedule',
        at: ['src/jobs/reminders.js:4'],
      },
    ]);
    expect(scan.graph.nodes.filter((n) => n.label === 'Job').map((n) => n.technology)).toEqual(
      Array(8).fill('cron-library'),
    );
  });

  it('ignores run-time computations, cancellations, timers and a local CronJob class', async () => {
    const scan = await scanFixture('cron-library-negative', LIBRARIES);
    expect(scan.graph.nodes).toEqual([]);
    expect(scan.graph.edges).toEqual([]);
  });
});
