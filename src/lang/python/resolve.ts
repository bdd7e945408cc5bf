// Name resolution shared by every Python extractor: what an expression is bound to (a literal,
// a project function or class, a library name), the origin of a receiver (`channel` is
// `pika.BlockingConnection().channel()`), string names with environment overrides, and the
// call sites of wrapper functions whose parameter carries the name.
import type { ResolvedName } from '../../model/graph.js';
import { assignmentsIn, type PyModule, type PythonProject } from './module-index.js';
import {
  argument,
  classOfMethod,
  enclosingFunction,
  functionName,
  ownDescendants,
  ownDescendantsOfTypes,
  parametersOf,
  scalarLiteral,
  stringLiteral,
  type Parameter,
} from './syntax.js';
import { callsIn } from './call-sites.js';
import type { SyntaxNode } from './tree-sitter.js';

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
// Client libraries whose type annotations the resolver believes (see `trustedType`).
const TRUSTED_TYPES = /^(pika|aiokafka)\./;
const ENV_GETTERS = new Set(['os.environ.get', 'os.getenv', 'os.environ.setdefault']);

interface AttributeAssignment {
  value?: SyntaxNode;
  type?: SyntaxNode;
  inInit: boolean;
}

export class Resolver {
  private readonly attributeCache = new Map<number, Map<string, AttributeAssignment[]>>();
  private readonly bindCache = new Map<number, Binding | null>();
  private readonly originCache = new Map<number, string | null>();
  private readonly stringCache = new Map<number, ResolvedName | null>();
  private readonly localCache = new Map<number, Map<string, LocalValue[]>>();
  private readonly parameterCache = new Map<number, Parameter[]>();
  private truncations = 0;
  private inConstructorArgument = false;

  constructor(readonly project: PythonProject) {}

  /** What an expression is bound to, following names through scopes, modules and imports. */
  bind(module: PyModule, node: SyntaxNode, depth = 0): Binding | undefined {
    if (depth > MAX_DEPTH) {
      this.truncate();
      return undefined;
    }
    return this.memo(this.bindCache, node, () => this.bindUncached(module, node, depth));
  }

  // Answers found without reaching the depth limit hold whatever the depth, so they are kept
  // per node (ids are unique among the trees a scan keeps alive); the limit only cuts cycles.
  private memo<T>(cache: Map<number, T | null>, node: SyntaxNode, compute: () => T | undefined) {
    const cached = cache.get(node.id);
    if (cached !== undefined) return cached ?? undefined;
    const before = this.truncations;
    const result = compute();
    if (this.truncations === before) cache.set(node.id, result ?? null);
    return result;
  }

  private truncate(): undefined {
    this.truncations += 1;
    return undefined;
  }

