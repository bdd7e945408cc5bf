// The Neo4j store: many repositories in one database, each scan replacing only its own part.
// A node or edge may be named by several repositories (channels are shared), so each keeps
// one contribution per repository: the item as that repository's scan saw it. Its columns
// are the merge of its contributions, computed the way assembly merges (see mergeNode), and
// it goes away when its last contribution does. Every batch locks its items before it reads
// their contributions, so two scans of different repositories that share a channel serialize
// on it instead of overwriting each other's part.
import { randomUUID } from 'node:crypto';
import createDebug from 'debug';
import neo4j, { type Driver, type ManagedTransaction, type Session } from 'neo4j-driver';
import { mergeEdge, mergeNode, sortEvidence } from '../graph/assemble.js';
import type { EdgeType, Graph, GraphEdge, GraphNode, NodeLabel } from '../model/graph.js';
import { assertReadOnlyText } from './query-guard.js';
import {
  NODE_COLUMNS,
  NODE_TABLES,
  REL_COLUMNS,
  REL_TABLES,
  allowsPair,
  neo4jConstraints,
  nodeRow,
  owningServices,
  relRow,
  type Column,
  type Row,
} from './schema.js';
import {
  CredentialsError,
  DatabaseMissingError,
  QuerySyntaxError,
  StoreError,
  UnreachableError,
  WriteRefusedError,
  normalizeRow,
  type LoadSummary,
  type QueryParameters,
  type Store,
  type StoreRow,
} from './store.js';

const debug = createDebug('eventgraph:store:neo4j');

/** Rows per write transaction; the transaction state lives in the server's heap. */
export const BATCH_ROWS = 10_000;

export interface Neo4jConnection {
  uri: string;
  username: string;
  password: string;
  /** Database name; the server's default when absent. */
  database?: string;
}

interface Contribution<T> {
  repository: string;
  load: string;
  item: T;
  /** Owning service as the contributing scan resolved it (nodes only). */
  owner?: string | null;
}

type Item = GraphNode | GraphEdge;

interface Pending<T extends Item> {
  id: string;
  contributions: Contribution<T>[];
}

export class Neo4jStore implements Store {
  private driver: Driver | null = null;
  private schemaReady = false;

  constructor(private readonly connection: Neo4jConnection) {}

  /** The address with any user info removed, for messages. */
  get address(): string {
    return redactUri(this.connection.uri);
  }

  /** Connects, checks the credentials and the database; the first call of every command. */
  async open(): Promise<void> {
    if (this.driver) return;
    const { uri, username, password } = this.connection;
    let driver: Driver;
    try {
      driver = neo4j.driver(uri, neo4j.auth.basic(username, password), {
        disableLosslessIntegers: true,
        connectionTimeout: 5_000,
        maxTransactionRetryTime: 15_000,
        userAgent: 'eventgraph',
      });
    } catch (error) {
      throw this.translate(error, 'connect');
    }
    try {
      debug('connect %s as %s', this.address, username);
      await driver.verifyConnectivity({ database: this.connection.database });
      // verifyConnectivity does not check that the database exists; a trivial read does.
      await driver.executeQuery('RETURN 1 AS ok', {}, this.queryConfig(neo4j.routing.READ));
    } catch (error) {
      await driver.close();
      throw this.translate(error, 'connect');
    }
    this.driver = driver;
  }

  /** Replaces the part of the graph owned by the graph's repositories; others stay. */
  async load(graph: Graph): Promise<LoadSummary> {
    await this.open();
    await this.ensureSchema();
    const load = randomUUID();
    const repositories = graph.repositories.map((r) => r.name);
    const labels = new Map<string, NodeLabel>(graph.nodes.map((n) => [n.id, n.label]));
    const owners = owningServices(graph.nodes, graph.edges);

    for (const label of NODE_TABLES) {
      const nodes = graph.nodes.filter((n) => n.label === label);
      const pending = nodes.map((node) => ({
        id: node.id,
        contributions: contributionsOf(node, repositories, load, owners.get(node.id) ?? null),
      }));
      await this.upsertNodes(label, pending, repositories);
    }

    const skipped: string[] = [];
    let edges = 0;
    for (const table of REL_TABLES) {
      const byPair = new Map<string, GraphEdge[]>();
      for (const edge of graph.edges) {
        if (edge.type !== table.type) continue;
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
        const key = `${from}\u0000${to}`;
        byPair.set(key, [...(byPair.get(key) ?? []), edge]);
      }
      for (const [from, to] of table.pairs) {
        const list = byPair.get(`${from}\u0000${to}`) ?? [];
        edges += list.length;
        const pending = list.map((edge) => ({
          id: edge.id,
          contributions: contributionsOf(edge, repositories, load, undefined),
        }));
        await this.upsertEdges(table.type, from, to, pending, repositories);
      }
    }

    for (const repository of repositories) await this.sweep(repository, load);
    if (skipped.length > 0) debug('skipped %d edges: %o', skipped.length, skipped);
    return { nodes: graph.nodes.length, edges, skipped };
  }

