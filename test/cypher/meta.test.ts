// Every pattern file carries a header, an interpreter and a graph-in, rows-out test.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { interpreters } from '../../src/patterns/interpret.js';
import { loadPatternQueries, parseQueryFile, patternsFolder } from '../../src/patterns/patterns.js';

const testFolder = path.dirname(new URL(import.meta.url).pathname);
const testSources = readdirSync(testFolder)
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => readFileSync(path.join(testFolder, f), 'utf8'))
  .join('\n');

describe('cypher/patterns', async () => {
  const queries = await loadPatternQueries();

  test('holds the queries the taxonomy needs', () => {
    expect(queries.map((q) => q.id)).toEqual([
      'batch-processing',
      'competing-consumers',
      'content-based-routing',
      'cqrs',
      'dead-letter',
      'event-sourcing',
      'exactly-once',
      'fan-out',
      'idempotent-consumer',
      'message-dispatch',
      'message-type-dispatch',
      'orphan-channels',
      'read-models',
      'request-reply',
      'retry',
      'saga',
      'transactional-outbox',
    ]);
  });

  test.each(queries.map((q) => [q.file, q] as const))('%s has a header', (_file, query) => {
    expect(query.title).not.toBe('');
    expect(query.why.length).toBeGreaterThan(20);
    expect(query.requires).not.toBe('');
    expect(query.finds.length).toBeGreaterThan(0);
  });

  test.each(queries.map((q) => q.id))('%s has an interpreter and a rows-out test', (id) => {
    expect(interpreters[id]).toBeTypeOf('function');
    expect(testSources).toContain(`runPattern(store, '${id}')`);
  });

  test('no interpreter is left without its query file', () => {
    expect(Object.keys(interpreters).sort()).toEqual(queries.map((q) => q.id));
  });

  test('a header without its fields is refused', () => {
    expect(() => parseQueryFile('x.cypher', '// id: x\nMATCH (n) RETURN n.id AS id')).toThrow(
      /lacks title, why, requires, finds/,
    );
    const wrongId = '// id: y\n// title: t\n// why: w\n// requires: r\n// finds: retry\n';
    expect(() => parseQueryFile('x.cypher', wrongId)).toThrow(/header id must be x/);
  });

  test('the folder is found from the project root', () => {
    expect(readdirSync(patternsFolder()).length).toBe(queries.length);
  });
});
