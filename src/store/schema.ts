// The stored schema, described once. The Kùzu DDL (and later the Neo4j constraints), the
// row shapes written for COPY and the column coercion all come from this description.
// Every node table has the same columns, so `WHERE n.kind = 'Topic'` works across tables.
import type {
  EdgeType,
  GraphEdge,
  GraphNode,
  NodeLabel,
  Properties,
  PropertyValue,
} from '../model/graph.js';
import { EDGE_TYPES, NODE_LABELS } from '../model/graph.js';

export type ColumnType = 'STRING' | 'INT64' | 'BOOLEAN';

export interface Column {
  /** Column name; never a Cypher keyword (`group` is stored as `consumerGroup`). */
  name: string;
  type: ColumnType;
  /** Graph property promoted to this column, when it is one. */
  property?: string;
}

export interface RelTable {
  type: EdgeType;
  pairs: readonly (readonly [NodeLabel, NodeLabel])[];
}

/** Columns every node table has, in this order; `id` is the primary key. */
export const NODE_COLUMNS: readonly Column[] = [
  { name: 'id', type: 'STRING' },
  { name: 'kind', type: 'STRING' },
  { name: 'name', type: 'STRING' },
  { name: 'technology', type: 'STRING' },
  { name: 'repository', type: 'STRING' },
  { name: 'service', type: 'STRING' },
  { name: 'channelKind', type: 'STRING' },
  { name: 'dynamic', type: 'BOOLEAN', property: 'dynamic' },
  { name: 'consumerGroup', type: 'STRING', property: 'group' },
  { name: 'retry', type: 'STRING', property: 'retry' },
  { name: 'maxRetries', type: 'INT64', property: 'maxRetries' },
  { name: 'concurrency', type: 'INT64', property: 'concurrency' },
  { name: 'prefetch', type: 'INT64', property: 'prefetch' },
  { name: 'batch', type: 'BOOLEAN', property: 'batch' },
  { name: 'ack', type: 'STRING', property: 'ack' },
  { name: 'queue', type: 'STRING', property: 'queue' },
  { name: 'exchangeType', type: 'STRING', property: 'exchangeType' },
  { name: 'unresolvedArguments', type: 'STRING', property: 'unresolvedArguments' },
  { name: 'dispatch', type: 'STRING', property: 'dispatch' },
  { name: 'role', type: 'STRING', property: 'role' },
  { name: 'projection', type: 'STRING', property: 'projection' },
  { name: 'eventLog', type: 'BOOLEAN', property: 'eventLog' },
  { name: 'outbox', type: 'BOOLEAN', property: 'outbox' },
  { name: 'properties', type: 'STRING' },
  { name: 'evidence', type: 'STRING' },
];

/** Columns every rel table has, in this order. */
export const REL_COLUMNS: readonly Column[] = [
  { name: 'id', type: 'STRING' },
  { name: 'kind', type: 'STRING' },
  { name: 'technology', type: 'STRING' },
  { name: 'repository', type: 'STRING' },
  { name: 'consumerGroup', type: 'STRING', property: 'group' },
  { name: 'batch', type: 'BOOLEAN', property: 'batch' },
  { name: 'concurrency', type: 'INT64', property: 'concurrency' },
  { name: 'prefetch', type: 'INT64', property: 'prefetch' },
  { name: 'ack', type: 'STRING', property: 'ack' },
  { name: 'retry', type: 'STRING', property: 'retry' },
  { name: 'attempts', type: 'INT64', property: 'attempts' },
  { name: 'backoff', type: 'STRING', property: 'backoff' },
  { name: 'routingKey', type: 'STRING', property: 'routingKey' },
  { name: 'schedule', type: 'STRING', property: 'schedule' },
  { name: 'scheduleKind', type: 'STRING', property: 'scheduleKind' },
  { name: 'idempotent', type: 'BOOLEAN', property: 'idempotent' },
  { name: 'transactional', type: 'BOOLEAN', property: 'transactional' },
  { name: 'replyTo', type: 'STRING', property: 'replyTo' },
  { name: 'correlationId', type: 'STRING', property: 'correlationId' },
  { name: 'properties', type: 'STRING' },
  { name: 'evidence', type: 'STRING' },
];

