// `eventgraph query`: one read-only Cypher statement against the last scan's embedded store
// or a Neo4j, printed as a table, JSON or CSV on stdout.
import path from 'node:path';
import { Option, type Command } from 'commander';
import createDebug from 'debug';
import { UsageError } from '../errors.js';
import { exampleQuery, loadExamples } from '../query/examples.js';
import { FORMATS, formatRows, type OutputFormat } from '../query/format.js';
import { queryKuzuReadOnly } from '../store/kuzu-read-only.js';
import { Neo4jStore } from '../store/neo4j-store.js';
import type { StoreRow } from '../store/store.js';
import { NEO4J_OPTION_HELP, neo4jTarget } from './neo4j-target.js';

interface QueryFlags {
  neo4j?: string;
  out: string;
  format: OutputFormat;
  example?: string;
  param: string[];
  debug: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerQueryCommand(program: Command): void {
  program
    .command('query')
    .description('run one read-only Cypher query on the last scan or on Neo4j')
    .argument('[cypher]', 'the query; omit it with --example')
    .option('--neo4j <uri>', NEO4J_OPTION_HELP)
    .option('--out <dir>', "the scan's --out folder, whose embedded store is queried", '.')
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('table'))
    .option('--example <name>', 'run a query from cypher/examples (list: --example list)')
    .option('--param <key=value>', 'a query parameter (repeatable)', collect, [])
    .option('--debug', 'log every step under the eventgraph:* debug namespaces', false)
    .action(async (cypher: string | undefined, flags: QueryFlags) => runQuery(cypher, flags));
}

async function runQuery(cypher: string | undefined, flags: QueryFlags): Promise<void> {
  if (flags.debug) createDebug.enable('eventgraph:*');
  const parameters = parseParameters(flags.param);
  if (flags.example === 'list') {
    const examples = await loadExamples();
    const rows = examples.map((e) => ({
      name: e.id,
      title: e.title,
      params: e.params.map((p) => p.name).join(', '),
    }));
    process.stdout.write(formatRows(rows, flags.format));
    return;
  }
  if (flags.example !== undefined && cypher !== undefined) {
    throw new UsageError('give either a query or --example, not both');
  }
  const text = flags.example ? (await exampleQuery(flags.example, parameters)).cypher : cypher;
  if (text === undefined || text.trim() === '') {
    throw new UsageError('give a Cypher query or --example NAME');
  }

  const target = neo4jTarget(flags.neo4j);
  let rows: StoreRow[];
  if (target) {
    const store = new Neo4jStore(target);
    try {
      rows = await store.queryReadOnly(text, parameters);
    } finally {
      await store.close();
    }
  } else {
    const location = path.join(path.resolve(flags.out), '.eventgraph');
    rows = await queryKuzuReadOnly({ location }, text, parameters);
  }
  process.stdout.write(formatRows(rows, flags.format));
}

/** `key=value` pairs; a value that reads as an integer or a boolean is passed as one. */
function parseParameters(pairs: readonly string[]): Record<string, unknown> {
  const parameters: Record<string, unknown> = {};
  for (const pair of pairs) {
    const match = /^([A-Za-z_]\w*)=(.*)$/s.exec(pair);
    if (!match?.[1] || match[2] === undefined) {
      throw new UsageError(`--param must be key=value, got ${pair}`);
    }
    const raw = match[2];
    parameters[match[1]] = /^-?\d{1,15}$/.test(raw)
      ? Number(raw)
      : raw === 'true' || raw === 'false'
        ? raw === 'true'
        : raw;
  }
  return parameters;
}
