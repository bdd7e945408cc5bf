// The Kùzu store: the embedded default. It owns its database: rebuilt fresh on every load,
// filled by COPY from JSON files (the parameter path corrupts or crashes on list-of-maps,
// see shared/notes/neo4j-kuzu.md §3.5), queried through prepared statements only.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import createDebug from 'debug';
import kuzu from 'kuzu';
import type { Graph, GraphEdge, GraphNode, NodeLabel } from '../model/graph.js';
import {
  NODE_TABLES,
  REL_TABLES,
  allowsPair,
  kuzuDdl,
  nodeRow,
  owningServices,
  relCopyRow,
  type Row,
} from './schema.js';
import {
  StoreError,
  normalizeRow,
  type LoadSummary,
  type QueryParameters,
  type Store,
  type StoreRow,
} from './store.js';
import { messageOf } from '../errors.js';

const debug = createDebug('eventgraph:store:kuzu');

export const IN_MEMORY = ':memory:';
const DATABASE_FILE = 'graph.kuzu';

export interface KuzuStoreOptions {
  /** Folder that holds the database file (the CLI passes `<out>/.eventgraph/`), or ':memory:'. */
  location: string;
  /** Buffer pool size in bytes; Kùzu otherwise sizes it from the machine's memory. */
  bufferPoolBytes?: number;
}

type KuzuDatabase = InstanceType<typeof kuzu.Database>;
type KuzuConnection = InstanceType<typeof kuzu.Connection>;

export class KuzuStore implements Store {
  private database: KuzuDatabase | null = null;
  private connection: KuzuConnection | null = null;
  private readonly bufferPoolBytes: number;

  constructor(private readonly options: KuzuStoreOptions) {
    this.bufferPoolBytes = options.bufferPoolBytes ?? 512 * 1024 * 1024;
  }

  /** Where the database file lives, or ':memory:'. */
  get databasePath(): string {
    const { location } = this.options;
    return location === IN_MEMORY ? IN_MEMORY : path.join(location, DATABASE_FILE);
  }

