// YAML into located values: every map, list and scalar keeps its 1-based line. Aliases are
// expanded here under a budget (a billion-laughs file stops with a diagnostic instead of
// eating the heap), merge keys (`<<: *defaults`) are applied, and duplicate keys are reported
// with the last one kept, as most loaders do.
// Docs: https://yaml.org/spec/1.2.2/ and https://eemeli.org/yaml/
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  type Document,
  type Node as YamlNode,
} from 'yaml';

export type ScalarValue = string | number | boolean | null;

/** `tag` keeps a local tag as written (`!Ref`, `!GetAtt`: CloudFormation's short forms). */
export type Located =
  | {
      kind: 'map';
      line: number;
      entries: Map<string, Located>;
      keyLines: Map<string, number>;
      tag?: string;
    }
  | { kind: 'seq'; line: number; items: Located[]; tag?: string }
  | { kind: 'scalar'; line: number; value: ScalarValue; tag?: string };

export interface YamlProblem {
  line: number;
  message: string;
}

export interface YamlDocuments {
  documents: Located[];
  problems: YamlProblem[];
}

/** Nodes one document may expand to through aliases before it is given up. */
export const MAX_EXPANDED_NODES = 50_000;

class ExpansionLimit extends Error {}

export function parseYaml(text: string): YamlDocuments {
  const lineCounter = new LineCounter();
  const problems: YamlProblem[] = [];
  const documents: Located[] = [];
  const lineAt = (offset: number | undefined) => lineCounter.linePos(offset ?? 0).line;
  const parsed = parseAllDocuments(text, {
    lineCounter,
    uniqueKeys: false,
    merge: false,
    // The line is reported apart; the message alone, not "at line N, column M:" and an excerpt.
    prettyErrors: false,
  });
  const all = Array.isArray(parsed) ? parsed : [];
  for (const document of all) {
    const error = document.errors[0];
    if (error) {
      problems.push({ line: lineAt(error.pos[0]), message: firstLine(error.message) });
      continue;
    }
    if (document.contents === null) continue;
    const budget = { left: MAX_EXPANDED_NODES, inAlias: 0 };
    try {
      documents.push(toLocated(document, document.contents, lineAt, budget, problems));
    } catch (caught) {
      if (!(caught instanceof ExpansionLimit)) throw caught;
      problems.push({
        line: lineAt(document.contents.range[0]),
        message: `aliases expand beyond ${String(MAX_EXPANDED_NODES)} nodes; document not read`,
      });
    }
  }
  return { documents, problems };
}

function firstLine(message: string): string {
  return message.split('\n')[0]?.trim() ?? message;
}

function toLocated(
  document: Document,
  node: unknown,
  lineAt: (offset: number | undefined) => number,
  budget: { left: number; inAlias: number },
  problems: YamlProblem[],
): Located {
  // Only nodes reached again through an alias count: the text itself bounds the others.
  if (budget.inAlias > 0) budget.left -= 1;
  if (budget.left < 0) throw new ExpansionLimit();
  if (isAlias(node)) {
    const target = node.resolve(document);
    if (!target) return { kind: 'scalar', line: lineAt(node.range?.[0]), value: null };
    budget.inAlias += 1;
    try {
      return toLocated(document, target, lineAt, budget, problems);
    } finally {
      budget.inAlias -= 1;
    }
  }
  const line = lineAt((node as YamlNode | null)?.range?.[0]);
  const tag = (node as YamlNode | null)?.tag;
  const tagged = tag?.startsWith('!') && !tag.startsWith('!!') ? { tag } : {};
  if (isSeq(node)) {
    const items = node.items.map((item) => toLocated(document, item, lineAt, budget, problems));
    return { kind: 'seq', line, items, ...tagged };
  }
  if (isMap(node)) {
    const entries = new Map<string, Located>();
    const keyLines = new Map<string, number>();
    const merged: Located[] = [];
    for (const pair of node.items) {
      const keyNode = pair.key;
      const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
      const keyLine = lineAt((keyNode as YamlNode | null)?.range?.[0]);
      const value = toLocated(document, pair.value, lineAt, budget, problems);
      if (key === '<<') {
        merged.push(...(value.kind === 'seq' ? value.items : [value]));
        continue;
      }
      if (entries.has(key))
        problems.push({ line: keyLine, message: `duplicate key "${key}"; the last one is kept` });
      entries.set(key, value);
      keyLines.set(key, keyLine);
    }
    // Keys written in the map win over merged ones; earlier merge sources win over later ones.
    for (const source of merged) {
      if (source.kind !== 'map') continue;
      for (const [key, value] of source.entries) {
        if (entries.has(key)) continue;
        entries.set(key, value);
        keyLines.set(key, source.keyLines.get(key) ?? value.line);
      }
    }
    return { kind: 'map', line, entries, keyLines, ...tagged };
  }
  if (isScalar(node)) {
    const value = node.value;
    const scalar: ScalarValue =
      typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
        ? value
        : value === null || value === undefined
          ? null
          : typeof value === 'bigint'
            ? String(value)
            : null;
    return { kind: 'scalar', line, value: scalar, ...tagged };
  }
  return { kind: 'scalar', line, value: null };
}

// ---- reading located values ------------------------------------------------------------

export function field(node: Located | undefined, ...path: string[]): Located | undefined {
  let current = node;
  for (const key of path) {
    if (current?.kind !== 'map') return undefined;
    current = current.entries.get(key);
  }
  return current;
}

/** A scalar as text; numbers and booleans as written by YAML's own rules. */
export function text(node: Located | undefined): string | undefined {
  if (node?.kind !== 'scalar' || node.value === null) return undefined;
  return String(node.value);
}

export function num(node: Located | undefined): number | undefined {
  if (node?.kind !== 'scalar') return undefined;
  if (typeof node.value === 'number') return node.value;
  if (typeof node.value === 'string' && /^\d+$/.test(node.value)) return Number(node.value);
  return undefined;
}

export function items(node: Located | undefined): Located[] {
  return node?.kind === 'seq' ? node.items : [];
}

export function entries(node: Located | undefined): [string, Located][] {
  return node?.kind === 'map' ? [...node.entries] : [];
}

/** The line of a key in a map, falling back to the map's own line. */
export function keyLine(node: Located | undefined, key: string): number {
  if (node?.kind !== 'map') return node?.line ?? 1;
  return node.keyLines.get(key) ?? node.line;
}
