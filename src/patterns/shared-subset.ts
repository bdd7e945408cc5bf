// A cheap static check that a query stays inside the Cypher both Neo4j 5 and Kùzu 0.11 run
// the same way (shared/notes/neo4j-kuzu.md §3). It reads text, not a parse tree: comments and
// string literals are blanked first, then each rule looks for the construct it forbids.

/** Words that break Kùzu as an alias, a variable or a property name. */
const RESERVED = new Set([
  'all',
  'and',
  'any',
  'as',
  'asc',
  'ascending',
  'by',
  'call',
  'case',
  'contains',
  'create',
  'default',
  'delete',
  'desc',
  'descending',
  'detach',
  'distinct',
  'else',
  'end',
  'ends',
  'exists',
  'false',
  'group',
  'in',
  'is',
  'limit',
  'match',
  'merge',
  'none',
  'not',
  'null',
  'optional',
  'or',
  'order',
  'primary',
  'profile',
  'remove',
  'return',
  'set',
  'shortest',
  'single',
  'skip',
  'starts',
  'table',
  'then',
  'true',
  'union',
  'unwind',
  'use',
  'when',
  'where',
  'with',
  'xor',
]);

const UPPER_KEYWORDS = [
  'MATCH',
  'OPTIONAL',
  'WHERE',
  'WITH',
  'RETURN',
  'ORDER',
  'BY',
  'DISTINCT',
  'AS',
  'AND',
  'OR',
  'NOT',
  'CASE',
  'WHEN',
  'THEN',
  'ELSE',
  'END',
  'IS',
  'NULL',
  'EXISTS',
  'UNWIND',
  'LIMIT',
  'SKIP',
  'IN',
  'STARTS',
  'ENDS',
  'CONTAINS',
  'DESC',
  'ASC',
];

