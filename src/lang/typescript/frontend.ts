// The TypeScript/JavaScript frontend: one ts-morph Project per repository on an in-memory file
// system, holding the prefiltered files plus what they import relatively, so names and clients
// can be followed across modules. Nothing outside the workspace is ever read.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import createDebug from 'debug';
import { Project, ts, type SourceFile } from 'ts-morph';
import type { Diagnostic, Frontend, SourceInput, Workspace } from '../../extractors/contract.js';
import { readPathAliases, resolveModule, type PathAlias } from './module-paths.js';
import { TsResolver, VIRTUAL_ROOT } from './resolve.js';
import { isStackOverflow, tooDeepDiagnostic, withoutFiles, withoutInputs } from '../too-deep.js';

const debug = createDebug('eventgraph:lang:typescript');

/** Bounds the import closure so a huge monorepo cannot make one scan unbounded. */
const MAX_LOADED_FILES = 5000;
const SOURCE_PATTERN = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;

export interface TsFile {
  input: SourceInput;
  source: SourceFile;
  resolver: TsResolver;
}

export const typescriptFrontend: Frontend<TsFile> = {
  language: 'typescript',
  load(inputs, workspace) {
    // A file too deeply nested to parse or bind is left out and the Project built again
    // without it, so one generated file cannot end the scan of the others.
    const tooDeep = new Set<string>();
    const aliases = readPathAliases((p) => workspace.read(p) ?? readConfig(workspace.root, p));
    for (;;) {
      const project = createProject();
      const visible = withoutFiles(workspace, tooDeep);
      const { loaded, overflowed } = loadClosure(
        project,
        withoutInputs(inputs, tooDeep),
        visible,
        aliases,
      );
      if (overflowed.length > 0) {
        for (const file of overflowed) tooDeep.add(file);
        continue;
      }
      const unbound = unbindableFiles(project, loaded);
      if (unbound.length > 0) {
        for (const file of unbound) tooDeep.add(file);
        continue;
      }
      const resolver = new TsResolver(project, loaded, aliases);
      const diagnostics: Diagnostic[] = [...tooDeep].map((file) =>
        tooDeepDiagnostic(workspace.repository, file),
      );
      const files: TsFile[] = [];
      for (const input of inputs) {
        const source = loaded.get(input.path);
        if (!source) continue;
        diagnostics.push(...syntaxDiagnostics(project, source, input));
        files.push({ input, source, resolver });
      }
      debug('%s: %d inputs, %d files loaded', workspace.repository, inputs.length, loaded.size);
      return { files, diagnostics };
    }
  },
  inputOf: (file) => file.input,
};

/** Discovery keeps sources and manifests only; a tsconfig.json is read here when needed. */
function readConfig(root: string, relative: string): string | undefined {
  try {
    return readFileSync(path.join(root, relative), 'utf8');
  } catch {
    return undefined;
  }
}

function createProject(): Project {
  return new Project({
    useInMemoryFileSystem: true,
    skipFileDependencyResolution: true,
    skipAddingFilesFromTsConfig: true,
    compilerOptions: {
      allowJs: true,
      noLib: true,
      noResolve: true,
      skipLibCheck: true,
      jsx: ts.JsxEmit.Preserve,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
    },
  });
}

/**
 * Files whose binding overflows the stack; empty when the type checker can be built. Binding
 * is per file, so halving the set finds the culprits without binding each file on its own.
 */
function unbindableFiles(project: Project, loaded: ReadonlyMap<string, SourceFile>): string[] {
  if (bindsWithinStack(project)) return [];
  return overflowingFiles([...loaded].map(([file, source]) => [file, source.getFullText()]));
}

function bindsWithinStack(project: Project): boolean {
  try {
    project.getTypeChecker(); // creating the checker binds every file
    return true;
  } catch (error) {
    if (isStackOverflow(error)) return false;
    throw error;
  }
}

