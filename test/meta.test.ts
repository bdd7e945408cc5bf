// Every registered extractor has a test and a negative fixture; every template is used.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PLUGINS } from '../src/extractors/registry.js';
import { isTechnologyId } from '../src/model/taxonomy.js';
import { PROJECT_ROOT } from './helpers/run-cli.js';

const extractors = PLUGINS.flatMap((plugin) => plugin.extractors);
const fixtures = readdirSync(path.join(PROJECT_ROOT, 'test', 'fixtures'));

describe('registered extractors', () => {
  it('are all there, once each', () => {
    expect(extractors.map((e) => e.id).sort()).toEqual([
      'agenda',
      'aio-pika',
      'aiokafka',
      'amqp-connection-manager',
      'amqplib',
      'apscheduler',
      'arq',
      'asyncapi',
      'avro',
      'aws-sdk',
      'azure-event-hubs',
      'azure-service-bus',
      'bee-queue',
      'boto3',
      'bull',
      'bullmq',
      'celery',
      'cloudformation',
      'confluent-kafka',
      'cron-library',
      'custom-event-store',
      'django-q',
      'docker-compose',
      'dramatiq',
      'event-emitter',
      'eventsourcing',
      'faststream',
      'faust',
      'gcp-pubsub',
      'google-cloud-pubsub',
      'graphile-worker',
      'huey',
      'inngest',
      'kafka-python',
      'kafkajs',
      'kubernetes',
      'mqtt',
      'nameko',
      'nats',
      'nats-py',
      'nestjs-bull',
      'nestjs-cqrs',
      'nestjs-event-emitter',
      'nestjs-microservices',
      'nestjs-schedule',
      'node-cron',
      'node-rdkafka',
      'paho-mqtt',
      'pg-boss',
      'pg-notify',
      'pika',
      'postgres-notify-py',
      'process-files',
      'python-bus',
      'python-schedule',
      'rascal',
      'redis',
      'redis-py',
      'rq',
      'taskiq',
      'temporal',
      'terraform',
    ]);
  });

  it.each(extractors.map((e) => [e.id, e] as const))(
    '%s has its folder, a test and fixtures',
    (id, e) => {
      expect(existsSync(path.join(PROJECT_ROOT, 'src', 'extractors', id))).toBe(true);
      expect(existsSync(path.join(PROJECT_ROOT, 'test', 'extractors', `${id}.test.ts`))).toBe(true);
      expect(
        fixtures.filter((f) => f.startsWith(`${id}-`) && f !== `${id}-negative`).length,
      ).toBeGreaterThan(0);
      expect(fixtures).toContain(`${id}-negative`);
      expect(e.technologies.every(isTechnologyId)).toBe(true);
      expect(e.docs).toMatch(/^https:\/\//);
      expect(e.imports.length).toBeGreaterThan(0);
    },
  );
});

describe('templates', () => {
  it('uses every partial it ships', () => {
    const folder = path.join(PROJECT_ROOT, 'templates');
    const sources = [
      readFileSync(path.join(folder, 'report.hbs'), 'utf8'),
      ...readdirSync(path.join(folder, 'partials')).map((f) =>
        readFileSync(path.join(folder, 'partials', f), 'utf8'),
      ),
    ].join('\n');
    for (const partial of readdirSync(path.join(folder, 'partials'))) {
      expect(sources).toContain(`{{> ${partial.replace(/\.hbs$/, '')}`);
    }
  });
});
