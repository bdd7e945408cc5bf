// A queue declared with options or arguments built outside the scanned code may have a
// dead-letter route the scan cannot see; the queue records what it could not read.
import { describe, expect, it } from 'vitest';
import { scanFixture } from '../helpers/scan-fixture.js';

describe('queue arguments the scan cannot read', () => {
  it('pika keeps the unread arguments expression on the queue', async () => {
    const scan = await scanFixture('pika-external-arguments', ['pika']);
    expect(scan.node('Queue', 'work').properties).toEqual({
      kind: 'queue',
      durable: true,
      unresolvedArguments: 'settings.WORK_QUEUE_ARGUMENTS',
    });
    expect(scan.node('Queue', 'audit').properties).toEqual({ kind: 'queue', durable: true });
  });

  it('amqplib keeps the unread options expression on the queue', async () => {
    const scan = await scanFixture('amqplib-external-options', ['amqplib']);
    expect(scan.node('Queue', 'work').properties).toEqual({
      kind: 'queue',
      unresolvedArguments: "queueOptions('work')",
    });
    expect(scan.node('Queue', 'audit').properties).toEqual({ kind: 'queue', durable: true });
  });
});