const PRODUCERS = ['Service', 'Handler', 'Job'] as const;
const CONSUMERS = ['Handler', 'Job'] as const;
const CHANNELS = ['Topic', 'Queue'] as const;

function pairs(
  from: readonly NodeLabel[],
  to: readonly NodeLabel[],
): (readonly [NodeLabel, NodeLabel])[] {
  return from.flatMap((f) => to.map((t) => [f, t] as const));
}

/** One rel table per edge type, with every FROM/TO pair DEVELOPERS.md allows. */
export const REL_TABLES: readonly RelTable[] = [
  { type: 'PUBLISHES', pairs: pairs(PRODUCERS, CHANNELS) },
  { type: 'CONSUMES', pairs: pairs(CONSUMERS, CHANNELS) },
  { type: 'SCHEDULES', pairs: pairs(['Service'], ['Job']) },
  { type: 'ENQUEUES', pairs: pairs(PRODUCERS, ['Job']) },
  { type: 'CONTAINS', pairs: pairs(['Service'], CONSUMERS) },
  { type: 'ROUTES_TO', pairs: pairs(['Topic'], ['Queue']) },
  { type: 'DEAD_LETTERS_TO', pairs: pairs(CHANNELS, CHANNELS) },
  { type: 'CARRIES', pairs: pairs(CHANNELS, ['Event']) },
];

export const NODE_TABLES: readonly NodeLabel[] = NODE_LABELS;

export function relTable(type: EdgeType): RelTable {
  const table = REL_TABLES.find((t) => t.type === type);
  if (!table) throw new Error(`no rel table for ${type}`);
  return table;
}

export function allowsPair(type: EdgeType, from: NodeLabel, to: NodeLabel): boolean {
  return relTable(type).pairs.some(([f, t]) => f === from && t === to);
}

// ---- DDL ---------------------------------------------------------------------------------

function columnList(columns: readonly Column[]): string {
  return columns.map((c) => `${c.name} ${c.type}`).join(', ');
}

export function kuzuDdl(): string[] {
  const nodes = NODE_TABLES.map(
    (label) => `CREATE NODE TABLE ${label}(${columnList(NODE_COLUMNS)}, PRIMARY KEY(id))`,
  );
  const rels = REL_TABLES.map((table) => {
    const fromTo = table.pairs.map(([f, t]) => `FROM ${f} TO ${t}`).join(', ');
    return `CREATE REL TABLE ${table.type}(${fromTo}, ${columnList(REL_COLUMNS)}, MANY_MANY)`;
  });
  return [...nodes, ...rels];
}

/**
 * Neo4j Community supports uniqueness constraints only: one per label and one per rel type
 * on `id`. Loads rely on them to find items fast and to refuse a second copy of one.
 */
export function neo4jConstraints(): string[] {
  const nodes = NODE_TABLES.map(
    (label) =>
      `CREATE CONSTRAINT ${label.toLowerCase()}_id IF NOT EXISTS ` +
      `FOR (n:${label}) REQUIRE n.id IS UNIQUE`,
  );
  const rels = REL_TABLES.map(
    (table) =>
      `CREATE CONSTRAINT ${table.type.toLowerCase()}_id_unique IF NOT EXISTS ` +
      `FOR ()-[r:${table.type}]-() REQUIRE r.id IS UNIQUE`,
  );
  return [...nodes, ...rels];
}

// ---- rows --------------------------------------------------------------------------------

export type ColumnValue = string | number | boolean | null;
export type Row = Record<string, ColumnValue>;

