import { describe, expect, it } from 'vitest';
import { evidenceOf, scanFixture, single, type FixtureScan } from '../helpers/scan-fixture.js';

describe('mqtt', () => {
  let scan: FixtureScan;

  it('finds topics and filters as written, flagging + and # levels', async () => {
    scan = await scanFixture('mqtt-telemetry', ['mqtt']);
    expect(scan.diagnostics).toEqual([]);
    expect(scan.names('Topic')).toEqual([
      '`devices/${device}/commands`',
      'alarms/#',
      'alarms/overheat',
      'firmware/ack',
      'firmware/latest',
      'firmware/status',
      'logs/device',
      'sensors/+/reading',
    ]);
    expect(scan.node('Topic', 'sensors/+/reading').properties).toEqual({
      kind: 'topic',
      wildcard: true,
    });
    expect(scan.node('Topic', 'alarms/overheat').properties).toEqual({ kind: 'topic' });
  });

  it('gives the message listener every topic its client subscribes to in another module', () => {
    const handler = scan.node('Handler', 'onMessage');
    expect(evidenceOf(handler)).toEqual(['src/handlers.js:3']);
    expect(handler.properties).toEqual({});
    const consumed = scan
      .edges('CONSUMES', 'onMessage')
      .map((e) => [scan.graph.nodes.find((n) => n.id === e.to)?.name, e.properties, evidenceOf(e)]);
    expect(consumed).toEqual(
      expect.arrayContaining([
        ['sensors/+/reading', { qos: 1 }, ['src/subscriptions.js:4']],
        ['alarms/#', { qos: 2 }, ['src/subscriptions.js:5']],
        ['firmware/status', { qos: 0 }, ['src/subscriptions.js:5']],
        ['logs/device', { group: 'loggers' }, ['src/subscriptions.js:6']],
      ]),
    );
    expect(consumed).toHaveLength(4);
  });

  it('names an inline listener after its client', () => {
    const edge = single(scan.edges('CONSUMES', 'watcher message', 'firmware/ack'));
    expect(evidenceOf(edge)).toEqual(['src/firmware.ts:11']);
    expect(evidenceOf(scan.node('Handler', 'watcher message'))).toEqual(['src/firmware.ts:12']);
  });

  it('reads a $share subscription as its group and keeps the written filter', () => {
    expect(scan.node('Topic', 'logs/device').properties).toMatchObject({
      expression: '$share/loggers/logs/device',
    });
  });

  it('publishes with qos and retain, from the listener when inside it', () => {
    const alarm = single(scan.edges('PUBLISHES', 'onMessage', 'alarms/overheat'));
    expect(alarm.properties).toEqual({ qos: 2, retain: true });
    expect(evidenceOf(alarm)).toEqual(['src/handlers.js:6']);
    const latest = single(scan.edges('PUBLISHES', 'telemetry-gateway', 'firmware/latest'));
    expect(latest.properties).toEqual({ qos: 1, retain: true });
    const command = single(
      scan.edges('PUBLISHES', 'telemetry-gateway', '`devices/${device}/commands`'),
    );
    expect(scan.graph.nodes.find((n) => n.id === command.to)?.properties).toMatchObject({
      dynamic: true,
    });
  });
});

describe('mqtt negatives', () => {
  it('reports nothing for connect and error listeners, an EventEmitter or a look-alike', async () => {
    const scan = await scanFixture('mqtt-negative', ['mqtt']);
    expect(scan.graph.nodes).toEqual([]);
    expect(scan.graph.edges).toEqual([]);
  });
});
