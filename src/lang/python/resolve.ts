// Name resolution shared by every Python extractor: what an expression is bound to (a literal,
// a project function or class, a library name), the origin of a receiver (`channel` is
// `pika.BlockingConnection().channel()`), string names with environment overrides, and the
// call sites of wrapper functions whose parameter carries the name.
import type { ResolvedName } from '../../model/graph.js';
import type { PyModule, PythonProject } from './module-index.js';
import {
  argument,
  classOfMethod,
  enclosingFunction,
  functionName,
  ownDescendants,
  parametersOf,
  scalarLiteral,
  stringLiteral,
  type Parameter,
} from './syntax.js';
import { callsIn } from './call-sites.js';
import { runQuery, type SyntaxNode } from './tree-sitter.js';

export type Binding =
  | { kind: 'value'; module: PyModule; node: SyntaxNode }
  | { kind: 'external'; qualified: string }
  | { kind: 'function'; module: PyModule; node: SyntaxNode }
  | { kind: 'class'; module: PyModule; node: SyntaxNode }
  | { kind: 'instance'; module: PyModule; node: SyntaxNode }
  | { kind: 'module'; module: PyModule }
  | { kind: 'parameter'; module: PyModule; node: SyntaxNode; parameter: Parameter };

export interface Located {
  module: PyModule;
  node: SyntaxNode;
}

/** A call of a project function (a wrapper around a library call). */
export interface CallSite {
  module: PyModule;
  call: SyntaxNode;
  /** The function the call sits in, or `<module>` at top level. */
  caller: string;
}

const MAX_DEPTH = 24;
const ENV_GETTERS = new Set(['os.environ.get', 'os.getenv', 'os.environ.setdefault']);

export class Resolver {
  constructor(readonly project: PythonProject) {}

