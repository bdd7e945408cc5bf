// The graph as cytoscape elements, its style and its layout. Kinds keep one shape and colour
// everywhere (canvas, legend, exports); big graphs trade edge curves and labels for speed.
import cytoscape from 'cytoscape';
import type { ElementDefinition, StylesheetJson } from 'cytoscape';
import type { GraphExport } from './data.js';

export const KINDS = ['Service', 'Topic', 'Queue', 'Handler', 'Event', 'Job'] as const;
export type Kind = (typeof KINDS)[number];

export const KIND_LOOK: Record<Kind, { shape: cytoscape.Css.NodeShape; colour: string }> = {
  Service: { shape: 'round-rectangle', colour: '#4e79a7' },
  Topic: { shape: 'hexagon', colour: '#f28e2b' },
  Queue: { shape: 'barrel', colour: '#59a14f' },
  Handler: { shape: 'ellipse', colour: '#b07aa1' },
  Event: { shape: 'tag', colour: '#e15759' },
  Job: { shape: 'diamond', colour: '#76b7b2' },
};

/** Above this many nodes the page uses the fast grid layout and plain edges. */
export const BIG_GRAPH = 1500;

const REPOSITORY_PREFIX = 'repository-group:';

export function repositoryGroupId(name: string): string {
  return `${REPOSITORY_PREFIX}${name}`;
}

/**
 * Big graphs get no compound nodes: every style change inside a group re-measures the group,
 * which made building a 5,000-node graph a third slower; the grid keeps a service's handlers
 * and jobs next to it instead.
 */
export function elementsOf(graph: GraphExport, big: boolean): ElementDefinition[] {
  const ids = new Set(graph.nodes.map((n) => n.id));
  const grouped = graph.repositories.length > 1 && !big;
  const elements: ElementDefinition[] = [];
  if (grouped) {
    for (const repository of graph.repositories) {
      elements.push({
        group: 'nodes',
        data: { id: repositoryGroupId(repository.name), name: repository.name, kind: 'Repository' },
      });
    }
  }
  const parentOf = new Map<string, string>();
  for (const node of graph.nodes) {
    let parent: string | undefined;
    if (big) parent = undefined;
    else if (
      (node.label === 'Handler' || node.label === 'Job') &&
      node.service &&
      ids.has(node.service)
    )
      parent = node.service;
    else if (grouped && (node.label === 'Service' || node.label === 'Event'))
      parent = repositoryGroupId(node.repository);
    if (parent !== undefined) parentOf.set(node.id, parent);
    elements.push({
      group: 'nodes',
      data: {
        id: node.id,
        name: node.name,
        kind: node.label,
        technology: node.technology ?? '',
        repository: node.repository,
        service: node.service ?? '',
        ...(parent === undefined ? {} : { parent }),
      },
    });
  }
  for (const edge of graph.edges) {
    if (!ids.has(edge.from) || !ids.has(edge.to)) continue;
    // Nesting already shows what a service contains.
    if (edge.type === 'CONTAINS' && parentOf.get(edge.to) === edge.from) continue;
    elements.push({
      group: 'edges',
      data: {
        id: edge.id,
        source: edge.from,
        target: edge.to,
        type: edge.type,
        label: edge.type.toLowerCase().replaceAll('_', ' '),
        technology: edge.technology ?? '',
        repository: edge.repository,
      },
    });
  }
  return elements;
}

export function styleOf(big: boolean): StylesheetJson {
  const kinds: StylesheetJson = KINDS.map((kind) => ({
    selector: `node[kind = "${kind}"]`,
    style: { shape: KIND_LOOK[kind].shape, 'background-color': KIND_LOOK[kind].colour },
  }));
  return [
    {
      selector: 'node',
      style: {
        label: 'data(name)',
        'font-size': big ? 10 : 12,
        'min-zoomed-font-size': big ? 10 : 6,
        'text-valign': 'bottom',
        'text-margin-y': 3,
        'text-wrap': big ? 'none' : 'ellipsis',
        'text-max-width': '140px',
        width: big ? 26 : 34,
        height: big ? 22 : 28,
        color: '#222',
      },
    },
    ...kinds,
    {
      selector: ':parent',
      style: {
        'background-opacity': 0.07,
        'border-width': 1,
        'border-color': '#4e79a7',
        'text-valign': 'top',
        'text-margin-y': -3,
        'font-weight': 'bold',
        padding: '12px',
      },
    },
    {
      selector: 'node[kind = "Repository"]',
      style: {
        shape: 'round-rectangle',
        'background-color': '#999',
        'border-style': 'dashed',
        'border-color': '#666',
      },
    },
    {
      selector: 'edge',
      style: big
        ? // Haystack is the default curve; naming it costs a parallel-edge check per edge.
          { width: 1, 'line-color': '#aaa', 'haystack-radius': 0 }
        : {
            'curve-style': 'bezier',
            width: 1.5,
            'line-color': '#999',
            'target-arrow-color': '#999',
            'target-arrow-shape': 'triangle',
            'arrow-scale': 0.8,
            label: 'data(label)',
            'font-size': 9,
            color: '#555',
            'text-rotation': 'autorotate',
            'text-background-color': '#fff',
            'text-background-opacity': 0.8,
            'min-zoomed-font-size': 7,
          },
    },
    {
      selector: 'edge[type = "DEAD_LETTERS_TO"]',
      style: { 'line-style': 'dashed', 'line-color': '#c0392b', 'target-arrow-color': '#c0392b' },
    },
    { selector: 'edge[type = "SCHEDULES"]', style: { 'line-style': 'dotted' } },
    { selector: '.hidden', style: { display: 'none' } },
    { selector: '.faded', style: { opacity: 0.15 } },
    {
      selector: '.highlight',
      style: {
        'underlay-color': '#ffd400',
        'underlay-opacity': 0.9,
        'underlay-padding': 6,
        opacity: 1,
        'z-index': 10,
      },
    },
    { selector: 'edge.highlight', style: { 'line-color': '#d4a800', width: 3 } },
    { selector: ':selected', style: { 'border-width': 3, 'border-color': '#111' } },
    { selector: 'edge:selected', style: { 'line-color': '#111', width: 3 } },
  ];
}

export function layoutOf(big: boolean): cytoscape.LayoutOptions {
  if (big) {
    // Grid is linear in the number of nodes; sorting keeps a service's handlers side by side.
    return {
      name: 'grid',
      animate: false,
      fit: true,
      avoidOverlap: true,
      condense: true,
      sort: (a: cytoscape.NodeSingular, b: cytoscape.NodeSingular) =>
        sortKey(a).localeCompare(sortKey(b)),
    } as cytoscape.GridLayoutOptions;
  }
  return {
    name: 'fcose',
    animate: false,
    randomize: true,
    quality: 'default',
    nodeDimensionsIncludeLabels: false,
    idealEdgeLength: 45,
    nodeRepulsion: 3000,
    gravity: 0.6,
    gravityCompound: 1.5,
    nestingFactor: 0.1,
    packComponents: true,
    fit: true,
    padding: 30,
  } as cytoscape.LayoutOptions;
}

function sortKey(node: cytoscape.NodeSingular): string {
  const data = node.data() as { repository?: string; service?: string; kind?: string; id: string };
  return `${data.repository ?? ''}\u0000${data.service || data.id}\u0000${data.kind ?? ''}\u0000${data.id}`;
}
