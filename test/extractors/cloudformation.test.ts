import { describe, expect, it } from 'vitest';
import { evidenceOf, scanFixture, single } from '../helpers/scan-fixture.js';

describe('cloudformation', () => {
  it('reads serverless.yml function events as consumers of the handler', async () => {
    const scan = await scanFixture('cloudformation-shipping', ['cloudformation']);
    const ship = single(scan.edges('CONSUMES', 'src/ship.handler', 'shipments'));
    expect([ship.to, ship.properties, evidenceOf(ship)]).toEqual([
      'queue:sqs:shipments',
      { batch: 10 },
      ['serverless.yml:11'],
    ]);
    expect(single(scan.edges('CONSUMES', 'src/notify.handler', 'shipment-events')).to).toBe(
      'topic:sns:shipment-events',
    );
    const bus = single(scan.edges('CONSUMES', 'src/notify.handler', 'logistics'));
    expect([bus.to, bus.properties]).toEqual([
      'topic:eventbridge:logistics',
      { eventPattern: '{"source":["carrier.tracking"]}' },
    ]);
  });

  it('reads schedules of serverless and SAM functions', async () => {
    const scan = await scanFixture('cloudformation-shipping', ['cloudformation']);
    const sweep = single(scan.edges('SCHEDULES', undefined, 'src/sweep.handler'));
    expect([sweep.properties, evidenceOf(sweep)]).toEqual([
      { schedule: 'rate(15 minutes)', scheduleKind: 'interval', scheduler: 'serverless-schedule' },
      ['serverless.yml:25'],
    ]);
    const nightly = single(scan.edges('SCHEDULES', undefined, 'returns.process'));
    expect(nightly.properties.schedule).toBe('cron(0 2 * * ? *)');
    expect(scan.node('Job', 'returns.process').technology).toBe('serverless-schedule');
  });

  it('resolves !GetAtt in redrive policies and SNS subscriptions, keeping dynamic names', async () => {
    const scan = await scanFixture('cloudformation-shipping', ['cloudformation']);
    const shipments = scan.node('Queue', 'shipments');
    expect([shipments.properties, evidenceOf(shipments)]).toEqual([
      { kind: 'queue', visibilityTimeoutSeconds: 120 },
      ['serverless.yml:32'],
    ]);
    const dlq = single(scan.edges('DEAD_LETTERS_TO', 'shipments'));
    expect([dlq.to, dlq.properties]).toEqual([
      'queue:sqs:${self:service}-${sls:stage}-dlq',
      { maxReceiveCount: 4 },
    ]);
    expect(scan.node('Queue', '${self:service}-${sls:stage}-dlq').properties).toMatchObject({
      dynamic: true,
    });
    expect(single(scan.edges('ROUTES_TO', 'returns', 'returns-inbox')).evidence).toHaveLength(1);
    expect(single(scan.edges('CONSUMES', 'returns.process', 'returns-inbox')).properties).toEqual({
      batch: 5,
    });
  });

  it('finds nothing in templates without messaging resources or events', async () => {
    const scan = await scanFixture('cloudformation-negative', ['cloudformation']);
    expect(scan.graph.nodes).toEqual([]);
    expect(scan.diagnostics).toEqual([]);
  });
});