  async load(graph: Graph): Promise<LoadSummary> {
    await this.close();
    await this.removeDatabaseFiles();
    const connection = await this.open();
    for (const statement of kuzuDdl()) await this.run(connection, statement, {});

    const folder = await mkdtemp(path.join(os.tmpdir(), 'eventgraph-kuzu-'));
    try {
      return await this.copyGraph(connection, graph, folder);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }

  async query(cypher: string, parameters: QueryParameters = {}): Promise<StoreRow[]> {
    const connection = await this.open();
    const guarded = guardParameters(usedParameters(cypher, parameters));
    for (const [name, value] of Object.entries(guarded)) {
      // Measured: `x IN $p` with a null or empty list kills the process (segfault).
      if (value === null && new RegExp(`\\bIN\\s+\\$${name}\\b`, 'i').test(cypher)) {
        throw new StoreError(
          `Parameter $${name} is used with IN but is null or empty, which crashes Kùzu.`,
          'Skip the query in TypeScript when the list is empty.',
        );
      }
    }
    return this.run(connection, cypher, guarded);
  }

  async close(): Promise<void> {
    const { connection, database } = this;
    this.connection = null;
    this.database = null;
    try {
      if (connection) await connection.close();
    } finally {
      if (database) await database.close();
    }
  }

  private async open(): Promise<KuzuConnection> {
    if (this.connection) return this.connection;
    const target = this.databasePath;
    try {
      if (target !== IN_MEMORY) await mkdir(this.options.location, { recursive: true });
      debug('open %s', target);
      // Uncompressed columns: COPY of 200k rels took a quarter less CPU, for a bigger file.
      const database = new kuzu.Database(target, this.bufferPoolBytes, false);
      await database.init();
      const connection = new kuzu.Connection(database);
      await connection.init();
      this.database = database;
      this.connection = connection;
      return connection;
    } catch (error) {
      throw new StoreError(
        `Could not open the Kùzu database at ${target}: ${messageOf(error)}`,
        'Check that the folder is writable and that no other eventgraph process holds it.',
        { cause: error },
      );
    }
  }

  /** A leftover WAL from a crashed run is replayed on open, so both files go. */
  private async removeDatabaseFiles(): Promise<void> {
    const target = this.databasePath;
    if (target === IN_MEMORY) return;
    for (const file of [target, `${target}.wal`, `${target}.shadow`, `${target}.tmp`]) {
      await rm(file, { recursive: true, force: true });
    }
  }

  /** One COPY per node table and per rel table FROM/TO pair, nodes first. */
  private async copyGraph(
    connection: KuzuConnection,
    graph: Graph,
    folder: string,
  ): Promise<LoadSummary> {
    const copies = new CopyQueue(folder, (cypher) => this.run(connection, cypher, {}));
    try {
      const services = owningServices(graph.nodes, graph.edges);
      const nodes = new Map<NodeLabel, GraphNode[]>(NODE_TABLES.map((label) => [label, []]));
      const labels = new Map<string, NodeLabel>();
      for (const node of graph.nodes) {
        labels.set(node.id, node.label);
        nodes.get(node.label)?.push(node);
      }
      const toNodeRow = (node: GraphNode) => nodeRow(node, services.get(node.id) ?? null);
      for (const [label, list] of nodes) await copies.add(label, list, toNodeRow);

      const skipped: string[] = [];
      const edgesByPair = new Map<string, GraphEdge[]>();
      for (const edge of graph.edges) {
        const from = labels.get(edge.from);
        const to = labels.get(edge.to);
        if (!from || !to) {
          skipped.push(`${edge.id}: endpoint missing from the graph`);
          continue;
        }
        if (!allowsPair(edge.type, from, to)) {
          skipped.push(`${edge.id}: ${edge.type} from ${from} to ${to} is not in the schema`);
          continue;
        }
        const key = pairKey(edge.type, from, to);
        const list = edgesByPair.get(key) ?? [];
        if (list.length === 0) edgesByPair.set(key, list);
        list.push(edge);
      }
      let edges = 0;
      for (const table of REL_TABLES) {
        for (const [from, to] of table.pairs) {
          const list = edgesByPair.get(pairKey(table.type, from, to)) ?? [];
          edges += list.length;
          await copies.add(table.type, list, relCopyRow, { from, to });
        }
      }
      await copies.done();
      if (skipped.length > 0) debug('skipped %d edges: %o', skipped.length, skipped);
      return { nodes: graph.nodes.length, edges, skipped };
    } finally {
      await copies.settled();
    }
  }

  private async run(
    connection: KuzuConnection,
    cypher: string,
    parameters: Record<string, KuzuParameter>,
  ): Promise<StoreRow[]> {
    debug('query %s %o', cypher, parameters);
    try {
      const statement = await connection.prepare(cypher);
      if (!statement.isSuccess()) throw new Error(statement.getErrorMessage());
      const outcome = await connection.execute(statement, parameters);
      const results = Array.isArray(outcome) ? outcome : [outcome];
      const rows: StoreRow[] = [];
      for (const result of results) {
        try {
          for (const row of await result.getAll()) rows.push(normalizeRow(row));
        } finally {
          result.close();
        }
      }
      return rows;
    } catch (error) {
      throw new StoreError(
        `Kùzu query failed: ${messageOf(error)}\n${firstLine(cypher)}`,
        'This is a bug in eventgraph or in a query file; run with DEBUG=eventgraph:* for details.',
        { cause: error },
      );
    }
  }
}

/**
 * COPY statements run one after another, each from a JSON file written once. The next file
 * is written while Kùzu copies the previous one on its own threads.
 */
class CopyQueue {
  private copying: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly folder: string,
    private readonly run: (cypher: string) => Promise<unknown>,
  ) {}

