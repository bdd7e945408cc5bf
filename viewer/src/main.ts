// The page: loads the graph (inlined or from the server), draws it, and wires filters,
// search, focus, pattern highlights, details, the Cypher box and image export.
import cytoscape from 'cytoscape';
import fcose from 'cytoscape-fcose';
import svg from 'cytoscape-svg';
import { showDetails } from './details.js';
import { byId, download, el } from './dom.js';
import type { ExportEdge, ExportNode, GraphExport, ViewerData } from './data.js';
import { BIG_GRAPH, KINDS, elementsOf, layoutOf, styleOf } from './graph-view.js';
import { runQuery, showProblem, showRows } from './query.js';
import {
  NO_TECHNOLOGY,
  checkList,
  countedValues,
  findingList,
  kindEntries,
  type FindingEntry,
} from './side-lists.js';

cytoscape.use(fcose);
cytoscape.use(svg);

interface Timings {
  dataMs: number;
  elementsMs: number;
  layoutMs: number;
  renderMs: number;
}

interface Filters {
  kinds: Set<string>;
  technologies: Set<string>;
  repositories: Set<string>;
  service: string;
  focus: Set<string> | null;
}

declare global {
  interface Window {
    eventgraph?: {
      cy: cytoscape.Core;
      timings: Timings;
      applyFilters: () => void;
      filters: Filters;
    };
  }
}

async function loadData(): Promise<ViewerData> {
  const inline = document.getElementById('eventgraph-data');
  if (inline?.textContent) return JSON.parse(inline.textContent) as ViewerData;
  const response = await fetch('api/graph');
  if (!response.ok) throw new Error(`could not load the graph: HTTP ${String(response.status)}`);
  return (await response.json()) as ViewerData;
}

async function start(): Promise<void> {
  const started = performance.now();
  const data = await loadData();
  const graph = data.graph;
  const dataMs = performance.now() - started;
  byId('title').textContent = graph.repositories.map((r) => r.name).join(', ');
  document.title = `eventgraph: ${graph.repositories.map((r) => r.name).join(', ')}`;

  const big = graph.nodes.length > BIG_GRAPH;
  const elementsStarted = performance.now();
  const cy = cytoscape({
    container: byId('graph'),
    elements: elementsOf(graph, big),
    style: styleOf(big),
    layout: { name: 'preset' },
    minZoom: 0.02,
    maxZoom: 4,
    hideEdgesOnViewport: big,
    textureOnViewport: big,
    pixelRatio: big ? 1 : 'auto',
    motionBlur: false,
    boxSelectionEnabled: false,
  });
  const elementsMs = performance.now() - elementsStarted;

  const layoutStarted = performance.now();
  // fcose needs the edges and the compounds; the grid only places leaves, groups follow them.
  const layoutTargets = big ? cy.nodes().filter((n) => !n.isParent()) : cy.elements();
  layoutTargets.layout(layoutOf(big)).run();
  cy.fit(undefined, 30);
  const layoutMs = performance.now() - layoutStarted;

  const nodesById = new Map<string, ExportNode>(graph.nodes.map((n) => [n.id, n]));
  const edgesById = new Map<string, ExportEdge>(graph.edges.map((e) => [e.id, e]));
  const filters: Filters = {
    kinds: new Set(KINDS),
    technologies: new Set([NO_TECHNOLOGY, ...graph.technologies.map((t) => t.id)]),
    repositories: new Set(graph.repositories.map((r) => r.name)),
    service: '',
    focus: null,
  };
  const applyFilters = (): void => {
    applyVisibility(cy, filters);
  };
  buildFilters(graph, filters, applyFilters);

  const status = byId('status');
  const details = byId('details');
  let selected: cytoscape.NodeSingular | null = null;
  cy.on('tap', 'node, edge', (event) => {
    const target = event.target as cytoscape.SingularElementArgument;
    const id = target.id();
    const node = nodesById.get(id);
    const edge = edgesById.get(id);
    if (target.isNode()) selected = target;
    if (node) showDetails(details, nodeSubject(node, nodesById), data);
    else if (edge) showDetails(details, edgeSubject(edge, nodesById), data);
  });

  const highlight = (ids: Iterable<string>, fit: boolean): number => {
    const found = highlightIds(cy, ids);
    if (fit && found.nonempty()) cy.animate({ fit: { eles: found, padding: 60 } }, { duration: 0 });
    return found.nodes().length;
  };

  let active: FindingEntry | null = null;
  const findings = findingList(byId('findings'), graph, (entry) => {
    active?.button.classList.remove('active');
    if (active === entry) {
      active = null;
      highlight([], false);
      return;
    }
    active = entry;
    entry.button.classList.add('active');
    highlight(entry.finding.subjects, true);
  });
  status.textContent = `${String(graph.nodes.length)} nodes, ${String(graph.edges.length)} edges, ${String(findings.length)} findings`;

  wireSearch(cy, highlight);
  byId('focus').addEventListener('click', () => {
    const node = selected ?? cy.nodes(':selected').first();
    if (node.empty()) {
      status.textContent = 'select a node to focus on';
      return;
    }
    const steps = Number(byId<HTMLInputElement>('focus-steps').value) || 1;
    let scope = node.union(node.descendants());
    for (let step = 0; step < steps; step += 1) scope = scope.union(scope.neighborhood());
    filters.focus = new Set(scope.nodes().map((n) => n.id()));
    applyFilters();
    cy.fit(cy.elements(':visible'), 40);
  });
  byId('show-all').addEventListener('click', () => {
    filters.focus = null;
    applyFilters();
    highlight([], false);
    cy.fit(cy.elements(':visible'), 30);
  });
  byId('fit').addEventListener('click', () => {
    cy.fit(cy.elements(':visible'), 30);
  });
  byId('export-png').addEventListener('click', () => {
    // Browsers refuse canvases much larger than this; a big graph is scaled down to fit.
    const blob = cy.png({
      output: 'blob',
      full: true,
      scale: 2,
      maxWidth: 8000,
      maxHeight: 8000,
      bg: '#ffffff',
    });
    download('eventgraph.png', blob);
  });
  byId('export-svg').addEventListener('click', () => {
    const text = cy.svg({ full: true, scale: 1, bg: '#ffffff' });
    download('eventgraph.svg', new Blob([text], { type: 'image/svg+xml' }));
  });
  wireQuery(cy, data, highlight);

  await nextFrames(2);
  const renderMs = performance.now() - started;
  window.eventgraph = {
    cy,
    timings: { dataMs, elementsMs, layoutMs, renderMs },
    applyFilters,
    filters,
  };
  document.body.dataset.state = 'ready';
}

