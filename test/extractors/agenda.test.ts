import { describe, expect, it } from 'vitest';
import { evidenceOf, scanFixture } from '../helpers/scan-fixture.js';

describe('agenda', () => {
  it('defines jobs, schedules them with every() and enqueues them with now() and schedule()', async () => {
    const scan = await scanFixture('agenda-jobs', ['agenda']);
    expect(scan.names('Job')).toEqual(['purge bounces', 'send digest', 'welcome email']);
    expect(scan.node('Job', 'send digest').properties).toEqual({
      concurrency: 2,
      priority: 'high',
    });
    expect(evidenceOf(scan.node('Job', 'purge bounces'))).toContain('src/jobs/definitions.ts:13');

    const schedules = scan.edges('SCHEDULES').map((e) => [evidenceOf(e)[0], e.properties]);
    expect(schedules.sort()).toEqual([
      [
        'src/jobs/definitions.ts:21',
        {
          schedule: '0 6 * * 1',
          scheduleKind: 'cron',
          scheduler: 'agenda',
          timezone: 'Europe/Madrid',
        },
      ],
      [
        'src/jobs/definitions.ts:22',
        { schedule: '3 hours', scheduleKind: 'interval', scheduler: 'agenda' },
      ],
    ]);

    // A job's handler that enqueues another job is the one enqueuing it.
    const fromJob = scan.edges('ENQUEUES', 'send digest', 'purge bounces');
    expect(fromJob.map((e) => [evidenceOf(e), e.properties])).toEqual([
      [['src/jobs/definitions.ts:10'], { via: 'now' }],
    ]);
    const later = scan.edges('ENQUEUES', 'newsletter', 'welcome email');
    expect(later.map((e) => [evidenceOf(e), e.properties])).toEqual([
      [['src/routes/signup.ts:5'], { via: 'schedule', eta: 'in 10 minutes' }],
    ]);
  });

  it('leaves out a domain class with the same method names and read-only queries', async () => {
    const scan = await scanFixture('agenda-negative', ['agenda']);
    expect(scan.graph.nodes.filter((n) => n.label !== 'Service')).toEqual([]);
    expect(scan.graph.edges).toEqual([]);
  });
});
