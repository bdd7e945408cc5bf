import { describe, expect, it } from 'vitest';
import { evidenceOf, scanFixture } from '../helpers/scan-fixture.js';

const said = (edges: { properties: object; evidence: { file: string; line: number }[] }[]) =>
  edges.map((e) => `${JSON.stringify(e.properties)} @ ${evidenceOf(e).join(' ')}`).sort();

describe('arq', () => {
  it('reads worker settings: functions, func() options, cron jobs and the queue name', async () => {
    const scan = await scanFixture('arq-crawler', ['arq']);
    expect(scan.names('Job')).toEqual(['fetch_page', 'index', 'prune_index']);
    expect(scan.node('Job', 'index').properties).toEqual({
      queue: 'crawl',
      maxRetries: 4,
      retry: 'max_tries=5',
      timeout: 60,
    });
    expect(evidenceOf(scan.node('Job', 'index'))).toEqual(['crawler/jobs.py:11']);
    expect(said(scan.edges('CONSUMES', 'fetch_page', 'crawl'))).toEqual([
      '{} @ crawler/worker.py:9',
    ]);
    expect(said(scan.edges('SCHEDULES', undefined, 'prune_index'))).toEqual([
      '{"scheduler":"arq","scheduleKind":"cron","schedule":"hour={3, 15} minute=0"} @ crawler/worker.py:10',
    ]);
  });

  it('reads enqueue_job with its deferral, id and queue', async () => {
    const scan = await scanFixture('arq-crawler', ['arq']);
    expect(said(scan.edges('ENQUEUES', undefined, 'fetch_page'))).toEqual([
      '{"via":"enqueue_job","queue":"crawl","delayMs":30000,"dedupKey":"f\\"fetch:{url}\\""} @ crawler/api.py:9',
    ]);
    // Without _queue_name the pool's default queue.
    expect(said(scan.edges('PUBLISHES', undefined, 'arq:queue'))).toEqual([
      '{"jobName":"index"} @ crawler/jobs.py:7',
    ]);
  });

  it('ignores classes listing plain strings and job result reads', async () => {
    const scan = await scanFixture('arq-negative', ['arq']);
    expect(scan.graph.nodes.filter((n) => n.label !== 'Service')).toEqual([]);
    expect(scan.graph.edges.filter((e) => e.type !== 'CONTAINS')).toEqual([]);
  });
});
