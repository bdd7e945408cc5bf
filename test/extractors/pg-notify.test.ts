import { describe, expect, it } from 'vitest';
import { evidenceOf, scanFixture, single, type FixtureScan } from '../helpers/scan-fixture.js';

describe('pg LISTEN/NOTIFY', () => {
  let scan: FixtureScan;

  it('finds channels in NOTIFY, pg_notify and LISTEN statements', async () => {
    scan = await scanFixture('pg-notify-jobs', ['pg-notify']);
    expect(scan.diagnostics).toEqual([]);
    expect(scan.names('Topic')).toEqual([
      'catalog_events',
      'price_changed',
      'search_reindex',
      'stock_low',
    ]);
    expect(scan.node('Topic', 'stock_low').properties).toEqual({ kind: 'channel' });
    expect(
      scan.graph.nodes.every((n) => n.label !== 'Topic' || n.technology === 'postgres-notify'),
    );
  });

  it('names a parameterised pg_notify channel by each caller of the wrapper', () => {
    const edge = single(scan.edges('PUBLISHES', 'catalog-service', 'price_changed'));
    expect(evidenceOf(edge)).toEqual(['src/prices.ts:11']);
    expect(edge.properties).toEqual({ via: 'src/db.ts:11' });
    expect(evidenceOf(single(scan.edges('CARRIES', 'price_changed', 'PriceChanged')))).toEqual([
      'src/prices.ts:11',
    ]);
  });

  it('reads NOTIFY in a template and pg_notify in a query config object', () => {
    expect(evidenceOf(single(scan.edges('PUBLISHES', 'catalog-service', 'stock_low')))).toEqual([
      'src/prices.ts:15',
    ]);
    expect(
      evidenceOf(single(scan.edges('PUBLISHES', 'catalog-service', 'catalog_events'))),
    ).toEqual(['src/prices.ts:16']);
  });

  it('gives the notification listener every channel its client LISTENs to', () => {
    expect(evidenceOf(scan.node('Handler', 'onNotification'))).toEqual(['src/listener.ts:6']);
    const consumed = scan.edges('CONSUMES', 'onNotification').map((e) => evidenceOf(e)[0]);
    expect(consumed.sort()).toEqual([
      'src/listener.ts:16',
      'src/listener.ts:17',
      'src/listener.ts:17',
    ]);
    expect(scan.edges('CONSUMES', 'onNotification', 'stock_low')).toHaveLength(1);
  });

  it('names a channel LISTENed through a method parameter by its caller', () => {
    const edge = single(scan.edges('CONSUMES', 'this.client notification', 'search_reindex'));
    expect(evidenceOf(edge)).toEqual(['src/reindex.ts:16']);
    expect(scan.names('Topic')).not.toContain('channel');
  });

  it('leaves the UPDATE beside the notify alone', () => {
    expect(scan.edges('PUBLISHES')).toHaveLength(3);
  });
});

describe('pg-notify negatives', () => {
  it('reports nothing for ordinary SQL, pool events or a look-alike query method', async () => {
    const scan = await scanFixture('pg-notify-negative', ['pg-notify']);
    expect(scan.graph.nodes).toEqual([]);
    expect(scan.graph.edges).toEqual([]);
  });
});
