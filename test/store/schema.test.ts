import { describe, expect, test } from 'vitest';
import { EDGE_TYPES, NODE_LABELS } from '../../src/model/graph.js';
import {
  coerce,
  kuzuDdl,
  neo4jConstraints,
  nodeRow,
  nodeColumns,
  relColumns,
  REL_TABLES,
  relCopyRow,
  relRow,
} from '../../src/store/schema.js';

describe('the stored schema', () => {
  test('has one rel table per edge type of the vocabulary', () => {
    expect(REL_TABLES.map((t) => t.type)).toEqual([...EDGE_TYPES]);
  });

  test('generates Kùzu DDL with every FROM/TO pair', () => {
    const ddl = kuzuDdl();
    expect(ddl).toHaveLength(NODE_LABELS.length + EDGE_TYPES.length);
    expect(ddl[0]).toMatch(
      /^CREATE NODE TABLE Service\(id STRING, kind STRING, .*PRIMARY KEY\(id\)\)$/,
    );
    const publishes = ddl.find((d) => d.startsWith('CREATE REL TABLE PUBLISHES('));
    expect(publishes?.match(/FROM \w+ TO \w+/g)).toEqual([
      'FROM Service TO Topic',
      'FROM Service TO Queue',
      'FROM Handler TO Topic',
      'FROM Handler TO Queue',
      'FROM Job TO Topic',
      'FROM Job TO Queue',
    ]);
    expect(ddl.join('\n')).not.toMatch(/\bgroup\b/);
  });

  test('generates one Neo4j uniqueness constraint per label and per rel type', () => {
    const constraints = neo4jConstraints();
    expect(constraints).toHaveLength(NODE_LABELS.length + EDGE_TYPES.length);
    expect(constraints[1]).toBe(
      'CREATE CONSTRAINT topic_id IF NOT EXISTS FOR (n:Topic) REQUIRE n.id IS UNIQUE',
    );
    expect(constraints).toContain(
      'CREATE CONSTRAINT publishes_id_unique IF NOT EXISTS ' +
        'FOR ()-[r:PUBLISHES]-() REQUIRE r.id IS UNIQUE',
    );
  });

  test('builds rows with exactly the schema keys, in schema order', () => {
    const evidence = [{ repository: 'shop', file: 'src/a.ts', line: 3 }];
    const node = nodeRow(
      {
        id: 'topic:kafka:orders',
        label: 'Topic',
        name: 'orders',
        technology: 'kafka',
        repository: 'shop',
        service: null,
        properties: { kind: 'topic', group: ['a', 'b'], concurrency: '4' },
        evidence,
      },
      'service:shop:.',
    );
    expect(Object.keys(node)).toEqual(nodeColumns('Topic').map((c) => c.name));
    expect(node).toMatchObject({
      channelKind: 'topic',
      dynamic: false,
      service: 'service:shop:.',
      evidence: JSON.stringify(evidence),
    });
    const edge = {
      id: 'PUBLISHES:a->b',
      type: 'PUBLISHES' as const,
      from: 'a',
      to: 'b',
      technology: null,
      repository: 'shop',
      properties: { attempts: 3 },
      evidence,
    };
    expect(Object.keys(relRow(edge))).toEqual(relColumns('PUBLISHES').map((c) => c.name));
    const copy = relCopyRow(edge);
    expect(Object.keys(copy)).toEqual([
      'from',
      'to',
      ...relColumns('PUBLISHES').map((c) => c.name),
    ]);
    expect(copy).toMatchObject({ from: 'a', to: 'b', kind: 'PUBLISHES', attempts: 3 });
  });

  test('gives each table only the columns its label or type can fill', () => {
    const names = (columns: readonly { name: string }[]) => columns.map((c) => c.name);
    expect(names(nodeColumns('Handler'))).toEqual(
      expect.arrayContaining(['consumerGroup', 'concurrency', 'prefetch', 'retry']),
    );
    expect(names(nodeColumns('Topic'))).not.toContain('consumerGroup');
    expect(names(nodeColumns('Event'))).toEqual([
      'id',
      'kind',
      'name',
      'technology',
      'repository',
      'service',
      'dynamic',
      'properties',
      'evidence',
    ]);
    expect(names(relColumns('CONSUMES'))).toContain('consumerGroup');
    expect(names(relColumns('PUBLISHES'))).not.toContain('consumerGroup');
    expect(names(relColumns('SCHEDULES'))).toEqual([
      'id',
      'kind',
      'technology',
      'repository',
      'schedule',
      'scheduleKind',
      'properties',
      'evidence',
    ]);
    const handler = nodeRow(
      {
        id: 'handler:shop:a.ts#onOrder',
        label: 'Handler',
        name: 'onOrder',
        technology: 'kafka',
        repository: 'shop',
        service: null,
        properties: { group: ['a', 'b'], concurrency: '4' },
        evidence: [],
      },
      null,
    );
    expect(handler).toMatchObject({ consumerGroup: 'a, b', concurrency: 4 });
    expect(handler).not.toHaveProperty('channelKind');
  });

  test('coerces merged property values to the column type', () => {
    expect(coerce(['2', '8', 'x'], 'INT64')).toBe(8);
    expect(coerce('4', 'INT64')).toBe(4);
    expect(coerce(['false', 'true'], 'BOOLEAN')).toBe(true);
    expect(coerce(['a', 'b'], 'STRING')).toBe('a, b');
    expect(coerce([], 'STRING')).toBeNull();
    expect(coerce(undefined, 'BOOLEAN')).toBeNull();
  });
});
