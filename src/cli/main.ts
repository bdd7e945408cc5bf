#!/usr/bin/env node
// The command line: the only module that prints. stdout carries nothing but requested
// output; the summary, progress and warnings go to stderr.
import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import createDebug from 'debug';
import { EXIT, EventgraphError } from '../errors.js';
import { scan } from '../scan/scan.js';
import { createProgress } from './progress.js';
import { formatSummary } from './summary.js';

interface ScanFlags {
  out: string;
  report?: string;
  json?: string;
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
    .showSuggestionAfterError(false)
    .exitOverride()
    .configureOutput({ writeErr: () => undefined });

  program
    .command('scan')
    .description('scan repositories and write a Markdown report and a JSON graph export')
    .argument('<path...>', 'repository folders to scan')
    .option('--out <dir>', 'folder for the report, the export and the embedded database', '.')
    .option('--report <file>', 'report file (default: <out>/eventgraph-report.md)')
    .option('--json <file>', 'graph export file (default: <out>/eventgraph-graph.json)')
    .option('--include <glob>', 'scan only files matching the glob (repeatable)', collect, [])
    .option('--exclude <glob>', 'skip files matching the glob (repeatable)', collect, [])
    .option(
      '--include-tests',
      'also read tests, docs and fixtures of the scanned repositories',
      false,
    )
    .addOption(new Option('--quiet', 'print nothing but errors').default(false).conflicts('debug'))
    .option('--debug', 'log every step under the eventgraph:* debug namespaces', false)
    .action(async (paths: string[], flags: ScanFlags) => runScan(paths, flags));
  return program;
}

async function runScan(paths: string[], flags: ScanFlags): Promise<void> {
  if (flags.debug) createDebug.enable('eventgraph:*');
  const progress = flags.quiet ? undefined : createProgress(process.stderr);
  try {
    const outcome = await scan({
      paths,
      outDir: path.resolve(flags.out),
      reportFile: flags.report && path.resolve(flags.report),
      jsonFile: flags.json && path.resolve(flags.json),
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

export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version')
        return EXIT.ok;
      if (error.code === 'commander.help') return EXIT.ok;
      const message = error.message.replace(/^error: /, '');
      process.stderr.write(`eventgraph: ${message} (see: eventgraph ${commandOf(argv)}--help)\n`);
      return EXIT.usage;
    }
    if (error instanceof EventgraphError) {
      const hint = error.hint ? `; ${error.hint}` : '';
      process.stderr.write(`eventgraph: ${error.message}${hint}\n`);
      return error.exitCode;
    }
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`eventgraph: unexpected failure: ${detail}\n`);
    return EXIT.failure;
  }
}

function commandOf(argv: readonly string[]): string {
  return argv[0] === 'scan' ? 'scan ' : '';
}

process.exitCode = await main(process.argv.slice(2));
