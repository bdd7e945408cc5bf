#!/usr/bin/env node
// The command line: the only module that prints. stdout carries nothing but requested
// output; the summary, progress and warnings go to stderr.
import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import createDebug from 'debug';
import { EXIT, EventgraphError, UsageError } from '../errors.js';
import { projectVersion } from '../project-root.js';
import { scan } from '../scan/scan.js';
import { readSystemFile, type SystemRepository } from '../scan/system-file.js';
import { checkRepositoryPaths } from '../scan/validate.js';
import { createProgress } from './progress.js';
import { formatSummary, printable } from './summary.js';
import { NEO4J_OPTION_HELP, neo4jTarget } from './neo4j-target.js';
import { registerQueryCommand } from './query-command.js';
import { registerServeCommand } from './serve-command.js';

interface ScanFlags {
  out: string;
  system?: string;
  report?: string;
  json?: string;
  html?: string;
  neo4j?: string;
  include: string[];
  exclude: string[];
  includeTests: boolean;
  quiet: boolean;
  debug: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

function buildProgram(): Command {
  const program = new Command('eventgraph')
    .description(
      'Map the asynchronous communication of code repositories, with file:line evidence.',
    )
    .version(projectVersion(), '--version', 'print the version')
    .showSuggestionAfterError(false)
    .exitOverride()
    .configureOutput({ writeErr: () => undefined });

  program
    .command('scan')
    .description('scan repositories and write a Markdown report and a JSON graph export')
    .argument('[path...]', 'repository folders to scan')
    .option('--system <file>', 'also scan the repositories a system file lists (eventgraph.yaml)')
    .option('--out <dir>', 'folder for the report, the export and the embedded database', '.')
    .option('--report <file>', 'report file (default: <out>/eventgraph-report.md)')
    .option('--json <file>', 'graph export file (default: <out>/eventgraph-graph.json)')
    .option('--html <file>', 'also write a self-contained viewer page (no server, no network)')
    .option('--include <glob>', 'scan only files matching the glob (repeatable)', collect, [])
    .option('--exclude <glob>', 'skip files matching the glob (repeatable)', collect, [])
    .option(
      '--include-tests',
      'also read tests, docs and fixtures of the scanned repositories',
      false,
    )
    .addOption(new Option('--quiet', 'print nothing but errors').default(false).conflicts('debug'))
    .option('--debug', 'log every step under the eventgraph:* debug namespaces', false)
    .option('--neo4j <uri>', NEO4J_OPTION_HELP)
    .action(async (paths: string[], flags: ScanFlags) => runScan(paths, flags));

  registerQueryCommand(program);

  registerServeCommand(program);
  return program;
}

async function runScan(paths: string[], flags: ScanFlags): Promise<void> {
  if (flags.debug) createDebug.enable('eventgraph:*');
  const progress = flags.quiet ? undefined : createProgress(process.stderr);
  try {
    const system = flags.system ? await readSystemFile(flags.system) : undefined;
    const listed = system?.repositories ?? [];
    if (flags.system) await checkListedPaths(flags.system, listed);
    const outcome = await scan({
      paths: [...listed.map((r) => r.path), ...paths],
      names: listed.map((r) => r.name),
      remotes: listed.map((r) => r.remote),
      title: system?.name,
      outDir: path.resolve(flags.out),
      reportFile: flags.report && path.resolve(flags.report),
      jsonFile: flags.json && path.resolve(flags.json),
      htmlFile: flags.html && path.resolve(flags.html),
      neo4j: neo4jTarget(flags.neo4j),
      include: flags.include,
      exclude: flags.exclude,
      includeTests: flags.includeTests,
      onProgress: progress?.update,
    });
    progress?.stop();
    if (!flags.quiet) process.stderr.write(formatSummary(outcome, process.cwd()));
  } finally {
    progress?.stop();
  }
}

/** A listed repository that is not there is the system file's problem: name the file. */
async function checkListedPaths(file: string, listed: readonly SystemRepository[]) {
  try {
    await checkRepositoryPaths(listed.map((r) => r.path));
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError(`${file}: ${error.message}`, error.hint);
    throw error;
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  if (argv.length === 0) {
    process.stderr.write(program.helpInformation());
    return EXIT.usage;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version')
        return EXIT.ok;
      if (error.code === 'commander.help') return EXIT.ok;
      const message = error.message.replace(/^error: /, '');
      process.stderr.write(
        `${printable(`eventgraph: ${message} (see: eventgraph ${commandOf(argv)}--help)`)}\n`,
      );
      return EXIT.usage;
    }
    if (error instanceof EventgraphError) {
      const hint = error.hint ? `; ${error.hint}` : '';
      process.stderr.write(`${printable(`eventgraph: ${error.message}${hint}`)}\n`);
      return error.exitCode;
    }
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`eventgraph: unexpected failure: ${detail}\n`);
    return EXIT.failure;
  }
}

function commandOf(argv: readonly string[]): string {
  return argv[0] === 'scan' || argv[0] === 'serve' || argv[0] === 'query' ? `${argv[0]} ` : '';
}

process.exitCode = await main(process.argv.slice(2));
