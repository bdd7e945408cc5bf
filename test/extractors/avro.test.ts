import { describe, expect, it } from 'vitest';
import { evidenceOf, scanFixture, single } from '../helpers/scan-fixture.js';
import { verdictOf } from '../../src/export/graph-json.js';
import { documentedOnly } from '../../src/model/contract.js';

describe('avro', () => {
  it('enriches the event code publishes with the Avro record of the same name', async () => {
    const scan = await scanFixture('avro-events', ['avro', 'kafkajs']);
    const shipped = scan.node('Event', 'OrderShipped');
    expect(shipped.id).toBe('event:avro-events:OrderShipped');
    expect(shipped.properties).toMatchObject({
      contract: 'avro',
      contractFile: 'schemas/order-shipped.avsc',
      namespace: 'com.example.shipping.v2',
      version: '2',
    });
    expect([...(shipped.properties.fields as string[])].sort()).toEqual([
      'address',
      'carrier',
      'orderId',
      'shippedAt',
    ]);
    expect(evidenceOf(shipped)).toEqual(['schemas/order-shipped.avsc:3', 'src/events.ts:1']);
    expect(documentedOnly(shipped)).toBe(false);
    expect(evidenceOf(single(scan.edges('CARRIES', 'shipping.shipped', 'OrderShipped')))).toEqual([
      'src/publish.ts:7',
    ]);
  });

  it('reads full names, written versions and JSON Schema event files; nested records are types', async () => {
    const scan = await scanFixture('avro-events', ['avro']);
    expect(scan.names('Event')).toEqual(['DeliveryFailed', 'OrderShipped', 'ParcelLost']);
    const lost = scan.node('Event', 'ParcelLost');
    expect(lost.properties).toEqual({
      fields: ['parcelId', 'lastSeen'],
      contract: 'avro',
      contractFile: 'schemas/parcel-lost.avsc',
      namespace: 'com.example.shipping',
      version: '1',
    });
    const failed = scan.node('Event', 'DeliveryFailed');
    expect(failed.properties).toEqual({
      fields: ['orderId', 'reason', 'version'],
      contract: 'json-schema',
      contractFile: 'events/delivery-failed.schema.json',
      version: '1',
    });
    expect(evidenceOf(failed)).toEqual(['events/delivery-failed.schema.json:4']);
    // Schemas alone are documented intent: nothing here is event-driven.
    expect(scan.graph.nodes.filter((n) => n.label === 'Event').every(documentedOnly)).toBe(true);
    expect(verdictOf(scan.graph)).toBe('none');
    expect(scan.diagnostics.map((d) => `${d.file ?? ''}:${String(d.line)} ${d.message}`)).toEqual([
      'schemas/broken.avsc:2 YAML: Flow map in block collection must be sufficiently indented ' +
        'and end with a }',
    ]);
  });

  it('reads no event from schemas not marked as events, enums or data files', async () => {
    const scan = await scanFixture('avro-negative');
    expect(scan.graph.nodes.filter((n) => n.label !== 'Service')).toEqual([]);
    expect(scan.diagnostics).toEqual([]);
  });
});
