// Step 4: records from every extractor become one graph. Nodes named the same way merge,
// evidence accumulates, each file is owned by the deepest service (manifest folder) above it.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Manifest } from '../extractors/manifests/manifests.js';
import type {
  EdgeRecord,
  NodeRecord,
  Evidence,
  Graph,
  GraphEdge,
  GraphNode,
  NodeRef,
  Properties,
  PropertyValue,
  RepositoryInfo,
} from '../model/graph.js';
import type { GraphRecord } from '../model/graph.js';

export interface RepositoryRecords {
  repository: RepositoryInfo;
  records: readonly GraphRecord[];
  manifests: readonly Manifest[];
}

export function assembleGraph(inputs: readonly RepositoryRecords[]): Graph {
  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, GraphEdge>();

  for (const input of inputs) {
    const services = new ServiceMap(input.repository.name, input.manifests);
    const idOf = (node: NodeRef) => nodeId(node, services);

    for (const record of input.records) {
      if (record.record !== 'node') continue;
      const id = idOf(record.ref);
      mergeNode(nodes, {
        id,
        label: record.ref.label,
        name: record.name,
        technology: record.technology,
        repository: input.repository.name,
        service: owningService(record.ref, services) ?? definingService(record, services),
        properties: record.properties,
        evidence: [record.evidence],
      });
    }
    for (const record of input.records) {
      if (record.record !== 'edge') continue;
      const from = ensureNode(nodes, record.from, record, services);
      const to = ensureNode(nodes, record.to, record, services);
      mergeEdge(edges, {
        id: edgeId(record.type, from, to, record.properties),
        type: record.type,
        from,
        to,
        technology: record.technology,
        repository: input.repository.name,
        properties: record.properties,
        evidence: [record.evidence],
      });
    }
    for (const node of [...nodes.values()]) {
      if (node.repository !== input.repository.name) continue;
      if ((node.label !== 'Handler' && node.label !== 'Job') || !node.service) continue;
      const serviceId = node.service;
      const firstEvidence = node.evidence[0];
      if (!firstEvidence) continue;
      if (!nodes.has(serviceId)) mergeNode(nodes, services.serviceNode(serviceId, firstEvidence));
      mergeEdge(edges, {
        id: `CONTAINS:${serviceId}->${node.id}`,
        type: 'CONTAINS',
        from: serviceId,
        to: node.id,
        technology: null,
        repository: input.repository.name,
        properties: {},
        evidence: [firstEvidence],
      });
    }
  }

  const connected = new Set<string>();
  for (const edge of edges.values()) {
    connected.add(edge.from);
    connected.add(edge.to);
  }
  const keptNodes = [...nodes.values()].filter((n) => n.label !== 'Service' || connected.has(n.id));
  return {
    repositories: inputs.map((i) => i.repository),
    nodes: keptNodes.map(sortEvidence).sort((a, b) => compare(a.id, b.id)),
    edges: [...edges.values()].map(sortEvidence).sort((a, b) => compare(a.id, b.id)),
  };

  function ensureNode(
    all: Map<string, GraphNode>,
    node: NodeRef,
    record: EdgeRecord,
    services: ServiceMap,
  ): string {
    const id = nodeId(node, services);
    if (all.has(id)) return id;
    if (node.label === 'Service') {
      mergeNode(all, services.serviceNode(id, record.evidence));
      return id;
    }
    mergeNode(all, {
      id,
      label: node.label,
      name: node.name,
      technology: 'technology' in node ? node.technology : record.technology,
      repository: record.evidence.repository,
      service: owningService(node, services),
      properties:
        node.label === 'Topic' || node.label === 'Queue' ? { kind: defaultKind(node.label) } : {},
      evidence: [record.evidence],
    });
    return id;
  }
}

/**
 * Calls that say different things (one add() with attempts=5, another with a delay) stay
 * separate edges, each with its own evidence; identical calls share one edge.
 */
function edgeId(type: string, from: string, to: string, properties: Properties): string {
  const base = `${type}:${from}->${to}`;
  const keys = Object.keys(properties).sort();
  if (keys.length === 0) return base;
  const canonical = JSON.stringify(keys.map((key) => [key, properties[key]]));
  return `${base}#${createHash('sha256').update(canonical).digest('hex').slice(0, 12)}`;
}

function defaultKind(label: 'Topic' | 'Queue'): string {
  return label === 'Topic' ? 'topic' : 'queue';
}

function nodeId(node: NodeRef, services: ServiceMap): string {
  switch (node.label) {
    case 'Service':
      return services.serviceIdOf(node.of.file);
    case 'Topic':
    case 'Queue':
      // An in-process bus ends at its process: the same event name in two repositories is
      // two channels, where a Kafka topic of one name is one.
      return node.technology === 'in-process'
        ? `${node.label.toLowerCase()}:in-process:${services.repositoryName}:${node.name}`
        : `${node.label.toLowerCase()}:${node.technology}:${node.name}`;
    case 'Handler':
      return `handler:${node.repository}:${node.file}:${node.name}`;
    case 'Job':
      return `job:${node.repository}:${node.technology}:${node.name}`;
    case 'Event':
      return `event:${node.repository}:${node.name}`;
  }
}

