import { describe, expect, it } from 'vitest';
import { evidenceOf, scanFixture } from '../helpers/scan-fixture.js';

describe('event-emitter', () => {
  it('follows a shared bus and an exported EventEmitter2 singleton across modules', async () => {
    const scan = await scanFixture('event-emitter-bus', ['event-emitter']);
    const name = (id: string) => scan.graph.nodes.find((n) => n.id === id)?.name;
    const rows = scan.graph.edges
      .filter((e) => e.type === 'PUBLISHES' || e.type === 'CONSUMES')
      .map((e) => [e.type, name(e.from), name(e.to), ...evidenceOf(e)].join(' '))
      .sort();
    expect(rows).toEqual([
      'CONSUMES order.cancelled listener order.cancelled src/notifications/listeners.ts:11',
      'CONSUMES recordEntry audit.confirmation_sent src/audit/log.js:12',
      'CONSUMES sendConfirmation order.created src/notifications/listeners.ts:10',
      // A listener that emits publishes as itself.
      'PUBLISHES sendConfirmation audit.confirmation_sent src/notifications/listeners.ts:7',
      'PUBLISHES shop-api order.cancelled src/orders/service.ts:14',
      'PUBLISHES shop-api order.created src/orders/service.ts:9',
    ]);
    const topics = scan.graph.nodes.filter((n) => n.label === 'Topic');
    expect(topics.map((t) => [t.name, t.technology, t.properties.kind]).sort()).toEqual([
      ['audit.confirmation_sent', 'in-process', 'topic'],
      ['order.cancelled', 'in-process', 'topic'],
      ['order.created', 'in-process', 'topic'],
    ]);
    expect(evidenceOf(scan.node('Handler', 'sendConfirmation'))).toEqual([
      'src/notifications/listeners.ts:5',
    ]);
  });

  it('leaves out process, stream, socket, request, server, DOM and private emitters', async () => {
    const scan = await scanFixture('event-emitter-negative', ['event-emitter']);
    expect(scan.graph.nodes.filter((n) => n.label !== 'Service')).toEqual([]);
    expect(scan.graph.edges).toEqual([]);
  });
});
