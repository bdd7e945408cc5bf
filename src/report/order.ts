// Deterministic order shared by the report and the export: code-point comparison (never
// locale-dependent) and evidence sorted by repository, file and line without duplicates.
import type { Evidence } from '../model/graph.js';

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function uniqueSortedEvidence(evidence: readonly Evidence[]): Evidence[] {
  const seen = new Set<string>();
  const unique: Evidence[] = [];
  for (const e of evidence) {
    const key = `${e.repository}\u0000${e.file}\u0000${String(e.line)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push({ repository: e.repository, file: e.file, line: e.line });
  }
  return unique.sort(
    (a, b) =>
      compareText(a.repository, b.repository) || compareText(a.file, b.file) || a.line - b.line,
  );
}
