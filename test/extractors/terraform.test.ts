import { describe, expect, it } from 'vitest';
import { evidenceOf, scanFixture, single } from '../helpers/scan-fixture.js';

const node = async (id: string) => {
  const scan = await scanFixture('terraform-orders', ['terraform']);
  const found = scan.graph.nodes.find((n) => n.id === id);
  if (!found) throw new Error(`no ${id}`);
  return found;
};

describe('terraform', () => {
  it('reads SQS queues with their settings, and names only known at apply time as dynamic', async () => {
    expect((await node('queue:sqs:orders')).properties).toEqual({
      kind: 'queue',
      visibilityTimeoutSeconds: 60,
      retentionMs: 345_600_000,
    });
    expect((await node('queue:sqs:payments.fifo')).properties).toEqual({
      kind: 'queue',
      fifo: true,
    });
    const audit = await node('queue:sqs:${var.env}-audit');
    expect(audit.properties).toEqual({
      kind: 'queue',
      dynamic: true,
      expression: '${var.env}-audit',
    });
    expect(evidenceOf(audit)).toEqual(['infra/queues.tf:25']);
  });

  it('resolves redrive policies across the module into dead-letter routes', async () => {
    const scan = await scanFixture('terraform-orders', ['terraform']);
    const orders = single(scan.edges('DEAD_LETTERS_TO', 'orders', 'orders-dlq'));
    expect([orders.properties, evidenceOf(orders)]).toEqual([
      { maxReceiveCount: 5 },
      ['infra/queues.tf:10'],
    ]);
    // A heredoc JSON policy with an interpolated reference, the DLQ declared in another file.
    const payments = single(scan.edges('DEAD_LETTERS_TO', 'payments.fifo', 'orders-dlq'));
    expect(payments.properties).toEqual({ maxReceiveCount: 3 });
    expect(evidenceOf(await node('queue:sqs:orders-dlq'))).toEqual(['infra/topics.tf:2']);
  });

  it('reads SNS subscriptions as routes with their filter policy, and Lambda consumers', async () => {
    const scan = await scanFixture('terraform-orders', ['terraform']);
    const route = single(scan.edges('ROUTES_TO', 'order-events', 'orders'));
    expect(route.properties).toEqual({ filterPolicy: '{"type":["order.created"]}' });
    expect(evidenceOf(route)).toEqual(['infra/topics.tf:9']);
    const consumes = single(scan.edges('CONSUMES', 'ship-orders', 'orders'));
    expect([consumes.technology, consumes.properties]).toEqual(['sqs', { batch: 10 }]);
  });

  it('reads scheduled EventBridge rules as schedules of the function they target', async () => {
    const scan = await scanFixture('terraform-orders', ['terraform']);
    const schedule = single(scan.edges('SCHEDULES', undefined, 'nightly-report'));
    expect(schedule.properties).toEqual({
      schedule: 'cron(0 3 * * ? *)',
      scheduleKind: 'cron',
      scheduler: 'serverless-schedule',
    });
    expect(evidenceOf(schedule)).toEqual(['infra/topics.tf:30']);
  });

  it('reads Kinesis shards and Pub/Sub subscriptions with dead-letter policy and ordering', async () => {
    const scan = await scanFixture('terraform-orders', ['terraform']);
    expect((await node('topic:kinesis:clicks')).properties).toEqual({
      kind: 'stream',
      shards: 4,
      retentionMs: 172_800_000,
    });
    expect((await node('queue:gcp-pubsub:billing-invoices')).properties).toEqual({
      kind: 'queue',
      ackDeadlineSeconds: 30,
      ordering: 'ordering key',
      filter: 'attributes.region = "eu"',
    });
    expect(scan.edges('ROUTES_TO', 'invoices', 'billing-invoices')).toHaveLength(1);
    const dead = single(scan.edges('DEAD_LETTERS_TO', 'billing-invoices', 'invoices-dead'));
    expect([dead.properties, evidenceOf(dead)]).toEqual([
      { maxDeliveryAttempts: 10 },
      ['infra/gcp/pubsub.tf:17'],
    ]);
    expect(scan.diagnostics.map((d) => `${d.severity} ${d.file ?? ''}:${String(d.line)}`)).toEqual([
      'note infra/topics.tf:44',
    ]);
  });

  it('finds nothing in buckets and tables, and reports a broken file with its line', async () => {
    const scan = await scanFixture('terraform-negative', ['terraform']);
    expect(scan.graph.nodes).toEqual([]);
    expect(scan.diagnostics).toEqual([
      {
        severity: 'warning',
        repository: 'terraform-negative',
        file: 'broken.tf',
        line: 3,
        message: 'HCL syntax error: block is never closed; file not read',
      },
    ]);
  });
});
