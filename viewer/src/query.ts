// The Cypher box: posts one read-only query to the server and shows the rows as a table.
import { clear, el } from './dom.js';

export interface QueryAnswer {
  columns: string[];
  rows: Record<string, unknown>[];
  truncated: boolean;
  nodeIds: string[];
}

export async function runQuery(text: string): Promise<QueryAnswer> {
  const response = await fetch('api/query', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: text }),
  });
  const body = (await response.json()) as QueryAnswer & { error?: string };
  if (!response.ok) throw new Error(body.error ?? `HTTP ${String(response.status)}`);
  return body;
}

export function showRows(target: HTMLElement, answer: QueryAnswer): void {
  clear(target);
  const summary = `${String(answer.rows.length)} row${answer.rows.length === 1 ? '' : 's'}`;
  target.append(el('p', { class: 'hint' }, answer.truncated ? `${summary} (cut)` : summary));
  if (answer.rows.length === 0) return;
  const head = el('tr', {}, ...answer.columns.map((c) => el('th', {}, c)));
  const table = el('table', { class: 'rows' }, el('thead', {}, head));
  const body = el('tbody');
  for (const row of answer.rows) {
    body.append(el('tr', {}, ...answer.columns.map((c) => el('td', {}, cellText(row[c])))));
  }
  table.append(body);
  target.append(table);
}

export function showProblem(target: HTMLElement, message: string): void {
  clear(target);
  target.append(el('p', { class: 'problem' }, message));
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value as string | number | boolean);
}
