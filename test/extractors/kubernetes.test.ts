import { describe, expect, it } from 'vitest';
import { evidenceOf, scanFixture, single } from '../helpers/scan-fixture.js';

describe('kubernetes', () => {
  it('reads a worker Deployment: its command, replicas and the queues it takes from', async () => {
    const scan = await scanFixture('kubernetes-workers', ['kubernetes']);
    const worker = scan.node('Handler', 'reports-worker');
    expect(worker.technology).toBe('celery');
    expect(worker.properties).toEqual({
      command: 'celery -A reports.tasks worker -Q reports -c 2',
      replicas: 3,
      concurrency: 6,
    });
    const consumes = single(scan.edges('CONSUMES', 'reports-worker', 'reports'));
    expect(consumes.to).toBe('queue:celery:reports');
    expect(evidenceOf(consumes)).toEqual(['deploy/k8s/workers.yaml:12']);
  });

  it('reads CronJobs as k8s-cronjob jobs with their schedule, timezone and policy', async () => {
    const scan = await scanFixture('kubernetes-workers', ['kubernetes']);
    const job = scan.node('Job', 'nightly-cleanup');
    expect([job.technology, job.properties]).toEqual([
      'k8s-cronjob',
      { command: 'python -m reports.cleanup --older-than 30d' },
    ]);
    expect(evidenceOf(job)).toEqual(['deploy/k8s/workers.yaml:31']);
    const schedules = single(scan.edges('SCHEDULES', undefined, 'nightly-cleanup'));
    expect(schedules.properties).toEqual({
      schedule: '30 2 * * *',
      scheduleKind: 'cron',
      scheduler: 'k8s-cronjob',
      timezone: 'Europe/Berlin',
      concurrencyPolicy: 'Forbid',
    });
    expect(evidenceOf(schedules)).toEqual(['deploy/k8s/workers.yaml:33']);
  });

  it('reads KEDA triggers and Strimzi topics onto the channels they name', async () => {
    const scan = await scanFixture('kubernetes-workers', ['kubernetes']);
    const topic = scan.graph.nodes.find((n) => n.id === 'topic:kafka:report-requests');
    expect(topic?.properties).toEqual({
      kind: 'topic',
      env: ['KAFKA_TOPIC'],
      scaledWorkload: 'reports-worker',
      maxReplicas: 20,
      consumerGroup: 'report-builders',
      partitions: 12,
      replicas: 3,
      retentionMs: 604800000,
      cleanupPolicy: 'delete',
    });
    expect(evidenceOf(topic ?? { evidence: [] })).toEqual([
      'deploy/k8s/scaling.yaml:20',
      'deploy/k8s/scaling.yaml:26',
      'deploy/k8s/workers.yaml:16',
    ]);
    const queue = scan.graph.nodes.find((n) => n.id === 'queue:rabbitmq:reports');
    expect(queue?.properties).toEqual({
      kind: 'queue',
      scaledWorkload: 'reports-worker',
      maxReplicas: 20,
    });
  });

  it('says where a Helm template is not plain YAML and reads the rest', async () => {
    const scan = await scanFixture('kubernetes-workers', ['kubernetes']);
    const helm = scan.diagnostics.filter((d) => d.file === 'deploy/chart/templates/worker.yaml');
    expect(helm).toHaveLength(1);
    expect(helm[0]?.line).toBe(4);
    expect(helm[0]?.message).toMatch(/^YAML: .*Go template \/ Helm markers/);
  });

  it('finds nothing in web workloads, config maps, plain Jobs and other YAML', async () => {
    const scan = await scanFixture('kubernetes-negative', ['kubernetes']);
    expect(scan.graph.nodes).toEqual([]);
    expect(scan.diagnostics).toEqual([]);
  });

  it('meets the code: the celery task and the Deployment consume one queue', async () => {
    const scan = await scanFixture('kubernetes-workers', ['kubernetes', 'celery']);
    expect(
      scan
        .edges('CONSUMES', undefined, 'reports')
        .map((e) => e.from)
        .sort(),
    ).toEqual([
      'handler:kubernetes-workers:deploy/k8s/workers.yaml:reports-worker',
      'job:kubernetes-workers:celery:render',
    ]);
  });
});
