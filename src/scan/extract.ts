// Steps 1-3 for each repository: discover files, prefilter them, parse them once per
// language and run every extractor. Returns records; nothing here knows the database.
import path from 'node:path';
import createDebug from 'debug';
import type {
  Diagnostic,
  Extractor,
  LanguagePlugin,
  SourceInput,
  Workspace,
} from '../extractors/contract.js';
import {
  isStackOverflow,
  tooDeepDiagnostic,
  withoutFiles,
  withoutInputs,
} from '../lang/too-deep.js';
import { PLUGINS, allExtractors } from '../extractors/registry.js';
import { readManifest, type Manifest } from '../extractors/manifests/manifests.js';
import type { GraphRecord } from '../model/graph.js';
import { activeExtractors, buildPrefilter } from '../prefilter/prefilter.js';
import {
  discover,
  type DiscoverOptions,
  type DiscoveredFile,
  type SkippedFile,
} from '../discover/discover.js';
import { readCommit } from './git.js';
import { messageOf } from '../errors.js';

const debug = createDebug('eventgraph:scan:extract');

export interface RepositoryTarget {
  name: string;
  root: string;
}

export interface RepositoryExtraction {
  name: string;
  root: string;
  commit: string | null;
  records: GraphRecord[];
  manifests: Manifest[];
  diagnostics: Diagnostic[];
  filesDiscovered: number;
  filesParsed: number;
  linesRead: number;
  skipped: SkippedFile[];
}

export type ProgressEvent =
  | { type: 'repository'; repository: string; files: number }
  | { type: 'file'; repository: string; path: string };

export interface ExtractOptions extends DiscoverOptions {
  /** Run only these extractor ids (tests); all when absent. */
  extractors?: readonly string[];
  onProgress?: (event: ProgressEvent) => void;
}

export async function extractRepository(
  target: RepositoryTarget,
  options: ExtractOptions = {},
): Promise<RepositoryExtraction> {
  const discovery = await discover(target.root, options);
  const diagnostics: Diagnostic[] = [];
  const manifests = collectManifests(target.name, discovery.files, diagnostics);
  const byPath = new Map(discovery.files.map((f) => [f.path, f]));
  const workspace: Workspace = {
    repository: target.name,
    root: target.root,
    files: new Set(byPath.keys()),
    read: (p) => byPath.get(p)?.text,
  };

  const selected = options.extractors ? new Set(options.extractors) : undefined;
  const wanted = allExtractors().filter((e) => !selected || selected.has(e.id));
  const active = new Set(activeExtractors(wanted, discovery.files).map((e) => e.id));
  const prefilter = buildPrefilter(wanted.filter((e) => active.has(e.id)));
  const records: GraphRecord[] = [];
  let filesParsed = 0;
  options.onProgress?.({
    type: 'repository',
    repository: target.name,
    files: discovery.files.length,
  });

  for (const plugin of PLUGINS) {
    const extractors = plugin.extractors.filter((e) => active.has(e.id));
    if (extractors.length === 0) continue;
    const inputs: SourceInput[] = discovery.files
      .filter((f) => f.language === plugin.frontend.language && prefilter(f.language, f.text))
      .map((f) => ({
        repository: target.name,
        root: target.root,
        path: f.path,
        language: f.language,
        text: f.text,
      }));
    if (inputs.length === 0) continue;
    debug(
      '%s: %d %s files pass the prefilter',
      target.name,
      inputs.length,
      plugin.frontend.language,
    );

    // A file whose extraction overflows the stack is left out and the language parsed again
    // without it: the overflow may have left the shared parser state half-way.
    const tooDeep = new Set<string>();
    for (;;) {
      const run = runPlugin(
        plugin,
        extractors,
        withoutInputs(inputs, tooDeep),
        withoutFiles(workspace, tooDeep),
        options,
      );
      if (run.tooDeep !== undefined) {
        tooDeep.add(run.tooDeep);
        continue;
      }
      for (const file of tooDeep) diagnostics.push(tooDeepDiagnostic(target.name, file));
      diagnostics.push(...run.diagnostics);
      records.push(...run.records);
      filesParsed += run.filesParsed;
      break;
    }
  }

  return {
    name: target.name,
    root: target.root,
    commit: await readCommit(target.root),
    records,
    manifests,
    diagnostics,
    filesDiscovered: discovery.files.length,
    filesParsed,
    linesRead: discovery.files.reduce((sum, f) => sum + countLines(f.text), 0),
    skipped: discovery.skipped,
  };
}

interface PluginRun {
  records: GraphRecord[];
  diagnostics: Diagnostic[];
  filesParsed: number;
  /** The file whose extraction overflowed the stack; the run stopped there. */
  tooDeep?: string;
}

function runPlugin<ParsedFile>(
  plugin: LanguagePlugin<ParsedFile>,
  extractors: readonly Extractor<ParsedFile>[],
  inputs: readonly SourceInput[],
  workspace: Workspace,
  options: ExtractOptions,
): PluginRun {
  const repository = workspace.repository;
  const run: PluginRun = { records: [], diagnostics: [], filesParsed: 0 };
  const loaded = plugin.frontend.load(inputs, workspace);
  run.diagnostics.push(...loaded.diagnostics);
  for (const file of loaded.files) {
    const input = plugin.frontend.inputOf(file);
    run.filesParsed += 1;
    options.onProgress?.({ type: 'file', repository, path: input.path });
    for (const extractor of extractors) {
      const context = {
        report: (d: Omit<Diagnostic, 'repository' | 'severity'>) =>
          run.diagnostics.push({ severity: 'warning', repository, file: input.path, ...d }),
      };
      try {
        run.records.push(...extractor.extract(file, context));
      } catch (error) {
        if (isStackOverflow(error)) return { ...run, tooDeep: input.path };
        run.diagnostics.push({
          severity: 'error',
          repository,
          file: input.path,
          message: `${extractor.id} failed: ${messageOf(error)}`,
        });
      }
    }
  }
  return run;
}

function countLines(text: string): number {
  let lines = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines += 1;
  return lines;
}

function collectManifests(
  repository: string,
  files: DiscoveredFile[],
  diagnostics: Diagnostic[],
): Manifest[] {
  const manifests: Manifest[] = [];
  for (const file of files) {
    if (file.language !== 'manifest') continue;
    const result = readManifest(file.path, file.text);
    if ('manifest' in result) manifests.push(result.manifest);
    else
      diagnostics.push({
        severity: 'warning',
        repository,
        file: file.path,
        message: `unreadable manifest: ${result.error}`,
      });
  }
  return manifests;
}

/** Names repositories after their folders, made unique. */
/** One target per path, named as given or after its folder; a repeated folder name gets -2... */
export function repositoryTargets(
  paths: readonly string[],
  names: readonly (string | undefined)[] = [],
): RepositoryTarget[] {
  const taken = new Set(names.filter((n): n is string => n !== undefined));
  return paths.map((p, index) => {
    const root = path.resolve(p);
    const given = names[index];
    if (given !== undefined) return { name: given, root };
    const base = path.basename(root) || 'repository';
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}-${String(n)}`;
    taken.add(name);
    return { name, root };
  });
}