/** A property value as the column type wants it; merged lists collapse deterministically. */
export function coerce(value: PropertyValue | undefined, type: ColumnType): ColumnValue {
  if (value === undefined || value === null) return null;
  const values = Array.isArray(value) ? value : [value];
  if (values.length === 0) return null;
  switch (type) {
    case 'STRING':
      return values.map(String).join(', ');
    case 'BOOLEAN':
      return values.some((v) => v === true || v === 'true');
    case 'INT64': {
      const numbers = values
        .map(Number)
        .filter((n) => Number.isFinite(n))
        .map(Math.trunc);
      return numbers.length === 0 ? null : Math.max(...numbers);
    }
  }
}

/**
 * An all-null row with the columns' keys in order, to clone per row. A row built key by key
 * falls into V8's slow dictionary mode past a dozen keys, which made writing 300k rows for
 * COPY take seconds; a clone of this literal-shaped template stays fast.
 */
function template(columns: readonly Column[], leading: readonly string[] = []): Row {
  return Object.fromEntries([...leading, ...columns.map((c) => c.name)].map((k) => [k, null]));
}

const NODE_TEMPLATE = template(NODE_COLUMNS);
const REL_TEMPLATE = template(REL_COLUMNS);
const REL_COPY_TEMPLATE = template(REL_COLUMNS, ['from', 'to']);
const NODE_PROMOTED = NODE_COLUMNS.filter((c) => c.property !== undefined);
const REL_PROMOTED = REL_COLUMNS.filter((c) => c.property !== undefined);

function promote(row: Row, promoted: readonly Column[], properties: Properties): Row {
  for (const column of promoted) {
    row[column.name] = coerce(properties[column.property ?? column.name], column.type);
  }
  return row;
}

/** A node row with exactly the schema's keys, in schema order. */
export function nodeRow(node: GraphNode, service: string | null): Row {
  const row = promote({ ...NODE_TEMPLATE }, NODE_PROMOTED, node.properties);
  const isChannel = node.label === 'Topic' || node.label === 'Queue';
  row.id = node.id;
  row.kind = node.label;
  row.name = node.name;
  row.technology = node.technology;
  row.repository = node.repository;
  row.service = service;
  row.channelKind = isChannel ? coerce(node.properties.kind, 'STRING') : null;
  row.dynamic = coerce(node.properties.dynamic, 'BOOLEAN') ?? false;
  row.properties = JSON.stringify(node.properties);
  row.evidence = JSON.stringify(node.evidence);
  return row;
}

/** A rel row with exactly the schema's keys, in schema order. */
export function relRow(edge: GraphEdge): Row {
  return fillRelRow({ ...REL_TEMPLATE }, edge);
}

/** A rel row for Kùzu's COPY: the endpoints' keys first, then the schema's keys. */
export function relCopyRow(edge: GraphEdge): Row {
  const row = fillRelRow({ ...REL_COPY_TEMPLATE }, edge);
  row.from = edge.from;
  row.to = edge.to;
  return row;
}

function fillRelRow(row: Row, edge: GraphEdge): Row {
  promote(row, REL_PROMOTED, edge.properties);
  row.id = edge.id;
  row.kind = edge.type;
  row.technology = edge.technology;
  row.repository = edge.repository;
  row.properties = JSON.stringify(edge.properties);
  row.evidence = JSON.stringify(edge.evidence);
  return row;
}

/**
 * The owning service of each node: its own `service`, else the one Service that CONTAINS it
 * (assembly records the owner of a Job only through that edge).
 */
export function owningServices(nodes: readonly GraphNode[], edges: readonly GraphEdge[]) {
  const owners = new Map<string, string | null>();
  for (const node of nodes) owners.set(node.id, node.service);
  const containers = new Map<string, Set<string>>();
  for (const edge of edges) {
    if (edge.type !== 'CONTAINS') continue;
    const set = containers.get(edge.to) ?? new Set<string>();
    set.add(edge.from);
    containers.set(edge.to, set);
  }
  for (const [id, set] of containers) {
    if (owners.get(id) === null && set.size === 1) owners.set(id, [...set][0] ?? null);
  }
  return owners;
}

export { EDGE_TYPES };