  async query(cypher: string, parameters: QueryParameters = {}): Promise<StoreRow[]> {
    await this.open();
    return this.read(async (tx) => {
      const result = await tx.run(cypher, toNeo4jParameters(parameters));
      return result.records.map((record) => normalizeRow(record.toObject()));
    }, cypher);
  }

  /**
   * A user's ad hoc query: refused unless the text guard passes, EXPLAIN says the plan only
   * reads, and the server accepts it in READ access mode.
   */
  async queryReadOnly(cypher: string, parameters: QueryParameters = {}): Promise<StoreRow[]> {
    assertReadOnlyText(cypher, 'neo4j');
    await this.open();
    const explained = await this.read(
      (tx) => tx.run(`EXPLAIN ${cypher}`, toNeo4jParameters(parameters)),
      cypher,
    );
    const queryType = explained.summary.queryType;
    if (queryType !== 'r') {
      throw new WriteRefusedError(
        `Refused: Neo4j plans this query as ${describeQueryType(queryType)}, not read-only`,
        'eventgraph query runs read-only queries; change the graph by scanning again',
      );
    }
    return this.query(cypher, parameters);
  }

  async close(): Promise<void> {
    const driver = this.driver;
    this.driver = null;
    if (driver) await driver.close();
  }

  /** Removes everything: for tests and benchmarks that need an empty database. */
  async clear(): Promise<void> {
    await this.open();
    for (;;) {
      const deleted = await this.write(async (tx) => {
        const result = await tx.run(
          'MATCH (n) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS deleted',
          { limit: neo4j.int(BATCH_ROWS) },
        );
        return Number(result.records[0]?.get('deleted') ?? 0);
      }, 'clear');
      if (deleted === 0) return;
    }
  }

  // ---- loading --------------------------------------------------------------------------

  private async ensureSchema(): Promise<void> {
    if (this.schemaReady) return;
    const statements = [
      ...neo4jConstraints(),
      ...REL_TABLES.map(
        (t) =>
          `CREATE INDEX ${t.type.toLowerCase()}_id IF NOT EXISTS ` +
          `FOR ()-[r:${t.type}]-() ON (r.id)`,
      ),
    ];
    for (const statement of statements) {
      await this.write((tx) => tx.run(statement), statement);
    }
    await this.write((tx) => tx.run('CALL db.awaitIndexes(300)'), 'CALL db.awaitIndexes');
    this.schemaReady = true;
  }

  private async upsertNodes(
    label: NodeLabel,
    pending: Pending<GraphNode>[],
    replacing: readonly string[],
  ): Promise<void> {
    const lock =
      `UNWIND $ids AS id MERGE (n:${label} {id: id}) SET n.loading = true ` +
      'RETURN n.id AS id, n.contributions AS contributions';
    const update = `UNWIND $rows AS r MATCH (n:${label} {id: r.id}) ${setClause('n', NODE_COLUMNS)}`;
    for (const batch of batches(sortById(pending))) {
      await this.write(async (tx) => {
        const ids = batch.map((p) => p.id);
        const existing = await readContributions<GraphNode>(tx, lock, { ids });
        const rows = batch.map((p) => {
          const kept = (existing.get(p.id) ?? []).filter((c) => !replacing.includes(c.repository));
          return nodeStoreRow(p.id, [...kept, ...p.contributions]);
        });
        await tx.run(update, { rows: rows.map((r) => typedRow(r, NODE_COLUMNS)) });
      }, lock);
    }
  }

