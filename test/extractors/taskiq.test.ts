import { describe, expect, it } from 'vitest';
import { evidenceOf, scanFixture } from '../helpers/scan-fixture.js';

const said = (edges: { properties: object; evidence: { file: string; line: number }[] }[]) =>
  edges.map((e) => `${JSON.stringify(e.properties)} @ ${evidenceOf(e).join(' ')}`).sort();

describe('taskiq', () => {
  it('reads tasks of a broker built with a result backend, with names, retries and schedules', async () => {
    const scan = await scanFixture('taskiq-notifier', ['taskiq']);
    expect(scan.names('Job')).toEqual(['digest', 'notifier.push']);
    expect(scan.node('Job', 'notifier.push').properties).toEqual({
      maxRetries: 4,
      retry: 'retry_on_error, max_retries=4',
    });
    expect(said(scan.edges('SCHEDULES'))).toEqual([
      '{"scheduler":"taskiq","scheduleKind":"cron","schedule":"*/10 * * * *"} @ notifier/tasks.py:9',
    ]);
  });

  it('reads kiq() and kicker() chains with their delay label', async () => {
    const scan = await scanFixture('taskiq-notifier', ['taskiq']);
    expect(said(scan.edges('ENQUEUES', 'notifier', 'notifier.push'))).toEqual([
      '{"via":"kiq","delayMs":15000} @ notifier/api.py:6',
      '{"via":"kiq"} @ notifier/api.py:5',
    ]);
    expect(said(scan.edges('ENQUEUES', 'digest', 'notifier.push'))).toEqual([
      '{"via":"kiq"} @ notifier/tasks.py:11',
    ]);
  });

  it('ignores task decorators of other objects', async () => {
    const scan = await scanFixture('taskiq-negative', ['taskiq']);
    expect(scan.graph.nodes.filter((n) => n.label !== 'Service')).toEqual([]);
    expect(scan.graph.edges.filter((e) => e.type !== 'CONTAINS')).toEqual([]);
  });
});
