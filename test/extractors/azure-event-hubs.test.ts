import { describe, expect, it } from 'vitest';
import { evidenceOf, scanFixture, single, type FixtureScan } from '../helpers/scan-fixture.js';

describe('azure-event-hubs', () => {
  let scan: FixtureScan;

  it('names hubs by the client argument or the EntityPath of a literal connection', async () => {
    scan = await scanFixture('azure-event-hubs-telemetry', ['azure-event-hubs']);
    expect(scan.names('Topic')).toEqual(['audit', 'telemetry']);
    expect(scan.node('Topic', 'telemetry').properties).toMatchObject({
      override: 'TELEMETRY_HUB',
    });
    // The connection string holds a key: it is not kept as the name's expression.
    expect(scan.node('Topic', 'audit').properties.expression).toBeUndefined();
    expect(scan.diagnostics).toEqual([]);
  });

  it('publishes batches with the partition key of the batch', () => {
    const edge = single(scan.edges('PUBLISHES', 'telemetry', 'telemetry'));
    expect(edge.properties).toEqual({ batch: true, key: 'deviceId' });
    expect(evidenceOf(edge)).toEqual(['src/producer.ts:16']);
    expect(evidenceOf(single(scan.edges('PUBLISHES', 'telemetry', 'audit')))).toEqual([
      'src/producer.ts:22',
    ]);
  });

  it('consumes in the client consumer group, with a checkpoint store or without', () => {
    const alerts = single(scan.edges('CONSUMES', 'raiseAlerts', 'telemetry'));
    expect(alerts.properties).toEqual({ group: 'alerts', batch: true, prefetch: 50 });
    expect(evidenceOf(alerts)).toEqual(['src/consumer.ts:12']);
    const archive = single(scan.edges('CONSUMES', '$Default processEvents', 'telemetry'));
    expect(archive.properties).toEqual({ group: '$Default', batch: true });
  });

  it('finds nothing in metadata calls and a look-alike sendBatch', async () => {
    const negative = await scanFixture('azure-event-hubs-negative', ['azure-event-hubs']);
    expect(negative.graph.nodes.filter((n) => n.label !== 'Service')).toEqual([]);
    expect(negative.graph.edges.filter((e) => e.type !== 'CONTAINS')).toEqual([]);
  });
});
