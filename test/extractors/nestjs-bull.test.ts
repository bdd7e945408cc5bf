import { beforeAll, describe, expect, it } from 'vitest';
import {
  bySource,
  evidenceOf,
  scanFixture,
  single,
  type FixtureScan,
} from '../helpers/scan-fixture.js';

describe('nestjs-bull with @nestjs/bull', () => {
  let scan: FixtureScan;
  beforeAll(async () => {
    scan = await scanFixture('nestjs-bull-media', ['nestjs-bull']);
  });

  it('names queues from registerQueue and @InjectQueue, following constants', () => {
    expect(scan.names('Queue')).toEqual(['audio', 'thumbnails']);
    expect(scan.node('Queue', 'audio').technology).toBe('bull');
    expect(evidenceOf(scan.node('Queue', 'thumbnails'))[0]).toBe('src/app.module.ts:10');
    expect(scan.names('Job')).toEqual(['__default__', 'render', 'transcode']);
    expect(scan.diagnostics).toEqual([]);
  });

  it('adds named and unnamed jobs with their options', () => {
    const published = bySource(scan.edges('PUBLISHES', 'media', 'audio'));
    expect(published.map((e) => [e.properties, evidenceOf(e)])).toEqual([
      [
        {
          jobName: 'transcode',
          attempts: 3,
          backoff: 'fixed 5000ms',
          retry: 'attempts=3, backoff=fixed 5000ms',
        },
        ['src/audio/audio.service.ts:11'],
      ],
      [{ jobName: '__default__' }, ['src/audio/audio.service.ts:15']],
    ]);
    expect(single(scan.edges('ENQUEUES', 'media', 'transcode')).properties).toEqual({
      queue: 'audio',
    });
  });

  it('makes @Process methods handlers of their processor queue, one dispatcher for all', () => {
    expect(single(scan.edges('CONSUMES', 'handleTranscode', 'audio')).properties).toEqual({
      dispatcher: 'src/audio/audio.processor.ts:5',
      jobName: 'transcode',
      pattern: 'transcode',
      concurrency: 2,
    });
    expect(single(scan.edges('CONSUMES', 'handleDefault', 'audio')).properties).toEqual({
      dispatcher: 'src/audio/audio.processor.ts:5',
    });
    expect(evidenceOf(single(scan.edges('PUBLISHES', 'handleTranscode', 'thumbnails')))).toEqual([
      'src/audio/audio.processor.ts:11',
    ]);
  });
});

describe('nestjs-bull with @nestjs/bullmq', () => {
  let scan: FixtureScan;
  beforeAll(async () => {
    scan = await scanFixture('nestjs-bull-mail', ['nestjs-bull', 'bullmq']);
  });

  it('lets the bullmq extractor name an injected queue', () => {
    expect(scan.names('Queue')).toEqual(['emails']);
    expect(scan.node('Queue', 'emails').technology).toBe('bullmq');
    expect(single(scan.edges('PUBLISHES', 'mailer', 'emails')).properties).toEqual({
      jobName: 'welcome',
      delayMs: 1000,
    });
  });

  it('makes a WorkerHost process() the handler, with the processor concurrency', () => {
    const consume = single(scan.edges('CONSUMES', 'MailProcessor.process', 'emails'));
    expect(consume.properties).toEqual({ concurrency: 3 });
    expect(evidenceOf(consume)).toEqual(['src/mail/mail.processor.ts:6']);
  });
});

describe('nestjs-bull negatives', () => {
  it('reports nothing for BullModule.forRoot, Set.add or a look-alike @Processor', async () => {
    const scan = await scanFixture('nestjs-bull-negative', ['nestjs-bull']);
    expect(scan.graph.nodes.filter((n) => n.label !== 'Service')).toEqual([]);
    expect(scan.graph.edges.filter((e) => e.type !== 'CONTAINS')).toEqual([]);
  });
});

describe('nestjs-bull beside the bull extractor', () => {
  it('reads an injected queue once, by its registered name, never by its property', async () => {
    const scan = await scanFixture('nestjs-bull-media', ['nestjs-bull', 'bull']);
    expect(scan.names('Queue')).toEqual(['audio', 'thumbnails']);
    expect(scan.graph.edges.filter((e) => e.type === 'ENQUEUES')).toHaveLength(3);
  });
});
