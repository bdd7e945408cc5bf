// The panel for one clicked node or edge: its properties and every piece of evidence with the
// source lines around it, from the server or from the snippets inlined in the file.
import { clear, el, safeLink } from './dom.js';
import { snippetKey, type RemoteLink, type Snippet, type ViewerData } from './data.js';

interface Evidence {
  repository: string;
  file: string;
  line: number;
}

type PropertyValue = string | number | boolean | string[] | null;

export interface DetailsSubject {
  heading: string;
  kind: string;
  rows: [string, PropertyValue][];
  evidence: Evidence[];
}

export function showDetails(panel: HTMLElement, subject: DetailsSubject, data: ViewerData): void {
  clear(panel);
  panel.append(el('h2', {}, subject.kind), el('h3', {}, subject.heading));
  const table = el('table', { class: 'props' });
  for (const [name, value] of subject.rows) {
    if (value === null || value === '') continue;
    table.append(el('tr', {}, el('th', {}, name), el('td', {}, formatValue(value))));
  }
  panel.append(table, el('h2', {}, `Evidence (${String(subject.evidence.length)})`));
  if (subject.evidence.length === 0) panel.append(el('p', { class: 'hint' }, 'none recorded'));
  for (const item of subject.evidence) panel.append(evidenceItem(item, data));
}

function evidenceItem(item: Evidence, data: ViewerData): HTMLElement {
  const where = `${item.file}:${String(item.line)}`;
  const header = el('div', {}, el('span', { class: 'where' }, where));
  const link = data.links[item.repository];
  const anchor = link ? safeLink(lineUrl(link, item.file, item.line), 'open in repository') : null;
  if (anchor) {
    anchor.className = 'remote';
    header.append(anchor);
  }
  const body = el('div', { class: 'snippet-slot' }, el('span', { class: 'hint' }, 'loading…'));
  const container = el('div', { class: 'evidence', 'data-where': where }, header, body);
  void loadSnippet(item, data).then(
    (snippet) => {
      body.replaceChildren(
        snippet ? renderSnippet(snippet) : el('span', { class: 'hint' }, 'source not available'),
      );
    },
    (error: unknown) => {
      body.replaceChildren(el('span', { class: 'problem' }, String(error)));
    },
  );
  return container;
}

async function loadSnippet(item: Evidence, data: ViewerData): Promise<Snippet | null> {
  if (!data.server)
    return data.snippets?.[snippetKey(item.repository, item.file, item.line)] ?? null;
  const query = new URLSearchParams({
    repository: item.repository,
    file: item.file,
    line: String(item.line),
  });
  const response = await fetch(`api/evidence?${query.toString()}`);
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as { error?: string };
    throw new Error(problem.error ?? `HTTP ${String(response.status)}`);
  }
  return (await response.json()) as Snippet;
}

function renderSnippet(snippet: Snippet): HTMLElement {
  const pre = el('pre', { class: 'snippet' });
  snippet.lines.forEach((text, index) => {
    const number = snippet.start + index;
    const line = el(
      'span',
      { class: number === snippet.line ? 'line hit' : 'line' },
      el('span', { class: 'number' }, String(number)),
      text,
    );
    pre.append(line);
  });
  return pre;
}

function lineUrl(link: RemoteLink, file: string, line: number): string {
  const encoded = file.split('/').map(encodeURIComponent).join('/');
  return `${link.blobBase}${encoded}${link.lineAnchor}${String(line)}`;
}

function formatValue(value: PropertyValue): string {
  if (Array.isArray(value)) return value.join(', ');
  return String(value);
}
