import { describe, expect, it } from 'vitest';
import { scanFixture } from '../helpers/scan-fixture.js';

describe('node-cron', () => {
  it('names jobs after the task and schedules them from the service', async () => {
    const scan = await scanFixture('node-cron-jobs', ['node-cron']);
    expect(scan.names('Job')).toEqual([
      'cleanupSessions',
      'digestTask',
      'rotateKeys',
      'sendInvoices',
    ]);
    const rows = scan.edges('SCHEDULES').map((edge) => ({
      job: scan.graph.nodes.find((n) => n.id === edge.to)?.name,
      schedule: edge.properties.schedule,
      at: edge.evidence.map((e) => `${e.file}:${String(e.line)}`),
    }));
    expect(
      rows.sort(
        (a, b) => String(a.job).localeCompare(String(b.job)) || a.at[0]!.localeCompare(b.at[0]!),
      ),
    ).toEqual([
      // One schedule per element of the list the loop walks.
      { job: 'cleanupSessions', schedule: '0 1 * * *', at: ['src/nightly.ts:10'] },
      { job: 'cleanupSessions', schedule: '*/5 * * * *', at: ['src/schedules.ts:6'] },
      { job: 'digestTask', schedule: '0 8 * * 1', at: ['src/schedules.ts:9'] },
      { job: 'rotateKeys', schedule: '0 2 * * *', at: ['src/nightly.ts:10'] },
      { job: 'rotateKeys', schedule: '0 3 * * *', at: ['src/schedules.ts:7'] },
      { job: 'sendInvoices', schedule: '0 0 1 * *', at: ['src/legacy.js:7'] },
    ]);
    const edge = scan
      .edges('SCHEDULES', 'maintenance', 'rotateKeys')
      .find((e) => e.properties.schedule === '0 3 * * *');
    // The schedule and its timezone belong to the schedule() call; the job may have others.
    expect(edge?.properties).toEqual({
      schedule: '0 3 * * *',
      scheduleKind: 'cron',
      scheduler: 'node-cron',
      timezone: 'Europe/Berlin',
    });
    expect(scan.node('Job', 'rotateKeys').properties).toEqual({});
  });

  it('ignores cron.validate and look-alike schedule() methods', async () => {
    const scan = await scanFixture('node-cron-negative', ['node-cron']);
    expect(scan.graph.nodes).toEqual([]);
    expect(scan.graph.edges).toEqual([]);
  });
});