function buildFilters(graph: GraphExport, filters: Filters, apply: () => void): void {
  const toggle = (set: Set<string>) => (value: string, checked: boolean) => {
    if (checked) set.add(value);
    else set.delete(value);
    apply();
  };
  checkList(byId('legend'), kindEntries(graph), toggle(filters.kinds));
  const technologies = [...graph.nodes, ...graph.edges].map((i) => i.technology ?? NO_TECHNOLOGY);
  checkList(byId('technologies'), countedValues(technologies), toggle(filters.technologies));
  if (graph.repositories.length > 1) {
    const repositories = countedValues(graph.nodes.map((n) => n.repository));
    checkList(byId('repositories'), repositories, toggle(filters.repositories));
  } else {
    byId('repository-section').hidden = true;
  }
  const picker = byId<HTMLSelectElement>('service');
  const services = graph.nodes
    .filter((n) => n.label === 'Service')
    .sort((a, b) => a.name.localeCompare(b.name));
  const several = graph.repositories.length > 1;
  for (const service of services) {
    const text = several ? `${service.name} (${service.repository})` : service.name;
    picker.append(el('option', { value: service.id }, text));
  }
  picker.addEventListener('change', () => {
    filters.service = picker.value;
    apply();
  });
}

function applyVisibility(cy: cytoscape.Core, filters: Filters): void {
  let scope: Set<string> | null = null;
  if (filters.service !== '') {
    const service = cy.getElementById(filters.service);
    const members = service.union(service.descendants());
    scope = new Set(
      members
        .union(members.neighborhood())
        .nodes()
        .map((n) => n.id()),
    );
  }
  const shown = (node: cytoscape.NodeSingular): boolean => {
    const data = node.data() as { kind: string; technology: string; repository: string };
    if (data.kind === 'Repository') return filters.repositories.has(node.data('name') as string);
    return (
      filters.kinds.has(data.kind) &&
      filters.technologies.has(data.technology || NO_TECHNOLOGY) &&
      filters.repositories.has(data.repository) &&
      (scope === null || scope.has(node.id())) &&
      (filters.focus === null || filters.focus.has(node.id()))
    );
  };
  cy.batch(() => {
    const leaves = cy.nodes().filter((n) => !n.isParent());
    const visible = new Set<string>();
    leaves.forEach((node) => {
      if (shown(node)) visible.add(node.id());
    });
    // A group stays while anything inside it is shown, or while it passes on its own.
    cy.nodes()
      .filter((n) => n.isParent())
      .forEach((parent) => {
        const inside = parent
          .descendants()
          .filter((d) => visible.has(d.id()))
          .nonempty();
        if (inside || shown(parent)) visible.add(parent.id());
      });
    cy.nodes().forEach((node) => {
      const hide = !visible.has(node.id());
      if (hide !== node.hasClass('hidden')) node.toggleClass('hidden', hide);
    });
    cy.edges().forEach((edge) => {
      const technology = (edge.data('technology') as string) || NO_TECHNOLOGY;
      const hide = !filters.technologies.has(technology);
      if (hide !== edge.hasClass('hidden')) edge.toggleClass('hidden', hide);
    });
  });
}

