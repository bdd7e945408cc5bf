// What an expression may hold, followed the way job definitions are usually passed around: a
// name assigned in any branch of a function, a module constant or an imported one, a loop
// variable over a list, a comprehension over another list, a parameter given by its callers,
// items appended to a list after it is built. Calls are where tracing stops, except calls of
// project functions, which stand for what they return.
import { callsIn } from './call-sites.js';
import { assignmentsIn, type PyModule } from './module-index.js';
import { unwrap, type Located, type Resolver } from './resolve.js';
import { argument, enclosingFunction, ownDescendants, parametersOf } from './syntax.js';
import type { SyntaxNode } from './tree-sitter.js';

const MAX_DEPTH = 12;
const SEQUENCES = new Set(['list', 'tuple', 'set', 'expression_list']);

export class Values {
  constructor(private readonly resolver: Resolver) {}

  /**
   * The expressions a node may stand for, names followed to their assignments (all of them,
   * whichever branch runs) but calls kept as they are.
   */
  assigned(module: PyModule, node: SyntaxNode, depth = 0): Located[] {
    const inner = unwrap(node);
    if (depth > MAX_DEPTH) return [];
    if (inner.type === 'identifier') {
      const found = this.nameValues(module, inner, depth);
      if (found) return found;
    }
    if (inner.type === 'attribute') {
      const object = inner.childForFieldName('object');
      const name = inner.childForFieldName('attribute')?.text;
      const base = object ? this.resolver.bind(module, object) : undefined;
      if (base?.kind === 'module' && name) {
        const value = this.topLevel(base.module, name, depth);
        if (value) return value;
      }
    }
    return [{ module, node: inner }];
  }

  private nameValues(module: PyModule, name: SyntaxNode, depth: number): Located[] | undefined {
    const fn = enclosingFunction(name);
    if (fn) {
      const body = fn.childForFieldName('body');
      const local = body
        ? ownDescendants(body, 'assignment').filter(
            (a) => a.childForFieldName('left')?.text === name.text && !contains(a, name),
          )
        : [];
      if (local.length > 0) {
        return local.flatMap((a) => {
          const right = a.childForFieldName('right');
          return right ? this.assigned(module, right, depth + 1) : [];
        });
      }
      if (parametersOf(fn).some((p) => p.name === name.text)) return undefined;
    }
    return this.topLevel(module, name.text, depth);
  }

  private topLevel(module: PyModule, name: string, depth: number): Located[] | undefined {
    const value = module.assignments.get(name);
    // `X = None` at module level, set for real in a function that declares `global X`.
    const global = globalAssignments(module, name);
    if (value && global.length > 0)
      return [value, ...global].flatMap((v) => this.assigned(module, v, depth + 1));
    if (value) return this.assigned(module, value, depth + 1);
    const imported = module.imports.get(name);
    if (!imported?.name) return undefined;
    const source = this.resolver.project.resolveImport(imported.module, module);
    return source ? this.topLevel(source, imported.name, depth + 1) : undefined;
  }

  /**
   * The items a collection holds: list elements, `+` of lists, `.append()`ed and `.extend()`ed
   * items, loop variables and comprehensions over other collections, parameters given by
   * callers, and what project functions return.
   */
  items(module: PyModule, node: SyntaxNode, depth = 0): Located[] {
    if (depth > MAX_DEPTH) return [];
    const inner = unwrap(node);
    const deeper = (child: SyntaxNode | null | undefined, at = module) =>
      child ? this.items(at, child, depth + 1) : [];
    if (SEQUENCES.has(inner.type))
      return [
        ...inner.namedChildren
          .filter((c) => c.type !== 'comment')
          .flatMap((c) =>
            c.type === 'list_splat' ? deeper(c.namedChildren[0]) : [{ module, node: c }],
          ),
        ...this.appended(module, inner),
      ];
    switch (inner.type) {
      case 'binary_operator':
        if (inner.childForFieldName('operator')?.text !== '+') return [];
        return [
          ...deeper(inner.childForFieldName('left')),
          ...deeper(inner.childForFieldName('right')),
        ];
      case 'boolean_operator':
        return [
          ...deeper(inner.childForFieldName('left')),
          ...deeper(inner.childForFieldName('right')),
        ];
      case 'list_comprehension':
      case 'generator_expression':
      case 'set_comprehension':
        return this.comprehension(module, inner, depth);
      case 'call':
        return this.calledItems(module, inner, depth);
      case 'identifier':
      case 'attribute':
        return this.nameItems(module, inner, depth);
      default:
        return [];
    }
  }

  private nameItems(module: PyModule, node: SyntaxNode, depth: number): Located[] {
    const loop = node.type === 'identifier' ? loopOver(node) : undefined;
    if (loop) return [];
    const bound = this.resolver.bind(module, node);
    if (bound?.kind === 'parameter') {
      return this.resolver.callsOf(bound.module, bound.node).flatMap((site) => {
        const given = this.resolver.argumentFor(site, bound.node, bound.parameter);
        return given ? this.items(given.module, given.node, depth + 1) : [];
      });
    }
    const values = this.assigned(module, node, depth + 1);
    if (values.length === 1 && values[0]?.node.id === unwrap(node).id) return [];
    return values.flatMap((v) => this.items(v.module, v.node, depth + 1));
  }

