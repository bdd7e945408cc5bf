// The stored schema, described once. The Kùzu DDL (and later the Neo4j constraints), the
// row shapes written for COPY and the column coercion all come from this description.
// Each table has the columns its label or type can fill; `kind` is in all, so `WHERE n.kind = ...`
// works across tables, and a query over several tables reads a column one lacks as null.
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

const column = (name: string, type: ColumnType, property?: string): Column =>
  property === undefined ? { name, type } : { name, type, property };

/** Columns every node table starts with; `id` is the primary key. */
const NODE_HEAD: readonly Column[] = [
  column('id', 'STRING'),
  column('kind', 'STRING'),
  column('name', 'STRING'),
  column('technology', 'STRING'),
  column('repository', 'STRING'),
  column('service', 'STRING'),
  column('dynamic', 'BOOLEAN', 'dynamic'),
];

/** Columns every table ends with: everything the graph knows, as JSON. */
const TAIL: readonly Column[] = [column('properties', 'STRING'), column('evidence', 'STRING')];

const CONSUMER_COLUMNS: readonly Column[] = [
  column('consumerGroup', 'STRING', 'group'),
  column('retry', 'STRING', 'retry'),
  column('maxRetries', 'INT64', 'maxRetries'),
  column('concurrency', 'INT64', 'concurrency'),
  column('prefetch', 'INT64', 'prefetch'),
  column('batch', 'BOOLEAN', 'batch'),
  column('ack', 'STRING', 'ack'),
  column('queue', 'STRING', 'queue'),
  column('role', 'STRING', 'role'),
  column('projection', 'STRING', 'projection'),
];

const CHANNEL_COLUMNS: readonly Column[] = [
  column('channelKind', 'STRING'),
  column('exchangeType', 'STRING', 'exchangeType'),
  column('unresolvedArguments', 'STRING', 'unresolvedArguments'),
  column('dispatch', 'STRING', 'dispatch'),
  column('eventLog', 'BOOLEAN', 'eventLog'),
  column('outbox', 'BOOLEAN', 'outbox'),
];

/**
 * The promoted columns of each label: only what that label's properties can hold. Kùzu's
 * COPY pays for every column of every row, so a column no row of a table fills is a cost
 * with nothing to show for it. A query over several labels reads a missing column as null.
 */
const NODE_PROMOTED_BY_LABEL: Record<NodeLabel, readonly Column[]> = {
  Service: [],
  Topic: CHANNEL_COLUMNS,
  Queue: CHANNEL_COLUMNS,
  Handler: CONSUMER_COLUMNS,
  Job: CONSUMER_COLUMNS,
  Event: [],
};

/** The columns of one node table, in this order. */
export function nodeColumns(label: NodeLabel): readonly Column[] {
  return NODE_COLUMNS_BY_LABEL.get(label) ?? unknownTable(label);
}

const NODE_COLUMNS_BY_LABEL = new Map<NodeLabel, readonly Column[]>(
  NODE_LABELS.map((label) => [label, [...NODE_HEAD, ...NODE_PROMOTED_BY_LABEL[label], ...TAIL]]),
);

/** Columns every rel table starts with. */
const REL_HEAD: readonly Column[] = [
  column('id', 'STRING'),
  column('kind', 'STRING'),
  column('technology', 'STRING'),
  column('repository', 'STRING'),
];

const DELIVERY_COLUMNS: readonly Column[] = [
  column('retry', 'STRING', 'retry'),
  column('attempts', 'INT64', 'attempts'),
  column('backoff', 'STRING', 'backoff'),
  column('dedupKey', 'STRING', 'dedupKey'),
];

const ROUTING_COLUMNS: readonly Column[] = [column('routingKey', 'STRING', 'routingKey')];

