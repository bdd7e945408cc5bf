// The Cypher box's path: the shared text guard (src/store/query-guard.ts, also used by
// `eventgraph query`), then the scan's store opened read-only, rows cut at a limit.
// Known gap: `serve --neo4j` is not wired yet; it should reuse the query command's Neo4j path.
import { assertReadOnlyText, type Engine } from '../store/query-guard.js';
import type { Store, StoreRow, StoreValue } from '../store/store.js';

/** The most rows the page receives; more are cut and reported as truncated. */
export const ROW_LIMIT = 1000;

export interface QueryAnswer {
  columns: string[];
  rows: StoreRow[];
  truncated: boolean;
  /** Every string in the rows, for the page to highlight those that are node ids. */
  nodeIds: string[];
}

export async function runReadOnlyQuery(
  store: Store,
  cypher: string,
  engine: Engine = 'kuzu',
  limit = ROW_LIMIT,
): Promise<QueryAnswer> {
  assertReadOnlyText(cypher, engine);
  const all = await store.query(cypher.trim().replace(/;\s*$/, ''));
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
