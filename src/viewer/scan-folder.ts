// What a scan left in its --out folder, as the viewer needs it: the export, where each scanned
// repository lives on disk (the export keeps roots as the user typed them), and remote links.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.js';
import type { GraphExport } from '../export/graph-json.js';
import { findRemoteLink } from './remote.js';
import type { RemoteLink } from './viewer-data.js';

export const EXPORT_FILE = 'eventgraph-graph.json';
/** Absolute repository roots, beside the embedded database. */
const ROOTS_FILE = path.join('.eventgraph', 'repositories.json');

export interface ScanFolder {
  graph: GraphExport;
  /** Repository name → absolute root folder. */
  roots: Map<string, string>;
}

export async function writeRepositoryRoots(
  outDir: string,
  repositories: readonly { name: string; root: string }[],
): Promise<void> {
  const rows = repositories.map((r) => ({ name: r.name, root: path.resolve(r.root) }));
  await writeFile(path.join(outDir, ROOTS_FILE), `${JSON.stringify(rows, null, 2)}\n`, 'utf8');
}

export async function loadScanFolder(outDir: string): Promise<ScanFolder> {
  const exportFile = path.join(outDir, EXPORT_FILE);
  let graph: GraphExport;
  try {
    graph = JSON.parse(await readFile(exportFile, 'utf8')) as GraphExport;
  } catch {
    throw new UsageError(
      `No scan export at ${exportFile}.`,
      `Run \`eventgraph scan <path> --out ${outDir}\` first, or pass the scan's --out folder.`,
    );
  }
  return { graph, roots: await repositoryRoots(outDir, graph) };
}

/** Roots recorded by the scan; failing that, the export's roots taken from the current folder. */
async function repositoryRoots(outDir: string, graph: GraphExport): Promise<Map<string, string>> {
  const roots = new Map(graph.repositories.map((r) => [r.name, path.resolve(r.root)]));
  try {
    const text = await readFile(path.join(outDir, ROOTS_FILE), 'utf8');
    for (const row of JSON.parse(text) as { name: string; root: string }[]) {
      if (roots.has(row.name)) roots.set(row.name, row.root);
    }
  } catch {
    // A scan from before the roots file existed: the export's roots are all there is.
  }
  return roots;
}

export async function remoteLinks(
  graph: GraphExport,
  roots: ReadonlyMap<string, string>,
): Promise<Record<string, RemoteLink | null>> {
  const links: Record<string, RemoteLink | null> = {};
  for (const repository of graph.repositories) {
    const root = roots.get(repository.name);
    links[repository.name] = root
      ? await findRemoteLink(root, repository.commit, repository.remote)
      : null;
  }
  return links;
}
