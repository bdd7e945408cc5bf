// The project-wide index of Python modules that name resolution reads: what each module binds
// at top level (constants, functions, classes, imports) and where an import leads. Modules the
// prefilter dropped are parsed lazily, only when an import or a wrapper call needs them.
import path from 'node:path';
import createDebug from 'debug';
import type { Workspace } from '../../extractors/contract.js';
import { parsePython, runQuery, type Captures, type SyntaxNode } from './tree-sitter.js';

const debug = createDebug('eventgraph:lang:python');

/** Where a name imported into a module comes from. */
export interface ImportBinding {
  /** Module as written (`a.b`, `.a`, `..`), for `from` imports the module before `import`. */
  module: string;
  /** The imported name for `from module import name`; absent for `import module`. */
  name?: string;
  node: SyntaxNode;
}

export interface PyModule {
  /** Path relative to the repository root, with '/'. */
  path: string;
  /** Dotted module name (`app.tasks`), packages and `src/` layouts taken into account. */
  dotted: string;
  text: string;
  root: SyntaxNode;
  /** Top-level names bound by assignment: the value of the last assignment. */
  assignments: Map<string, SyntaxNode>;
  functions: Map<string, SyntaxNode>;
  classes: Map<string, SyntaxNode>;
  imports: Map<string, ImportBinding>;
  /** Modules imported with `from module import *`. */
  wildcards: string[];
}

// Libraries the extractors trace by name; a project file never shadows them (a package of the
// project may hold its own `celery.py`, which `from celery import Celery` never means).
const EXTERNAL_TOP_LEVEL = new Set([
  'celery',
  'kombu',
  'pika',
  'kafka',
  'confluent_kafka',
  'rq',
  'rq_scheduler',
  'django_rq',
  'dramatiq',
  'apscheduler',
  'huey',
  'os',
  'typing',
  'datetime',
  'functools',
  'redis',
  'blinker',
  'pyee',
  'django',
  'dataclasses',
  'pydantic',
  'json',
  'eventsourcing',
]);

export class PythonProject {
  private readonly modules = new Map<string, PyModule | null>();
  private readonly pythonFiles: string[];
  /** Module path without `.py` or `/__init__.py` → file. */
  private readonly byModulePath = new Map<string, string>();
  private readonly absoluteCache = new Map<string, string | null>();

  constructor(readonly workspace: Workspace) {
    this.pythonFiles = [...workspace.files].filter((f) => f.endsWith('.py')).sort();
    for (const file of this.pythonFiles) this.byModulePath.set(modulePathOf(file), file);
  }

  /** Registers a module the frontend parsed. */
  add(file: string, text: string, root: SyntaxNode): PyModule {
    const module = indexModule(file, this.dottedName(file), text, root);
    this.modules.set(file, module);
    return module;
  }

  /** The module of a discovered Python file, parsed on first use. */
  module(file: string): PyModule | undefined {
    const known = this.modules.get(file);
    if (known !== undefined) return known ?? undefined;
    const text = this.workspace.files.has(file) ? this.workspace.read(file) : undefined;
    if (text === undefined) {
      this.modules.set(file, null);
      return undefined;
    }
    debug('indexing %s for name resolution', file);
    return this.add(file, text, parsePython(text).rootNode);
  }

  /** Modules whose text mentions a word: the candidates for calling a wrapper of that name. */
  modulesMentioning(word: string): PyModule[] {
    const found: PyModule[] = [];
    for (const file of this.pythonFiles) {
      const known = this.modules.get(file);
      const text = known ? known.text : this.workspace.read(file);
      if (!text?.includes(word)) continue;
      const module = this.module(file);
      if (module) found.push(module);
    }
    return found;
  }

  /** The project module an import names, or undefined when it is a library (or unknown). */
  resolveImport(spec: string, importer: PyModule): PyModule | undefined {
    const file = spec.startsWith('.')
      ? this.relativeFile(spec, importer)
      : this.absoluteFile(spec, importer);
    if (!file || file === importer.path) return undefined;
    return this.module(file);
  }

  private relativeFile(spec: string, importer: PyModule): string | undefined {
    const dots = /^\.+/.exec(spec)?.[0].length ?? 0;
    let directory = path.posix.dirname(importer.path);
    for (let up = 1; up < dots; up += 1) directory = path.posix.dirname(directory);
    const rest = spec.slice(dots).split('.').filter(Boolean).join('/');
    const target = [directory === '.' ? '' : directory, rest].filter(Boolean).join('/');
    return this.byModulePath.get(target);
  }

