// Ad hoc read-only queries against the embedded database a scan left in `<out>/.eventgraph/`.
// Three layers: the shared text guard (one statement, no COPY/LOAD/CALL setting), a database
// opened read-only, and a READ ONLY transaction that is rolled back afterwards.
import { existsSync } from 'node:fs';
import path from 'node:path';
import createDebug from 'debug';
import kuzu from 'kuzu';
import { guardParameters, usedParameters } from './kuzu-store.js';
import { assertReadOnlyText } from './query-guard.js';
import {
  QuerySyntaxError,
  StoreError,
  WriteRefusedError,
  normalizeRow,
  type QueryParameters,
  type StoreRow,
} from './store.js';
import { messageOf } from '../errors.js';

const debug = createDebug('eventgraph:store:kuzu-read-only');

const DATABASE_FILE = 'graph.kuzu';

export interface KuzuReadOnlyOptions {
  /** The folder holding the database file: the scan's `<out>/.eventgraph/`. */
  location: string;
  queryTimeoutMs?: number;
}

export async function queryKuzuReadOnly(
  options: KuzuReadOnlyOptions,
  cypher: string,
  parameters: QueryParameters = {},
): Promise<StoreRow[]> {
  assertReadOnlyText(cypher, 'kuzu');
  const file = path.join(options.location, DATABASE_FILE);
  if (!existsSync(file)) {
    throw new StoreError(
      `No embedded database at ${file}`,
      'run eventgraph scan with the same --out first, or query Neo4j with --neo4j',
    );
  }
  const database = new kuzu.Database(file, 256 * 1024 * 1024, true, true);
  const connection = new kuzu.Connection(database);
  try {
    await database.init();
    await connection.init();
    connection.setQueryTimeout(options.queryTimeoutMs ?? 30_000);
    await runControl(connection, 'BEGIN TRANSACTION READ ONLY');
    debug('query %s %o', cypher, parameters);
    try {
      const statement = await connection.prepare(cypher);
      if (!statement.isSuccess()) throw new Error(statement.getErrorMessage());
      const guarded = guardParameters(usedParameters(cypher, parameters));
      const outcome = await connection.execute(statement, guarded);
      const results = Array.isArray(outcome) ? outcome : [outcome];
      const rows: StoreRow[] = [];
      for (const result of results) {
        for (const row of await result.getAll()) rows.push(normalizeRow(row));
        result.close();
      }
      return rows;
    } finally {
      await rollback(connection);
    }
  } catch (error) {
    throw translate(error);
  } finally {
    // Closing what never opened (a damaged file) throws again; the first error is the news.
    await connection.close().catch((error: unknown) => {
      debug('close: %s', messageOf(error));
    });
    await database.close().catch((error: unknown) => {
      debug('close: %s', messageOf(error));
    });
  }
}

async function rollback(connection: InstanceType<typeof kuzu.Connection>): Promise<void> {
  // A failed statement has already ended the transaction; then ROLLBACK fails, harmlessly.
  try {
    await runControl(connection, 'ROLLBACK');
  } catch (error) {
    debug('rollback: %s', messageOf(error));
  }
}

async function runControl(
  connection: InstanceType<typeof kuzu.Connection>,
  statement: string,
): Promise<void> {
  const outcome = await connection.query(statement);
  for (const result of Array.isArray(outcome) ? outcome : [outcome]) result.close();
}

function translate(error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  const message = messageOf(error);
  const first = message.split('\n')[0] ?? message;
  if (/parser exception|binder exception/i.test(message)) {
    return new QuerySyntaxError(
      `Kùzu could not run the query: ${first}`,
      'fix the Cypher; eventgraph query --example lists working queries',
      { cause: error },
    );
  }
  if (/read-only|read only/i.test(message)) {
    return new WriteRefusedError(`Refused by Kùzu: ${first}`, 'eventgraph query only reads', {
      cause: error,
    });
  }
  if (/unable to open database/i.test(message)) {
    return new StoreError(
      `The embedded database cannot be opened: ${first}`,
      'scan again with the same --out to rebuild it',
      { cause: error },
    );
  }
  return new StoreError(`Kùzu query failed: ${first}`, 'run with --debug for details', {
    cause: error,
  });
}
