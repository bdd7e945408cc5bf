// The graph vocabulary and the only constructors of graph records. Every record carries
// evidence: repository, path relative to the repository root with '/', 1-based line.
import type { PatternId, TechnologyId } from './taxonomy.js';

export const NODE_LABELS = ['Service', 'Topic', 'Queue', 'Handler', 'Event', 'Job'] as const;
export type NodeLabel = (typeof NODE_LABELS)[number];
export type ChannelLabel = 'Topic' | 'Queue';

export const CHANNEL_KINDS = [
  'topic',
  'queue',
  'exchange',
  'stream',
  'subject',
  'channel',
] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export const EDGE_TYPES = [
  'PUBLISHES', // Service | Handler | Job -> Topic | Queue
  'CONSUMES', // Handler | Job -> Topic | Queue
  'SCHEDULES', // Service -> Job, the schedule as written on the edge
  'ENQUEUES', // Service | Handler | Job -> Job
  'CONTAINS', // Service -> Handler | Job
  'ROUTES_TO', // Topic (exchange) -> Queue: a binding
  'DEAD_LETTERS_TO', // Topic | Queue -> Topic | Queue
  'CARRIES', // Topic | Queue -> Event
] as const;
export type EdgeType = (typeof EDGE_TYPES)[number];

export type PropertyValue = string | number | boolean | string[] | null;
export type Properties = Record<string, PropertyValue>;

export interface Evidence {
  repository: string;
  file: string;
  line: number;
}

/** How a node is named in the scanned code, before ids exist. */
export type NodeRef =
  | { label: 'Service'; of: { repository: string; file: string } }
  | { label: ChannelLabel; technology: TechnologyId; name: string }
  | { label: 'Handler'; repository: string; file: string; name: string }
  | { label: 'Job'; repository: string; technology: TechnologyId; name: string }
  | { label: 'Event'; repository: string; name: string };

export interface NodeRecord {
  record: 'node';
  ref: NodeRef;
  name: string;
  technology: TechnologyId | null;
  properties: Properties;
  evidence: Evidence;
}

export interface EdgeRecord {
  record: 'edge';
  type: EdgeType;
  from: NodeRef;
  to: NodeRef;
  technology: TechnologyId | null;
  properties: Properties;
  evidence: Evidence;
}

export type GraphRecord = NodeRecord | EdgeRecord;

export interface SourceLocation {
  repository: string;
  /** Path relative to the repository root, with '/'. */
  file: string;
}

/** Evidence at a 1-based line. */
export function evidenceAt(location: SourceLocation, line: number): Evidence {
  if (!Number.isInteger(line) || line < 1) {
    throw new RangeError(`evidence line must be a 1-based integer, got ${String(line)}`);
  }
  return { repository: location.repository, file: location.file, line };
}

/** Evidence from a 0-based row, as tree-sitter reports positions. */
export function evidenceAtRow(location: SourceLocation, row: number): Evidence {
  return evidenceAt(location, row + 1);
}

export function formatEvidence(evidence: Evidence): string {
  return `${evidence.file}:${String(evidence.line)}`;
}

/** A name as written: a literal, or an expression known only at run time. */
export interface ResolvedName {
  name: string;
  dynamic: boolean;
  /** The source text when the name came from an expression other than a literal. */
  expression?: string;
  /** Environment variable or setting that may override the name at run time. */
  override?: string;
}

export function nameProperties(resolved: ResolvedName): Properties {
  const properties: Properties = {};
  if (resolved.dynamic) properties.dynamic = true;
  if (resolved.expression !== undefined) properties.expression = resolved.expression;
  if (resolved.override !== undefined) properties.override = resolved.override;
  return properties;
}

export const ref = {
  serviceOf: (location: SourceLocation): NodeRef => ({ label: 'Service', of: location }),
  channel: (label: ChannelLabel, technology: TechnologyId, name: string): NodeRef => ({
    label,
    technology,
    name,
  }),
  handler: (location: SourceLocation, name: string): NodeRef => ({
    label: 'Handler',
    repository: location.repository,
    file: location.file,
    name,
  }),
  job: (repository: string, technology: TechnologyId, name: string): NodeRef => ({
    label: 'Job',
    repository,
    technology,
    name,
  }),
  event: (repository: string, name: string): NodeRef => ({ label: 'Event', repository, name }),
};

export function nodeRecord(
  ref: NodeRef,
  init: { name: string; technology: TechnologyId | null; properties?: Properties },
  evidence: Evidence,
): NodeRecord {
  return {
    record: 'node',
    ref,
    name: init.name,
    technology: init.technology,
    properties: init.properties ?? {},
    evidence,
  };
}

export function edgeRecord(
  type: EdgeType,
  from: NodeRef,
  to: NodeRef,
  init: { technology: TechnologyId | null; properties?: Properties },
  evidence: Evidence,
): EdgeRecord {
  return {
    record: 'edge',
    type,
    from,
    to,
    technology: init.technology,
    properties: init.properties ?? {},
    evidence,
  };
}

/** A channel node: Topic or Queue with its kind (topic, queue, exchange, ...). */
export function channelRecord(
  label: ChannelLabel,
  kind: ChannelKind,
  technology: TechnologyId,
  resolved: ResolvedName,
  evidence: Evidence,
  properties: Properties = {},
): NodeRecord {
  return nodeRecord(
    ref.channel(label, technology, resolved.name),
    {
      name: resolved.name,
      technology,
      properties: { kind, ...nameProperties(resolved), ...properties },
    },
    evidence,
  );
}

// ---- the assembled graph ---------------------------------------------------------------

export interface GraphNode {
  id: string;
  label: NodeLabel;
  name: string;
  technology: TechnologyId | null;
  repository: string;
  /** Id of the owning Service, when the node belongs to one. */
  service: string | null;
  properties: Properties;
  evidence: Evidence[];
}

export interface GraphEdge {
  id: string;
  type: EdgeType;
  from: string;
  to: string;
  technology: TechnologyId | null;
  repository: string;
  properties: Properties;
  evidence: Evidence[];
}

/** A taxonomy pattern seen in the graph, derived by a query in cypher/patterns. */
export interface PatternFinding {
  id: PatternId;
  subjects: string[];
  summary: string;
  evidence: Evidence[];
}

/** A gap worth a reader's attention that is not a pattern (orphan channels, no DLQ route). */
export interface GapFinding {
  id: 'orphan-channel' | 'no-dead-letter-route';
  subjects: string[];
  summary: string;
  evidence: Evidence[];
}

export interface RepositoryInfo {
  name: string;
  root: string;
  commit: string | null;
  /** Web address given for it (a system file's `remote`), for links to its files. */
  remote?: string;
}

export interface Graph {
  repositories: RepositoryInfo[];
  nodes: GraphNode[];
  edges: GraphEdge[];
}