  // An absolute import `a.b` means a file `<root>/a/b.py` where `<root>` is no package itself
  // (a source root); the one closest to the importer wins when several folders qualify. A
  // `src/` that holds a stray `__init__.py` is still put on the path by its project, so such
  // roots count when no clean one does.
  private absoluteFile(spec: string, importer: PyModule): string | undefined {
    const key = `${spec}\0${importer.path}`;
    const cached = this.absoluteCache.get(key);
    if (cached !== undefined) return cached ?? undefined;
    const found = this.findAbsoluteFile(spec, importer);
    this.absoluteCache.set(key, found ?? null);
    return found;
  }

  private findAbsoluteFile(spec: string, importer: PyModule): string | undefined {
    const top = spec.split('.')[0] ?? spec;
    if (EXTERNAL_TOP_LEVEL.has(top)) return undefined;
    const wanted = spec.split('.').join('/');
    let best: { file: string; shared: number } | undefined;
    let fallback: { file: string; shared: number } | undefined;
    for (const [modulePath, file] of this.byModulePath) {
      if (modulePath !== wanted && !modulePath.endsWith(`/${wanted}`)) continue;
      const sourceRoot = modulePath.slice(0, modulePath.length - wanted.length);
      const shared = sharedPrefix(file, importer.path);
      if (this.workspace.files.has(`${sourceRoot}__init__.py`)) {
        if (!fallback || shared > fallback.shared) fallback = { file, shared };
        continue;
      }
      if (!best || shared > best.shared) best = { file, shared };
    }
    return (best ?? fallback)?.file;
  }

  // The dotted name starts at the outermost folder of an unbroken chain of packages.
  private dottedName(file: string): string {
    const parts = modulePathOf(file).split('/');
    let start = parts.length - 1;
    while (
      start > 0 &&
      this.workspace.files.has(`${parts.slice(0, start).join('/')}/__init__.py`)
    ) {
      start -= 1;
    }
    return parts.slice(start).join('.');
  }
}

function modulePathOf(file: string): string {
  return file
    .replace(/\.py$/, '')
    .replace(/\/__init__$/, '')
    .replace(/^__init__$/, '');
}

function sharedPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i += 1;
  return i;
}

function indexModule(file: string, dotted: string, text: string, root: SyntaxNode): PyModule {
  const module: PyModule = {
    path: file,
    dotted,
    text,
    root,
    assignments: new Map(),
    functions: new Map(),
    classes: new Map(),
    imports: new Map(),
    wildcards: [],
  };
  for (const match of runQuery('imports', root)) indexImport(module, match);
  const assignments = runQuery('assignments', root);
  assignmentCache.set(module, assignments);
  for (const { target, value } of assignments) {
    if (target?.type !== 'identifier' || !value || enclosingScope(target)) continue;
    module.assignments.set(target.text, value);
  }
  for (const child of topLevelStatements(root)) {
    const definition =
      child.type === 'decorated_definition' ? child.childForFieldName('definition') : child;
    const name = definition?.childForFieldName('name')?.text;
    if (!definition || !name) continue;
    if (definition.type === 'function_definition') module.functions.set(name, definition);
    if (definition.type === 'class_definition') module.classes.set(name, definition);
  }
  return module;
}

const assignmentCache = new WeakMap<PyModule, Captures[]>();

/** The `assignments.scm` matches of a whole module, run once when it is indexed. */
export function assignmentsIn(module: PyModule): Captures[] {
  let found = assignmentCache.get(module);
  if (!found) {
    found = runQuery('assignments', module.root);
    assignmentCache.set(module, found);
  }
  return found;
}

function indexImport(module: PyModule, match: Record<string, SyntaxNode | undefined>): void {
  const node = match.import;
  if (!node) return;
  if (match.wildcard && match.from) {
    module.wildcards.push(match.from.text);
  } else if (match.from && match.name) {
    const local = match.alias?.text ?? match.name.text;
    module.imports.set(local, { module: match.from.text, name: match.name.text, node });
  } else if (match.module) {
    // `import a.b` binds `a`; `import a.b as c` binds `c` to `a.b`.
    const local = match.alias?.text ?? match.module.text.split('.')[0] ?? match.module.text;
    const imported = match.alias ? match.module.text : local;
    module.imports.set(local, { module: imported, node });
  }
}

/** Statements at module level, including those inside top-level if/try/with blocks. */
function topLevelStatements(root: SyntaxNode): SyntaxNode[] {
  const statements: SyntaxNode[] = [];
  const visit = (node: SyntaxNode) => {
    for (const child of node.namedChildren) {
      if (
        [
          'if_statement',
          'try_statement',
          'with_statement',
          'block',
          'else_clause',
          'elif_clause',
          'except_clause',
          'finally_clause',
        ].includes(child.type)
      )
        visit(child);
      else statements.push(child);
    }
  };
  visit(root);
  return statements;
}

/** The innermost function or class around a node, or undefined at module level. */
export function enclosingScope(node: SyntaxNode): SyntaxNode | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (current.type === 'function_definition' || current.type === 'class_definition')
      return current;
  }
  return undefined;
}