/** The promoted columns of each rel type, as DEVELOPERS.md's edge table lists them. */
const REL_PROMOTED_BY_TYPE: Record<EdgeType, readonly Column[]> = {
  PUBLISHES: [
    ...DELIVERY_COLUMNS,
    ...ROUTING_COLUMNS,
    column('batch', 'BOOLEAN', 'batch'),
    column('idempotent', 'BOOLEAN', 'idempotent'),
    column('transactional', 'BOOLEAN', 'transactional'),
    column('replyTo', 'STRING', 'replyTo'),
    column('correlationId', 'STRING', 'correlationId'),
    column('pattern', 'STRING', 'pattern'),
  ],
  CONSUMES: [
    column('consumerGroup', 'STRING', 'group'),
    column('batch', 'BOOLEAN', 'batch'),
    column('concurrency', 'INT64', 'concurrency'),
    column('prefetch', 'INT64', 'prefetch'),
    column('ack', 'STRING', 'ack'),
    column('retry', 'STRING', 'retry'),
    column('pattern', 'STRING', 'pattern'),
    column('dispatcher', 'STRING', 'dispatcher'),
  ],
  SCHEDULES: [
    column('schedule', 'STRING', 'schedule'),
    column('scheduleKind', 'STRING', 'scheduleKind'),
  ],
  ENQUEUES: DELIVERY_COLUMNS,
  CONTAINS: [],
  ROUTES_TO: ROUTING_COLUMNS,
  DEAD_LETTERS_TO: ROUTING_COLUMNS,
  CARRIES: [],
};

const REL_COLUMNS_BY_TYPE = new Map<EdgeType, readonly Column[]>(
  EDGE_TYPES.map((type) => [type, [...REL_HEAD, ...REL_PROMOTED_BY_TYPE[type], ...TAIL]]),
);

/** The columns of one rel table, in this order. */
export function relColumns(type: EdgeType): readonly Column[] {
  return REL_COLUMNS_BY_TYPE.get(type) ?? unknownTable(type);
}

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
    (label) => `CREATE NODE TABLE ${label}(${columnList(nodeColumns(label))}, PRIMARY KEY(id))`,
  );
  const rels = REL_TABLES.map((table) => {
    const fromTo = table.pairs.map(([f, t]) => `FROM ${f} TO ${t}`).join(', ');
    const columns = columnList(relColumns(table.type));
    return `CREATE REL TABLE ${table.type}(${fromTo}, ${columns}, MANY_MANY)`;
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

/** A table's row template and the columns promoted from properties, built once. */
interface RowShape {
  template: Row;
  promoted: readonly Column[];
}

function shape(columns: readonly Column[], leading: readonly string[] = []): RowShape {
  return {
    template: template(columns, leading),
    promoted: columns.filter((c) => c.property !== undefined),
  };
}

function unknownTable(name: string): never {
  throw new Error(`no table for ${name}`);
}

const NODE_SHAPES = new Map(NODE_LABELS.map((label) => [label, shape(nodeColumns(label))]));
const REL_SHAPES = new Map(EDGE_TYPES.map((type) => [type, shape(relColumns(type))]));
const REL_COPY_SHAPES = new Map(
  EDGE_TYPES.map((type) => [type, shape(relColumns(type), ['from', 'to'])]),
);

function fill(shapes: ReadonlyMap<string, RowShape>, key: string, properties: Properties): Row {
  const found = shapes.get(key);
  if (!found) return unknownTable(key);
  const row = { ...found.template };
  for (const column of found.promoted) {
    row[column.name] = coerce(properties[column.property ?? column.name], column.type);
  }
  return row;
}

/** A node row with exactly its table's keys, in schema order. */
export function nodeRow(node: GraphNode, service: string | null): Row {
  const row = fill(NODE_SHAPES, node.label, node.properties);
  row.id = node.id;
  row.kind = node.label;
  row.name = node.name;
  row.technology = node.technology;
  row.repository = node.repository;
  row.service = service;
  if (node.label === 'Topic' || node.label === 'Queue') {
    row.channelKind = coerce(node.properties.kind, 'STRING');
  }
  row.dynamic = coerce(node.properties.dynamic, 'BOOLEAN') ?? false;
  row.properties = JSON.stringify(node.properties);
  row.evidence = JSON.stringify(node.evidence);
  return row;
}

/** A rel row with exactly its table's keys, in schema order. */
export function relRow(edge: GraphEdge): Row {
  return fillRelRow(fill(REL_SHAPES, edge.type, edge.properties), edge);
}

/** A rel row for Kùzu's COPY: the endpoints' keys first, then the table's keys. */
export function relCopyRow(edge: GraphEdge): Row {
  const row = fillRelRow(fill(REL_COPY_SHAPES, edge.type, edge.properties), edge);
  row.from = edge.from;
  row.to = edge.to;
  return row;
}

function fillRelRow(row: Row, edge: GraphEdge): Row {
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
