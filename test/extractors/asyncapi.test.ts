import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evidenceOf, scanFixture, single } from '../helpers/scan-fixture.js';
import { verdictOf } from '../../src/export/graph-json.js';
import { documentedOnly } from '../../src/model/contract.js';
import { renderReport } from '../../src/report/render.js';
import { buildViewModel } from '../../src/report/view-model.js';

describe('asyncapi', () => {
  it('merges a 2.x message with the event code publishes on the same topic', async () => {
    const scan = await scanFixture('asyncapi-orders', ['asyncapi', 'kafkajs']);
    const placed = scan.node('Event', 'OrderPlaced');
    expect(placed.id).toBe('event:asyncapi-orders:OrderPlaced');
    expect(placed.properties).toMatchObject({
      contract: 'asyncapi',
      contractFile: 'asyncapi.yaml',
      version: '2',
      metadataFields: ['correlationId', 'traceparent'],
    });
    expect([...(placed.properties.fields as string[])].sort()).toEqual([
      'customerId',
      'orderId',
      'placedAt',
      'total',
    ]);
    expect(evidenceOf(placed)).toEqual(['asyncapi.yaml:30', 'src/events.ts:2']);
    expect(documentedOnly(placed)).toBe(false);

    const topic = scan.node('Topic', 'orders.placed');
    expect(topic.id).toBe('topic:kafka:orders.placed');
    expect(topic.properties).toMatchObject({
      contract: 'asyncapi',
      documentedOperations: ['subscribe onOrderPlaced'],
    });
    expect(evidenceOf(topic)).toEqual(['asyncapi.yaml:10', 'src/kafka.ts:8']);
    expect(documentedOnly(topic)).toBe(false);
    // The publisher comes from code only; the contract adds no producer or consumer.
    expect(evidenceOf(single(scan.edges('PUBLISHES', undefined, 'orders.placed')))).toEqual([
      'src/kafka.ts:8',
    ]);
    expect(scan.edges('CONSUMES')).toEqual([]);
    const carries = scan.edges('CARRIES', 'orders.placed', 'OrderPlaced');
    expect(carries.map((e) => [e.properties.contract ?? null, evidenceOf(e)])).toEqual([
      [null, ['src/kafka.ts:8']],
      ['asyncapi', ['asyncapi.yaml:30']],
    ]);
  });

  it('marks channels and events only a contract names as documented only', async () => {
    const scan = await scanFixture('asyncapi-orders', ['asyncapi', 'kafkajs']);
    const cancelled = scan.node('Topic', 'orders.cancelled');
    expect(documentedOnly(cancelled)).toBe(true);
    expect(evidenceOf(cancelled)).toEqual(['asyncapi.yaml:16']);
    const event = scan.node('Event', 'OrderCancelled');
    expect(documentedOnly(event)).toBe(true);
    expect(event.properties.fields).toEqual(['orderId', 'reason']);
    const parameterised = scan.node('Topic', 'customers/{customerId}/orders');
    expect(parameterised.properties).toMatchObject({
      dynamic: true,
      documentedOperations: ['publish'],
    });
    expect(scan.names('Topic')).toEqual([
      'customers/{customerId}/orders',
      'orders.cancelled',
      'orders.placed',
    ]);

    const report = renderReport(buildViewModel(scan.graph, [], []));
    const start = report.indexOf('Documented in contracts, not found in code');
    const documented = report.slice(start, report.indexOf('###', start));
    expect(documented).toContain('`orders.cancelled` (kafka topic; contract=`asyncapi`)');
    expect(documented).toContain(
      '`OrderCancelled` (event; contract=`asyncapi`; payload `orderId`, `reason`)',
    );
    expect(documented).not.toContain('`orders.placed`');
    // Implemented nodes only in the summary, providers and an event's channels.
    expect(report).toContain('Found 1 channel (1 topic) and 1 event type across 1 service.');
    expect(report).toContain('| `kafka` | broker | 1 topic |');
    expect(report).toContain('metadata `correlationId`, `traceparent`; on `orders.placed` — ');
  });

  it('follows local $refs only: remote refs and cycles become notes', async () => {
    const scan = await scanFixture('asyncapi-orders', ['asyncapi']);
    expect(scan.diagnostics.map((d) => `${d.severity} ${String(d.line)} ${d.message}`)).toEqual([
      'note 22 $ref https://schemas.example.com/orders/refund.yaml#/RefundIssued is not in ' +
        'this document; not fetched',
      'note 69 $ref #/components/schemas/Loop loops or nests too deep; not followed',
    ]);
  });

  it('reads 3.x channels by address, operations by channel $ref, and protocols per server', async () => {
    const scan = await scanFixture('asyncapi-v3', ['asyncapi']);
    const readings = scan.node('Topic', 'sensors/readings');
    expect(readings.id).toBe('topic:mqtt:sensors/readings');
    expect(readings.properties).toEqual({
      kind: 'topic',
      contract: 'asyncapi',
      contractFile: 'contracts/telemetry.asyncapi.json',
      documentedOperations: ['send publishReading'],
    });
    expect(evidenceOf(readings)).toEqual(['contracts/telemetry.asyncapi.json:10']);
    const alerts = scan.node('Queue', 'alerts.high');
    expect(alerts.id).toBe('queue:rabbitmq:alerts.high');
    expect(alerts.properties.documentedOperations).toEqual(['receive watchAlerts']);
    const reading = scan.node('Event', 'SensorReading');
    expect(reading.properties).toMatchObject({
      fields: ['sensorId', 'value', 'version'],
      version: '3',
    });
    expect(scan.node('Event', 'AlertRaised').properties.fields).toEqual(['sensorId', 'level']);
    expect(single(scan.edges('CARRIES', 'alerts.high', 'AlertRaised')).technology).toBe('rabbitmq');
    expect(scan.edges('PUBLISHES')).toEqual([]);
    expect(scan.diagnostics.map((d) => `${d.file ?? ''}:${String(d.line)} ${d.message}`)).toEqual([
      'contracts/broken.asyncapi.json:4 YAML: Flow map in block collection must be sufficiently ' +
        'indented and end with a }',
      'contracts/telemetry.asyncapi.json:29 channel replies has no address; not recorded',
    ]);
  });

  it('leaves a repository with only a contract at no event-driven patterns', async () => {
    const scan = await scanFixture('asyncapi-v3');
    expect(scan.graph.nodes.some((n) => n.label === 'Topic')).toBe(true);
    expect(verdictOf(scan.graph)).toBe('none');
    const view = buildViewModel(scan.graph, [], []);
    expect(view.verdict).toBe('none');
    expect(renderReport(view).trim()).toBe('no event-driven patterns');
  });

  it('reads nothing from OpenAPI, package.json or YAML that merely has channels', async () => {
    const scan = await scanFixture('asyncapi-negative');
    expect(scan.graph.nodes.filter((n) => n.label !== 'Service')).toEqual([]);
    expect(scan.diagnostics).toEqual([]);
  });

  it('gives a note for a huge document and a $ref chain too deep, and scans on', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'asyncapi-hostile-'));
    try {
      const chain = Array.from(
        { length: 20 },
        (_, i) => `    S${String(i)}:\n      $ref: '#/components/schemas/S${String(i + 1)}'`,
      ).join('\n');
      const deep = [
        'asyncapi: 2.6.0',
        'servers:',
        '  main: { url: nats://nats:4222, protocol: nats }',
        'channels:',
        '  jobs.done:',
        '    subscribe:',
        '      message:',
        '        name: JobDone',
        "        payload: { $ref: '#/components/schemas/S0' }",
        'components:',
        '  schemas:',
        chain,
      ].join('\n');
      const lines = Array.from({ length: 30_000 }, (_, i) => `  k${String(i)}: some value`);
      const huge = ['asyncapi: 3.0.0', 'info:', ...lines].join('\n');
      await writeFile(path.join(root, 'deep.yaml'), `${deep}\n`);
      await writeFile(path.join(root, 'huge.yaml'), huge);
      const scan = await scanFixture(root, ['asyncapi']);
      expect(scan.node('Topic', 'jobs.done').id).toBe('topic:nats:jobs.done');
      expect(scan.node('Event', 'JobDone').properties.fields).toEqual([]);
      expect(scan.diagnostics.map((d) => `${d.file ?? ''}:${String(d.line)} ${d.message}`)).toEqual(
        [
          'huge.yaml:undefined larger than 512 KiB; not read',
          'deep.yaml:43 $ref #/components/schemas/S16 loops or nests too deep; not followed',
        ],
      );
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
