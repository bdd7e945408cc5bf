// The text guard in front of ad hoc queries, shared by both engines. It is the first of
// several layers, not the only one: Neo4j also runs the query in READ access mode after an
// EXPLAIN that must say read-only, Kùzu in a READ ONLY transaction on a database opened
// read-only. The guard exists for what those layers let through: LOAD CSV and LOAD FROM read
// files in read mode, Kùzu's COPY TO writes files from a read-only database, and a failed
// statement inside a Kùzu transaction ends it, so a second statement would run unguarded.
import { WriteRefusedError } from './store.js';

export type Engine = 'neo4j' | 'kuzu';

/** Clauses that change the graph, the schema, files or settings; refused on both engines. */
const REFUSED_CLAUSES: readonly [RegExp, string][] = [
  [/\bCREATE\b/i, 'CREATE'],
  [/\bMERGE\b/i, 'MERGE'],
  [/\bDELETE\b/i, 'DELETE'],
  [/\bSET\b/i, 'SET'],
  [/\bREMOVE\b/i, 'REMOVE'],
  [/\bDROP\b/i, 'DROP'],
  [/\bALTER\b/i, 'ALTER'],
  [/\bFOREACH\b/i, 'FOREACH'],
  [/\bLOAD\b/i, 'LOAD CSV / LOAD FROM'],
  [/\bCOPY\b/i, 'COPY'],
  [/\bEXPORT\b/i, 'EXPORT'],
  [/\bIMPORT\b/i, 'IMPORT'],
  [/\bATTACH\b/i, 'ATTACH'],
  [/\bDETACH\b/i, 'DETACH'],
  [/\bINSTALL\b/i, 'INSTALL'],
  [/\bCHECKPOINT\b/i, 'CHECKPOINT'],
  [/\b(BEGIN|COMMIT|ROLLBACK)\b/i, 'transaction control'],
  [/\bUSE\b/i, 'USE'],
  [/\bIN\s+TRANSACTIONS\b/i, 'CALL … IN TRANSACTIONS'],
  [/\b(GRANT|DENY|REVOKE|START|STOP)\b/i, 'administration'],
];

/** Procedures that only read the catalog; every other procedure call is refused. */
const READ_PROCEDURES: Record<Engine, readonly string[]> = {
  neo4j: [
    'db.labels',
    'db.relationshiptypes',
    'db.propertykeys',
    'db.schema.visualization',
    'db.schema.nodetypeproperties',
    'db.schema.reltypeproperties',
  ],
  kuzu: ['show_tables', 'table_info', 'show_connection'],
};

const WHAT_TO_DO =
  'eventgraph query runs read-only queries; change the graph by scanning again ' +
  '(or, for Neo4j, in Neo4j Browser)';

/** Throws WriteRefusedError unless the text is one statement without a refused clause. */
export function assertReadOnlyText(cypher: string, engine: Engine): void {
  const code = blankCommentsAndStrings(cypher);
  const body = code.trim().replace(/;\s*$/, '');
  if (body === '') throw new WriteRefusedError('The query is empty', 'give one Cypher statement');
  if (body.includes(';')) {
    throw new WriteRefusedError('Refused: the query holds several statements', WHAT_TO_DO);
  }
  for (const [pattern, name] of REFUSED_CLAUSES) {
    if (pattern.test(body)) {
      throw new WriteRefusedError(
        `Refused: ${name} is not allowed in a read-only query`,
        WHAT_TO_DO,
      );
    }
  }
  for (const match of body.matchAll(/\bCALL\b\s*([A-Za-z_][\w.]*)?/gi)) {
    const procedure = match[1]?.toLowerCase();
    // `CALL { … }` is a subquery; its clauses went through the checks above.
    if (procedure === undefined) continue;
    if (!READ_PROCEDURES[engine].includes(procedure)) {
      throw new WriteRefusedError(
        `Refused: procedure ${match[1] ?? ''} is not on the read-only list`,
        `${WHAT_TO_DO}; allowed procedures: ${READ_PROCEDURES[engine].join(', ')}`,
      );
    }
  }
}

/**
 * The query with comments, string literals and backticked names replaced by spaces, so a
 * keyword inside a name or a string (`'SET'`, `` `delete` ``) is not taken for a clause and
 * a property access such as `n.set` stays a property.
 */
export function blankCommentsAndStrings(cypher: string): string {
  const blanked = cypher.replace(
    /\/\/[^\n]*|\/\*[\s\S]*?\*\/|'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*"|`[^`]*`/g,
    (token) => token.replace(/[^\n]/g, ' '),
  );
  return blanked.replace(/\.\s*[A-Za-z_]\w*/g, (access) => access.replace(/./g, ' '));
}