  async add<T>(
    table: string,
    items: readonly T[],
    toRow: (item: T) => Row,
    pair?: { from: NodeLabel; to: NodeLabel },
  ): Promise<void> {
    if (items.length === 0) return;
    const name = pair ? `${table}_${pair.from}_${pair.to}` : table;
    const file = path.join(this.folder, `${name}.json`);
    await writeFile(file, jsonArray(items, toRow), 'utf8');
    await this.copying;
    const options = pair ? ` (from='${pair.from}', to='${pair.to}')` : '';
    // COPY takes no parameters; the path is our own temp file, quoted for safety.
    this.copying = this.run(`COPY ${table} FROM '${file.replaceAll("'", "\\'")}'${options}`);
    // A failure surfaces at the next add or done, not as an unhandled rejection.
    this.copying.catch(() => undefined);
  }

  async done(): Promise<void> {
    await this.copying;
  }

  /** Waits for the last COPY whatever its outcome, before its file is removed. */
  async settled(): Promise<void> {
    await this.copying.catch(() => undefined);
  }
}

/**
 * The rows as one JSON array, made a slice at a time: rows die young instead of 300k of them
 * living until one JSON.stringify, which spent a second in garbage collection.
 */
function jsonArray<T>(items: readonly T[], toRow: (item: T) => Row): string {
  const slices: string[] = [];
  for (let start = 0; start < items.length; start += JSON_SLICE) {
    const rows = items.slice(start, start + JSON_SLICE).map(toRow);
    slices.push(JSON.stringify(rows).slice(1, -1));
  }
  return `[${slices.join(',')}]`;
}

const JSON_SLICE = 5_000;

function pairKey(type: string, from: NodeLabel, to: NodeLabel): string {
  return `${type}\u0000${from}\u0000${to}`;
}

type KuzuParameter = Parameters<KuzuConnection['execute']>[1] extends
  Record<string, infer V> | undefined
  ? V
  : never;

/**
 * Kùzu types a list from its first element and a map from its first row's keys; an empty
 * list crashes `IN`. So: fresh objects, `undefined` and `[]` become null, lists of maps are
 * refused (load through COPY instead).
 */
export function guardParameters(parameters: QueryParameters): Record<string, KuzuParameter> {
  const guarded: Record<string, KuzuParameter> = {};
  for (const [name, value] of Object.entries(parameters)) guarded[name] = guardValue(name, value);
  return guarded;
}

function guardValue(name: string, value: unknown): KuzuParameter {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) {
    if (value.length === 0) return null;
    if (value.some((v) => typeof v === 'object' && v !== null)) {
      throw new StoreError(`Parameter $${name} is a list of maps, which Kùzu mistypes.`);
    }
    const kinds = new Set(value.map((v) => typeof v));
    if (kinds.size > 1) throw new StoreError(`Parameter $${name} mixes value types.`);
    return value.map((v) => guardValue(name, v));
  }
  if (value instanceof Date) return value;
  if (typeof value === 'object') {
    const copy: Record<string, KuzuParameter> = {};
    for (const [key, inner] of Object.entries(value)) copy[key] = guardValue(name, inner);
    return copy;
  }
  if (typeof value === 'function' || typeof value === 'symbol') {
    throw new StoreError(`Parameter $${name} is not a value.`);
  }
  return value as KuzuParameter;
}

/** Kùzu refuses parameters a statement does not name (Neo4j ignores them). */
export function usedParameters(cypher: string, parameters: QueryParameters): QueryParameters {
  const named = new Set([...cypher.matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]));
  return Object.fromEntries(Object.entries(parameters).filter(([name]) => named.has(name)));
}

function firstLine(cypher: string): string {
  const line = cypher.split('\n').find((l) => l.trim() !== '' && !l.trim().startsWith('//'));
  return line?.trim() ?? '';
}
