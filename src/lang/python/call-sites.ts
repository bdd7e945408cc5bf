// Helpers the Python extractors share: evidence for a node, the calls of a module (queried
// once), and wrapper expansion, which turns a library call whose arguments are parameters of
// the enclosing function into one view per call site of that function.
import {
  evidenceAtRow,
  ref,
  type Evidence,
  type NodeRef,
  type SourceLocation,
} from '../../model/graph.js';
import type { TechnologyId } from '../../model/taxonomy.js';
import type { PyFile } from './frontend.js';
import type { PyModule } from './module-index.js';
import type { CallSite, Located } from './resolve.js';
import { enclosingFunction, functionName, parametersOf, stringLiteral } from './syntax.js';
import { runQuery, type Captures, type SyntaxNode } from './tree-sitter.js';

export function locationOf(file: PyFile, module: PyModule = file.module): SourceLocation {
  return { repository: file.input.repository, file: module.path };
}

/**
 * Who sends from `node`: the Job of the nearest enclosing function an extractor defines as one
 * (`jobName` names it), else the Service owning the file.
 */
export function callerJobOrService(
  file: PyFile,
  node: SyntaxNode,
  technology: TechnologyId,
  jobName: (fn: SyntaxNode) => string | undefined,
): NodeRef {
  for (let fn = enclosingFunction(node); fn; fn = enclosingFunction(fn)) {
    const name = jobName(fn);
    if (name !== undefined) return ref.job(file.input.repository, technology, name);
  }
  return ref.serviceOf(locationOf(file));
}

export function evidenceOf(
  file: PyFile,
  node: SyntaxNode,
  module: PyModule = file.module,
): Evidence {
  return evidenceAtRow(locationOf(file, module), node.startPosition.row);
}

const callCache = new WeakMap<PyModule, Captures[]>();

/** The `calls.scm` matches of a module, run once and shared by all extractors. */
export function callsIn(module: PyModule): Captures[] {
  let calls = callCache.get(module);
  if (!calls) {
    calls = runQuery('calls', module.root);
    callCache.set(module, calls);
  }
  return calls;
}

/** A library call seen either where it is written or at a call site of its wrapper. */
export interface CallView {
  /** Arguments by role, each located in the module that holds it. */
  values: Map<string, Located>;
  /** Where the evidence points: the call itself, or the call of the wrapper. */
  at: Located;
  /** The function holding the wrapper call, when the view is a call site. */
  caller?: string;
}

/**
 * When an argument is a parameter of the enclosing function, the function wraps the library
 * call: one view per call site found in the project, with that site's arguments. Without call
 * sites (or parameters) the call is seen as written, parameters falling back to defaults.
 */
export function expandWrapper(
  file: PyFile,
  call: SyntaxNode,
  roles: Record<string, SyntaxNode | undefined>,
  options: { injected?: boolean } = {},
): CallView[] {
  const here = new Map<string, Located>();
  for (const [role, node] of Object.entries(roles))
    if (node) here.set(role, { module: file.module, node });
  const fn = enclosingFunction(call);
  if (!fn) return [{ values: here, at: { module: file.module, node: call } }];
  const parameters = new Map(parametersOf(fn).map((p) => [p.name, p]));
  const wrapped = [...here].filter(
    ([, v]) =>
      v.node.type === 'identifier' &&
      parameters.has(v.node.text) &&
      file.resolver.bind(file.module, v.node)?.kind === 'parameter',
  );
  if (wrapped.length === 0) return [{ values: here, at: { module: file.module, node: call } }];

  const views: CallView[] = [];
  const sites = file.resolver.callsOf(file.module, fn);
  if (options.injected) {
    const known = new Set(sites.map((site) => site.call.id));
    sites.push(...injectedCallsOf(file, fn).filter((site) => !known.has(site.call.id)));
  }
  for (const site of sites) {
    const values = new Map(here);
    for (const [role, located] of wrapped) {
      const parameter = parameters.get(located.node.text);
      const given = parameter ? file.resolver.argumentFor(site, fn, parameter) : undefined;
      const fallback = parameter?.defaultValue;
      if (given) values.set(role, given);
      else if (fallback) values.set(role, { module: file.module, node: fallback });
    }
    views.push({ values, at: { module: site.module, node: site.call }, caller: site.caller });
  }
  if (views.length > 0) return views;
  const defaults = new Map(here);
  for (const [role, located] of wrapped) {
    const fallback = parameters.get(located.node.text)?.defaultValue;
    if (fallback) defaults.set(role, { module: file.module, node: fallback });
  }
  return [{ values: defaults, at: { module: file.module, node: call } }];
}

/** The handler name for code outside any function: the script's file name. */
export function enclosingName(module: PyModule, node: SyntaxNode): string {
  const fn = enclosingFunction(node);
  if (fn) return functionName(fn);
  const base = module.path.split('/').pop() ?? module.path;
  return base.replace(/\.py$/, '');
}

/**
 * Calls of a function handed over as a value instead of called by name: `publish=F` given to
 * a bootstrap or bus, `publish: Callable = F` as a default, or `{"publish": F}` in a
 * dependency map. Each name it is handed over under is followed to calls of a parameter of
 * that name (`def handler(event, publish): publish(...)`), which is how injection reaches it.
 */
export function injectedCallsOf(file: PyFile, fn: SyntaxNode): CallSite[] {
  const name = functionName(fn);
  const keys = new Set<string>();
  for (const module of file.project.modulesMentioning(name)) {
    for (const id of module.root.descendantsOfType('identifier')) {
      if (id.text !== name) continue;
      const parent = id.parent;
      const expression =
        parent?.type === 'attribute' && parent.childForFieldName('attribute')?.id === id.id
          ? parent
          : id;
      const holder = expression.parent;
      if (!holder || holder.type === 'call' || holder.type === 'function_definition') continue;
      const key = handedOverAs(expression, holder);
      if (!key) continue;
      const bound = file.resolver.bind(module, expression);
      if (bound?.kind === 'function' && bound.node.id === fn.id) keys.add(key);
    }
  }
  const sites: CallSite[] = [];
  for (const key of keys) {
    for (const module of file.project.modulesMentioning(key)) {
      for (const match of callsIn(module)) {
        if (match.function?.text !== key || !match.call) continue;
        if (file.resolver.bind(module, match.function)?.kind !== 'parameter') continue;
        const enclosing = enclosingFunction(match.call);
        if (enclosing?.id === fn.id) continue;
        sites.push({
          module,
          call: match.call,
          caller: enclosing ? functionName(enclosing) : '<module>',
        });
      }
    }
  }
  return sites;
}

function handedOverAs(expression: SyntaxNode, holder: SyntaxNode): string | undefined {
  const value = (n: SyntaxNode) => holder.childForFieldName('value')?.id === n.id;
  if (holder.type === 'keyword_argument' && value(expression))
    return holder.childForFieldName('name')?.text;
  if (
    (holder.type === 'default_parameter' || holder.type === 'typed_default_parameter') &&
    value(expression)
  )
    return holder.childForFieldName('name')?.text;
  if (holder.type === 'pair' && value(expression)) {
    const key = holder.childForFieldName('key');
    return key ? stringLiteral(key) : undefined;
  }
  return undefined;
}
