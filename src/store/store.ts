// The contract every graph store implements: Kùzu embedded now, Neo4j later. Callers load a
// Graph once, then run read-only queries whose rows come back as plain JSON values.
import { EXIT, EventgraphError } from '../errors.js';
import type { Graph } from '../model/graph.js';

/** Exit code for a database that cannot be opened, loaded or queried. */
export const STORE_EXIT_CODE = EXIT.database;

export type StoreValue = null | boolean | number | string | StoreValue[] | StoreRecord;
export interface StoreRecord {
  [key: string]: StoreValue;
}
export type StoreRow = Record<string, StoreValue>;

export type QueryParameters = Record<string, unknown>;

export interface LoadSummary {
  nodes: number;
  edges: number;
  /** Edges whose endpoints the schema does not allow, as `id: reason`; not loaded. */
  skipped: string[];
}

export interface Store {
  /** Replaces whatever the store held with this graph. */
  load(graph: Graph): Promise<LoadSummary>;
  /** Runs one read-only statement; values normalized (BigInt → number, Date → ISO string). */
  query(cypher: string, parameters?: QueryParameters): Promise<StoreRow[]>;
  close(): Promise<void>;
}

export class StoreError extends EventgraphError {
  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, STORE_EXIT_CODE, hint);
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

/** Neo4j refused the user name or password. Never carries the password. */
export class CredentialsError extends StoreError {}

/** Nothing answered at the database address; exit 4 so scripts can wait and retry. */
export class UnreachableError extends StoreError {
  override readonly exitCode: number = EXIT.unreachable;
}

/** The server answered but has no database of that name. */
export class DatabaseMissingError extends StoreError {}

/** The engine could not parse a query; for an ad hoc query this is the user's to fix. */
export class QuerySyntaxError extends StoreError {
  override readonly exitCode: number = EXIT.usage;
}

/** A query that would write, load files or change settings, refused by the read-only path. */
export class WriteRefusedError extends StoreError {
  override readonly exitCode: number = EXIT.usage;
}

/** Plain JSON values from whatever an engine returns. */
export function normalizeValue(value: unknown): StoreValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') {
    const asNumber = Number(value);
    return Number.isSafeInteger(asNumber) ? asNumber : value.toString();
  }
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') {
    return value;
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(normalizeValue);
  if (typeof value === 'object') {
    const record: StoreRecord = {};
    for (const [key, inner] of Object.entries(value)) record[key] = normalizeValue(inner);
    return record;
  }
  // Functions and symbols have no JSON form; their description is all a reader can use.
  return typeof value === 'symbol' ? value.toString() : typeof value;
}

export function normalizeRow(row: Record<string, unknown>): StoreRow {
  const result: StoreRow = {};
  for (const [key, value] of Object.entries(row)) result[key] = normalizeValue(value);
  return result;
}
