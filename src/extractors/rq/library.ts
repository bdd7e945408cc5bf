// How RQ, django-rq and rq-scheduler are named in code: the classes and factories, followed
// through project subclasses (`class MyQueue(rq.Queue)`), `functools.partial` around them and
// project functions that return them.
import type { PyModule } from '../../lang/python/module-index.js';
import type { Located, Resolver } from '../../lang/python/resolve.js';
import { ownDescendants, parametersOf, positionalArguments } from '../../lang/python/syntax.js';
import type { SyntaxNode } from '../../lang/python/tree-sitter.js';
import type { Values } from './values.js';

export const JOB_DECORATOR = /^(rq|rq\.decorators|django_rq|django_rq\.decorators)\.job$/;
export const QUEUE_CLASS = /^rq(\.queue)?\.Queue$/;
export const SCHEDULER_CLASS = /^rq_scheduler(\.scheduler)?\.Scheduler$/;
export const WORKER_CLASS = /^rq(\.worker)?\.(Worker|SimpleWorker|SpawnWorker|HerokuWorker)$/;
export const GET_QUEUE = /^django_rq(\.queues)?\.get_queue$/;
export const GET_SCHEDULER = /^django_rq\.get_scheduler$/;
export const GET_WORKER = /^django_rq(\.workers)?\.get_worker$/;
export const DJANGO_ENQUEUE = /^django_rq\.enqueue$/;
export const RETRY = /^rq(\.retry|\.job)?\.Retry$/;

const MAX_DEPTH = 8;

/** The arguments a library call receives, with those bound beforehand by `partial`. */
export interface Applied {
  positional: Located[];
  keywords: Map<string, Located>;
}

export class RqLibrary {
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
  applied(module: PyModule, callee: SyntaxNode, pattern: RegExp, args: SyntaxNode | null) {
    const own = ownArguments(module, args);
    if (this.reaches(module, callee, pattern)) return own;
    for (const value of this.values.assigned(module, callee)) {
      if (value.node.type !== 'call') continue;
      const partialCallee = value.node.childForFieldName('function');
      if (
        !partialCallee ||
        this.resolver.origin(value.module, partialCallee) !== 'functools.partial'
      )
        continue;
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
   * A decorator expression that makes an RQ job: `@job('q')`, `@django_rq.job`, a `partial` or
   * subclass of `rq.decorators.job`, or a project function returning one. The queue argument
   * comes first; a parameter of the project function is read at the decorator.
   */
  jobDecorator(module: PyModule, expression: SyntaxNode): Applied | undefined {
    if (expression.type !== 'call') {
      const bare = this.reaches(module, expression, JOB_DECORATOR);
      return bare ? { positional: [], keywords: new Map() } : undefined;
    }
    const callee = expression.childForFieldName('function');
    const args = expression.childForFieldName('arguments');
    if (!callee) return undefined;
    const direct = this.applied(module, callee, JOB_DECORATOR, args);
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
        JOB_DECORATOR,
        returned.childForFieldName('arguments'),
      );
      if (!made) continue;
      // Parameters of the factory take the decorator's arguments.
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

/** Positional and keyword arguments of a call, `**{...}` literals spread in. */
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

/** An argument by position or keyword from an `Applied`. */
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