  private async upsertEdges(
    type: EdgeType,
    from: NodeLabel,
    to: NodeLabel,
    pending: Pending<GraphEdge>[],
    replacing: readonly string[],
  ): Promise<void> {
    const endpoints = `(a:${from} {id: r.from})-[e:${type} {id: r.id}]->(b:${to} {id: r.to})`;
    const lock =
      `UNWIND $rows AS r MATCH (a:${from} {id: r.from}) MATCH (b:${to} {id: r.to}) ` +
      `MERGE (a)-[e:${type} {id: r.id}]->(b) SET e.loading = true ` +
      'RETURN e.id AS id, e.contributions AS contributions';
    const update = `UNWIND $rows AS r MATCH ${endpoints} ${setClause('e', REL_COLUMNS)}`;
    for (const batch of batches(sortById(pending))) {
      await this.write(async (tx) => {
        const keys = batch.map((p) => endpointsOf(p));
        const existing = await readContributions<GraphEdge>(tx, lock, { rows: keys });
        const rows = batch.map((p) => {
          const kept = (existing.get(p.id) ?? []).filter((c) => !replacing.includes(c.repository));
          return { ...endpointsOf(p), ...edgeStoreRow(p.id, [...kept, ...p.contributions]) };
        });
        await tx.run(update, { rows: rows.map((r) => typedRow(r, REL_COLUMNS)) });
      }, lock);
    }
  }

  /** Drops what this repository contributed in earlier loads and no longer does. */
  private async sweep(repository: string, load: string): Promise<void> {
    const loadKey = `${repository}@${load}`;
    for (const table of REL_TABLES) {
      const stale =
        `MATCH ()-[e:${table.type}]->() WHERE $repository IN e.sourceRepositories ` +
        'AND NOT $loadKey IN e.sourceLoads WITH e LIMIT $limit SET e.loading = true ' +
        'RETURN e.id AS id, e.contributions AS contributions';
      const remove = `UNWIND $ids AS id MATCH ()-[e:${table.type} {id: id}]->() DELETE e`;
      const update =
        `UNWIND $rows AS r MATCH ()-[e:${table.type} {id: r.id}]->() ` +
        setClause('e', REL_COLUMNS);
      await this.sweepBatches<GraphEdge>(stale, repository, loadKey, async (tx, left) => {
        await tx.run(remove, { ids: left.filter((p) => p.contributions.length === 0).map(idOf) });
        const rows = left
          .filter((p) => p.contributions.length > 0)
          .map((p) => typedRow(edgeStoreRow(p.id, p.contributions), REL_COLUMNS));
        await tx.run(update, { rows });
      });
    }
    for (const label of NODE_TABLES) {
      const stale =
        `MATCH (n:${label}) WHERE $repository IN n.sourceRepositories ` +
        'AND NOT $loadKey IN n.sourceLoads WITH n LIMIT $limit SET n.loading = true ' +
        'RETURN n.id AS id, n.contributions AS contributions';
      const remove = `UNWIND $ids AS id MATCH (n:${label} {id: id}) DETACH DELETE n`;
      const update = `UNWIND $rows AS r MATCH (n:${label} {id: r.id}) ${setClause('n', NODE_COLUMNS)}`;
      await this.sweepBatches<GraphNode>(stale, repository, loadKey, async (tx, left) => {
        await tx.run(remove, { ids: left.filter((p) => p.contributions.length === 0).map(idOf) });
        const rows = left
          .filter((p) => p.contributions.length > 0)
          .map((p) => typedRow(nodeStoreRow(p.id, p.contributions), NODE_COLUMNS));
        await tx.run(update, { rows });
      });
    }
  }

  private async sweepBatches<T extends Item>(
    stale: string,
    repository: string,
    loadKey: string,
    apply: (tx: ManagedTransaction, left: Pending<T>[]) => Promise<void>,
  ): Promise<void> {
    for (;;) {
      const count = await this.write(async (tx) => {
        const parameters = { repository, loadKey, limit: neo4j.int(BATCH_ROWS) };
        const found = await readContributions<T>(tx, stale, parameters);
        const left = [...found].map(([id, list]) => ({
          id,
          contributions: list.filter((c) => c.repository !== repository),
        }));
        if (left.length > 0) await apply(tx, left);
        return left.length;
      }, stale);
      if (count < BATCH_ROWS) return;
    }
  }

  // ---- sessions and errors --------------------------------------------------------------

  private queryConfig(routing: 'READ' | 'WRITE') {
    return { routing, database: this.connection.database };
  }

