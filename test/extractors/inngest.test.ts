import { describe, expect, it } from 'vitest';
import { evidenceOf, scanFixture } from '../helpers/scan-fixture.js';

describe('inngest', () => {
  it('reads functions with event and cron triggers, sends and step.sendEvent', async () => {
    const scan = await scanFixture('inngest-functions', ['inngest']);
    const name = (id: string) => scan.graph.nodes.find((n) => n.id === id)?.name;
    const rows = scan.graph.edges
      .filter((e) => e.type !== 'CONTAINS')
      .map((e) => [e.type, name(e.from), name(e.to), ...evidenceOf(e)].join(' '))
      .sort();
    expect(rows).toEqual([
      'CONSUMES import-contacts app/contact.added src/functions/onboarding.ts:20',
      'CONSUMES send-welcome app/user.signed_up src/functions/onboarding.ts:5',
      'CONSUMES weekly-digest app/digest.requested src/functions/onboarding.ts:14',
      'PUBLISHES send-welcome app/welcome.sent src/functions/onboarding.ts:8',
      'PUBLISHES signup-flows app/user.signed_up src/app/signup.ts:5',
      'SCHEDULES signup-flows weekly-digest src/functions/onboarding.ts:14',
    ]);
    expect(scan.node('Job', 'send-welcome').properties).toEqual({
      maxRetries: 4,
      retry: 'retries=4',
      concurrency: 10,
    });
    expect(scan.edges('SCHEDULES')[0]?.properties).toEqual({
      schedule: '0 9 * * 1',
      scheduleKind: 'cron',
      scheduler: 'inngest',
      timezone: 'Europe/Paris',
    });
    expect(scan.edges('CONSUMES', 'import-contacts')[0]?.properties).toEqual({ batch: true });
    expect(scan.node('Topic', 'app/user.signed_up').technology).toBe('inngest');
  });

  it('leaves out an unused client and look-alike send() and createFunction()', async () => {
    const scan = await scanFixture('inngest-negative', ['inngest']);
    expect(scan.graph.nodes.filter((n) => n.label !== 'Service')).toEqual([]);
    expect(scan.graph.edges).toEqual([]);
  });
});