  // [x for x in xs if ...] and [prep(x) for x in xs] where prep returns what it is given.
  private comprehension(module: PyModule, node: SyntaxNode, depth: number): Located[] {
    const body = node.childForFieldName('body');
    const clause = node.namedChildren.find((c) => c.type === 'for_in_clause');
    const variable = clause?.childForFieldName('left');
    const iterable = clause?.childForFieldName('right');
    if (!body || variable?.type !== 'identifier' || !iterable) return [];
    const passed = body.type === 'call' ? this.passedThrough(module, body) : body;
    if (passed?.text !== variable.text) return [];
    return this.items(module, iterable, depth + 1);
  }

  /** The argument a call of a project function returns unchanged (`return kwargs`). */
  private passedThrough(module: PyModule, call: SyntaxNode): SyntaxNode | undefined {
    const callee = call.childForFieldName('function');
    const bound = callee ? this.resolver.bind(module, callee) : undefined;
    if (bound?.kind !== 'function') return undefined;
    const parameters = parametersOf(bound.node);
    const body = bound.node.childForFieldName('body');
    const returned = body
      ? ownDescendants(body, 'return_statement').map((r) => r.namedChild(0)?.text)
      : [];
    const index = parameters.findIndex(
      (p) => returned.length > 0 && returned.every((r) => r === p.name),
    );
    const parameter = parameters[index];
    return parameter
      ? argument(call.childForFieldName('arguments'), index, parameter.name)
      : undefined;
  }

  private calledItems(module: PyModule, call: SyntaxNode, depth: number): Located[] {
    const callee = call.childForFieldName('function');
    const bound = callee ? this.resolver.bind(module, callee) : undefined;
    if (bound?.kind === 'function') {
      const body = bound.node.childForFieldName('body');
      return (body ? ownDescendants(body, 'return_statement') : []).flatMap((r) => {
        const value = r.namedChild(0);
        return value && value.type !== 'none' ? this.items(bound.module, value, depth + 1) : [];
      });
    }
    // list(xs), tuple(xs), sorted(xs)
    if (callee && ['list', 'tuple', 'sorted', 'set'].includes(callee.text)) {
      const only = argument(call.childForFieldName('arguments'), 0);
      return only ? this.items(module, only, depth + 1) : [];
    }
    return [];
  }

  /** Items added to a list after it is built: `jobs.append(x)`, `jobs.extend(xs)`. */
  private appended(module: PyModule, list: SyntaxNode): Located[] {
    if (list.type !== 'list') return [];
    const found: Located[] = [];
    for (const { method, receiver, arguments: args } of callsIn(module)) {
      const name = method?.text;
      if ((name !== 'append' && name !== 'extend') || receiver?.type !== 'identifier') continue;
      const holds = this.assigned(module, receiver).some((v) => v.node.id === list.id);
      const item = argument(args, 0);
      if (!holds || !item) continue;
      if (name === 'append') found.push({ module, node: item });
      else found.push(...this.items(module, item, 1));
    }
    return found;
  }

  /**
   * The dict literals an expression may be: itself, a name assigned one, a loop variable over a
   * list of them, a parameter its callers give one, what a project function passes through.
   */
  dicts(module: PyModule, node: SyntaxNode, depth = 0): Located[] {
    if (depth > MAX_DEPTH) return [];
    const inner = unwrap(node);
    if (inner.type === 'dictionary') return [{ module, node: inner }];
    if (inner.type === 'call') {
      const passed = this.passedThrough(module, inner);
      if (passed) return this.dicts(module, passed, depth + 1);
      return inner.childForFieldName('function')?.text === 'dict' ? [{ module, node: inner }] : [];
    }
    if (inner.type !== 'identifier') return [];
    const loop = loopOver(inner);
    if (loop)
      return this.items(module, loop, depth + 1).flatMap((item) =>
        this.dicts(item.module, item.node, depth + 1),
      );
    const bound = this.resolver.bind(module, inner);
    if (bound?.kind === 'parameter') {
      return this.resolver.callsOf(bound.module, bound.node).flatMap((site) => {
        const given = this.resolver.argumentFor(site, bound.node, bound.parameter);
        return given ? this.dicts(given.module, given.node, depth + 1) : [];
      });
    }
    return this.assigned(module, inner, depth + 1)
      .filter((v) => v.node.id !== inner.id)
      .flatMap((v) => this.dicts(v.module, v.node, depth + 1));
  }
}

function globalAssignments(module: PyModule, name: string): SyntaxNode[] {
  const found: SyntaxNode[] = [];
  for (const { target, value } of assignmentsIn(module)) {
    if (target?.type !== 'identifier' || target.text !== name || !value) continue;
    const fn = enclosingFunction(target);
    const body = fn?.childForFieldName('body');
    const declared = body
      ? ownDescendants(body, 'global_statement').some((g) =>
          g.namedChildren.some((n) => n.text === name),
        )
      : false;
    if (declared) found.push(value);
  }
  return found;
}

/** The collection a loop variable walks, for `for name in xs:` around the name. */
function loopOver(name: SyntaxNode): SyntaxNode | undefined {
  for (let current = name.parent; current; current = current.parent) {
    if (current.type === 'function_definition' || current.type === 'class_definition') break;
    if (current.type !== 'for_statement') continue;
    const left = current.childForFieldName('left');
    if (left?.type === 'identifier' && left.text === name.text && !contains(left, name))
      return current.childForFieldName('right') ?? undefined;
  }
  return undefined;
}

function contains(outer: SyntaxNode, inner: SyntaxNode): boolean {
  return outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex;
}