  /** What an expression is bound to, following names through scopes, modules and imports. */
  bind(module: PyModule, node: SyntaxNode, depth = 0): Binding | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const inner = unwrap(node);
    switch (inner.type) {
      case 'identifier':
        return this.bindName(module, inner, depth);
      case 'attribute': {
        const object = inner.childForFieldName('object');
        const attribute = inner.childForFieldName('attribute')?.text;
        if (!object || !attribute) return undefined;
        const base = this.bind(module, object, depth + 1);
        return base ? this.member(base, attribute, depth + 1) : undefined;
      }
      case 'call': {
        const callee = this.bind(module, inner.childForFieldName('function') ?? inner, depth + 1);
        if (callee?.kind === 'class')
          return { kind: 'instance', module: callee.module, node: callee.node };
        if (callee?.kind === 'function') {
          const returned = returnedValue(callee.node);
          if (returned) return this.bind(callee.module, returned, depth + 1);
        }
        return { kind: 'value', module, node: inner };
      }
      default:
        return { kind: 'value', module, node: inner };
    }
  }

  private bindName(module: PyModule, node: SyntaxNode, depth: number): Binding | undefined {
    const name = node.text;
    for (let fn = enclosingFunction(node); fn; fn = enclosingFunction(fn)) {
      const local = localValue(fn, name, node);
      if (local)
        return local.type === 'function_definition'
          ? { kind: 'function', module, node: local }
          : this.bind(module, local, depth + 1);
      const parameter = parametersOf(fn).find((p) => p.name === name);
      if (!parameter) continue;
      const owner = classOfMethod(fn);
      if (owner && parameter.index === 0 && (name === 'self' || name === 'cls')) {
        return { kind: name === 'self' ? 'instance' : 'class', module, node: owner };
      }
      return { kind: 'parameter', module, node: fn, parameter };
    }
    return this.topLevel(module, name, depth + 1);
  }

  /** A name bound at the top level of a module, followed through imports. */
  topLevel(module: PyModule, name: string, depth = 0): Binding | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const assigned = module.assignments.get(name);
    if (assigned) return this.bind(module, assigned, depth + 1);
    const fn = module.functions.get(name);
    if (fn) return { kind: 'function', module, node: fn };
    const cls = module.classes.get(name);
    if (cls) return { kind: 'class', module, node: cls };
    const imported = module.imports.get(name);
    if (imported) return this.bindImport(module, imported.module, imported.name, depth + 1);
    for (const wildcard of module.wildcards) {
      const source = this.project.resolveImport(wildcard, module);
      const found = source ? this.topLevel(source, name, depth + 1) : undefined;
      if (found) return found;
    }
    return undefined;
  }

  private bindImport(
    module: PyModule,
    spec: string,
    name: string | undefined,
    depth: number,
  ): Binding | undefined {
    const source = this.project.resolveImport(spec, module);
    if (name === undefined)
      return source ? { kind: 'module', module: source } : { kind: 'external', qualified: spec };
    if (!source)
      return spec.startsWith('.') ? undefined : { kind: 'external', qualified: `${spec}.${name}` };
    const found = this.topLevel(source, name, depth + 1);
    if (found) return found;
    // `from package import submodule`
    const submodule = this.project.resolveImport(
      spec.endsWith('.') ? `${spec}${name}` : `${spec}.${name}`,
      module,
    );
    return submodule ? { kind: 'module', module: submodule } : undefined;
  }

  /** `base.name` for a module, class, instance or library name. */
  member(base: Binding, name: string, depth = 0): Binding | undefined {
    switch (base.kind) {
      case 'module':
        return this.topLevel(base.module, name, depth + 1) ?? this.submodule(base.module, name);
      case 'external':
        return { kind: 'external', qualified: `${base.qualified}.${name}` };
      case 'class':
        return this.classMember(base.module, base.node, name, depth + 1);
      case 'instance':
        return (
          this.instanceMember(base.module, base.node, name, depth + 1) ??
          this.classMember(base.module, base.node, name, depth + 1)
        );
      default:
        return undefined;
    }
  }

  private submodule(module: PyModule, name: string): Binding | undefined {
    const found = this.project.resolveImport(`${module.dotted}.${name}`, module);
    return found ? { kind: 'module', module: found } : undefined;
  }

  // Settings and config classes: attributes in the class body, then in its base classes.
  private classMember(
    module: PyModule,
    cls: SyntaxNode,
    name: string,
    depth: number,
  ): Binding | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const body = cls.childForFieldName('body');
    for (const statement of body?.namedChildren ?? []) {
      const definition =
        statement.type === 'decorated_definition'
          ? statement.childForFieldName('definition')
          : statement;
      if (definition?.childForFieldName('name')?.text === name) {
        if (definition.type === 'function_definition')
          return { kind: 'function', module, node: definition };
        if (definition.type === 'class_definition')
          return { kind: 'class', module, node: definition };
      }
      const assignment =
        statement.type === 'expression_statement' ? statement.namedChildren[0] : undefined;
      if (assignment?.type !== 'assignment') continue;
      const right = assignment.childForFieldName('right');
      if (assignment.childForFieldName('left')?.text === name && right) {
        return this.bind(module, right, depth + 1);
      }
    }
    for (const superclass of cls.childForFieldName('superclasses')?.namedChildren ?? []) {
      if (superclass.type === 'keyword_argument') continue;
      const parent = this.bind(module, superclass, depth + 1);
      if (parent?.kind !== 'class') continue;
      const found = this.classMember(parent.module, parent.node, name, depth + 1);
      if (found) return found;
    }
    return undefined;
  }

  // Wrapper classes: `self.channel = connection.channel()` in any method, `__init__` first.
  private instanceMember(
    module: PyModule,
    cls: SyntaxNode,
    name: string,
    depth: number,
  ): Binding | undefined {
    const assignments = runQuery('assignments', cls).filter(
      ({ target }) =>
        target?.type === 'attribute' &&
        target.childForFieldName('object')?.text === 'self' &&
        target.childForFieldName('attribute')?.text === name,
    );
    const first =
      assignments.find(
        ({ assignment }) =>
          assignment && functionName(enclosingFunction(assignment) ?? assignment) === '__init__',
      ) ?? assignments[0];
    return first?.value ? this.bind(module, first.value, depth + 1) : undefined;
  }

  /**
   * A dotted name for where a value comes from: `pika.BlockingConnection().channel()` for a
   * library, `py:app/messaging.py#Publisher()` for a project class instance.
   */
  origin(module: PyModule, node: SyntaxNode, depth = 0): string | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const bound = this.bind(module, node, depth + 1);
    if (bound && bound.kind !== 'value') return this.originOfBinding(bound, depth + 1);
    const target = bound ?? { module, node: unwrap(node) };
    const inner = unwrap(target.node);
    if (inner.type === 'call') {
      const callee = inner.childForFieldName('function');
      const base = callee ? this.origin(target.module, callee, depth + 1) : undefined;
      return base === undefined ? undefined : `${base}()`;
    }
    if (inner.type === 'attribute') {
      const object = inner.childForFieldName('object');
      const base = object ? this.origin(target.module, object, depth + 1) : undefined;
      const attribute = inner.childForFieldName('attribute')?.text ?? '';
      return base === undefined ? undefined : `${base}.${attribute}`;
    }
    return undefined;
  }

  private originOfBinding(
    bound: Exclude<Binding, { kind: 'value' }>,
    depth: number,
  ): string | undefined {
    switch (bound.kind) {
      case 'external':
        return bound.qualified;
      case 'module':
        return `py:${bound.module.path}`;
      case 'class':
        return `py:${bound.module.path}#${functionName(bound.node)}`;
      case 'instance':
        return `py:${bound.module.path}#${functionName(bound.node)}()`;
      case 'function':
        return functionOrigin(bound.module, bound.node);
      case 'parameter': {
        const annotation = bound.parameter.annotation;
        const type = annotation ? this.origin(bound.module, annotation, depth + 1) : undefined;
        return type === undefined ? undefined : `${type}()`;
      }
    }
  }

  /** A string name as written: literals, constants, settings, env defaults, f-strings. */
  string(module: PyModule, node: SyntaxNode): ResolvedName {
    return this.tryString(module, node, 0) ?? dynamic(node);
  }

  private tryString(module: PyModule, node: SyntaxNode, depth: number): ResolvedName | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const inner = unwrap(node);
    const literal = stringLiteral(inner);
    if (literal !== undefined) return { name: literal, dynamic: false };
    switch (inner.type) {
      case 'string':
        return this.formatted(module, inner, depth);
      case 'concatenated_string':
        return this.joined(module, inner.namedChildren, inner, depth);
      case 'binary_operator': {
        if (inner.childForFieldName('operator')?.text !== '+') return undefined;
        const parts = [inner.childForFieldName('left'), inner.childForFieldName('right')];
        return this.joined(
          module,
          parts.filter((p): p is SyntaxNode => p !== null),
          inner,
          depth,
        );
      }
      case 'boolean_operator':
        return this.orDefault(module, inner, depth);
      case 'call':
        return this.calledString(module, inner, depth);
      case 'subscript':
        return this.subscriptString(module, inner, depth);
      case 'identifier':
      case 'attribute': {
        const bound = this.bind(module, inner, depth + 1);
        if (bound?.kind !== 'value' || bound.node === inner) return undefined;
        return this.tryString(bound.module, bound.node, depth + 1);
      }
      default:
        return undefined;
    }
  }

  private joined(
    module: PyModule,
    parts: SyntaxNode[],
    whole: SyntaxNode,
    depth: number,
  ): ResolvedName | undefined {
    const resolved = parts.map((part) => this.tryString(module, part, depth + 1));
    const override = resolved.find((r) => r?.override)?.override;
    if (resolved.every((r) => r && !r.dynamic)) {
      const name = resolved.map((r) => r?.name ?? '').join('');
      return override ? { name, dynamic: false, override } : { name, dynamic: false };
    }
    return override ? { ...dynamic(whole), override } : undefined;
  }

  // f-strings resolve when every interpolation does; otherwise they stay dynamic as written.
  private formatted(module: PyModule, node: SyntaxNode, depth: number): ResolvedName | undefined {
    let name = '';
    let override: string | undefined;
    for (const child of node.namedChildren) {
      if (child.type === 'string_content') name += child.text;
      if (child.type === 'escape_sequence') name += stringLiteral(child) ?? child.text;
      if (child.type !== 'interpolation') continue;
      const expression = child.childForFieldName('expression');
      const plain = child.namedChildren.length === 1;
      const part = expression && plain ? this.tryString(module, expression, depth + 1) : undefined;
      override ??= part?.override;
      if (!part || part.dynamic) return override ? { ...dynamic(node), override } : undefined;
      name += part.name;
    }
    return override ? { name, dynamic: false, override } : { name, dynamic: false };
  }

  // `os.getenv('QUEUE') or 'orders'`
  private orDefault(module: PyModule, node: SyntaxNode, depth: number): ResolvedName | undefined {
    if (node.childForFieldName('operator')?.text !== 'or') return undefined;
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    const first = left ? this.tryString(module, left, depth + 1) : undefined;
    if (first && !first.dynamic) return first;
    const fallback = right ? this.tryString(module, right, depth + 1) : undefined;
    if (first?.override && fallback && !fallback.dynamic) {
      return { name: fallback.name, dynamic: false, override: first.override };
    }
    return undefined;
  }

  private calledString(
    module: PyModule,
    call: SyntaxNode,
    depth: number,
  ): ResolvedName | undefined {
    const callee = call.childForFieldName('function');
    const args = call.childForFieldName('arguments');
    if (!callee) return undefined;
    const origin = this.origin(module, callee, depth + 1);
    if (origin && ENV_GETTERS.has(origin)) {
      const variable = argument(args, 0, 'key');
      const env = variable ? this.literal(module, variable) : undefined;
      if (typeof env !== 'string') return undefined;
      const fallback = argument(args, 1, 'default');
      const value = fallback ? this.tryString(module, fallback, depth + 1) : undefined;
      if (value && !value.dynamic) return { name: value.name, dynamic: false, override: env };
      return { ...dynamic(call), override: env };
    }
    if (origin === 'str') {
      const only = argument(args, 0);
      return only ? this.tryString(module, only, depth + 1) : undefined;
    }
    // `QUEUES.get('emails', 'default')` on a module-level dict
    if (callee.type === 'attribute' && callee.childForFieldName('attribute')?.text === 'get') {
      const key = argument(args, 0);
      const object = callee.childForFieldName('object');
      const entry = object && key ? this.entry(module, object, key, depth) : undefined;
      if (entry) return this.tryString(entry.module, entry.node, depth + 1);
    }
    return undefined;
  }

  private subscriptString(
    module: PyModule,
    node: SyntaxNode,
    depth: number,
  ): ResolvedName | undefined {
    const object = node.childForFieldName('value');
    const key = node.childForFieldName('subscript');
    if (!object || !key) return undefined;
    if (this.origin(module, object, depth + 1) === 'os.environ') {
      const env = this.literal(module, key);
      return typeof env === 'string' ? { ...dynamic(node), override: env } : undefined;
    }
    const entry = this.entry(module, object, key, depth);
    return entry ? this.tryString(entry.module, entry.node, depth + 1) : undefined;
  }

  private entry(
    module: PyModule,
    object: SyntaxNode,
    key: SyntaxNode,
    depth: number,
  ): Located | undefined {
    const keyName = this.tryString(module, key, depth + 1);
    if (!keyName || keyName.dynamic) return undefined;
    return this.dict(module, object)?.get(keyName.name);
  }

  /** A literal string, number or boolean, following names. */
  literal(module: PyModule, node: SyntaxNode, depth = 0): string | number | boolean | undefined {
    const inner = unwrap(node);
    const scalar = scalarLiteral(inner);
    if (scalar !== undefined) return scalar;
    const text = stringLiteral(inner);
    if (text !== undefined) return text;
    if (depth > MAX_DEPTH || (inner.type !== 'identifier' && inner.type !== 'attribute')) {
      const resolved = this.tryString(module, inner, depth + 1);
      return resolved && !resolved.dynamic ? resolved.name : undefined;
    }
    const bound = this.bind(module, inner, depth + 1);
    if (bound?.kind !== 'value' || bound.node === inner) return undefined;
    return this.literal(bound.module, bound.node, depth + 1);
  }

  /** A dict literal (or `dict(...)`, with `**base` merged) reached from an expression. */
  dict(module: PyModule, node: SyntaxNode, depth = 0): Map<string, Located> | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const bound = this.bind(module, node, depth + 1);
    if (bound?.kind !== 'value') return undefined;
    const value = bound.node;
    const entries = new Map<string, Located>();
    if (value.type === 'call' && value.childForFieldName('function')?.text === 'dict') {
      for (const child of value.childForFieldName('arguments')?.namedChildren ?? []) {
        const name = child.childForFieldName('name')?.text;
        const entryValue = child.childForFieldName('value');
        if (child.type === 'keyword_argument' && name && entryValue) {
          entries.set(name, { module: bound.module, node: entryValue });
        }
      }
      return entries;
    }
    if (value.type !== 'dictionary') return undefined;
    for (const child of value.namedChildren) {
      if (child.type === 'dictionary_splat') {
        const spread = child.namedChildren[0];
        const base = spread ? this.dict(bound.module, spread, depth + 1) : undefined;
        for (const [key, located] of base ?? []) entries.set(key, located);
        continue;
      }
      const key = child.childForFieldName('key');
      const entryValue = child.childForFieldName('value');
      if (child.type !== 'pair' || !key || !entryValue) continue;
      const keyName = this.tryString(bound.module, key, depth + 1);
      if (keyName && !keyName.dynamic)
        entries.set(keyName.name, { module: bound.module, node: entryValue });
    }
    return entries;
  }

  /** Elements of a list, tuple or set literal reached from an expression. */
  sequence(module: PyModule, node: SyntaxNode): Located[] | undefined {
    const bound = this.bind(module, node);
    if (bound?.kind !== 'value') return undefined;
    if (!['list', 'tuple', 'set', 'expression_list'].includes(bound.node.type)) return undefined;
    return bound.node.namedChildren
      .filter((c) => c.type !== 'comment')
      .map((element) => ({ module: bound.module, node: element }));
  }

  /** Every call of a project function or method, found through the origin of the callee. */
  callsOf(module: PyModule, fn: SyntaxNode): CallSite[] {
    const target = functionOrigin(module, fn);
    const name = functionName(fn);
    const sites: CallSite[] = [];
    for (const caller of this.project.modulesMentioning(name)) {
      for (const match of callsIn(caller)) {
        const called = match.method?.text ?? match.function?.text;
        const callee = match.call?.childForFieldName('function');
        if (called !== name || !match.call || !callee) continue;
        if (this.origin(caller, callee) !== target) continue;
        const enclosing = enclosingFunction(match.call);
        sites.push({
          module: caller,
          call: match.call,
          caller: enclosing ? functionName(enclosing) : '<module>',
        });
      }
    }
    return sites;
  }

  /** The argument a call site gives for a function's parameter (its default when absent). */
  argumentFor(
    site: { module: PyModule; call: SyntaxNode },
    fn: SyntaxNode,
    parameter: Parameter,
  ): Located | undefined {
    const shift = classOfMethod(fn) && !isStatic(fn) ? 1 : 0;
    const args = site.call.childForFieldName('arguments');
    const given = argument(args, parameter.index - shift, parameter.name);
    return given ? { module: site.module, node: given } : undefined;
  }
}