function owningService(node: NodeRef, services: ServiceMap): string | null {
  if (node.label === 'Handler') return services.serviceIdOf(node.file);
  return null;
}

/** A job belongs to the service whose code defines it; one only referenced has no owner. */
function definingService(record: NodeRecord, services: ServiceMap): string | null {
  return record.ref.label === 'Job' ? services.serviceIdOf(record.evidence.file) : null;
}

export function mergeNode(all: Map<string, GraphNode>, incoming: GraphNode): void {
  const existing = mergeItem(all, incoming);
  if (existing) existing.service ??= incoming.service;
}

export function mergeEdge(all: Map<string, GraphEdge>, incoming: GraphEdge): void {
  mergeItem(all, incoming);
}

/** Adds an item, or folds it into the one with its id; returns the one it was folded into. */
function mergeItem<T extends GraphNode | GraphEdge>(
  all: Map<string, T>,
  incoming: T,
): T | undefined {
  const existing = all.get(incoming.id);
  if (!existing) {
    all.set(incoming.id, {
      ...incoming,
      properties: { ...incoming.properties },
      evidence: [...incoming.evidence],
    });
    return undefined;
  }
  existing.technology ??= incoming.technology;
  mergeProperties(existing.properties, incoming.properties);
  addEvidence(existing.evidence, incoming.evidence);
  return existing;
}

/** Scalars that disagree become a sorted list of every value seen; lists are unioned. */
function mergeProperties(target: Properties, source: Properties): void {
  for (const [key, value] of Object.entries(source)) {
    const current = target[key];
    if (current === undefined || current === null) {
      target[key] = value;
      continue;
    }
    if (value === null || sameValue(current, value)) continue;
    const values = new Set([...asStrings(current), ...asStrings(value)]);
    target[key] = [...values].sort();
  }
}

function sameValue(a: PropertyValue, b: PropertyValue): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function asStrings(value: PropertyValue): string[] {
  if (Array.isArray(value)) return value;
  return value === null ? [] : [String(value)];
}

function addEvidence(target: Evidence[], incoming: readonly Evidence[]): void {
  for (const evidence of incoming) {
    const duplicate = target.some(
      (e) =>
        e.repository === evidence.repository &&
        e.file === evidence.file &&
        e.line === evidence.line,
    );
    if (!duplicate) target.push(evidence);
  }
}

export function sortEvidence<T extends { evidence: Evidence[] }>(item: T): T {
  item.evidence.sort(
    (a, b) => compare(a.repository, b.repository) || compare(a.file, b.file) || a.line - b.line,
  );
  return item;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Which service owns a file: the deepest folder with a manifest, else the repository. */
class ServiceMap {
  private readonly roots: { directory: string; name: string; manifest: Manifest | null }[];

  constructor(
    readonly repositoryName: string,
    manifests: readonly Manifest[],
  ) {
    const byDirectory = new Map<
      string,
      { directory: string; name: string; manifest: Manifest | null }
    >();
    for (const manifest of [...manifests].sort((a, b) => compare(a.path, b.path))) {
      const current = byDirectory.get(manifest.directory);
      if (current?.manifest?.name) continue;
      const fallback = manifest.directory
        ? path.posix.basename(manifest.directory)
        : repositoryName;
      byDirectory.set(manifest.directory, {
        directory: manifest.directory,
        name: manifest.name ?? current?.name ?? fallback,
        manifest,
      });
    }
    if (!byDirectory.has(''))
      byDirectory.set('', { directory: '', name: repositoryName, manifest: null });
    this.roots = [...byDirectory.values()].sort((a, b) => b.directory.length - a.directory.length);
  }

  private rootOf(file: string) {
    const root = this.roots.find((r) => r.directory === '' || file.startsWith(`${r.directory}/`));
    if (!root) throw new Error(`no service root for ${file}`);
    return root;
  }

  serviceIdOf(file: string): string {
    return `service:${this.repositoryName}:${this.rootOf(file).directory || '.'}`;
  }

  serviceNode(id: string, fallbackEvidence: Evidence): GraphNode {
    const root = this.roots.find(
      (r) => `service:${this.repositoryName}:${r.directory || '.'}` === id,
    );
    if (!root) throw new Error(`unknown service ${id}`);
    const manifest = root.manifest;
    const evidence: Evidence = manifest
      ? { repository: this.repositoryName, file: manifest.path, line: 1 }
      : fallbackEvidence;
    const properties: Properties = { path: root.directory || '.' };
    if (manifest) {
      properties.manifest = manifest.path;
      properties.dependencies = manifest.dependencies;
    }
    return {
      id,
      label: 'Service',
      name: root.name,
      technology: null,
      repository: this.repositoryName,
      service: null,
      properties,
      evidence: [evidence],
    };
  }
}
