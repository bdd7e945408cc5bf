// Flows between services: which service's code sends what through a channel or a job that
// another service's code takes. Derived by the queries in cypher/system on the whole store,
// so repositories loaded by separate scans into one Neo4j join up.
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Evidence } from '../model/graph.js';
import { projectRoot } from '../project-root.js';
import type { Store, StoreRow } from '../store/store.js';
import { compare, evidenceOf, text } from './rows.js';

export interface FlowEnd {
  id: string;
  name: string;
  repository: string;
}

export interface ServiceFlow {
  from: FlowEnd;
  to: FlowEnd;
  /** The channel or job in between. */
  via: { id: string; name: string; label: string; technology: string | null };
  published: Evidence[];
  consumed: Evidence[];
}

export function systemFolder(): string {
  return path.join(projectRoot(), 'cypher', 'system');
}

export async function loadFlowQueries(folder = systemFolder()): Promise<string[]> {
  const files = (await readdir(folder)).filter((f) => f.endsWith('.cypher')).sort();
  return Promise.all(files.map((f) => readFile(path.join(folder, f), 'utf8')));
}

/** Every flow the store holds, in a deterministic order. */
export async function runFlows(store: Store, queries?: readonly string[]): Promise<ServiceFlow[]> {
  const flows: ServiceFlow[] = [];
  for (const cypher of queries ?? (await loadFlowQueries())) {
    for (const row of await store.query(cypher, {})) {
      const flow = flowOf(row);
      if (flow) flows.push(flow);
    }
  }
  return flows.sort(
    (a, b) =>
      compare(a.from.id, b.from.id) || compare(a.to.id, b.to.id) || compare(a.via.id, b.via.id),
  );
}

function flowOf(row: StoreRow): ServiceFlow | null {
  const end = (prefix: 'from' | 'to'): FlowEnd | null => {
    const id = text(row, `${prefix}Service`);
    const repository = text(row, `${prefix}Repository`);
    if (id === null || repository === null) return null;
    return { id, name: text(row, `${prefix}Name`) ?? id, repository };
  };
  const from = end('from');
  const to = end('to');
  const via = text(row, 'via');
  if (!from || !to || via === null) return null;
  return {
    from,
    to,
    via: {
      id: via,
      name: text(row, 'viaName') ?? via,
      label: text(row, 'viaKind') ?? '',
      technology: text(row, 'technology'),
    },
    published: evidenceOf(row, 'publishedAt'),
    consumed: evidenceOf(row, 'consumedAt'),
  };
}

/**
 * The groups of services that reach each other through flows (strongly connected
 * components of two or more services), each as its services in a cycle order.
 */
export function serviceCycles(flows: readonly ServiceFlow[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const flow of flows) {
    const set = next.get(flow.from.id) ?? new Set<string>();
    set.add(flow.to.id);
    next.set(flow.from.id, set);
  }
  const nodes = [...new Set(flows.flatMap((f) => [f.from.id, f.to.id]))].sort(compare);
  // Tarjan's algorithm, iterative so that a long chain cannot overflow the stack.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: { node: string; children: string[] }[] = [];
    const visit = (node: string) => {
      index.set(node, counter);
      low.set(node, counter);
      counter += 1;
      stack.push(node);
      onStack.add(node);
      work.push({ node, children: [...(next.get(node) ?? [])].sort(compare) });
    };
    visit(root);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      if (!frame) break;
      const child = frame.children.shift();
      if (child !== undefined) {
        if (!index.has(child)) visit(child);
        else if (onStack.has(child)) {
          low.set(frame.node, Math.min(low.get(frame.node) ?? 0, index.get(child) ?? 0));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) {
        low.set(parent.node, Math.min(low.get(parent.node) ?? 0, low.get(frame.node) ?? 0));
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        for (;;) {
          const member = stack.pop();
          if (member === undefined) break;
          onStack.delete(member);
          component.push(member);
          if (member === frame.node) break;
        }
        if (component.length > 1) components.push(component.sort(compare));
      }
    }
  }
  return components.sort((a, b) => compare(a.join('\n'), b.join('\n')));
}
