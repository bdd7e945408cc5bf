import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { KuzuStore } from '../../src/store/kuzu-store.js';
import { StoreError } from '../../src/store/store.js';
import { GraphBuilder } from '../cypher/graph-builder.js';

const POOL = 128 * 1024 * 1024;

function smallGraph() {
  const b = new GraphBuilder();
  const billing = b.service('billing');
  const orders = b.topic('orders.created');
  const onOrder = b.handler(billing, 'onOrder', {
    group: 'billing',
    concurrency: ['2', '4'],
    batch: true,
  });
  b.edge('CONSUMES', onOrder, orders, { group: 'billing' });
  b.edge('PUBLISHES', billing, orders, { retry: 'attempts=3' });
  const job = b.job('send_invoice');
  b.edge('CONTAINS', billing, job);
  return b;
}

describe('KuzuStore in memory', () => {
  const store = new KuzuStore({ location: ':memory:', bufferPoolBytes: POOL });
  let summary: unknown;
  beforeAll(async () => {
    summary = await store.load(smallGraph().build());
  });
  afterAll(() => store.close());

  test('loads every node and edge with promoted columns', async () => {
    expect(summary).toEqual({ nodes: 4, edges: 4, skipped: [] });
    const rows = await store.query(
      'MATCH (h:Handler)-[c:CONSUMES]->(t:Topic) ' +
        'RETURN h.consumerGroup AS consumerGroup, h.concurrency AS concurrency, h.batch AS batch, ' +
        't.channelKind AS channelKind, t.dynamic AS dynamic, c.evidence AS evidence',
    );
    expect(rows).toEqual([
      {
        consumerGroup: 'billing',
        concurrency: 4,
        batch: true,
        channelKind: 'topic',
        dynamic: false,
        evidence: JSON.stringify([{ repository: 'shop', file: 'edges/consumes.ts', line: 5 }]),
      },
    ]);
  });

  test('gives a Job the Service that contains it', async () => {
    const rows = await store.query('MATCH (j:Job) RETURN j.service AS service');
    expect(rows).toEqual([{ service: 'service:shop:billing' }]);
  });

  test('normalizes BigInt sums to numbers', async () => {
    const rows = await store.query('MATCH (h:Handler) RETURN sum(h.concurrency) AS total');
    expect(rows).toEqual([{ total: 4 }]);
  });

  test('turns an empty list parameter into null and drops unused parameters', async () => {
    const rows = await store.query('RETURN $ids IS NULL AS missing', { ids: [], unused: 1 });
    expect(rows).toEqual([{ missing: true }]);
  });

  test('refuses a null or empty list used with IN instead of crashing', async () => {
    await expect(
      store.query('MATCH (n) WHERE n.id IN $ids RETURN n.id AS id', { ids: [] }),
    ).rejects.toThrow(/used with IN/);
  });

  test('refuses a list of maps', async () => {
    await expect(
      store.query('UNWIND $rows AS r RETURN r.id AS id', { rows: [{ id: 'a' }] }),
    ).rejects.toBeInstanceOf(StoreError);
  });

  test('turns engine errors into StoreError', async () => {
    await expect(store.query('MATCH (n:Nope) RETURN n.id AS id')).rejects.toThrow(
      /Kùzu query failed/,
    );
  });

  test('skips edges the schema does not allow', async () => {
    const b = new GraphBuilder();
    const a = b.topic('a');
    const c = b.topic('c');
    b.edge('ROUTES_TO', a, c);
    const summary = await store.load(b.build());
    expect(summary.skipped).toEqual([
      'ROUTES_TO:topic:kafka:a->topic:kafka:c: ROUTES_TO from Topic to Topic is not in the schema',
    ]);
  });
});

describe('KuzuStore on disk', () => {
  let folder = '';
  beforeAll(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'eventgraph-store-test-'));
  });
  afterAll(() => rm(folder, { recursive: true, force: true }));

  test('rebuilds fresh on each load, ignoring a leftover WAL', async () => {
    const first = new KuzuStore({ location: folder, bufferPoolBytes: POOL });
    try {
      await first.load(smallGraph().build());
    } finally {
      await first.close();
    }
    await writeFile(path.join(folder, 'graph.kuzu.wal'), 'garbage');

    const second = new KuzuStore({ location: folder, bufferPoolBytes: POOL });
    try {
      await second.load(smallGraph().build());
      await second.load(smallGraph().build());
      const rows = await second.query('MATCH (n) RETURN count(*) AS nodes');
      expect(rows).toEqual([{ nodes: 4 }]);
    } finally {
      await second.close();
    }
    expect((await readdir(folder)).filter((f) => !f.startsWith('graph.kuzu'))).toEqual([]);
  });
});
