// The short stderr summary after a scan: files read, skipped and why, nodes per label, time.
import path from 'node:path';
import type { ScanOutcome } from '../scan/scan.js';

export function formatSummary(outcome: ScanOutcome, cwd: string): string {
  const { summary } = outcome;
  const lines: string[] = [];
  for (const repo of summary.repositories) {
    lines.push(
      `${repo.name}: ${count(repo.filesRead, 'file')} read, ${String(repo.filesParsed)} parsed, ` +
        `${String(repo.lines)} lines`,
    );
    if (repo.filesRead === 0) lines.push(`note: no file of ${repo.name} was read`);
  }
  const reasons = new Map<string, number>();
  for (const skipped of summary.skipped)
    reasons.set(skipped.reason, (reasons.get(skipped.reason) ?? 0) + 1);
  if (reasons.size > 0) {
    const parts = [...reasons].sort().map(([reason, n]) => `${String(n)} ${reason}`);
    lines.push(`skipped: ${parts.join(', ')}`);
  }
  for (const skipped of summary.skipped.filter((s) => s.reason !== 'test or docs').slice(0, 20)) {
    lines.push(
      `  skipped ${skipped.repository}/${skipped.path}: ${skipped.reason}` +
        (skipped.detail ? ` (${skipped.detail})` : ''),
    );
  }
  for (const d of summary.diagnostics.slice(0, 50)) {
    const where = d.file ? `${d.file}${d.line ? `:${String(d.line)}` : ''}: ` : '';
    lines.push(`${d.severity}: ${d.repository}/${where}${d.message}`);
  }
  if (summary.diagnostics.length > 50)
    lines.push(`... and ${String(summary.diagnostics.length - 50)} more diagnostics`);
  for (const note of summary.notes) lines.push(`note: ${note}`);
  const labels = Object.entries(summary.nodesPerLabel)
    .filter(([, count]) => count > 0)
    .map(([label, count]) => `${String(count)} ${label}`);
  lines.push(
    `graph: ${labels.length ? labels.join(', ') : 'no nodes'}; ${String(summary.edges)} edges`,
  );
  lines.push(
    `patterns: ${
      outcome.patterns
        .map((p) => p.id)
        .filter(unique)
        .join(', ') || 'none'
    }`,
  );
  lines.push(`report: ${path.relative(cwd, outcome.reportFile) || outcome.reportFile}`);
  lines.push(`graph export: ${path.relative(cwd, outcome.jsonFile) || outcome.jsonFile}`);
  if (outcome.htmlFile !== null) {
    lines.push(`viewer page: ${path.relative(cwd, outcome.htmlFile) || outcome.htmlFile}`);
  }
  lines.push(`done in ${(summary.elapsedMs / 1000).toFixed(1)} s`);
  return `${lines.map(printable).join('\n')}\n`;
}

/**
 * A line with control characters shown as escapes: a file named with terminal escape codes
 * must not clear or recolour the user's terminal.
 */
export function printable(line: string): string {
  // eslint-disable-next-line no-control-regex
  return line.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) =>
    c === '\n' ? '\\n' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function unique(value: string, index: number, all: string[]): boolean {
  return all.indexOf(value) === index;
}

function count(n: number, noun: string): string {
  return `${String(n)} ${noun}${n === 1 ? '' : 's'}`;
}
