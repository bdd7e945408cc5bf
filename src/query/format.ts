// Query rows as the user asked for them: an aligned text table, JSON, or CSV (RFC 4180).
// Pure: returns text; the CLI prints it.
import type { StoreRow, StoreValue } from '../store/store.js';

export const FORMATS = ['table', 'json', 'csv'] as const;
export type OutputFormat = (typeof FORMATS)[number];

export function formatRows(rows: readonly StoreRow[], format: OutputFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(rows, null, 2)}\n`;
    case 'csv':
      return formatCsv(rows);
    case 'table':
      return formatTable(rows);
  }
}

function columnsOf(rows: readonly StoreRow[]): string[] {
  const columns: string[] = [];
  for (const row of rows)
    for (const key of Object.keys(row)) {
      if (!columns.includes(key)) columns.push(key);
    }
  return columns;
}

function cell(value: StoreValue | undefined): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function formatCsv(rows: readonly StoreRow[]): string {
  const columns = columnsOf(rows);
  const quote = (text: string) =>
    /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  const lines = [columns.map(quote).join(',')];
  for (const row of rows) lines.push(columns.map((c) => quote(cell(row[c]))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

function formatTable(rows: readonly StoreRow[]): string {
  if (rows.length === 0) return '(no rows)\n';
  const columns = columnsOf(rows);
  const body = rows.map((row) => columns.map((c) => cell(row[c]).replace(/\s*\n\s*/g, ' ')));
  const widths = columns.map((c, i) => Math.max(c.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((text, i) => text.padEnd(widths[i] ?? 0))
      .join(' | ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('-+-');
  const count = `(${String(rows.length)} row${rows.length === 1 ? '' : 's'})`;
  return `${[line(columns), rule, ...body.map(line), count].join('\n')}\n`;
}