const FORBIDDEN: readonly [RegExp, string][] = [
  [/\btype\s*\(/i, 'type() does not exist in Kùzu; match explicit relationship types'],
  [/\blabel\s*\(/i, 'label() is Kùzu only; use n.kind'],
  [/\belementId\s*\(|\bid\s*\(/i, 'internal ids differ; use the id property'],
  [/\b(toString|toInteger|toFloat|toBoolean)\s*\(/i, 'conversion functions differ; convert in JS'],
  [/\bsubstring\s*\(/i, 'substring is 0-based in Neo4j and 1-based in Kùzu'],
  [
    /\b(head|last|tail|reduce|reverse|replace|split|keys|properties)\s*\(/i,
    'function missing or different in Kùzu',
  ],
  [/\bsize\s*\(\s*\(/i, 'size() of a pattern was removed in Neo4j 5'],
  [/\bshortestPath\s*\(/i, 'shortest paths need engine-specific files'],
  [/\bCALL\b/i, 'CALL (subqueries, procedures, settings) is not shared'],
  [/\bFOREACH\b/i, 'FOREACH is not in Kùzu'],
  [/\bLOAD\s+(CSV|FROM)\b/i, 'file loading is engine-specific'],
  [/\bREMOVE\b/i, 'REMOVE is not in Kùzu; SET n.p = NULL'],
  [/\bSET\s+\w+\s*\+?=/i, 'SET n += / SET n = map are not in Kùzu'],
  [/\b(CREATE|MERGE|DELETE|SET)\b/i, 'pattern queries are read-only'],
  [/\bUNION\b/i, 'UNION cannot be ordered as a whole in both engines; one row shape per query'],
  [/\|\|/, '|| is not string concatenation in Kùzu'],
  [
    /[\w)\]]\s*\[\s*-?\d*\s*(\.\.|:)?\s*-?\d*\s*\]/,
    'list indexing and slicing differ (0- vs 1-based)',
  ],
  [
    /\blabels\s*\([^)]*\)\s*(=|<>|\bIN\b)|(=|<>|\bIN\b)\s*labels\s*\(/i,
    'labels() is a list in Neo4j, a string in Kùzu',
  ],
  [/\bEXISTS\s*\{(?!\s*MATCH\b)/i, 'EXISTS { } must start with MATCH for Kùzu'],
  [/;\s*\S/, 'one statement per file'],
];

/** Replaces comments and string literals with blanks, keeping offsets and line breaks. */
export function blankCommentsAndStrings(cypher: string): string {
  return cypher.replace(
    /\/\/[^\n]*|\/\*[\s\S]*?\*\/|'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g,
    (match) =>
      match.startsWith('/') ? match.replace(/[^\n]/g, ' ') : `'${' '.repeat(match.length - 2)}'`,
  );
}

/** Problems found in one query; empty when it stays in the shared subset. */
export function sharedSubsetProblems(cypher: string): string[] {
  const code = blankCommentsAndStrings(cypher);
  const problems: string[] = [];
  for (const [pattern, why] of FORBIDDEN) {
    const match = pattern.exec(code);
    if (match) problems.push(`${why}: "${match[0].trim()}"`);
  }
  problems.push(...unboundedPaths(code), ...badNames(code), ...lowerCaseKeywords(code));
  problems.push(...orderedWithWithoutLimit(code), ...mixedAggregates(code), ...finalOrder(code));
  return problems;
}

function unboundedPaths(code: string): string[] {
  const problems: string[] = [];
  for (const match of code.matchAll(/\[[^\]]*\*[^\]]*\]/g)) {
    if (!/\*\s*\d+\s*\.\.\s*\d+\s*\]/.test(match[0])) {
      problems.push(`variable-length patterns need explicit bounds (*1..3): "${match[0]}"`);
    }
  }
  return problems;
}

function badNames(code: string): string[] {
  const problems: string[] = [];
  const names = [
    ...[...code.matchAll(/\bAS\s+(`?\w+`?)/gi)].map((m) => ['alias', m[1] ?? ''] as const),
    ...[...code.matchAll(/[([]\s*(\w+)\s*[:)\]{]/g)].map((m) => ['variable', m[1] ?? ''] as const),
    ...[...code.matchAll(/\.\s*(`?\w+`?)/g)].map((m) => ['property', m[1] ?? ''] as const),
  ];
  for (const [kind, name] of names) {
    if (/^\d+$/.test(name)) continue;
    if (!/^[a-z][a-zA-Z0-9_]*$/.test(name)) {
      problems.push(`${kind} ${name} must be plain camelCase`);
    } else if (RESERVED.has(name.toLowerCase())) {
      problems.push(`${kind} ${name} is a reserved word in Kùzu`);
    }
  }
  return problems;
}

function lowerCaseKeywords(code: string): string[] {
  const problems: string[] = [];
  for (const keyword of UPPER_KEYWORDS) {
    const pattern = new RegExp(`(?<![.\\w])${keyword}(?![\\w(])`, 'gi');
    for (const match of code.matchAll(pattern)) {
      if (match[0] !== keyword) problems.push(`keyword ${match[0]} must be written ${keyword}`);
    }
  }
  return problems;
}

/** Top-level projections: the text of each WITH or RETURN up to the next clause. */
function projections(source: string): { clause: string; text: string }[] {
  let code = source;
  // Subqueries (EXISTS { MATCH … }) belong to the clause around them.
  while (/\{[^{}]*\}/.test(code)) code = code.replace(/\{[^{}]*\}/g, (m) => ' '.repeat(m.length));
  const clause = /\b(MATCH|OPTIONAL|WITH|RETURN|UNWIND|WHERE)\b/g;
  const starts = [...code.matchAll(clause)].map((m) => ({ word: m[1] ?? '', at: m.index }));
  return starts
    .map((start, i) => ({
      clause: start.word,
      text: code.slice(start.at, starts[i + 1]?.at ?? code.length),
    }))
    .filter((p) => p.clause === 'WITH' || p.clause === 'RETURN');
}

function orderedWithWithoutLimit(code: string): string[] {
  return projections(code)
    .filter((p) => p.clause === 'WITH' && /\bORDER\s+BY\b/.test(p.text))
    .filter((p) => !/\bLIMIT\b/.test(p.text))
    .map(() => 'WITH … ORDER BY needs LIMIT in Kùzu; order in the final RETURN');
}

/**
 * Measured on Kùzu 0.11.3: DISTINCT and plain aggregates in one projection give wrong
 * results (a null collect, a null max) or crash the process.
 */
function mixedAggregates(code: string): string[] {
  const problems: string[] = [];
  for (const projection of projections(code)) {
    const aggregate = /\b(count|collect|sum|avg|min|max)\s*\(\s*(DISTINCT\b)?/gi;
    const calls = [...projection.text.matchAll(aggregate)];
    const distinct = calls.filter((c) => c[2] !== undefined).length;
    if (distinct > 0 && distinct < calls.length) {
      problems.push('do not mix DISTINCT and plain aggregates in one projection (Kùzu bug)');
    }
  }
  return problems;
}

function finalOrder(code: string): string[] {
  const last = projections(code).at(-1);
  if (!last || last.clause !== 'RETURN') return ['the query must end with RETURN'];
  if (/\bORDER\s+BY\b/.test(last.text)) return [];
  return ['the final RETURN needs ORDER BY with a unique tie-breaker'];
}
