// The JSON export: a versioned, stable contract read by other tools (and by the evaluation in
// shared/eval/score.py). Field names and order do not change within a schema version; every
// list is sorted so that two scans of the same commit give byte-identical files.
import type {
  Evidence,
  GapFinding,
  Graph,
  GraphEdge,
  GraphNode,
  NodeLabel,
  PatternFinding,
  Properties,
} from '../model/graph.js';
import { TECHNOLOGIES, isTechnologyId } from '../model/taxonomy.js';
import { compareText as compare, uniqueSortedEvidence as sortedEvidence } from '../report/order.js';
import { redactDeep } from '../report/redact.js';
import { documentedOnly } from '../model/contract.js';

export const SCHEMA_VERSION = 1;

export type Verdict = 'event-driven' | 'none';

/** Labels whose presence makes a repository event-driven; Services alone are not. */
const EVENT_DRIVEN_LABELS: ReadonlySet<NodeLabel> = new Set([
  'Topic',
  'Queue',
  'Handler',
  'Job',
  'Event',
]);

export type ExportEvidence = Evidence;

export interface ExportNode {
  id: string;
  label: NodeLabel;
  name: string;
  technology: string | null;
  repository: string;
  service: string | null;
  properties: Properties;
  evidence: ExportEvidence[];
}

export interface ExportEdge {
  id: string;
  type: string;
  from: string;
  to: string;
  technology: string | null;
  repository: string;
  properties: Properties;
  evidence: ExportEvidence[];
}

export interface ExportFinding {
  id: string;
  subjects: string[];
  summary: string;
  evidence: ExportEvidence[];
}

export interface ExportTechnology {
  id: string;
  kind: string | null;
  title: string | null;
}

export interface GraphExport {
  schemaVersion: typeof SCHEMA_VERSION;
  verdict: Verdict;
  repositories: { name: string; root: string; commit: string | null; remote?: string }[];
  technologies: ExportTechnology[];
  counts: { nodes: Record<string, number>; edges: Record<string, number> };
  nodes: ExportNode[];
  edges: ExportEdge[];
  patterns: ExportFinding[];
  findings: ExportFinding[];
}

export function verdictOf(graph: Graph): Verdict {
  // A contract alone documents an intent: only what code implements makes the verdict.
  return graph.nodes.some((n) => EVENT_DRIVEN_LABELS.has(n.label) && !documentedOnly(n))
    ? 'event-driven'
    : 'none';
}

/** The export object, redacted and sorted; serialize it with `serializeExport`. */
export function buildExport(
  graph: Graph,
  patterns: readonly PatternFinding[],
  gaps: readonly GapFinding[],
): GraphExport {
  const nodes = graph.nodes.map(exportNode).sort(byId);
  const edges = graph.edges.map(exportEdge).sort(byId);
  const result: GraphExport = {
    schemaVersion: SCHEMA_VERSION,
    verdict: verdictOf(graph),
    repositories: graph.repositories.map((r) => ({
      name: r.name,
      root: r.root,
      commit: r.commit,
      ...(r.remote === undefined ? {} : { remote: r.remote }),
    })),
    technologies: technologiesOf(graph),
    counts: { nodes: countBy(nodes, (n) => n.label), edges: countBy(edges, (e) => e.type) },
    nodes,
    edges,
    patterns: patterns.map(exportFinding).sort(byFinding),
    findings: gaps.map(exportFinding).sort(byFinding),
  };
  return redactDeep(result);
}

/** The export as written to disk: two-space JSON and one trailing newline. */
export function serializeExport(data: GraphExport): string {
  return `${JSON.stringify(data, null, 2)}\n`;
}

function exportNode(node: GraphNode): ExportNode {
  return {
    id: node.id,
    label: node.label,
    name: node.name,
    technology: node.technology,
    repository: node.repository,
    service: node.service,
    properties: sortedProperties(node.properties),
    evidence: sortedEvidence(node.evidence),
  };
}

function exportEdge(edge: GraphEdge): ExportEdge {
  return {
    id: edge.id,
    type: edge.type,
    from: edge.from,
    to: edge.to,
    technology: edge.technology,
    repository: edge.repository,
    properties: sortedProperties(edge.properties),
    evidence: sortedEvidence(edge.evidence),
  };
}

function exportFinding(finding: PatternFinding | GapFinding): ExportFinding {
  return {
    id: finding.id,
    subjects: [...finding.subjects].sort(compare),
    summary: finding.summary,
    evidence: sortedEvidence(finding.evidence),
  };
}

function technologiesOf(graph: Graph): ExportTechnology[] {
  const ids = new Set<string>();
  for (const item of [...graph.nodes, ...graph.edges]) {
    if (item.technology) ids.add(item.technology);
  }
  return [...ids].sort(compare).map((id) => {
    if (!isTechnologyId(id)) return { id, kind: null, title: null };
    const known = TECHNOLOGIES[id];
    return { id, kind: known.kind, title: known.title };
  });
}

function sortedProperties(properties: Properties): Properties {
  const keys = Object.keys(properties).sort(compare);
  return Object.fromEntries(keys.map((key) => [key, properties[key] ?? null]));
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return Object.fromEntries([...counts.entries()].sort(([a], [b]) => compare(a, b)));
}

function byId(a: { id: string }, b: { id: string }): number {
  return compare(a.id, b.id);
}

function byFinding(a: ExportFinding, b: ExportFinding): number {
  return compare(a.id, b.id) || compare(a.subjects.join('\n'), b.subjects.join('\n'));
}
