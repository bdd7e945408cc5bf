import { describe, expect, it } from 'vitest';
import { evidenceOf, scanFixture, single } from '../helpers/scan-fixture.js';

const said = (edges: { properties: object; evidence: { file: string; line: number }[] }[]) =>
  edges.map((e) => `${JSON.stringify(e.properties)} @ ${evidenceOf(e).join(' ')}`).sort();

describe('dramatiq', () => {
  it('reads actors with their options, through a partial of dramatiq.actor', async () => {
    const scan = await scanFixture('dramatiq-media', ['dramatiq']);
    expect(scan.names('Job')).toEqual(['make_thumbnail', 'media.transcode', 'notify_owner']);
    expect(scan.node('Job', 'make_thumbnail').properties).toEqual({
      queue: 'thumbnails',
      priority: 10,
      maxRetries: 5,
      retry: 'max_retries=5, min_backoff=1000',
    });
    expect(scan.node('Queue', 'thumbnails').properties).toEqual({
      kind: 'queue',
      override: 'THUMBNAIL_QUEUE',
    });
    // max_retries=0: no retry policy, whatever the partial says about the queue.
    expect(scan.node('Job', 'media.transcode').properties).toEqual({
      queue: 'slow',
      timeout: 600000,
      maxRetries: 0,
    });
    expect(evidenceOf(single(scan.edges('CONSUMES', 'notify_owner', 'default')))).toEqual([
      'media/actors.py:15',
    ]);
  });

  it('reports send and send_with_options from actors and service code', async () => {
    const scan = await scanFixture('dramatiq-media', ['dramatiq']);
    expect(said(scan.edges('ENQUEUES', 'make_thumbnail', 'notify_owner'))).toEqual([
      '{"via":"send","queue":"default"} @ media/actors.py:12',
    ]);
    expect(said(scan.edges('ENQUEUES', 'media', 'media.transcode'))).toEqual([
      '{"via":"send_with_options","delayMs":30000,"queue":"slow"} @ media/api.py:7',
    ]);
    expect(said(scan.edges('PUBLISHES', 'media', 'thumbnails'))).toEqual([
      '{"jobName":"make_thumbnail"} @ media/api.py:6',
    ]);
  });

  it('orders pipeline steps, reads groups and GenericActor classes', async () => {
    const scan = await scanFixture('dramatiq-pipeline', ['dramatiq']);
    expect(scan.names('Job')).toEqual(['Reindex', 'extract', 'load', 'transform']);
    expect(scan.node('Job', 'Reindex').properties).toEqual({
      queue: 'search',
      maxRetries: 2,
      retry: 'max_retries=2',
    });
    expect(said(scan.edges('ENQUEUES', undefined, 'load'))).toEqual([
      '{"via":"pipeline","after":["extract"],"queue":"etl"} @ etl/run.py:9',
      '{"via":"pipeline","after":["transform"],"queue":"etl"} @ etl/run.py:7',
    ]);
    expect(said(scan.edges('ENQUEUES', undefined, 'Reindex'))).toEqual([
      '{"via":"group","queue":"search"} @ etl/run.py:8',
    ]);
  });

  it('finds nothing in code that only names dramatiq types', async () => {
    const scan = await scanFixture('dramatiq-negative', ['dramatiq']);
    expect(scan.graph.nodes.filter((n) => n.label !== 'Service')).toEqual([]);
    expect(scan.graph.edges.filter((e) => e.type !== 'CONTAINS')).toEqual([]);
  });
});
