// Runs the extraction and assembly steps on a fixture folder, for extractor tests.
import path from 'node:path';
import { expect } from 'vitest';
import { fileURLToPath } from 'node:url';
import { assembleGraph } from '../../src/graph/assemble.js';
import type { Graph, GraphEdge, GraphNode } from '../../src/model/graph.js';
import { extractRepository, type ExtractOptions } from '../../src/scan/extract.js';
import type { Diagnostic } from '../../src/extractors/contract.js';

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

export interface FixtureScan {
  graph: Graph;
  diagnostics: Diagnostic[];
  node(label: GraphNode['label'], name: string): GraphNode;
  edges(type: GraphEdge['type'], fromName?: string, toName?: string): GraphEdge[];
  names(label: GraphNode['label']): string[];
}

export async function scanFixture(
  fixture: string,
  extractors?: readonly string[],
  options: Omit<ExtractOptions, 'extractors'> = {},
): Promise<FixtureScan> {
  const root = path.isAbsolute(fixture) ? fixture : path.join(FIXTURES, fixture);
  const name = path.basename(root);
  const extraction = await extractRepository({ name, root }, { ...options, extractors });
  const graph = assembleGraph([
    {
      repository: { name, root, commit: extraction.commit },
      records: extraction.records,
      manifests: extraction.manifests,
    },
  ]);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  return {
    graph,
    diagnostics: extraction.diagnostics,
    node(label, nodeName) {
      const found = graph.nodes.find((n) => n.label === label && n.name === nodeName);
      if (!found) {
        const known = graph.nodes.filter((n) => n.label === label).map((n) => n.name);
        throw new Error(`no ${label} named ${nodeName}; found: ${known.join(', ')}`);
      }
      return found;
    },
    edges(type, fromName, toName) {
      return graph.edges.filter(
        (e) =>
          e.type === type &&
          (fromName === undefined || byId.get(e.from)?.name === fromName) &&
          (toName === undefined || byId.get(e.to)?.name === toName),
      );
    },
    names(label) {
      return graph.nodes
        .filter((n) => n.label === label)
        .map((n) => n.name)
        .sort();
    },
  };
}

/** `file:line` of each piece of an item's evidence. */
export function evidenceOf(item: { evidence: { file: string; line: number }[] }): string[] {
  return item.evidence.map((e) => `${e.file}:${String(e.line)}`);
}

/** Items in the order their evidence appears in the source. */
export function bySource<T extends { evidence: { file: string; line: number }[] }>(
  items: T[],
): T[] {
  const first = (item: T) => item.evidence[0] ?? { file: '', line: 0 };
  return [...items].sort(
    (a, b) => first(a).file.localeCompare(first(b).file) || first(a).line - first(b).line,
  );
}

/** The one item of a list, failing the test when there is not exactly one. */
export function single<T>(items: T[]): T {
  expect(items).toHaveLength(1);
  return items[0] as T;
}