export function functionOrigin(module: PyModule, fn: SyntaxNode): string {
  const owner = classOfMethod(fn);
  const prefix = owner ? `${functionName(owner)}().` : '';
  return `py:${module.path}#${prefix}${functionName(fn)}`;
}

function isStatic(fn: SyntaxNode): boolean {
  const decorated = fn.parent?.type === 'decorated_definition' ? fn.parent : undefined;
  return (
    decorated?.namedChildren.some((c) => c.type === 'decorator' && c.text === '@staticmethod') ??
    false
  );
}

export function dynamic(node: SyntaxNode): ResolvedName {
  const text = node.text.replace(/\s+/g, ' ');
  return { name: text, dynamic: true, expression: text };
}

function unwrap(node: SyntaxNode): SyntaxNode {
  let current = node;
  while (current.type === 'parenthesized_expression' || current.type === 'await') {
    const inner = current.namedChildren[0];
    if (!inner) break;
    current = inner;
  }
  return current;
}

/** The value a local name holds at a point: the last assignment before it, `with ... as`. */
function localValue(fn: SyntaxNode, name: string, at: SyntaxNode): SyntaxNode | undefined {
  const body = fn.childForFieldName('body');
  if (!body) return undefined;
  const candidates: SyntaxNode[] = [];
  for (const assignment of ownDescendants(body, 'assignment')) {
    const right = assignment.childForFieldName('right');
    if (assignment.childForFieldName('left')?.text === name && right) candidates.push(right);
  }
  for (const pattern of ownDescendants(body, 'as_pattern')) {
    const alias = pattern.childForFieldName('alias');
    const value = pattern.namedChildren[0];
    if (alias?.text === name && value && pattern.parent?.type === 'with_item')
      candidates.push(value);
  }
  for (const statement of body.namedChildren) {
    if (statement.type === 'function_definition' && functionName(statement) === name)
      candidates.push(statement);
  }
  candidates.sort((a, b) => a.startIndex - b.startIndex);
  // `x = x + 1` reads the earlier `x`, never itself.
  const outside = candidates.filter(
    (c) => at.startIndex < c.startIndex || at.endIndex > c.endIndex,
  );
  const before = outside.filter((c) => c.startIndex < at.startIndex);
  return before[before.length - 1] ?? outside[0];
}

function returnedValue(fn: SyntaxNode): SyntaxNode | undefined {
  const body = fn.childForFieldName('body');
  if (!body) return undefined;
  return ownDescendants(body, 'return_statement')
    .map((r) => r.namedChildren[0])
    .find(Boolean);
}
