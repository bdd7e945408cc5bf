// Step 7: runs every read-only query in cypher/patterns on a store and turns its rows into
// taxonomy findings and gaps. The queries decide what is a finding; this module only names
// it, summarizes it in one line and attaches evidence.
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import createDebug from 'debug';
import type { GapFinding, PatternFinding } from '../model/graph.js';
import { PATTERN_IDS, type PatternId } from '../model/taxonomy.js';
import { projectRoot } from '../project-root.js';
import type { Store } from '../store/store.js';
import { interpreters } from './interpret.js';
import { compare } from './rows.js';

const debug = createDebug('eventgraph:patterns');

export const GAP_IDS = ['orphan-channel', 'no-dead-letter-route'] as const;
export type GapId = (typeof GAP_IDS)[number];

export interface PatternQuery {
  /** The file name without `.cypher`. */
  id: string;
  file: string;
  title: string;
  why: string;
  requires: string;
  /** Taxonomy pattern ids and gap ids the rows may become. */
  finds: (PatternId | GapId)[];
  cypher: string;
}

export interface PatternResults {
  patterns: PatternFinding[];
  gaps: GapFinding[];
}

export { projectRoot };

export function patternsFolder(): string {
  return path.join(projectRoot(), 'cypher', 'patterns');
}

const HEADER_FIELDS = ['id', 'title', 'why', 'requires', 'finds'] as const;

/** Reads the `// field: value` header; a line indented under a field continues it. */
export function parseQueryFile(file: string, text: string): PatternQuery {
  const fields = new Map<string, string>();
  let current: string | null = null;
  for (const line of text.split('\n')) {
    if (!line.startsWith('//')) break;
    const body = line.slice(2);
    const field = /^ ([a-z]+): (.*)$/.exec(body);
    if (field?.[1] !== undefined && field[2] !== undefined) {
      current = field[1];
      fields.set(current, field[2].trim());
    } else if (current !== null && /^ {2,}\S/.test(body)) {
      fields.set(current, `${fields.get(current) ?? ''} ${body.trim()}`);
    }
  }
  const missing = HEADER_FIELDS.filter((name) => !fields.get(name));
  if (missing.length > 0) throw new Error(`${file}: header lacks ${missing.join(', ')}`);

  const id = path.basename(file, '.cypher');
  if (fields.get('id') !== id) throw new Error(`${file}: header id must be ${id}`);
  const finds = (fields.get('finds') ?? '').split(',').map((s) => s.trim());
  const known: readonly string[] = [...PATTERN_IDS, ...GAP_IDS];
  const unknown = finds.filter((f) => !known.includes(f));
  if (unknown.length > 0) throw new Error(`${file}: unknown finding ids ${unknown.join(', ')}`);
  return {
    id,
    file,
    title: fields.get('title') ?? '',
    why: fields.get('why') ?? '',
    requires: fields.get('requires') ?? '',
    finds: finds as (PatternId | GapId)[],
    cypher: text,
  };
}

export async function loadPatternQueries(folder = patternsFolder()): Promise<PatternQuery[]> {
  const files = (await readdir(folder)).filter((f) => f.endsWith('.cypher')).sort();
  const queries: PatternQuery[] = [];
  for (const file of files) {
    queries.push(parseQueryFile(file, await readFile(path.join(folder, file), 'utf8')));
  }
  return queries;
}

/** Runs each query in file order and returns findings in a deterministic order. */
export async function runPatterns(
  store: Store,
  queries?: readonly PatternQuery[],
): Promise<PatternResults> {
  const results: PatternResults = { patterns: [], gaps: [] };
  for (const query of queries ?? (await loadPatternQueries())) {
    const interpret = interpreters[query.id];
    if (!interpret) throw new Error(`${query.file}: no interpreter for its rows`);
    debug('run %s', query.file);
    const rows = await store.query(query.cypher, {});
    debug('%s: %d rows', query.id, rows.length);
    const found = interpret(rows);
    results.patterns.push(...found.patterns);
    results.gaps.push(...found.gaps);
  }
  results.patterns.sort(compareFindings);
  results.gaps.sort(compareFindings);
  return results;
}

function compareFindings(
  a: { id: string; subjects: string[]; summary: string },
  b: { id: string; subjects: string[]; summary: string },
): number {
  return (
    compare(a.id, b.id) ||
    compare(a.subjects.join('\n'), b.subjects.join('\n')) ||
    compare(a.summary, b.summary)
  );
}