  private bindUncached(module: PyModule, node: SyntaxNode, depth: number): Binding | undefined {
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
          const returnType = callee.node.childForFieldName('return_type');
          const annotated = this.trustedType(callee.module, returnType);
          if (annotated) return { kind: 'external', qualified: `${annotated}()` };
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
      const local = this.localValue(fn, name, node);
      if (local)
        return local.type === 'function_definition'
          ? { kind: 'function', module, node: local }
          : this.bind(module, local, depth + 1);
      const parameter = this.parameters(fn).find((p) => p.name === name);
      if (!parameter) continue;
      const owner = classOfMethod(fn);
      if (owner && parameter.index === 0 && (name === 'self' || name === 'cls')) {
        return { kind: name === 'self' ? 'instance' : 'class', module, node: owner };
      }
      return { kind: 'parameter', module, node: fn, parameter };
    }
    return this.topLevel(module, name, depth + 1);
  }

  private localValue(fn: SyntaxNode, name: string, at: SyntaxNode): SyntaxNode | undefined {
    let locals = this.localCache.get(fn.id);
    if (!locals) {
      locals = localBindings(fn);
      this.localCache.set(fn.id, locals);
    }
    const candidates = locals.get(name);
    return candidates ? valueAt(candidates, at) : undefined;
  }

  private parameters(fn: SyntaxNode): Parameter[] {
    let parameters = this.parameterCache.get(fn.id);
    if (!parameters) {
      parameters = parametersOf(fn);
      this.parameterCache.set(fn.id, parameters);
    }
    return parameters;
  }

  /**
   * The library type an annotation names, when it is one the extractors trace (`BlockingChannel`,
   * `pika.channel.Channel | None`, `Optional["BlockingChannel"]`): annotations elsewhere are
   * hints the code may not honour, so only client types are trusted.
   */
  trustedType(module: PyModule, annotation: SyntaxNode | null | undefined): string | undefined {
    const type = annotation ? annotatedType(annotation) : undefined;
    if (!type) return undefined;
    const bound = this.bind(module, type);
    return bound?.kind === 'external' && TRUSTED_TYPES.test(bound.qualified)
      ? bound.qualified
      : undefined;
  }

  /** A name bound at the top level of a module, followed through imports. */
  topLevel(module: PyModule, name: string, depth = 0): Binding | undefined {
    if (depth > MAX_DEPTH) {
      this.truncate();
      return undefined;
    }
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
    if (!source) {
      // `from pkg import sub` inside pkg/__init__.py: the package is the importer itself.
      const submodule = this.project.resolveImport(
        spec.endsWith('.') ? `${spec}${name}` : `${spec}.${name}`,
        module,
      );
      if (submodule) return { kind: 'module', module: submodule };
      return spec.startsWith('.') ? undefined : { kind: 'external', qualified: `${spec}.${name}` };
    }
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
    if (depth > MAX_DEPTH) {
      this.truncate();
      return undefined;
    }
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

  // Wrapper classes: `self.channel = connection.channel()` in any method, `__init__` first, then
  // the base classes; an annotation naming a client type (`self.channel: BlockingChannel`) wins.
  private instanceMember(
    module: PyModule,
    cls: SyntaxNode,
    name: string,
    depth: number,
  ): Binding | undefined {
    if (depth > MAX_DEPTH) {
      this.truncate();
      return undefined;
    }
    const assignments = this.selfAssignments(module, cls).get(name) ?? [];
    for (const { type } of assignments) {
      const trusted = type ? this.trustedType(module, type) : undefined;
      if (trusted) return { kind: 'external', qualified: `${trusted}()` };
    }
    const first = assignments.find((a) => a.value && a.inInit) ?? assignments.find((a) => a.value);
    if (first?.value) return this.bind(module, first.value, depth + 1);
    for (const parent of this.baseClasses(module, cls, depth)) {
      const found = this.instanceMember(parent.module, parent.node, name, depth + 1);
      if (found) return found;
    }
    return undefined;
  }

  /** The class whose methods assign `self.name`, searching base classes too. */
  attributeOwner(module: PyModule, cls: SyntaxNode, name: string, depth = 0): Located | undefined {
    if (depth > MAX_DEPTH) {
      this.truncate();
      return undefined;
    }
    if (this.selfAssignments(module, cls).has(name)) return { module, node: cls };
    for (const parent of this.baseClasses(module, cls, depth)) {
      const found = this.attributeOwner(parent.module, parent.node, name, depth + 1);
      if (found) return found;
    }
    return undefined;
  }

  private baseClasses(module: PyModule, cls: SyntaxNode, depth: number): Located[] {
    const bases: Located[] = [];
    const list = cls.childForFieldName('superclasses');
    for (let i = 0; list && i < list.namedChildCount; i += 1) {
      const superclass = list.namedChild(i);
      if (!superclass || superclass.type === 'keyword_argument') continue;
      const parent = this.bind(module, superclass, depth + 1);
      if (parent?.kind === 'class') bases.push({ module: parent.module, node: parent.node });
    }
    return bases;
  }

  /** `self.x = ...` and `self.x: T` in a class's methods, and `x: T` in its body, by name. */
  private selfAssignments(module: PyModule, cls: SyntaxNode): Map<string, AttributeAssignment[]> {
    const cached = this.attributeCache.get(cls.id);
    if (cached) return cached;
    const byName = new Map<string, AttributeAssignment[]>();
    const add = (name: string, assignment: AttributeAssignment) => {
      const list = byName.get(name);
      if (list) list.push(assignment);
      else byName.set(name, [assignment]);
    };
    const [start, end] = [cls.startIndex, cls.endIndex];
    for (const { assignment, target } of assignmentsIn(module)) {
      if (target?.type !== 'attribute' || !assignment) continue;
      if (assignment.startIndex < start || assignment.endIndex > end) continue;
      const attribute = target.childForFieldName('attribute')?.text;
      if (!attribute || target.childForFieldName('object')?.text !== 'self') continue;
      const fn = enclosingFunction(assignment);
      add(attribute, {
        value: assignment.childForFieldName('right') ?? undefined,
        type: assignment.childForFieldName('type') ?? undefined,
        inInit: fn !== undefined && functionName(fn) === '__init__',
      });
    }
    const body = cls.childForFieldName('body');
    for (let i = 0; body && i < body.namedChildCount; i += 1) {
      const assignment = body.namedChild(i)?.namedChild(0);
      const type = assignment?.type === 'assignment' ? assignment.childForFieldName('type') : null;
      const left = assignment?.childForFieldName('left');
      if (type && left?.type === 'identifier') add(left.text, { type, inInit: false });
    }
    this.attributeCache.set(cls.id, byName);
    return byName;
  }

  /**
   * A dotted name for where a value comes from: `pika.BlockingConnection().channel()` for a
   * library, `py:app/messaging.py#Publisher()` for a project class instance.
   */
  origin(module: PyModule, node: SyntaxNode, depth = 0): string | undefined {
    if (depth > MAX_DEPTH) {
      this.truncate();
      return undefined;
    }
    return this.memo(this.originCache, node, () => this.originUncached(module, node, depth));
  }

  private originUncached(module: PyModule, node: SyntaxNode, depth: number): string | undefined {
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
        const type = annotation ? annotatedType(annotation) : undefined;
        const origin = type ? this.origin(bound.module, type, depth + 1) : undefined;
        return origin === undefined ? undefined : `${origin}()`;
      }
    }
  }

  /** A string name as written: literals, constants, settings, env defaults, f-strings. */
  string(module: PyModule, node: SyntaxNode): ResolvedName {
    return this.tryString(module, node, 0) ?? this.attributeName(module, node) ?? dynamic(node);
  }

  /**
   * An instance attribute known only at run time has one spelling wherever it is read:
   * `self.queue_name` in QueueManager and `self.manager.queue_name` elsewhere are both
   * `QueueManager.queue_name`, the class whose methods assign it.
   */
  private attributeName(module: PyModule, node: SyntaxNode): ResolvedName | undefined {
    const inner = unwrap(node);
    const object = inner.type === 'attribute' ? inner.childForFieldName('object') : null;
    const attribute = inner.childForFieldName('attribute')?.text;
    if (!object || !attribute) return undefined;
    const base = this.bind(module, object);
    if (base?.kind !== 'instance') return undefined;
    const owner = this.attributeOwner(base.module, base.node, attribute);
    if (!owner) return undefined;
    const name = `${functionName(owner.node)}.${attribute}`;
    return { name, dynamic: true, expression: name };
  }

  // `self.queue = queue` in `__init__`: the argument every `Class(...)` call gives, when the
  // calls agree. One level only: an argument that is itself a parameter stays unknown.
  private constructorArgument(
    bound: Extract<Binding, { kind: 'parameter' }>,
    depth: number,
  ): ResolvedName | undefined {
    const cls = classOfMethod(bound.node);
    if (!cls || functionName(bound.node) !== '__init__') return undefined;
    // Not a dead end but a cut: kept out of the caches like the depth limit.
    if (this.inConstructorArgument) {
      this.truncate();
      return undefined;
    }
    const names = new Set<string>();
    this.inConstructorArgument = true;
    try {
      for (const site of this.constructorCalls(bound.module, cls)) {
        const given = this.argumentFor(site, bound.node, bound.parameter);
        const resolved = given ? this.tryString(given.module, given.node, depth + 1) : undefined;
        if (!resolved || resolved.dynamic) return undefined;
        names.add(resolved.name);
      }
    } finally {
      this.inConstructorArgument = false;
    }
    const [only] = names;
    return names.size === 1 && only !== undefined ? { name: only, dynamic: false } : undefined;
  }

  /** Every `Class(...)` call in the project that binds to the class. */
  constructorCalls(module: PyModule, cls: SyntaxNode): CallSite[] {
    const name = functionName(cls);
    const sites: CallSite[] = [];
    for (const caller of this.project.modulesMentioning(name)) {
      for (const match of callsIn(caller)) {
        const callee = match.call?.childForFieldName('function');
        if ((match.method ?? match.function)?.text !== name || !match.call || !callee) continue;
        const bound = this.bind(caller, callee);
        if (bound?.kind !== 'class' || bound.node.id !== cls.id) continue;
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

  private tryString(module: PyModule, node: SyntaxNode, depth: number): ResolvedName | undefined {
    if (depth > MAX_DEPTH) {
      this.truncate();
      return undefined;
    }
    return this.memo(this.stringCache, node, () => this.stringUncached(module, node, depth));
  }

  private stringUncached(
    module: PyModule,
    node: SyntaxNode,
    depth: number,
  ): ResolvedName | undefined {
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
        if (bound?.kind === 'parameter') return this.constructorArgument(bound, depth + 1);
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
    if (depth > MAX_DEPTH) {
      this.truncate();
      return undefined;
    }
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

/** The expression inside parentheses and `await`. */
export function unwrap(node: SyntaxNode): SyntaxNode {
  let current = node;
  while (current.type === 'parenthesized_expression' || current.type === 'await') {
    const inner = current.namedChildren[0];
    if (!inner) break;
    current = inner;
  }
  return current;
}

const LOCAL_BINDINGS = new Set(['assignment', 'as_pattern']);

interface LocalValue {
  node: SyntaxNode;
  start: number;
  end: number;
}

/** Every local binding of a function body by name (assignments, `with ... as`, `def`), in order. */
function localBindings(fn: SyntaxNode): Map<string, LocalValue[]> {
  const byName = new Map<string, LocalValue[]>();
  const body = fn.childForFieldName('body');
  if (!body) return byName;
  const add = (name: string | undefined, node: SyntaxNode | null | undefined) => {
    if (name === undefined || !node) return;
    const entry = { node, start: node.startIndex, end: node.endIndex };
    const list = byName.get(name);
    if (list) list.push(entry);
    else byName.set(name, [entry]);
  };
  for (const binding of ownDescendantsOfTypes(body, LOCAL_BINDINGS)) {
    if (binding.type === 'assignment') {
      const right = binding.childForFieldName('right');
      if (right) add(binding.childForFieldName('left')?.text, right);
    } else if (binding.parent?.type === 'with_item') {
      add(binding.childForFieldName('alias')?.text, binding.namedChild(0));
    }
  }
  for (let i = 0; i < body.namedChildCount; i += 1) {
    const statement = body.namedChild(i);
    if (statement?.type === 'function_definition') add(functionName(statement), statement);
  }
  for (const list of byName.values()) list.sort((a, b) => a.start - b.start);
  return byName;
}

/** The value a local name holds at a point: the last binding before it. */
function valueAt(candidates: readonly LocalValue[], at: SyntaxNode): SyntaxNode | undefined {
  const [start, end] = [at.startIndex, at.endIndex];
  // `x = x + 1` reads the earlier `x`, never itself.
  const outside = candidates.filter((c) => start < c.start || end > c.end);
  const before = outside.filter((c) => c.start < start);
  return (before[before.length - 1] ?? outside[0])?.node;
}

// `return None` on a failure path says nothing about what the function gives when it works.
function returnedValue(fn: SyntaxNode): SyntaxNode | undefined {
  const body = fn.childForFieldName('body');
  if (!body) return undefined;
  for (const statement of ownDescendants(body, 'return_statement')) {
    const value = statement.namedChild(0);
    if (value && value.type !== 'none') return value;
  }
  return undefined;
}

/** The type an annotation names, without `type`, `X | None` or `Optional[X]` around it. */
export function annotatedType(annotation: SyntaxNode): SyntaxNode | undefined {
  let node: SyntaxNode | null = annotation;
  while (node) {
    if (node.type === 'type') {
      node = node.namedChild(0);
    } else if (node.type === 'binary_operator') {
      const left = node.childForFieldName('left');
      node = left?.type === 'none' ? node.childForFieldName('right') : left;
    } else if (node.type === 'generic_type' || node.type === 'subscript') {
      const generic = node.namedChild(0);
      if (!generic || !/(^|\.)Optional$/.test(generic.text)) return undefined;
      node = node.type === 'subscript' ? node.childForFieldName('subscript') : node.namedChild(1);
    } else if (node.type === 'type_parameter') {
      node = node.namedChild(0);
    } else {
      return node.type === 'identifier' || node.type === 'attribute' ? node : undefined;
    }
  }
  return undefined;
}
