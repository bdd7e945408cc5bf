// What every TypeScript extractor does around a call: find method calls by name, place
// evidence, decide who publishes (the Service owning the file, or a Handler or Job the
// same extractor registered around the call), and name handlers so that none merge.
import { Node, SyntaxKind, type CallExpression, type ts } from 'ts-morph';
import {
  evidenceAt,
  formatEvidence,
  ref,
  type Evidence,
  type NodeRef,
  type ResolvedName,
  type SourceLocation,
} from '../../model/graph.js';
import type { TsFile } from './frontend.js';
import { strip } from './resolve.js';

export interface MethodCall {
  call: CallExpression;
  /** The object the method is called on: `producer` in `producer.send(...)`. */
  object: Node;
  method: string;
}

/** Calls `x.method(...)` in the file whose method is one of `methods`. */
export function methodCalls(file: TsFile, methods: ReadonlySet<string>): MethodCall[] {
  const found: MethodCall[] = [];
  for (const call of file.source.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const callee = strip(call.getExpression());
    if (!Node.isPropertyAccessExpression(callee)) continue;
    const method = callee.getName();
    if (methods.has(method)) found.push({ call, object: callee.getExpression(), method });
  }
  return found;
}

/** The location of the file a node sits in (wrapper call sites may be in other files). */
export function locationOf(file: TsFile, node: Node): SourceLocation {
  return { repository: file.input.repository, file: file.resolver.pathOf(node) };
}

export function evidenceOf(file: TsFile, node: Node): Evidence {
  return evidenceAt(locationOf(file, node), lineOf(node));
}

const lineStartsByFile = new WeakMap<ts.SourceFile, number[]>();

/**
 * The 1-based line a node starts on, counting '\n' as ts-morph's getStartLineNumber does.
 * That method counts from the start of the file on every call, which made a file with
 * thousands of sends quadratic; line starts are computed once per file here instead.
 */
export function lineOf(node: Node): number {
  const source = node.getSourceFile().compilerNode;
  let starts = lineStartsByFile.get(source);
  if (!starts) {
    starts = [0];
    const text = source.text;
    for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) {
      starts.push(at + 1);
    }
    lineStartsByFile.set(source, starts);
  }
  const position = node.getStart();
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((starts[middle] ?? 0) <= position) low = middle;
    else high = middle - 1;
  }
  return low + 1;
}

/** Handler or Job registered around a node by the same extractor, else the owning Service. */
export function publisherOf(
  file: TsFile,
  node: Node,
  handlers: ReadonlyMap<Node, NodeRef>,
): NodeRef {
  for (const ancestor of node.getAncestors()) {
    const handler = handlers.get(ancestor);
    if (handler) return handler;
  }
  return ref.serviceOf(locationOf(file, node));
}

export interface PublishTarget {
  /** One name per expression asked about (topic; or exchange and routing key). */
  names: ResolvedName[];
  /** The expressions as the outermost caller wrote them. */
  expressions: Node[];
  evidence: Evidence;
  publisher: NodeRef;
  /** The call inside the wrapper, as path:line, when the name came from a caller. */
  via?: string;
  /** The wrapper calls followed to reach the names, innermost first. */
  calls?: CallExpression[];
}

/**
 * One target per name that reaches a publish call: the name itself, or, when it is a
 * parameter of a wrapper function, the name each caller passes, with the caller as evidence.
 */
export function publishTargets(
  file: TsFile,
  nameExpressions: readonly Node[],
  call: Node,
  handlers: ReadonlyMap<Node, NodeRef>,
): PublishTarget[] {
  return file.resolver.nameSites(nameExpressions).map((site) => {
    const at = site.site ?? call;
    const target: PublishTarget = {
      names: site.names,
      expressions: site.expressions,
      evidence: evidenceOf(file, at),
      publisher: publisherOf(file, at, handlers),
      calls: site.calls,
    };
    if (site.site) target.via = formatEvidence(evidenceOf(file, call));
    return target;
  });
}

/** Source text of a node on one line, for properties such as a message key. */
export function compactText(node: Node): string {
  return node.getText().replace(/\s+/g, ' ');
}

/**
 * Handler names of one file. Handlers merge by file and name, so two functions must never
 * share one: two inline callbacks consuming the same queue would become one Handler. The
 * first function keeps the name it was given; another is told apart by its line.
 */
export class HandlerNames {
  private readonly owners = new Map<string, Node>();

  constructor(private readonly file: TsFile) {}

  /** A Handler in the file of `at`, for the function (or registering call) `owner`. */
  handler(at: Node, owner: Node, name: string): { ref: NodeRef; name: string } {
    const location = locationOf(this.file, at);
    let unique = name;
    for (;;) {
      const key = `${location.file}\0${unique}`;
      const current = this.owners.get(key);
      if (current === undefined || current === owner) {
        this.owners.set(key, owner);
        return { ref: ref.handler(location, unique), name: unique };
      }
      unique = `${unique} (line ${String(lineOf(owner))})`;
    }
  }
}

/**
 * The `for await (const m of x)` loop reading what a call returned, when the call's result
 * is kept in a variable (`const sub = nc.subscribe(...)`) or iterated directly.
 */
export function loopOver(file: TsFile, call: Node): Node | undefined {
  let node: Node = call;
  while (
    Node.isAwaitExpression(node.getParent()) ||
    Node.isParenthesizedExpression(node.getParent())
  )
    node = node.getParentOrThrow();
  const parent = node.getParent();
  if (Node.isForOfStatement(parent) && parent.getExpression() === node) return parent;
  if (!Node.isVariableDeclaration(parent)) return undefined;
  const scope = parent.getFirstAncestor((a) => Node.isBlock(a) || Node.isSourceFile(a));
  return scope?.getDescendantsOfKind(SyntaxKind.ForOfStatement).find((loop) => {
    const iterated = strip(loop.getExpression());
    return Node.isIdentifier(iterated) && file.resolver.definitionOf(iterated) === parent;
  });
}

/** The object a method is called on, as written: `client` in `client.on('message', ...)`. */
export function receiverText(call: CallExpression): string {
  const callee = strip(call.getExpression());
  return (Node.isPropertyAccessExpression(callee) ? callee.getExpression() : callee).getText();
}
