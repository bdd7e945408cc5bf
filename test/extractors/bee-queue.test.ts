import { beforeAll, describe, expect, it } from 'vitest';
import { evidenceOf, scanFixture, single, type FixtureScan } from '../helpers/scan-fixture.js';

describe('bee-queue', () => {
  let scan: FixtureScan;
  beforeAll(async () => {
    scan = await scanFixture('bee-queue-thumbnails', ['bee-queue']);
  });

  it('publishes saved jobs with the retries and backoff chained to createJob()', () => {
    expect(scan.names('Queue')).toEqual(['notifications', 'thumbnails']);
    const chained = single(scan.edges('PUBLISHES', 'thumbnails', 'thumbnails'));
    expect(chained.properties).toEqual({
      attempts: 4,
      backoff: 'exponential 1000ms',
      retry: 'retries=3, backoff=exponential 1000ms',
    });
    expect(evidenceOf(chained)).toEqual(['src/upload.js:4']);
    const variable = single(scan.edges('PUBLISHES', 'thumbnails', 'notifications'));
    expect(variable.properties).toEqual({ attempts: 2, retry: 'retries=1' });
    expect(evidenceOf(variable)).toEqual(['src/upload.js:13']);
    expect(scan.diagnostics).toEqual([]);
  });

  it('registers process() handlers with their concurrency', () => {
    const consumed = single(scan.edges('CONSUMES', 'resize', 'thumbnails'));
    expect(consumed.properties).toEqual({ concurrency: 4 });
    expect(evidenceOf(consumed)).toEqual(['src/worker.js:9']);
  });
});

describe('bee-queue negatives', () => {
  it('reports nothing for a health check, nor for createJob() of something else', async () => {
    const scan = await scanFixture('bee-queue-negative', ['bee-queue']);
    expect(scan.graph.nodes).toEqual([]);
    expect(scan.graph.edges).toEqual([]);
  });
});
