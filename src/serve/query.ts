// The Cypher box runs through the same read-only paths as `eventgraph query`: Kùzu opened
// read-only in a READ ONLY transaction, or Neo4j in READ mode after an EXPLAIN; both behind
// the shared text guard. This module only cuts the rows and names the strings in them.
import { queryKuzuReadOnly } from '../store/kuzu-read-only.js';
import { Neo4jStore, type Neo4jConnection } from '../store/neo4j-store.js';
import type { StoreRow, StoreValue } from '../store/store.js';

/** The most rows the page receives; more are cut and reported as truncated. */
export const ROW_LIMIT = 1000;
const QUERY_TIMEOUT_MS = 10_000;

export type ReadOnlyRunner = (cypher: string) => Promise<StoreRow[]>;

export interface QueryAnswer {
  columns: string[];
  rows: StoreRow[];
  truncated: boolean;
  /** Every string in the rows, for the page to highlight those that are node ids. */
  nodeIds: string[];
}

/** The scan's embedded store in `<out>/.eventgraph/`. */
export function kuzuRunner(storeFolder: string): ReadOnlyRunner {
  return (cypher) =>
    queryKuzuReadOnly({ location: storeFolder, queryTimeoutMs: QUERY_TIMEOUT_MS }, cypher);
}

export function neo4jRunner(connection: Neo4jConnection): ReadOnlyRunner {
  return async (cypher) => {
    const store = new Neo4jStore(connection);
    try {
      return await store.queryReadOnly(cypher);
    } finally {
      await store.close();
    }
  };
}

export async function answerQuery(
  run: ReadOnlyRunner,
  cypher: string,
  limit = ROW_LIMIT,
): Promise<QueryAnswer> {
  const all = await run(cypher);
  const rows = all.slice(0, limit);
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  return { columns, rows, truncated: all.length > limit, nodeIds: [...stringsIn(rows)].sort() };
}

function stringsIn(rows: readonly StoreRow[]): Set<string> {
  const found = new Set<string>();
  const visit = (value: StoreValue): void => {
    if (typeof value === 'string') found.add(value);
    else if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(visit);
  };
  for (const row of rows) Object.values(row).forEach(visit);
  return found;
}
