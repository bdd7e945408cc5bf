// Reading store rows: lists that may be null (Kùzu) or empty (Neo4j), evidence kept as JSON
// text in the store, ids made readable for one-line summaries.
import type { Evidence } from '../model/graph.js';
import type { StoreRow, StoreValue } from '../store/store.js';

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function text(row: StoreRow, column: string): string | null {
  const value = row[column];
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function numberOf(row: StoreRow, column: string): number {
  const value = row[column];
  return typeof value === 'number' ? value : 0;
}

/** A list column; Kùzu returns null where Neo4j returns an empty list. */
export function strings(row: StoreRow, column: string): string[] {
  const value: StoreValue | undefined = row[column];
  if (!Array.isArray(value)) return [];
  return value.filter((v): v is string => typeof v === 'string');
}

/** Sorted, de-duplicated ids, nulls dropped. */
export function subjects(...lists: (string | null | string[])[]): string[] {
  const all = lists.flatMap((l) => (l === null ? [] : Array.isArray(l) ? l : [l]));
  return [...new Set(all)].sort(compare);
}

/** Evidence from columns holding JSON evidence lists (one string or a list of strings). */
export function evidenceOf(row: StoreRow, ...columns: string[]): Evidence[] {
  const found: Evidence[] = [];
  for (const column of columns) {
    const value = row[column];
    const texts = Array.isArray(value) ? value : [value];
    for (const json of texts) {
      if (typeof json !== 'string') continue;
      for (const evidence of JSON.parse(json) as Evidence[]) found.push(evidence);
    }
  }
  return uniqueEvidence(found);
}

export function uniqueEvidence(list: readonly Evidence[]): Evidence[] {
  const byKey = new Map<string, Evidence>();
  for (const e of list) byKey.set(`${e.repository}\u0000${e.file}\u0000${String(e.line)}`, e);
  return [...byKey.values()].sort(
    (a, b) => compare(a.repository, b.repository) || compare(a.file, b.file) || a.line - b.line,
  );
}

/** A readable name for an id used as an audience: a service's folder or repository. */
export function displayName(id: string): string {
  const service = /^service:([^:]+):(.+)$/.exec(id);
  if (service?.[1] !== undefined && service[2] !== undefined) {
    return service[2] === '.' ? service[1] : (service[2].split('/').pop() ?? service[2]);
  }
  return id;
}
