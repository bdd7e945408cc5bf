// Where Neo4j is, from --neo4j and the NEO4J_* variables; null means the embedded store.
import { UsageError } from '../errors.js';
import type { Neo4jConnection } from '../store/neo4j-store.js';

export const NEO4J_OPTION_HELP =
  'load into / query this Neo4j (bolt:// or neo4j://) instead of the embedded store; ' +
  'also NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE';

export function neo4jTarget(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Neo4jConnection | null {
  const uri = flag ?? env.NEO4J_URI;
  if (uri === undefined || uri === '') return null;
  if (!/^(bolt|neo4j)(\+s|\+ssc)?:\/\//.test(uri)) {
    throw new UsageError(
      `--neo4j must be a bolt:// or neo4j:// address, got ${uri.replace(/\/\/[^@/]*@/, '//')}`,
    );
  }
  const database = env.NEO4J_DATABASE;
  return {
    uri,
    username: env.NEO4J_USERNAME ?? 'neo4j',
    password: env.NEO4J_PASSWORD ?? '',
    ...(database ? { database } : {}),
  };
}
