// The system view of a report: services as boxes, the channels and jobs between them, the
// flows that cross repositories, cycles between services and what each repository holds.
import type { Evidence, Graph, GraphNode } from '../model/graph.js';
import { serviceCycles, type FlowEnd, type ServiceFlow } from '../patterns/flows.js';
import { code, mermaidLabel, text } from './markdown.js';
import { compareText } from './order.js';

export interface SystemBlock {
  title: string;
  table: { headers: string[]; rows: string[][] } | null;
  items: string[] | null;
  diagram?: string[];
}

export interface SystemFormat {
  evidence(evidence: readonly Evidence[], qualified: boolean): string;
}

/** Shown through the map's edge labels before "and N more". */
const LABELLED_CHANNELS = 3;

export function systemBlocks(
  graph: Graph,
  flows: readonly ServiceFlow[],
  format: SystemFormat,
): SystemBlock[] {
  const repositories = new Set([
    ...graph.repositories.map((r) => r.name),
    ...flows.flatMap((f) => [f.from.repository, f.to.repository]),
  ]);
  const multiRepository = repositories.size > 1;
  const name = (end: FlowEnd) =>
    multiRepository && end.name !== end.repository
      ? `${text(end.name)} (${text(end.repository)})`
      : text(end.name);
  const row = (flow: ServiceFlow) => [
    name(flow.from),
    via(flow),
    name(flow.to),
    format.evidence(flow.published, multiRepository),
    format.evidence(flow.consumed, multiRepository),
  ];
  const headers = ['From', 'Through', 'To', 'Sent at', 'Taken at'];
  const across = flows.filter((f) => f.from.repository !== f.to.repository);
  const within = flows.filter((f) => f.from.repository === f.to.repository);

  const blocks: (SystemBlock | null)[] = [
    flows.length > 0
      ? { title: 'Service map', table: null, items: null, diagram: serviceMap(flows, name) }
      : null,
    ...(multiRepository
      ? [
          tableBlock('Flows across repositories', headers, across.map(row)),
          tableBlock('Flows within a repository', headers, within.map(row)),
        ]
      : [tableBlock('Flows between services', headers, flows.map(row))]),
    listBlock('Cycles between services', cycleItems(flows, name)),
    multiRepository ? tableBlock('Repositories', REPOSITORY_HEADERS, repositoryRows(graph)) : null,
  ];
  return blocks.filter((b): b is SystemBlock => b !== null);
}

function via(flow: ServiceFlow): string {
  const what = flow.via.label === 'Job' ? 'job' : (flow.via.technology ?? 'channel');
  return `${code(flow.via.name)} (${text(what)})`;
}

function serviceMap(flows: readonly ServiceFlow[], name: (end: FlowEnd) => string): string[] {
  const services = new Map<string, FlowEnd>();
  const links = new Map<string, { from: string; to: string; names: Set<string> }>();
  for (const flow of flows) {
    services.set(flow.from.id, flow.from);
    services.set(flow.to.id, flow.to);
    const key = `${flow.from.id}\u0000${flow.to.id}`;
    const link = links.get(key) ?? { from: flow.from.id, to: flow.to.id, names: new Set() };
    link.names.add(flow.via.name);
    links.set(key, link);
  }
  const ids = new Map(
    [...services.keys()].sort(compareText).map((id, index) => [id, `s${String(index + 1)}`]),
  );
  const declarations = [...services.values()]
    .sort((a, b) => compareText(a.id, b.id))
    .map((end) => `${ids.get(end.id) ?? ''}[${mermaidLabel(plain(name(end)))}]`);
  const statements = [...links.values()].map((link) => {
    const names = [...link.names].sort(compareText);
    const shown = names.slice(0, LABELLED_CHANNELS).join(', ');
    const more =
      names.length > LABELLED_CHANNELS ? ` +${String(names.length - LABELLED_CHANNELS)}` : '';
    const [from, to] = [ids.get(link.from) ?? '', ids.get(link.to) ?? ''];
    return `${from} -- ${mermaidLabel(shown + more)} --> ${to}`;
  });
  return [...declarations, ...statements];
}

/** Markdown escapes undone: Mermaid labels are escaped on their own terms. */
function plain(markdown: string): string {
  return markdown.replaceAll(/\\([\\`*_{}[\]()#+\-.!|<>~])/g, '$1');
}

function cycleItems(flows: readonly ServiceFlow[], name: (end: FlowEnd) => string): string[] {
  const ends = new Map<string, FlowEnd>();
  for (const flow of flows) {
    ends.set(flow.from.id, flow.from);
    ends.set(flow.to.id, flow.to);
  }
  return serviceCycles(flows).map((members) => {
    const inCycle = new Set(members);
    const steps = flows
      .filter((f) => inCycle.has(f.from.id) && inCycle.has(f.to.id))
      .map((f) => `${name(f.from)} → ${name(f.to)} through ${via(f)}`);
    const names = members.map((id) => {
      const end = ends.get(id);
      return end ? name(end) : text(id);
    });
    return `${names.join(', ')}: ${[...new Set(steps)].join('; ')}`;
  });
}

const REPOSITORY_HEADERS = [
  'Repository',
  'Commit',
  'Services',
  'Sends to',
  'Takes from',
  'Jobs',
  'Technologies',
];

function repositoryRows(graph: Graph): string[][] {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  return [...graph.repositories]
    .sort((a, b) => compareText(a.name, b.name))
    .map((repository) => {
      const own = (node: GraphNode | undefined) => node?.repository === repository.name;
      const nodes = graph.nodes.filter((n) => n.repository === repository.name);
      const sent = new Set<string>();
      const taken = new Set<string>();
      const technologies = new Set<string>();
      for (const edge of graph.edges) {
        const target = byId.get(edge.to);
        if (!own(byId.get(edge.from)) || !target) continue;
        if (target.label !== 'Topic' && target.label !== 'Queue') continue;
        if (edge.type === 'PUBLISHES') sent.add(target.name);
        if (edge.type === 'CONSUMES') taken.add(target.name);
      }
      for (const node of nodes) if (node.technology) technologies.add(node.technology);
      const count = (label: GraphNode['label']) => nodes.filter((n) => n.label === label).length;
      return [
        text(repository.name),
        repository.commit ? code(repository.commit.slice(0, 12)) : '—',
        String(count('Service')),
        String(sent.size),
        String(taken.size),
        String(count('Job')),
        [...technologies].sort(compareText).map(code).join(', ') || '—',
      ];
    });
}

function tableBlock(title: string, headers: string[], rows: string[][]): SystemBlock | null {
  return rows.length > 0 ? { title, table: { headers, rows }, items: null } : null;
}

function listBlock(title: string, items: string[]): SystemBlock | null {
  return items.length > 0 ? { title, table: null, items } : null;
}
