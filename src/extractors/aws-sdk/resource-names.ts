// Queue URLs, ARNs and resource paths name their queue, topic or stream in their last
// segment: https://sqs.eu-west-1.amazonaws.com/123456789012/orders, arn:aws:sns:...:orders,
// projects/shop/topics/orders. Also read by the Azure and Google Cloud extractors.
import { Node, SyntaxKind } from 'ts-morph';
import type { NodeRef, ResolvedName } from '../../model/graph.js';
import type { TsFile } from '../../lang/typescript/frontend.js';
import { publishTargets, type PublishTarget } from '../../lang/typescript/sites.js';

/** The text after the last '/' or ':', or the whole text when that part is empty. */
export function lastSegment(text: string): string {
  const last = text.split(/[/:]/).at(-1) ?? '';
  return last === '' ? text : last;
}

/** A literal URL or ARN reduced to its last segment; a run-time name kept as it is. */
export function resourceName(resolved: ResolvedName): ResolvedName {
  if (resolved.dynamic) return resolved;
  const name = lastSegment(resolved.name);
  if (name === resolved.name) return resolved;
  const derived: ResolvedName = {
    name,
    dynamic: false,
    expression: resolved.expression ?? resolved.name,
  };
  if (resolved.override !== undefined) derived.override = resolved.override;
  return derived;
}

export interface ResourceTarget extends PublishTarget {
  name: ResolvedName;
}

/**
 * One target per name reaching a call, wrapper callers included. A template or
 * concatenation whose start is known only at run time (`${process.env.SQS_URL}${queue}`)
 * still names its resource when its last part is known: the literal after the last
 * separator, or the value the last expression holds (followed to a wrapper's callers).
 */
export function resourceTargets(
  file: TsFile,
  expression: Node,
  call: Node,
  handlers: ReadonlyMap<Node, NodeRef>,
): ResourceTarget[] {
  const node = file.resolver.constantNode(expression);
  const written = node.getText();
  const tail = lastPart(node);
  const whole = (): ResourceTarget[] =>
    publishTargets(file, [expression], call, handlers).map((target) => ({
      ...target,
      name: resourceName(target.names[0] ?? file.resolver.resolveName(expression)),
    }));
  if (!tail) return whole();
  const complete = file.resolver.resolveName(node);
  if (!complete.dynamic) return whole();

  const fixed = tail.literal.split(/[/:]/);
  if (fixed.length > 1 && fixed.at(-1) !== '') {
    return publishTargets(file, [tail.expression], call, handlers).map((target) => ({
      ...target,
      name: { name: fixed.at(-1) ?? '', dynamic: false, expression: written },
    }));
  }
  return publishTargets(file, [tail.expression], call, handlers).map((target) => {
    const part = target.names[0];
    if (!part || part.dynamic) {
      return { ...target, name: { name: written, dynamic: true, expression: written } };
    }
    const name: ResolvedName = {
      name: lastSegment(part.name + tail.literal),
      dynamic: false,
      expression: written,
    };
    if (part.override !== undefined) name.override = part.override;
    return { ...target, name };
  });
}

/** The last expression of a template or `a + b` and the literal text written after it. */
function lastPart(node: Node): { expression: Node; literal: string } | undefined {
  if (Node.isTemplateExpression(node)) {
    const span = node.getTemplateSpans().at(-1);
    return span
      ? { expression: span.getExpression(), literal: span.getLiteral().getLiteralText() }
      : undefined;
  }
  if (Node.isBinaryExpression(node) && node.getOperatorToken().getKind() === SyntaxKind.PlusToken) {
    const right = node.getRight();
    if (Node.isStringLiteral(right) || Node.isNoSubstitutionTemplateLiteral(right)) {
      const left = node.getLeft();
      const inner = lastPart(left);
      return inner
        ? { expression: inner.expression, literal: inner.literal + right.getLiteralText() }
        : { expression: left, literal: right.getLiteralText() };
    }
    return { expression: right, literal: '' };
  }
  return undefined;
}
