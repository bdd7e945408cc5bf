// Service Bus entities: a queue, or a topic read through one of its subscriptions. A sender
// names an entity without saying which it is; queues and topics share one namespace, so a
// name the project reads through a subscription, or creates as a topic, is a topic.
import { Node, SyntaxKind, type CallExpression, type Project } from 'ts-morph';
import type { TsFile } from '../../lang/typescript/frontend.js';
import { strip } from '../../lang/typescript/resolve.js';

/** Receiving calls: the entity, then a subscription when the entity is a topic. */
const RECEIVING = new Set(['createReceiver', 'acceptNextSession', 'acceptSession']);

export interface ReceivedEntity {
  entity: Node;
  subscription?: Node;
  options?: Node;
}

/**
 * What `createReceiver(queue, options?)`, `createReceiver(topic, subscription, options?)`,
 * `acceptNextSession(...)` and `acceptSession(queue | topic, subscription?, sessionId, ...)`
 * receive from. Options are the one object literal argument.
 */
export function receivedEntity(file: TsFile, call: CallExpression): ReceivedEntity | undefined {
  const method = methodName(call);
  const args = call.getArguments();
  const names = args.filter((a) => !isOptions(file, a));
  const options = args.find((a) => isOptions(file, a));
  const [entity, second] = names;
  if (!entity) return undefined;
  // acceptSession's last name is the session id.
  const subscriptionCount = method === 'acceptSession' ? names.length - 2 : names.length - 1;
  const received: ReceivedEntity = { entity };
  if (subscriptionCount >= 1 && second) received.subscription = second;
  if (options) received.options = options;
  return received;
}

function isOptions(file: TsFile, node: Node): boolean {
  return Node.isObjectLiteralExpression(file.resolver.constantNode(node));
}

function methodName(call: CallExpression): string | undefined {
  const callee = strip(call.getExpression());
  return Node.isPropertyAccessExpression(callee) ? callee.getName() : undefined;
}

export const SERVICE_BUS = '@azure/service-bus';
const FROM_CLIENTS = new Set([...RECEIVING, 'createTopic', 'createSubscription', 'createRule']);
const topicsByProject = new WeakMap<Project, Set<string>>();

/** Entity names the loaded files read through a subscription or create as topics. */
export function knownTopics(file: TsFile): ReadonlySet<string> {
  const project = file.source.getProject();
  let topics = topicsByProject.get(project);
  if (topics) return topics;
  topics = new Set<string>();
  for (const source of project.getSourceFiles()) {
    for (const call of source.getDescendantsOfKind(SyntaxKind.CallExpression)) {
      const method = methodName(call);
      if (method === undefined || !FROM_CLIENTS.has(method)) continue;
      const callee = strip(call.getExpression());
      if (!Node.isPropertyAccessExpression(callee)) continue;
      if (file.resolver.traceOrigin(callee.getExpression())?.module !== SERVICE_BUS) continue;
      let topic: Node | undefined;
      if (RECEIVING.has(method)) {
        const received = receivedEntity(file, call);
        if (received?.subscription) topic = received.entity;
      } else if (
        method === 'createTopic' ||
        method === 'createSubscription' ||
        method === 'createRule'
      ) {
        topic = call.getArguments()[0];
      }
      if (topic) topics.add(file.resolver.resolveName(topic).name);
    }
  }
  topicsByProject.set(project, topics);
  return topics;
}
