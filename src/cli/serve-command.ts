// `eventgraph serve`: the viewer for the last scan in an --out folder, on loopback by default.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import createDebug from 'debug';
import { UsageError } from '../errors.js';
import { neo4jRunner } from '../serve/query.js';
import { DEFAULT_HOST, DEFAULT_PORT, startViewerServer } from '../serve/server.js';
import { EXPORT_FILE } from '../viewer/scan-folder.js';
import { neo4jTarget } from './neo4j-target.js';

interface ServeFlags {
  out: string;
  port: string;
  host: string;
  neo4j?: string;
  debug: boolean;
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('explore the last scan in a browser: the graph, evidence and read-only Cypher')
    .option('--out <dir>', "the scan's --out folder", '.')
    .option('--port <port>', 'port to listen on (0 picks a free one)', String(DEFAULT_PORT))
    .option(
      '--host <host>',
      'address to bind; anything but loopback exposes your code',
      DEFAULT_HOST,
    )
    .option(
      '--neo4j <uri>',
      'run the Cypher box on this Neo4j (bolt:// or neo4j://) instead of the embedded store; ' +
        'credentials from NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE',
    )
    .option('--debug', 'log every step under the eventgraph:* debug namespaces', false)
    .action(async (flags: ServeFlags) => runServe(flags));
}

async function runServe(flags: ServeFlags): Promise<void> {
  if (flags.debug) createDebug.enable('eventgraph:*');
  const port = Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port must be a number from 0 to 65535, got ${flags.port}`);
  }
  const outDir = path.resolve(flags.out);
  if (!existsSync(path.join(outDir, EXPORT_FILE))) {
    throw new UsageError(
      `no scan export in ${flags.out}`,
      `run eventgraph scan <path...> --out ${flags.out} first`,
    );
  }
  // Only the flag chooses Neo4j here: a NEO4J_URI left in the environment does not.
  const target = flags.neo4j === undefined ? null : neo4jTarget(flags.neo4j);
  const running = await startViewerServer({
    outDir,
    port,
    host: flags.host,
    ...(target ? { runQuery: neo4jRunner(target) } : {}),
  }).catch((error: unknown) => {
    const code = (error as { code?: unknown }).code;
    if (code === 'EADDRINUSE' || code === 'EADDRNOTAVAIL' || code === 'EACCES') {
      throw new UsageError(
        `cannot listen on ${flags.host}:${flags.port} (${code})`,
        'choose another --port or --host',
      );
    }
    throw error;
  });
  process.stderr.write(`eventgraph: serving ${flags.out} at ${running.url} (Ctrl-C stops)\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await running.close();
}
