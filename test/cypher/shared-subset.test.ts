import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { systemFolder } from '../../src/patterns/flows.js';
import { patternsFolder } from '../../src/patterns/patterns.js';
import { sharedSubsetProblems } from '../../src/patterns/shared-subset.js';

const files = [patternsFolder(), systemFolder()].flatMap((folder) =>
  readdirSync(folder)
    .filter((f) => f.endsWith('.cypher'))
    .sort()
    .map((f) => path.join(folder, f)),
);

describe('every pattern and system file stays in the Cypher Neo4j 5 and Kùzu share', () => {
  test.each(files)('%s', (file) => {
    expect(sharedSubsetProblems(readFileSync(file, 'utf8'))).toEqual([]);
  });
});

const ok = 'MATCH (n:Topic) RETURN n.id AS id ORDER BY id';

describe('the lint rejects constructs outside the subset', () => {
  test('accepts a plain ordered read, ignoring comments and strings', () => {
    expect(sharedSubsetProblems(`// type( CALL { in a comment\n${ok}`)).toEqual([]);
    expect(
      sharedSubsetProblems("MATCH (n) WHERE n.name = 'type(x) [0]' RETURN n.id AS id ORDER BY id"),
    ).toEqual([]);
  });

  test.each([
    ['type()', 'MATCH (a)-[r]->(b) RETURN type(r) AS t ORDER BY t', /type\(\)/],
    [
      'labels() in a comparison',
      "MATCH (n) WHERE labels(n) = 'Topic' RETURN n.id AS id ORDER BY id",
      /labels\(\)/,
    ],
    [
      'labels() with IN',
      "MATCH (n) WHERE 'Topic' IN labels(n) RETURN n.id AS id ORDER BY id",
      /labels\(\)/,
    ],
    [
      '[0] indexing',
      'MATCH (n) WITH collect(n.id) AS ids RETURN ids[0] AS first ORDER BY first',
      /indexing/,
    ],
    [
      'a slice',
      'MATCH (n) WITH collect(n.id) AS ids RETURN ids[1..2] AS some ORDER BY some',
      /slicing/,
    ],
    ['CALL { }', 'MATCH (n) CALL { MATCH (m) RETURN m } RETURN n.id AS id ORDER BY id', /CALL/],
    [
      'FOREACH',
      'MATCH (n) FOREACH (x IN [1] | SET n.a = x) RETURN n.id AS id ORDER BY id',
      /FOREACH/,
    ],
    ['SET +=', 'MATCH (n) SET n += $map RETURN n.id AS id ORDER BY id', /SET n \+=/],
    ['a write', "MATCH (n) DELETE n RETURN 'x' AS done ORDER BY done", /read-only/],
    [
      'EXISTS without MATCH',
      'MATCH (n) WHERE EXISTS { (n)-->() } RETURN n.id AS id ORDER BY id',
      /EXISTS/,
    ],
    [
      'WITH ORDER BY without LIMIT',
      'MATCH (n) WITH n ORDER BY n.id RETURN n.id AS id ORDER BY id',
      /LIMIT/,
    ],
    ['an unbounded path', 'MATCH (a)-[*]->(b) RETURN b.id AS id ORDER BY id', /bounds/],
    ['an open upper bound', 'MATCH (a)-[:R*1..]->(b) RETURN b.id AS id ORDER BY id', /bounds/],
    ['a keyword alias', 'MATCH (n) RETURN n.id AS order ORDER BY order', /reserved/],
    [
      'a keyword property',
      'MATCH (n) RETURN n.group AS consumerGroup ORDER BY consumerGroup',
      /reserved/,
    ],
    ['a lower-case keyword', 'match (n) RETURN n.id AS id ORDER BY id', /keyword match/],
    [
      'mixed aggregates',
      'MATCH (n) RETURN count(DISTINCT n.a) AS a, collect(n.b) AS b ORDER BY a',
      /mix/,
    ],
    ['no final ORDER BY', 'MATCH (n) RETURN n.id AS id', /ORDER BY/],
    ['UNION', 'MATCH (n) RETURN n.id AS id UNION MATCH (m) RETURN m.id AS id ORDER BY id', /UNION/],
    ['string ||', "MATCH (n) RETURN n.a || 'x' AS id ORDER BY id", /\|\|/],
    ['toString()', 'MATCH (n) RETURN toString(n.a) AS id ORDER BY id', /conversion/],
    ['two statements', `${ok};\n${ok}`, /one statement/],
  ])('%s', (_name, cypher, problem) => {
    const problems = sharedSubsetProblems(cypher);
    expect(
      problems.some((p) => problem.test(p)),
      problems.join('\n'),
    ).toBe(true);
  });
});
