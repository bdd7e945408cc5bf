// The data a viewer page starts from, whether served or written into one self-contained file.
// Types only and one pure function: the browser bundle imports this module too.
import type { GraphExport } from '../export/graph-json.js';

/** Where a file of one scanned repository lives on the web: `blobBase + file + anchor + line`. */
export interface RemoteLink {
  /** The remote's web page, e.g. https://github.com/owner/name. */
  web: string;
  /** Everything before the file path, ending in '/'. */
  blobBase: string;
  /** What goes between the path and the line number: '#L' or '#lines-'. */
  lineAnchor: string;
}

/** Source lines around a piece of evidence. */
export interface Snippet {
  repository: string;
  file: string;
  line: number;
  /** The 1-based number of the first line in `lines`. */
  start: number;
  lines: string[];
}

export interface ViewerData {
  graph: GraphExport;
  links: Record<string, RemoteLink | null>;
  /** Inlined snippets keyed by `snippetKey`; null when a server answers /api/evidence. */
  snippets: Record<string, Snippet> | null;
  /** True when served by `eventgraph serve`: evidence and the Cypher box ask the API. */
  server: boolean;
}

export function snippetKey(repository: string, file: string, line: number): string {
  return `${repository}\u0000${file}:${String(line)}`;
}
