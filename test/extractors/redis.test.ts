import { beforeAll, describe, expect, it } from 'vitest';
import { evidenceOf, scanFixture, single, type FixtureScan } from '../helpers/scan-fixture.js';

describe('redis pub/sub', () => {
  let scan: FixtureScan;
  beforeAll(async () => {
    scan = await scanFixture('redis-pubsub', ['redis']);
  });

  it('follows clients made lazily by static getters of a class extending ioredis', () => {
    expect(scan.names('Topic')).toEqual(['`rooms:${roomId}`', 'presence:changed', 'rooms:*']);
    const published = single(scan.edges('PUBLISHES', 'presence', 'presence:changed'));
    expect(published.technology).toBe('redis-pubsub');
    expect(evidenceOf(published)).toEqual(['src/presence.ts:5']);
    expect(scan.node('Topic', '`rooms:${roomId}`').properties).toEqual({
      kind: 'channel',
      dynamic: true,
      expression: 'channel',
    });
    expect(scan.diagnostics).toEqual([]);
  });

  it("names the handler after the client's message listener", () => {
    const consumed = single(scan.edges('CONSUMES', 'onPresence', 'presence:changed'));
    expect(consumed.properties).toEqual({});
    expect(evidenceOf(consumed)).toEqual(['src/listener.ts:9']);
  });

  it('keeps a pattern subscription as its pattern, flagged', () => {
    expect(scan.node('Topic', 'rooms:*').properties).toEqual({ kind: 'channel', pattern: true });
    const consumed = single(scan.edges('CONSUMES', 'onRoomMessage', 'rooms:*'));
    expect(consumed.properties).toEqual({ pattern: true });
    expect(evidenceOf(consumed)).toEqual(['src/listener.ts:11']);
  });
});

describe('redis streams', () => {
  let scan: FixtureScan;
  beforeAll(async () => {
    scan = await scanFixture('redis-streams', ['redis']);
  });

  it('publishes with XADD and PUBLISH on a node-redis client', () => {
    const added = single(scan.edges('PUBLISHES', 'orders', 'orders:events'));
    expect(added.technology).toBe('redis-streams');
    expect(evidenceOf(added)).toEqual(['src/produce.ts:6']);
    expect(scan.node('Topic', 'orders:events').properties).toEqual({ kind: 'stream' });
    expect(single(scan.edges('PUBLISHES', 'orders', 'newsletter')).technology).toBe('redis-pubsub');
  });

  it('reads consumer groups, with manual acknowledgement when the group XACKs', () => {
    const billing = single(scan.edges('CONSUMES', 'billOrders', 'orders:events'));
    expect(billing.properties).toEqual({ group: 'billing', ack: 'manual' });
    expect(evidenceOf(billing)).toEqual(['src/billing.ts:7']);
    expect(scan.node('Handler', 'billOrders').properties).toEqual({ group: 'billing' });
    expect(single(scan.edges('CONSUMES', 'auditOrders', 'orders:events')).properties).toEqual({
      group: 'auditors',
    });
    expect(single(scan.edges('CONSUMES', 'tailOrders', 'orders:events')).properties).toEqual({});
  });

  it('takes the listener of a node-redis subscribe()', () => {
    const consumed = single(scan.edges('CONSUMES', 'newsletter subscriber', 'newsletter'));
    expect(evidenceOf(consumed)).toEqual(['src/billing.ts:17']);
  });
});

describe('redis negatives', () => {
  it('reports nothing for Redis used as a cache, nor for publish/on/subscribe of others', async () => {
    const scan = await scanFixture('redis-negative', ['redis']);
    expect(scan.graph.nodes).toEqual([]);
    expect(scan.graph.edges).toEqual([]);
  });
});
