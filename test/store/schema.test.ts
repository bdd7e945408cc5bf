import { describe, expect, test } from 'vitest';
import { EDGE_TYPES, NODE_LABELS } from '../../src/model/graph.js';
import { coerce, kuzuDdl, neo4jConstraints, REL_TABLES } from '../../src/store/schema.js';

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

  test('generates one Neo4j uniqueness constraint per label', () => {
    expect(neo4jConstraints()[1]).toBe(
      'CREATE CONSTRAINT topic_id IF NOT EXISTS FOR (n:Topic) REQUIRE n.id IS UNIQUE',
    );
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
