// Library callables as projects wrap them: a name matched through project subclasses
// (`class MyQueue(rq.Queue)`) and `functools.partial` around it, with the arguments a call
// finally hands to the library. Job-queue extractors read decorators and constructors this way.
import type { PyModule } from './module-index.js';
import type { Located, Resolver } from './resolve.js';
import { ownDescendants, parametersOf, positionalArguments } from './syntax.js';
import type { SyntaxNode } from './tree-sitter.js';
import type { Values } from './values.js';

const MAX_DEPTH = 8;

/** The arguments a library call receives, with those bound beforehand by `partial`. */
export interface Applied {
  positional: Located[];
  keywords: Map<string, Located>;
}

export class Callables {
  constructor(
    private readonly resolver: Resolver,
    private readonly values: Values,
  ) {}

  /** Whether an expression names a class or function matching `pattern`, or a subclass of one. */
  reaches(module: PyModule, node: SyntaxNode, pattern: RegExp, depth = 0): boolean {
    if (depth > MAX_DEPTH) return false;
    const origin = this.resolver.origin(module, node);
    if (origin !== undefined && pattern.test(origin)) return true;
    const bound = this.resolver.bind(module, node);
    if (bound?.kind !== 'class') return false;
    const bases = bound.node.childForFieldName('superclasses')?.namedChildren ?? [];
    return bases.some(
      (base) =>
        base.type !== 'keyword_argument' && this.reaches(bound.module, base, pattern, depth + 1),
    );
  }

  /**
   * The arguments a call of `callee` hands to a library callable matching `pattern`: the call's
   * own when the callee is the library's (or a subclass), with the arguments of a `partial`
   * in front when the callee is one.
   */
  applied(
    module: PyModule,
    callee: SyntaxNode,
    pattern: RegExp,
    args: SyntaxNode | null | undefined,
  ): Applied | undefined {
    const own = ownArguments(module, args);
    if (this.reaches(module, callee, pattern)) return own;
    for (const value of this.values.assigned(module, callee)) {
      if (value.node.type !== 'call') continue;
      const partial = value.node.childForFieldName('function');
      if (!partial || this.resolver.origin(value.module, partial) !== 'functools.partial') continue;
      const bound = ownArguments(value.module, value.node.childForFieldName('arguments'));
      const [wrapped, ...before] = bound.positional;
      if (!wrapped || !this.reaches(wrapped.module, wrapped.node, pattern)) continue;
      return {
        positional: [...before, ...own.positional],
        keywords: new Map([...bound.keywords, ...own.keywords]),
      };
    }
    return undefined;
  }

  /**
   * A decorator expression matching `pattern`: bare (`@actor`), called (`@job('q')`), a
   * `partial` or subclass of the library's, or a call of a project function that returns one,
   * whose parameters take the decorator's arguments.
   */
  decorator(module: PyModule, expression: SyntaxNode, pattern: RegExp): Applied | undefined {
    if (expression.type !== 'call') {
      // `actor = partial(dramatiq.actor, queue_name='q')` used bare: the partial's arguments.
      return this.applied(module, expression, pattern, undefined);
    }
    const callee = expression.childForFieldName('function');
    const args = expression.childForFieldName('arguments');
    if (!callee) return undefined;
    const direct = this.applied(module, callee, pattern, args);
    if (direct) return direct;
    const bound = this.resolver.bind(module, callee);
    if (bound?.kind !== 'function') return undefined;
    const body = bound.node.childForFieldName('body');
    for (const statement of body ? ownDescendants(body, 'return_statement') : []) {
      const returned = statement.namedChild(0);
      const inner = returned?.type === 'call' ? returned.childForFieldName('function') : undefined;
      if (!returned || !inner) continue;
      const made = this.applied(
        bound.module,
        inner,
        pattern,
        returned.childForFieldName('arguments'),
      );
      if (!made) continue;
      const site = { module, call: expression };
      const parameters = parametersOf(bound.node);
      const given = (value: Located): Located => {
        const parameter = parameters.find((p) => p.name === value.node.text);
        if (value.node.type !== 'identifier' || !parameter) return value;
        const passed = this.resolver.argumentFor(site, bound.node, parameter);
        const fallback = parameter.defaultValue;
        return passed ?? (fallback ? { module: bound.module, node: fallback } : value);
      };
      return {
        positional: made.positional.map(given),
        keywords: new Map([...made.keywords].map(([k, v]) => [k, given(v)])),
      };
    }
    return undefined;
  }
}

/** Positional and keyword arguments of a call. */
export function ownArguments(module: PyModule, args: SyntaxNode | null | undefined): Applied {
  const keywords = new Map<string, Located>();
  for (const child of args?.namedChildren ?? []) {
    if (child.type !== 'keyword_argument') continue;
    const name = child.childForFieldName('name')?.text;
    const value = child.childForFieldName('value');
    if (name && value) keywords.set(name, { module, node: value });
  }
  return {
    positional: positionalArguments(args).map((node) => ({ module, node })),
    keywords,
  };
}

/** An argument by keyword, or by position when given one. */
export function appliedArgument(
  applied: Applied,
  position: number | undefined,
  keyword: string,
): Located | undefined {
  return (
    applied.keywords.get(keyword) ??
    (position === undefined ? undefined : applied.positional[position])
  );
}
