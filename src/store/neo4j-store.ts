// The Neo4j store: many repositories in one database, each scan replacing only its own part.
// A node or edge may be named by several repositories (channels are shared), so each keeps
// one contribution per repository: the item as that repository's scan saw it. Its columns
// are the merge of its contributions, computed the way assembly merges (see mergeNode), and
// it goes away when its last contribution does. A load first takes its repositories' part
// out, then creates what no other repository has in large batches and merges the rest.
// Every batch locks the items it reads contributions of, so two scans of different
// repositories that share a channel serialize on it instead of overwriting each other's part.
import createDebug from 'debug';
import neo4j, { type Driver, type ManagedTransaction, type Session } from 'neo4j-driver';
import { mergeEdge, mergeNode, sortEvidence } from '../graph/assemble.js';
import type { EdgeType, Graph, GraphEdge, GraphNode, NodeLabel } from '../model/graph.js';
import { assertReadOnlyText } from './query-guard.js';
import {
  nodeColumns,
  NODE_TABLES,
  relColumns,
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
import { messageOf } from '../errors.js';

const debug = createDebug('eventgraph:store:neo4j');

/** Rows per write transaction; the transaction state lives in the server's heap. */
export const BATCH_ROWS = 10_000;

/** Properties beside the schema's columns; see `bookkeeping`. */
const BOOKKEEPING = ['sourceRepositories', 'contributions'];

export interface Neo4jConnection {
  uri: string;
  username: string;
  password: string;
  /** Database name; the server's default when absent. */
  database?: string;
}

interface Contribution<T> {
  repository: string;
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

  /**
   * Replaces the part of the graph owned by the graph's repositories; others stay. Their
   * earlier part goes first, so what they alone contribute is created afresh in large
   * batches; only items another repository also contributes are merged.
   */
  async load(graph: Graph): Promise<LoadSummary> {
    await this.open();
    await this.ensureSchema();
    const repositories = graph.repositories.map((r) => r.name);
    await this.removeContributions(repositories);

    const labels = new Map<string, NodeLabel>(graph.nodes.map((n) => [n.id, n.label]));
    const owners = owningServices(graph.nodes, graph.edges);
    for (const label of NODE_TABLES) {
      const pending = graph.nodes
        .filter((n) => n.label === label)
        .map((node) => ({
          id: node.id,
          contributions: contributionsOf(node, repositories, owners.get(node.id) ?? null),
        }));
      await this.upsert(pending, repositories, nodeUpsert(label));
    }

    const skipped: string[] = [];
    const byPair = new Map<string, Pending<GraphEdge>[]>();
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
      const key = `${edge.type}\u0000${from}\u0000${to}`;
      const list = byPair.get(key) ?? [];
      if (list.length === 0) byPair.set(key, list);
      list.push({ id: edge.id, contributions: contributionsOf(edge, repositories, undefined) });
    }
    let edges = 0;
    for (const table of REL_TABLES) {
      for (const [from, to] of table.pairs) {
        const pending = byPair.get(`${table.type}\u0000${from}\u0000${to}`) ?? [];
        edges += pending.length;
        await this.upsert(pending, repositories, edgeUpsert(table.type, from, to));
      }
    }
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

  /** Uniqueness on every node label's and rel type's id, online before anything loads. */
  private async ensureSchema(): Promise<void> {
    if (this.schemaReady) return;
    // Earlier versions kept a plain index where the rel constraints now go.
    const legacy = REL_TABLES.map((t) => `DROP INDEX ${t.type.toLowerCase()}_id IF EXISTS`);
    for (const statement of [...legacy, ...neo4jConstraints()]) {
      await this.write((tx) => tx.run(statement), statement);
    }
    await this.write((tx) => tx.run('CALL db.awaitIndexes(300)'), 'CALL db.awaitIndexes');
    this.schemaReady = true;
  }

  /**
   * Writes a list of items in batches. A batch locks its ids through the uniqueness index,
   * reads the contributions of those that exist, updates them and creates the others. The
   * index seek locks an id even when nothing has it, until the batch commits, so another
   * load cannot create one of them in between: it waits and then finds the item.
   */
  private async upsert<T extends Item>(
    pending: readonly Pending<T>[],
    replacing: readonly string[],
    queries: UpsertQueries<T>,
  ): Promise<void> {
    for (const batch of batches(sortById(pending))) {
      await this.write(async (tx) => {
        const ids = batch.map(idOf);
        const existing = await readContributions(tx, queries.lockExisting, { ids }, queries);
        const fresh: StoredRow[] = [];
        const shared: StoredRow[] = [];
        for (const item of batch) {
          const found = existing.get(item.id);
          const kept = (found ?? []).filter((c) => !replacing.includes(c.repository));
          const row = queries.row(item.id, [...kept, ...item.contributions]);
          (found === undefined ? fresh : shared).push(row);
        }
        if (fresh.length > 0) await tx.run(queries.create, { rows: fresh });
        if (shared.length > 0) await tx.run(queries.update, { rows: shared });
      }, queries.lockExisting);
    }
  }

  /**
   * Takes these repositories' contributions out of the graph: items only they contributed
   * are deleted, shared items keep the others' part. Rels go first, then nodes.
   */
  private async removeContributions(repositories: readonly string[]): Promise<void> {
    for (const table of REL_TABLES) {
      const type = table.type;
      await this.removeBatches(repositories, edgeStored(type), {
        lock: `MATCH ()-[e:${type}]->() WHERE ${ours('e')} ${lockSome('e')}`,
        read: `UNWIND $ids AS id MATCH (a)-[e:${type} {id: id}]->(b) ${returnLeft('e')}`,
        remove: `UNWIND $ids AS id MATCH ()-[e:${type} {id: id}]->() DELETE e`,
      });
    }
    for (const label of NODE_TABLES) {
      await this.removeBatches(repositories, nodeUpsert(label), {
        lock: `MATCH (n:${label}) WHERE ${ours('n')} ${lockSome('n')}`,
        read: `UNWIND $ids AS id MATCH (n:${label} {id: id}) ${returnLeft('n')}`,
        remove: `UNWIND $ids AS id MATCH (n:${label} {id: id}) DETACH DELETE n`,
      });
    }
  }

  private async removeBatches<T extends Item>(
    repositories: readonly string[],
    queries: StoredQueries<T>,
    statements: { lock: string; read: string; remove: string },
  ): Promise<void> {
    for (;;) {
      const count = await this.write(async (tx) => {
        const parameters = { repositories, limit: neo4j.int(BATCH_ROWS) };
        const ids = (await tx.run(statements.lock, parameters)).records.map(
          (r) => r.get('id') as string,
        );
        if (ids.length === 0) return 0;
        // A second statement, so it reads what another load committed before the lock.
        const result = await tx.run(statements.read, { ids, repositories });
        const gone: string[] = [];
        const rows: StoredRow[] = [];
        for (const record of result.records) {
          const left = record.get('onlyOurs')
            ? []
            : storedContributions(record, queries).filter(
                (c) => !repositories.includes(c.repository),
              );
          if (left.length === 0) gone.push(record.get('id') as string);
          else rows.push(queries.row(record.get('id') as string, left));
        }
        if (gone.length > 0) await tx.run(statements.remove, { ids: gone });
        if (rows.length > 0) await tx.run(queries.update, { rows });
        return ids.length;
      }, statements.lock);
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
    const message = messageOf(error);
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

/** How the items of one node label or rel type are rewritten and read back. */
interface StoredQueries<T extends Item> {
  update: string;
  row: (id: string, contributions: Contribution<T>[]) => Record<string, unknown>;
  /** A lone contribution, read back from the stored columns (see `bookkeeping`). */
  fromColumns: (repository: string, columns: StoredColumns, record: Neo4jRecord) => Contribution<T>;
}

/** The statements that write one node label or one rel type, and the rows they take. */
interface UpsertQueries<T extends Item> extends StoredQueries<T> {
  /** Locks the items of `$ids` that exist; returns what `storedContributions` reads. */
  lockExisting: string;
  create: string;
}

type StoredColumns = Record<string, unknown>;
type Neo4jRecord = Awaited<ReturnType<ManagedTransaction['run']>>['records'][number];

function relProperties(type: EdgeType): string {
  return `{${[...relColumns(type).map((c) => c.name), ...BOOKKEEPING]
    .map((name) => `${name}: r.columns.${name}`)
    .join(', ')}}`;
}

function ours(v: string): string {
  return `any(r IN ${v}.sourceRepositories WHERE r IN $repositories)`;
}

/** Write-locks a batch of the matched items and returns their ids. */
function lockSome(v: string): string {
  return `WITH ${v} LIMIT $limit SET ${v}.loading = true RETURN ${v}.id AS id`;
}

/** What stays of an item once `$repositories` take their part; nothing when only theirs. */
function returnLeft(v: string): string {
  const only = `all(r IN ${v}.sourceRepositories WHERE r IN $repositories)`;
  const endpoints = v === 'e' ? ', a.id AS from, b.id AS to' : '';
  return (
    `WITH *, ${only} AS onlyOurs RETURN ${v}.id AS id, onlyOurs, ` +
    `CASE WHEN onlyOurs THEN null ELSE ${v}.contributions END AS contributions, ` +
    `CASE WHEN onlyOurs THEN null ELSE properties(${v}) END AS columns${endpoints}`
  );
}

function returnStored(v: string): string {
  return `RETURN ${v}.id AS id, ${v}.contributions AS contributions, properties(${v}) AS columns`;
}

function nodeUpsert(label: NodeLabel): UpsertQueries<GraphNode> {
  const returned = returnStored('n');
  return {
    lockExisting: `UNWIND $ids AS id MATCH (n:${label} {id: id}) SET n.loading = true ${returned}`,
    create: `UNWIND $rows AS r CREATE (n:${label}) SET n = r`,
    update: `UNWIND $rows AS r MATCH (n:${label} {id: r.id}) SET n = r`,
    row: nodeStoreRow,
    fromColumns: (repository, columns) => {
      const owner = (columns.service as string | null | undefined) ?? null;
      const item: GraphNode = {
        id: columns.id as string,
        label: columns.kind as NodeLabel,
        name: columns.name as string,
        technology: (columns.technology as GraphNode['technology'] | undefined) ?? null,
        repository: columns.repository as string,
        service: owner,
        properties: JSON.parse(columns.properties as string) as GraphNode['properties'],
        evidence: JSON.parse(columns.evidence as string) as GraphNode['evidence'],
      };
      return { repository, item, owner };
    },
  };
}

/** What reading back and rewriting a rel type's items needs; no endpoint labels. */
function edgeStored(type: EdgeType): StoredQueries<GraphEdge> {
  return {
    update: `UNWIND $rows AS r MATCH ()-[e:${type} {id: r.id}]->() SET e = r.columns`,
    row: (id, contributions) => {
      const item = contributions[0]?.item ?? missing(id);
      return { id, from: item.from, to: item.to, columns: edgeStoreRow(id, contributions) };
    },
    fromColumns: (repository, columns, record) => ({
      repository,
      item: {
        id: columns.id as string,
        type,
        from: record.get('from') as string,
        to: record.get('to') as string,
        technology: (columns.technology as GraphEdge['technology'] | undefined) ?? null,
        repository: columns.repository as string,
        properties: JSON.parse(columns.properties as string) as GraphEdge['properties'],
        evidence: JSON.parse(columns.evidence as string) as GraphEdge['evidence'],
      },
    }),
  };
}

function edgeUpsert(type: EdgeType, from: NodeLabel, to: NodeLabel): UpsertQueries<GraphEdge> {
  const returned = `${returnStored('e')}, a.id AS from, b.id AS to`;
  const endpoints = `MATCH (a:${from} {id: r.from}) MATCH (b:${to} {id: r.to})`;
  return {
    ...edgeStored(type),
    lockExisting:
      `UNWIND $ids AS id MATCH (a)-[e:${type} {id: id}]->(b) ` + `SET e.loading = true ${returned}`,
    // Properties inline rather than `SET e = r.columns`, which plans an Eager (all rows held).
    create: `UNWIND $rows AS r ${endpoints} CREATE (a)-[e:${type} ${relProperties(type)}]->(b)`,
  };
}

/** One contribution per scanned repository with evidence for the item, else its own. */
function contributionsOf<T extends Item>(
  item: T,
  repositories: readonly string[],
  owner: string | null | undefined,
): Contribution<T>[] {
  const named = repositories.filter((r) => item.evidence.some((e) => e.repository === r));
  const list = named.length > 0 ? named : [item.repository];
  return list.map((repository) => {
    const evidence =
      named.length === 0
        ? []
        : item.evidence.every((e) => e.repository === repository)
          ? item.evidence
          : item.evidence.filter((e) => e.repository === repository);
    const contribution = { repository, item: { ...item, evidence } };
    return owner === undefined ? contribution : { ...contribution, owner };
  });
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
  return {
    ...storedColumns(nodeRow(node, owner), nodeColumns(node.label)),
    ...bookkeeping(ordered),
  };
}

function edgeStoreRow(id: string, contributions: Contribution<GraphEdge>[]): StoredRow {
  const ordered = byRepository(contributions);
  const merged = new Map<string, GraphEdge>();
  for (const c of ordered) mergeEdge(merged, { ...c.item, id });
  const edge = sortEvidence(merged.get(id) ?? missing(id));
  return { ...storedColumns(relRow(edge), relColumns(edge.type)), ...bookkeeping(ordered) };
}

function missing(id: string): never {
  throw new StoreError(`Internal error: ${id} has no contribution left to store.`);
}

/** Schema columns plus the bookkeeping lists, as written to Neo4j. */
type StoredRow = Record<string, unknown>;

/**
 * Which repositories contribute. A lone contribution is not kept as text: it is the item
 * itself, read back from its columns when another repository comes to share the item.
 */
function bookkeeping(list: readonly Contribution<Item>[]): StoredRow {
  const sourceRepositories = list.map((c) => c.repository);
  if (list.length === 1) return { sourceRepositories };
  return { sourceRepositories, contributions: list.map((c) => JSON.stringify(c)) };
}

async function readContributions<T extends Item>(
  tx: ManagedTransaction,
  cypher: string,
  parameters: Record<string, unknown>,
  queries: StoredQueries<T>,
): Promise<Map<string, Contribution<T>[]>> {
  const result = await tx.run(cypher, parameters);
  const found = new Map<string, Contribution<T>[]>();
  for (const record of result.records) {
    found.set(record.get('id') as string, storedContributions(record, queries));
  }
  return found;
}

function storedContributions<T extends Item>(
  record: Neo4jRecord,
  queries: StoredQueries<T>,
): Contribution<T>[] {
  const texts = record.get('contributions') as string[] | null;
  if (texts) return texts.map((t) => JSON.parse(t) as Contribution<T>);
  const columns = record.get('columns') as StoredColumns | null;
  const repository = (columns?.sourceRepositories as string[] | undefined)?.[0];
  // An item MERGE has just made holds no columns yet, so no contribution either.
  if (!columns || repository === undefined) return [];
  return [queries.fromColumns(repository, columns, record)];
}

// ---- rows and parameters ----------------------------------------------------------------

/**
 * The row as Neo4j properties: nulls left out (Neo4j stores none), INT64 columns as Neo4j
 * integers, since a plain JS number would be stored as a float.
 */
function storedColumns(row: Row, columns: readonly Column[]): StoredRow {
  const stored: StoredRow = {};
  for (const column of columns) {
    const value = row[column.name];
    if (value === null || value === undefined) continue;
    stored[column.name] =
      column.type === 'INT64' && typeof value === 'number' ? neo4j.int(value) : value;
  }
  return stored;
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
