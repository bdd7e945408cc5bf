import { describe, expect, it } from 'vitest';
import { evidenceOf, scanFixture, single, type FixtureScan } from '../helpers/scan-fixture.js';

describe('amqp-connection-manager', () => {
  let scan: FixtureScan;

  it("reads the topology a setup function declares on the wrapper's channel", async () => {
    scan = await scanFixture('amqp-connection-manager-notifications', ['amqp-connection-manager']);
    expect(scan.diagnostics).toEqual([]);
    expect(scan.node('Topic', 'notifications').properties).toMatchObject({
      kind: 'exchange',
      exchangeType: 'topic',
      durable: true,
    });
    const route = single(scan.edges('ROUTES_TO', 'notifications', 'notifications.email'));
    expect(route.properties).toEqual({ routingKey: 'email.*' });
    expect(evidenceOf(route)).toEqual(['src/rabbit.js:17']);
    const deadLetter = single(
      scan.edges('DEAD_LETTERS_TO', 'notifications.email', 'notifications.dlx'),
    );
    expect(evidenceOf(deadLetter)).toEqual(['src/rabbit.js:13']);
  });

  it('takes prefetch and consume from the setup channel', () => {
    const edge = single(scan.edges('CONSUMES', 'sendEmail', 'notifications.email'));
    expect(edge.properties).toEqual({ ack: 'manual', prefetch: 10 });
    expect(evidenceOf(scan.node('Handler', 'sendEmail'))).toEqual(['src/rabbit.js:23']);
  });

  it("reads the wrapper's publish and sendToQueue in another module", () => {
    const edge = single(scan.edges('PUBLISHES', 'notifications', 'notifications'));
    expect(edge.properties).toEqual({ persistent: true, routingKey: 'email.welcome' });
    expect(evidenceOf(edge)).toEqual(['src/publish.js:4']);
    const sms = single(scan.edges('PUBLISHES', 'notifications', 'notifications.sms'));
    expect(evidenceOf(sms)).toEqual(['src/publish.js:8']);
  });

  it('follows a wrapper kept in a class field to the setup it adds', () => {
    const edge = single(
      scan.edges('CONSUMES', 'notifications.receipts consumer', 'notifications.receipts'),
    );
    expect(edge.properties).toEqual({ ack: 'manual' });
    expect(evidenceOf(edge)).toEqual(['src/receipts.ts:16']);
    expect(scan.node('Queue', 'notifications.receipts').properties).toEqual({
      kind: 'queue',
      durable: true,
    });
  });

  it('reads a setup added with addSetup, once with the amqplib extractor alongside', async () => {
    expect(evidenceOf(scan.node('Queue', 'audit.events'))).toEqual(['src/typed.ts:9']);
    const both = await scanFixture('amqp-connection-manager-notifications', [
      'amqplib',
      'amqp-connection-manager',
    ]);
    expect(both.graph.edges).toEqual(scan.graph.edges);
  });
});

describe('amqp-connection-manager negatives', () => {
  it('reports nothing for an idle connection, a look-alike or NestJS RMQ options', async () => {
    const scan = await scanFixture('amqp-connection-manager-negative', ['amqp-connection-manager']);
    expect(scan.graph.nodes).toEqual([]);
    expect(scan.graph.edges).toEqual([]);
  });
});