  private async read<T>(work: (tx: ManagedTransaction) => Promise<T>, cypher: string) {
    return this.withSession(neo4j.session.READ, (s) => s.executeRead(work), cypher);
  }

  private async write<T>(work: (tx: ManagedTransaction) => Promise<T>, cypher: string) {
    return this.withSession(neo4j.session.WRITE, (s) => s.executeWrite(work), cypher);
  }

  private async withSession<T>(
    mode: 'READ' | 'WRITE',
    work: (session: Session) => Promise<T>,
    cypher: string,
  ): Promise<T> {
    if (!this.driver) throw new StoreError('The Neo4j store is not open.');
    debug('%s %s', mode, firstLine(cypher));
    const session = this.driver.session({
      defaultAccessMode: mode,
      database: this.connection.database,
    });
    try {
      return await work(session);
    } catch (error) {
      throw this.translate(error, firstLine(cypher));
    } finally {
      await session.close();
    }
  }

  /** A driver error as one of our named errors; never mentions the password. */
  private translate(error: unknown, context: string): StoreError {
    if (error instanceof StoreError) return error;
    const code = (error as { code?: unknown } | null)?.code;
    const message = error instanceof Error ? error.message : String(error);
    const where = `Neo4j at ${this.address}`;
    const database = this.connection.database ?? 'the default database';
    const options = { cause: error };
    switch (code) {
      case 'ServiceUnavailable':
      case 'SessionExpired':
        return new UnreachableError(
          `${where} did not answer`,
          'start it (docker compose up -d) or give the right address with --neo4j or NEO4J_URI',
          options,
        );
      case 'Neo.ClientError.Security.Unauthorized':
      case 'Neo.ClientError.Security.AuthenticationRateLimit':
      case 'Neo.ClientError.Security.CredentialsExpired':
        return new CredentialsError(
          `${where} refused the credentials of user "${this.connection.username}"`,
          'check NEO4J_USERNAME and NEO4J_PASSWORD',
          options,
        );
      case 'Neo.ClientError.Database.DatabaseNotFound':
        return new DatabaseMissingError(
          `${where} has no database "${database}"`,
          'set NEO4J_DATABASE to an existing database (Neo4j Community has only "neo4j")',
          options,
        );
      case 'Neo.ClientError.Statement.SyntaxError':
        return new QuerySyntaxError(
          `Neo4j could not parse the query: ${message.split('\n')[0] ?? ''}`,
          'fix the Cypher; eventgraph query --example lists working queries',
          options,
        );
      case 'Neo.ClientError.Statement.AccessMode':
      case 'Neo.ClientError.Security.Forbidden':
        return new WriteRefusedError(
          `Refused by Neo4j: ${message.split('\n')[0] ?? ''}`,
          'eventgraph query runs read-only queries; change the graph by scanning again',
          options,
        );
      default:
        return new StoreError(
          `Neo4j failed (${context}): ${message.split('\n')[0] ?? ''}`,
          'run with --debug for the statement that failed',
          options,
        );
    }
  }
}

// ---- contributions ----------------------------------------------------------------------

/** One contribution per scanned repository with evidence for the item, else its own. */
function contributionsOf<T extends Item>(
  item: T,
  repositories: readonly string[],
  load: string,
  owner: string | null | undefined,
): Contribution<T>[] {
  const named = repositories.filter((r) => item.evidence.some((e) => e.repository === r));
  const list = named.length > 0 ? named : [item.repository];
  return list.map((repository) => ({
    repository,
    load,
    item: {
      ...item,
      evidence: named.length > 0 ? item.evidence.filter((e) => e.repository === repository) : [],
    },
    ...(owner === undefined ? {} : { owner }),
  }));
}

function byRepository<T>(list: readonly Contribution<T>[]): Contribution<T>[] {
  return [...list].sort((a, b) =>
    a.repository < b.repository ? -1 : a.repository > b.repository ? 1 : 0,
  );
}

/** The node's columns from its contributions, plus the bookkeeping that finds them again. */
function nodeStoreRow(id: string, contributions: Contribution<GraphNode>[]): StoredRow {
  const ordered = byRepository(contributions);
  const merged = new Map<string, GraphNode>();
  for (const c of ordered) mergeNode(merged, { ...c.item, id });
  const node = sortEvidence(merged.get(id) ?? missing(id));
  const owner = ordered.map((c) => c.owner ?? null).find((o) => o !== null) ?? null;
  return { ...nodeRow(node, owner), ...bookkeeping(ordered) };
}

