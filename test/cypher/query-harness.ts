// Graph in, rows out: load a tiny graph into an in-memory Kùzu and run one pattern file.
// Rows are made comparable: lists sorted (collect has no order; nulls last), evidence JSON shown as
// `file:line`, and Kùzu's null for an empty collect shown as [] like Neo4j returns.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Evidence, Graph } from '../../src/model/graph.js';
import { KuzuStore } from '../../src/store/kuzu-store.js';
import type { StoreRow, StoreValue } from '../../src/store/store.js';
import { patternsFolder } from '../../src/patterns/patterns.js';

export function patternQuery(id: string): string {
  return readFileSync(path.join(patternsFolder(), `${id}.cypher`), 'utf8');
}

export async function openStore(graph: Graph): Promise<KuzuStore> {
  const store = new KuzuStore({ location: ':memory:', bufferPoolBytes: 128 * 1024 * 1024 });
  await store.load(graph);
  return store;
}

export async function runPattern(store: KuzuStore, id: string): Promise<Record<string, unknown>[]> {
  return (await store.query(patternQuery(id))).map(tidy);
}

const EVIDENCE_COLUMN = /evidence$/i;

export function tidy(row: StoreRow): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    result[key] = EVIDENCE_COLUMN.test(key) ? readableEvidence(value) : sortLists(value);
  }
  return result;
}

function sortLists(value: StoreValue): unknown {
  if (!Array.isArray(value)) return value;
  const key = (v: unknown): string => (typeof v === 'string' ? v : `\uffff${JSON.stringify(v)}`);
  return value.map(sortLists).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function readableEvidence(value: StoreValue): string[] {
  const texts = Array.isArray(value) ? value : [value];
  const lines = texts
    .filter((t): t is string => typeof t === 'string')
    .flatMap((t) => (JSON.parse(t) as Evidence[]).map((e) => `${e.file}:${String(e.line)}`));
  return [...new Set(lines)].sort();
}
