import { describe, expect, it } from 'vitest';
import { evidenceOf, scanFixture, single } from '../helpers/scan-fixture.js';

describe('process-files', () => {
  it('reads a Procfile worker and the queues it takes from, skipping options', async () => {
    const scan = await scanFixture('process-files-heroku', ['process-files']);
    expect(scan.names('Handler')).toEqual(['worker']);
    expect(scan.node('Handler', 'worker').properties).toEqual({
      command: 'rq worker --url $REDIS_URL high default',
    });
    for (const queue of ['high', 'default']) {
      const edge = single(scan.edges('CONSUMES', 'worker', queue));
      expect([edge.to, evidenceOf(edge)]).toEqual([`queue:rq:${queue}`, ['Procfile:2']]);
    }
  });

  it('reads crontab lines as scheduled jobs, with system crontabs naming a user', async () => {
    const scan = await scanFixture('process-files-heroku', ['process-files']);
    expect(scan.names('Job')).toEqual([
      '/app/bin/rotate-logs',
      '/usr/local/bin/python -m app.weekly_report',
      'cd /app && python -m app.sync_prices',
    ]);
    const every = single(
      scan.edges('SCHEDULES', undefined, 'cd /app && python -m app.sync_prices'),
    );
    expect(every.properties).toEqual({
      schedule: '*/15 * * * *',
      scheduleKind: 'cron',
      scheduler: 'crontab',
    });
    expect(evidenceOf(every)).toEqual(['crontab:4']);
    const daily = single(scan.edges('SCHEDULES', undefined, '/app/bin/rotate-logs'));
    expect(daily.properties.schedule).toBe('@daily');
    expect(scan.node('Job', '/app/bin/rotate-logs').technology).toBe('crontab');
    expect(scan.diagnostics).toEqual([]);
  });

  it('finds nothing in web-only Procfiles and commented-out crontabs', async () => {
    const scan = await scanFixture('process-files-negative', ['process-files']);
    expect(scan.graph.nodes).toEqual([]);
    expect(scan.diagnostics).toEqual([]);
  });
});