function overflowingFiles(files: readonly (readonly [string, string])[]): string[] {
  const project = createProject();
  for (const [file, text] of files) project.createSourceFile(VIRTUAL_ROOT + file, text);
  if (bindsWithinStack(project)) return [];
  if (files.length === 1) return files.map(([file]) => file);
  const half = Math.ceil(files.length / 2);
  const found = [...overflowingFiles(files.slice(0, half)), ...overflowingFiles(files.slice(half))];
  // Neither half overflows alone: leave the whole group out rather than loop.
  return found.length > 0 ? found : files.map(([file]) => file);
}

/**
 * Adds the inputs, the files that import them (callers of wrapper functions live there, and
 * they rarely mention the library), and transitively the workspace files all of those import
 * with a relative path or a tsconfig path alias.
 */
function loadClosure(
  project: Project,
  inputs: readonly SourceInput[],
  workspace: Workspace,
  aliases: readonly PathAlias[],
): { loaded: Map<string, SourceFile>; overflowed: string[] } {
  const loaded = new Map<string, SourceFile>();
  const overflowed: string[] = [];
  const texts = new Map<string, string>(inputs.map((i) => [i.path, i.text]));
  const exists = (candidate: string) => workspace.files.has(candidate) || texts.has(candidate);
  const importsOf = (relative: string, text: string) =>
    ts
      .preProcessFile(text, true, true)
      .importedFiles.map((imported) => resolveModule(relative, imported.fileName, exists, aliases))
      .filter((target): target is string => target !== undefined);

  // Two levels: a base class's method is called on instances of its subclasses, in files
  // that import the subclass rather than the base.
  const graph = importGraph(texts, workspace, importsOf, aliases);
  const importers = importersOf(new Set(texts.keys()), graph);
  const callers = importersOf(new Set([...texts.keys(), ...importers]), graph);
  const pending = [...texts.keys(), ...importers, ...callers];
  const seen = new Set(pending);
  while (pending.length > 0 && loaded.size < MAX_LOADED_FILES) {
    const relative = pending.shift() as string;
    const text = texts.get(relative) ?? workspace.read(relative);
    if (text === undefined) continue;
    try {
      loaded.set(
        relative,
        project.createSourceFile(VIRTUAL_ROOT + relative, text, { overwrite: true }),
      );
    } catch (error) {
      if (!isStackOverflow(error)) throw error;
      overflowed.push(relative);
      continue;
    }
    for (const target of importsOf(relative, text)) {
      if (seen.has(target)) continue;
      seen.add(target);
      pending.push(target);
    }
  }
  return { loaded, overflowed };
}

/** What each workspace source file outside the inputs imports. */
function importGraph(
  inputs: ReadonlyMap<string, string>,
  workspace: Workspace,
  importsOf: (relative: string, text: string) => string[],
  aliases: readonly PathAlias[],
): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const relative of workspace.files) {
    if (inputs.has(relative) || !SOURCE_PATTERN.test(relative)) continue;
    const text = workspace.read(relative);
    if (text === undefined || (aliases.length === 0 && !text.includes('.'))) continue;
    graph.set(relative, importsOf(relative, text));
  }
  return graph;
}

/** Files of the import graph that import one of the given files directly. */
function importersOf(files: ReadonlySet<string>, graph: ReadonlyMap<string, string[]>): string[] {
  const importers: string[] = [];
  for (const [relative, imports] of graph) {
    if (!files.has(relative) && imports.some((target) => files.has(target))) {
      importers.push(relative);
    }
  }
  return importers;
}

/** The first parse error, at path:line; the rest of the file is still extracted. */
function syntaxDiagnostics(project: Project, source: SourceFile, input: SourceInput): Diagnostic[] {
  const program = project.getProgram().compilerObject;
  const errors = program.getSyntacticDiagnostics(source.compilerNode);
  const first = errors[0];
  if (!first) return [];
  const more = errors.length > 1 ? ` (and ${String(errors.length - 1)} more)` : '';
  return [
    {
      severity: 'warning',
      repository: input.repository,
      file: input.path,
      line: source.getLineAndColumnAtPos(first.start).line,
      message: `syntax error: ${ts.flattenDiagnosticMessageText(first.messageText, ' ')}${more}`,
    },
  ];
}