function highlightIds(cy: cytoscape.Core, ids: Iterable<string>): cytoscape.CollectionReturnValue {
  let found = cy.collection();
  for (const id of ids) {
    const element = cy.getElementById(id);
    if (element.nonempty()) found = found.union(element);
  }
  found = found.union(found.nodes().edgesWith(found.nodes()));
  cy.batch(() => {
    cy.elements().removeClass('highlight faded');
    if (found.empty()) return;
    cy.elements().difference(found).difference(found.ancestors()).addClass('faded');
    found.addClass('highlight');
  });
  return found;
}

function wireSearch(
  cy: cytoscape.Core,
  highlight: (ids: Iterable<string>, fit: boolean) => number,
): void {
  const input = byId<HTMLInputElement>('search');
  let timer: ReturnType<typeof setTimeout> | undefined;
  const search = (): void => {
    const text = input.value.trim().toLowerCase();
    if (text === '') {
      highlight([], false);
      return;
    }
    const ids = cy
      .nodes()
      .filter((n) => {
        const name = (n.data('name') as string).toLowerCase();
        return name.includes(text) || n.id().toLowerCase().includes(text);
      })
      .map((n) => n.id());
    const count = highlight(ids, ids.length > 0 && ids.length <= 200);
    byId('status').textContent = `${String(count)} match${count === 1 ? '' : 'es'}`;
  };
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(search, 150);
  });
  input.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter') return;
    clearTimeout(timer);
    search();
    const first = cy.nodes('.highlight').first();
    if (first.nonempty()) {
      cy.nodes().unselect();
      first.select();
      first.emit('tap');
    }
  });
}

function wireQuery(
  cy: cytoscape.Core,
  data: ViewerData,
  highlight: (ids: Iterable<string>, fit: boolean) => number,
): void {
  const result = byId('query-result');
  if (!data.server) {
    byId('query').hidden = true;
    byId('run-query').hidden = true;
    result.append(el('p', { class: 'hint' }, 'The Cypher box needs `eventgraph serve`.'));
    return;
  }
  byId('run-query').addEventListener('click', () => {
    const text = byId<HTMLTextAreaElement>('query').value;
    result.replaceChildren(el('p', { class: 'hint' }, 'running…'));
    runQuery(text).then(
      (answer) => {
        showRows(result, answer);
        highlight(
          answer.nodeIds.filter((id) => cy.getElementById(id).nonempty()),
          true,
        );
      },
      (error: unknown) => {
        showProblem(result, error instanceof Error ? error.message : String(error));
      },
    );
  });
}

function nodeSubject(node: ExportNode, nodes: Map<string, ExportNode>) {
  const service = node.service ? (nodes.get(node.service)?.name ?? node.service) : null;
  return {
    heading: node.name,
    kind: node.label,
    rows: [
      ['id', node.id],
      ['technology', node.technology],
      ['repository', node.repository],
      ['service', service],
      ...Object.entries(node.properties),
    ] as [string, string | null][],
    evidence: node.evidence,
  };
}

function edgeSubject(edge: ExportEdge, nodes: Map<string, ExportNode>) {
  const name = (id: string) => nodes.get(id)?.name ?? id;
  return {
    heading: `${name(edge.from)} → ${name(edge.to)}`,
    kind: edge.type,
    rows: [
      ['id', edge.id],
      ['from', edge.from],
      ['to', edge.to],
      ['technology', edge.technology],
      ['repository', edge.repository],
      ...Object.entries(edge.properties),
    ] as [string, string | null][],
    evidence: edge.evidence,
  };
}

function nextFrames(count: number): Promise<void> {
  return new Promise((resolve) => {
    const step = (left: number): void => {
      if (left === 0) resolve();
      else
        requestAnimationFrame(() => {
          step(left - 1);
        });
    };
    step(count);
  });
}

start().catch((error: unknown) => {
  document.body.dataset.state = 'failed';
  byId('status').textContent = error instanceof Error ? error.message : String(error);
});
