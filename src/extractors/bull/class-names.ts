// Jobs named after the class that enqueues them: a base class method adds
// `{ name: this.constructor.name }`, and each subclass instance that calls it is one job kind.
import { Node, type CallExpression, type ClassDeclaration } from 'ts-morph';
import { formatEvidence, type NodeRef, type ResolvedName } from '../../model/graph.js';
import type { TsFile } from '../../lang/typescript/frontend.js';
import { evidenceOf, publisherOf, type PublishTarget } from '../../lang/typescript/sites.js';

export interface NamedTarget {
  target: PublishTarget;
  name: ResolvedName;
  /** The call of the method on an instance of the class, and the method. */
  caller: CallExpression;
  method: Node;
}

/**
 * One target per call of the enclosing method on an instance of a known class, named after
 * that class, with the caller as evidence. Calls on instances whose class is not known give
 * nothing: the name is never guessed.
 */
export function classNameTargets(
  file: TsFile,
  expression: Node,
  call: CallExpression,
  handlers: ReadonlyMap<Node, NodeRef>,
): NamedTarget[] {
  const method = call.getFirstAncestor(
    (a) => Node.isMethodDeclaration(a) || Node.isGetAccessorDeclaration(a),
  );
  if (!method || !Node.isMethodDeclaration(method) || method.isStatic()) return [];
  const via = formatEvidence(evidenceOf(file, call));
  const text = expression.getText();
  const found: NamedTarget[] = [];
  for (const caller of file.resolver.callSitesOf(method)) {
    const owner = receiverClass(file, caller);
    const className = owner?.getName();
    if (!owner || className === undefined || owner.isAbstract()) continue;
    const target: PublishTarget = {
      names: [],
      expressions: [],
      evidence: evidenceOf(file, caller),
      publisher: publisherOf(file, caller, handlers),
      via,
      calls: [caller],
    };
    const name = { name: className, dynamic: false, expression: text };
    found.push({ target, name, caller, method });
  }
  return found;
}

/** The class of the object a method is called on: `new Task().schedule()`, `task.schedule()`. */
function receiverClass(file: TsFile, caller: CallExpression): ClassDeclaration | undefined {
  const callee = caller.getExpression();
  if (!Node.isPropertyAccessExpression(callee)) return undefined;
  return file.resolver.instanceClassOf(callee.getExpression());
}

/** A class of that name declared in one of the loaded files. */
export function projectClass(file: TsFile, name: string): ClassDeclaration | undefined {
  for (const source of file.source.getProject().getSourceFiles()) {
    const found = source.getClass(name);
    if (found) return found;
  }
  return undefined;
}
