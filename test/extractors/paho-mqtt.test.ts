import { describe, expect, it } from 'vitest';
import { scanFixture } from '../helpers/scan-fixture.js';

const where = (evidence: { file: string; line: number }[]) =>
  evidence.map((e) => `${e.file}:${String(e.line)}`);

describe('paho-mqtt', () => {
  it('reads subscriptions made in on_connect as consumed by the on_message callback', async () => {
    const scan = await scanFixture('paho-mqtt-sensors', ['paho-mqtt']);
    expect(where(scan.node('Handler', 'on_message').evidence)).toEqual(['sensors/collector.py:13']);
    const telemetry = scan.edges('CONSUMES', 'on_message', 'plant/+/telemetry');
    expect(telemetry[0]?.technology).toBe('mqtt');
    expect(telemetry[0]?.properties).toEqual({ qos: 1 });
    expect(where(telemetry[0]?.evidence ?? [])).toEqual(['sensors/collector.py:9']);
    expect(scan.node('Topic', 'plant/+/telemetry').properties).toMatchObject({ wildcard: true });
    expect(scan.edges('CONSUMES', 'on_message', 'plant/status')[0]?.properties).toEqual({
      qos: 0,
    });
  });

  it('reads a $share subscription as a group on the filter after it', async () => {
    const scan = await scanFixture('paho-mqtt-sensors', ['paho-mqtt']);
    expect(scan.edges('CONSUMES', 'on_message', 'plant/alarms')[0]?.properties).toEqual({
      group: 'alarms',
      qos: 2,
    });
    expect(scan.names('Topic')).not.toContain('$share/alarms/plant/alarms');
  });

  it('gives a filter with its own callback to that callback', async () => {
    const scan = await scanFixture('paho-mqtt-sensors', ['paho-mqtt']);
    expect(
      where(scan.edges('CONSUMES', 'on_firmware', 'plant/firmware')[0]?.evidence ?? []),
    ).toEqual(['sensors/collector.py:28']);
    expect(scan.edges('CONSUMES', 'on_message', 'plant/firmware')).toHaveLength(0);
  });

  it('reads publishes with QoS and retain, from the callback that sends', async () => {
    const scan = await scanFixture('paho-mqtt-sensors', ['paho-mqtt']);
    expect(scan.edges('PUBLISHES', 'on_message', 'plant/alerts')[0]?.properties).toEqual({
      qos: 1,
    });
    const firmware = scan.edges('PUBLISHES', 'paho-mqtt-sensors', 'plant/firmware');
    expect(firmware[0]?.properties).toEqual({ qos: 1, retain: true });
    expect(where(firmware[0]?.evidence ?? [])).toEqual(['sensors/announce.py:9']);
  });

  it('finds nothing for a bare connection or a look-alike hub', async () => {
    const scan = await scanFixture('paho-mqtt-negative', ['paho-mqtt']);
    expect(scan.graph.edges).toEqual([]);
    expect(scan.names('Topic')).toEqual([]);
  });
});
