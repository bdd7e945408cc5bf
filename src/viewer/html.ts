// The self-contained viewer: the bundled page with its script, styles, graph and evidence
// snippets inlined, so that one file can be mailed or attached to a CI run. A Content Security
// Policy allows only that one inline script and no network at all.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { GraphExport } from '../export/graph-json.js';
import { projectRoot } from '../project-root.js';
import { readSnippet } from './snippets.js';
import { snippetKey, type RemoteLink, type Snippet, type ViewerData } from './viewer-data.js';

/** More evidence than this is left out of the file; the panel then says the source is missing. */
const MAX_SNIPPETS = 20_000;

export function viewerAssetsFolder(): string {
  return path.join(projectRoot(), 'dist', 'viewer');
}

export async function collectSnippets(
  graph: GraphExport,
  roots: ReadonlyMap<string, string>,
): Promise<Record<string, Snippet>> {
  const snippets: Record<string, Snippet> = {};
  const items = [...graph.nodes, ...graph.edges].flatMap((item) => item.evidence);
  for (const item of items) {
    const key = snippetKey(item.repository, item.file, item.line);
    if (key in snippets) continue;
    if (Object.keys(snippets).length >= MAX_SNIPPETS) break;
    try {
      snippets[key] = await readSnippet(roots, item);
    } catch {
      // A file that moved or is outside the repository shows as "source not available".
    }
  }
  return snippets;
}

export async function renderStandaloneViewer(
  graph: GraphExport,
  links: Record<string, RemoteLink | null>,
  snippets: Record<string, Snippet>,
  assets: string = viewerAssetsFolder(),
): Promise<string> {
  const [page, script, styles] = await Promise.all(
    ['index.html', 'viewer.js', 'viewer.css'].map((file) =>
      readFile(path.join(assets, file), 'utf8'),
    ),
  );
  if (page === undefined || script === undefined || styles === undefined) {
    throw new Error('viewer assets missing');
  }
  const data: ViewerData = { graph, links, snippets, server: false };
  const inlineScript = scriptText(script);
  const hash = createHash('sha256').update(inlineScript, 'utf8').digest('base64');
  const policy = [
    "default-src 'none'",
    `script-src 'sha256-${hash}'`,
    "style-src 'unsafe-inline'",
    'img-src data: blob:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');

  return page
    .replace('<meta charset="utf-8" />', () => {
      const meta = `<meta http-equiv="Content-Security-Policy" content="${policy}" />`;
      return `<meta charset="utf-8" />\n    ${meta}`;
    })
    .replace('<link rel="stylesheet" href="viewer.css" />', () => `<style>\n${styles}</style>`)
    .replace('<script src="viewer.js"></script>', () => {
      const open = '<script type="application/json" id="eventgraph-data">';
      const json = `${open}${jsonInHtml(data)}</script>`;
      return `${json}\n<script>${inlineScript}</script>`;
    });
}

/** JSON that cannot end its script element or open a comment, whatever the names hold. */
export function jsonInHtml(value: unknown): string {
  return JSON.stringify(value)
    .replaceAll('<', '\\u003c')
    .replaceAll('>', '\\u003e')
    .replaceAll('&', '\\u0026')
    .replaceAll('\u2028', '\\u2028')
    .replaceAll('\u2029', '\\u2029');
}

/** `</script` can only appear in strings, regexes or comments of the bundle; escape it there. */
function scriptText(script: string): string {
  return script.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}