function edgeStoreRow(id: string, contributions: Contribution<GraphEdge>[]): StoredRow {
  const ordered = byRepository(contributions);
  const merged = new Map<string, GraphEdge>();
  for (const c of ordered) mergeEdge(merged, { ...c.item, id });
  return { ...relRow(sortEvidence(merged.get(id) ?? missing(id))), ...bookkeeping(ordered) };
}

function missing(id: string): never {
  throw new StoreError(`Internal error: ${id} has no contribution left to store.`);
}

type BookkeepingRow = Record<string, string[]>;
/** Schema columns plus the bookkeeping lists, as written to Neo4j. */
type StoredRow = Row | Record<string, Row[string] | string[]>;

function bookkeeping(list: readonly Contribution<Item>[]): BookkeepingRow {
  return {
    sourceRepositories: list.map((c) => c.repository),
    sourceLoads: list.map((c) => `${c.repository}@${c.load}`),
    contributions: list.map((c) => JSON.stringify(c)),
  };
}

async function readContributions<T extends Item>(
  tx: ManagedTransaction,
  cypher: string,
  parameters: Record<string, unknown>,
): Promise<Map<string, Contribution<T>[]>> {
  const result = await tx.run(cypher, parameters);
  const found = new Map<string, Contribution<T>[]>();
  for (const record of result.records) {
    const id = record.get('id') as string;
    const texts = (record.get('contributions') as string[] | null) ?? [];
    found.set(
      id,
      texts.map((t) => JSON.parse(t) as Contribution<T>),
    );
  }
  return found;
}

// ---- rows and parameters ----------------------------------------------------------------

const BOOKKEEPING = ['sourceRepositories', 'sourceLoads', 'contributions'];

function setClause(variable: string, columns: readonly Column[]): string {
  const names = [...columns.map((c) => c.name).filter((n) => n !== 'id'), ...BOOKKEEPING];
  const assignments = names.map((name) => `${variable}.${name} = r.${name}`);
  return `SET ${[...assignments, `${variable}.loading = null`].join(', ')}`;
}

/** INT64 columns as Neo4j integers; a plain JS number would be stored as a float. */
function typedRow(row: Record<string, unknown>, columns: readonly Column[]) {
  const typed: Record<string, unknown> = { ...row };
  for (const column of columns) {
    const value = row[column.name];
    if (column.type === 'INT64' && typeof value === 'number') typed[column.name] = neo4j.int(value);
  }
  return typed;
}

/** Safe integers become Neo4j integers (LIMIT $n fails on a float); the rest as given. */
export function toNeo4jParameters(parameters: QueryParameters): Record<string, unknown> {
  const convert = (value: unknown): unknown => {
    if (typeof value === 'number' && Number.isSafeInteger(value)) return neo4j.int(value);
    if (typeof value === 'bigint') return neo4j.int(value.toString());
    if (Array.isArray(value)) return value.map(convert);
    if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v)]));
    }
    return value;
  };
  return Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, convert(v)]));
}

function endpointsOf(pending: Pending<GraphEdge>) {
  const item = pending.contributions[0]?.item ?? missing(pending.id);
  return { id: pending.id, from: item.from, to: item.to };
}

function sortById<T extends { id: string }>(list: readonly T[]): T[] {
  // A fixed lock order keeps two concurrent loads from deadlocking on shared items.
  return [...list].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function* batches<T>(list: readonly T[]): Generator<T[]> {
  for (let start = 0; start < list.length; start += BATCH_ROWS) {
    yield list.slice(start, start + BATCH_ROWS);
  }
}

function idOf(item: { id: string }): string {
  return item.id;
}

function describeQueryType(queryType: string): string {
  const names: Record<string, string> = { rw: 'read-write', w: 'write-only', s: 'a schema change' };
  return names[queryType] ?? `type "${queryType}"`;
}

/** A URI without user info, safe to print. */
export function redactUri(uri: string): string {
  try {
    const url = new URL(uri);
    url.username = '';
    url.password = '';
    return url.toString().replace(/\/$/, '');
  } catch {
    return uri.replace(/\/\/[^@/]*@/, '//');
  }
}

function firstLine(cypher: string): string {
  const line = cypher.split('\n').find((l) => l.trim() !== '' && !l.trim().startsWith('//'));
  return line?.trim() ?? '';
}
