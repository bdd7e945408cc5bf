// Notes for the reader of a scan: what the manifests declare that the graph does not show.
// They go to stderr only; a declared dependency is never a finding.
import type { Manifest } from '../extractors/manifests/manifests.js';
import { UNREAD_PACKAGES } from '../extractors/manifests/messaging-packages.js';
import type { ExtractorDeclaration } from '../extractors/contract.js';
import type { Graph } from '../model/graph.js';

export function manifestNotes(
  repository: string,
  manifests: readonly Manifest[],
  extractors: readonly ExtractorDeclaration[],
  graph: Graph,
): string[] {
  const seen = new Set(
    graph.nodes.filter((n) => n.repository === repository).map((n) => n.technology),
  );
  const notes: string[] = [];
  for (const manifest of manifests) {
    const where = `${repository}/${manifest.path}`;
    const unread = manifest.dependencies.filter((d) => UNREAD_PACKAGES.has(d));
    if (unread.length > 0) {
      notes.push(`${where} declares ${unread.join(', ')}, which this version does not read`);
    }
    const unused = manifest.dependencies.filter((d) =>
      extractors.some((e) => e.packages.includes(d) && !e.technologies.some((t) => seen.has(t))),
    );
    if (unused.length > 0) {
      const them = unused.length === 1 ? 'it' : 'them';
      notes.push(`${where} declares ${unused.join(', ')}, but no use of ${them} was found`);
    }
  }
  return notes;
}
