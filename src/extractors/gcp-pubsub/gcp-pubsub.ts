// Google Cloud Pub/Sub through @google-cloud/pubsub. A topic copies each message into every
// subscription attached to it; workers pull from a subscription, so a subscription is drawn as
// a Queue routed from its topic, which is what the fan-out and competing-consumers
// patterns read.
import createDebug from 'debug';
import { Node, type CallExpression, type NewExpression } from 'ts-morph';
import {
  channelRecord,
  edgeRecord,
  nodeRecord,
  ref,
  type GraphRecord,
  type NodeRef,
  type Properties,
  type ResolvedName,
} from '../../model/graph.js';
import type { Extractor } from '../contract.js';
import type { TsFile } from '../../lang/typescript/frontend.js';
import {
  functionName,
  originCall,
  originTokens,
  strip,
  type Origin,
} from '../../lang/typescript/resolve.js';
import {
  compactText,
  evidenceOf,
  HandlerNames,
  methodCalls,
  type MethodCall,
} from '../../lang/typescript/sites.js';
import {
  carriesRecords,
  distinctEvents,
  parsedEvents,
  publishedEvents,
} from '../../lang/typescript/payload-types.js';
import { resourceName, resourceTargets } from '../aws-sdk/resource-names.js';

const debug = createDebug('eventgraph:extract:gcp-pubsub');

const PUBSUB = '@google-cloud/pubsub';
const TECHNOLOGY = 'gcp-pubsub';

export const gcpPubsubExtractor: Extractor<TsFile> = {
  id: 'gcp-pubsub',
  title: 'Google Cloud Pub/Sub topics and subscriptions',
  docs: 'https://cloud.google.com/nodejs/docs/reference/pubsub/latest',
  language: 'typescript',
  technologies: [TECHNOLOGY],
  packages: [PUBSUB],
  imports: [PUBSUB],
  prefilter: [
    PUBSUB,
    'publishMessage',
    'publishJSON',
    'publish(',
    "'message'",
    'createSubscription',
  ],
  emits: {
    nodes: ['Topic', 'Queue', 'Handler', 'Event'],
    edges: ['PUBLISHES', 'CONSUMES', 'ROUTES_TO', 'DEAD_LETTERS_TO', 'CARRIES'],
  },
  extract,
};

const METHODS = new Set(['publishMessage', 'publish', 'publishJSON', 'on', 'createSubscription']);

function extract(file: TsFile): GraphRecord[] {
  const calls = methodCalls(file, METHODS)
    .map((call) => ({ call, origin: file.resolver.traceOrigin(call.object) }))
    .filter((c): c is { call: MethodCall; origin: Origin } => c.origin?.module === PUBSUB);
  const records: GraphRecord[] = [];
  const handlers = new Map<Node, NodeRef>();
  const names = new HandlerNames(file);
  for (const { call, origin } of calls) {
    if (call.method === 'on') records.push(...listen(file, call, origin, handlers, names));
  }
  for (const { call, origin } of calls) {
    if (call.method === 'createSubscription')
      records.push(...createSubscription(file, call, origin));
    else if (call.method !== 'on') records.push(...publish(file, call, origin, handlers));
  }
  debug('%s: %d records', file.input.path, records.length);
  return records;
}

/** `pubsub.topic(name, options)` that made the object, when the last step is that call. */
function made(origin: Origin, member: 'topic' | 'subscription'): CallExpression | undefined {
  const tokens = originTokens(origin);
  if (tokens.at(-2) !== member || tokens.at(-1) !== '()') return undefined;
  const call = originCall(origin, member);
  return call && !isNew(call) ? call : undefined;
}

function isNew(node: CallExpression | NewExpression): node is NewExpression {
  return Node.isNewExpression(node);
}

function topicRef(name: ResolvedName): NodeRef {
  return ref.channel('Topic', TECHNOLOGY, name.name);
}

function subscriptionRef(name: ResolvedName): NodeRef {
  return ref.channel('Queue', TECHNOLOGY, name.name);
}

// ---- publishers --------------------------------------------------------------------------

function publish(
  file: TsFile,
  call: MethodCall,
  origin: Origin,
  handlers: ReadonlyMap<Node, NodeRef>,
): GraphRecord[] {
  const topic = made(origin, 'topic');
  const nameNode = topic?.getArguments()[0];
  if (!topic || !nameNode) return [];
  const [first] = call.call.getArguments();
  const properties: Properties = {};
  let payload = first;
  if (call.method === 'publishMessage') {
    const message = file.resolver.objectProperties(first);
    const key = message.get('orderingKey');
    if (key) properties.key = compactText(key);
    payload = message.get('json') ?? message.get('data');
  }
  const batching = file.resolver.objectProperties(
    file.resolver.objectProperties(topic.getArguments()[1]).get('batching'),
  );
  const most = file.resolver.literalOf(batching.get('maxMessages'));
  if (typeof most === 'number' && most > 1) properties.batch = true;

  return resourceTargets(file, nameNode, call.call, handlers).flatMap((target) => {
    const to = topicRef(target.name);
    const edgeProperties: Properties = { ...properties };
    if (target.via !== undefined) edgeProperties.via = target.via;
    const evidence = target.via ? target.evidence : evidenceOf(file, methodNameOf(call.call));
    const events = publishedEvents(file, payload, target);
    return [
      channelRecord('Topic', 'topic', TECHNOLOGY, target.name, evidence),
      edgeRecord(
        'PUBLISHES',
        target.publisher,
        to,
        { technology: TECHNOLOGY, properties: edgeProperties },
        evidence,
      ),
      ...distinctEvents(events).flatMap((carried) => carriesRecords(file, to, carried, TECHNOLOGY)),
    ];
  });
}

// ---- subscribers -------------------------------------------------------------------------

/** `subscription.on('message', handler)`; `topic(t).subscription(s)` also routes t to s. */
function listen(
  file: TsFile,
  call: MethodCall,
  origin: Origin,
  handlers: Map<Node, NodeRef>,
  names: HandlerNames,
): GraphRecord[] {
  const [event, listener] = call.call.getArguments();
  if (!event || file.resolver.literalOf(event) !== 'message' || !listener) return [];
  const subscription = made(origin, 'subscription');
  const nameNode = subscription?.getArguments()[0];
  if (!subscription || !nameNode) return [];
  const name = resourceName(file.resolver.resolveName(nameNode));
  const fn = file.resolver.functionOf(listener);
  const declared = fn ? functionName(fn) : undefined;
  const { ref: handler, name: handlerName } = names.handler(
    call.call,
    fn ?? call.call,
    declared ?? `${name.name} message`,
  );
  if (fn) handlers.set(fn, handler);

  const properties: Properties = {};
  const options = file.resolver.objectProperties(subscription.getArguments()[1]);
  const flow = file.resolver.objectProperties(options.get('flowControl'));
  const outstanding = file.resolver.literalOf(flow.get('maxMessages'));
  if (typeof outstanding === 'number') properties.prefetch = outstanding;
  const evidence = evidenceOf(file, methodNameOf(call.call));
  const records: GraphRecord[] = [
    nodeRecord(
      handler,
      { name: handlerName, technology: TECHNOLOGY },
      evidenceOf(file, fn ?? call.call),
    ),
    channelRecord('Queue', 'queue', TECHNOLOGY, name, evidence),
    edgeRecord(
      'CONSUMES',
      handler,
      subscriptionRef(name),
      { technology: TECHNOLOGY, properties },
      evidence,
    ),
  ];
  const topic = topicOf(file, origin);
  if (topic) records.push(...route(file, topic, name, methodNameOf(subscription)));
  if (fn) {
    for (const carried of distinctEvents(parsedEvents(file, fn)))
      records.push(...carriesRecords(file, subscriptionRef(name), carried, TECHNOLOGY));
  }
  return records;
}

/** The method name of a call, where a chain `a.b().c()` puts each call on its own line. */
function methodNameOf(call: CallExpression): Node {
  const callee = call.getExpression();
  return Node.isPropertyAccessExpression(callee) ? callee.getNameNode() : call;
}

/** The topic an object was reached from: `pubsub.topic(t).subscription(s)`. */
function topicOf(file: TsFile, origin: Origin): ResolvedName | undefined {
  const call = originCall(origin, 'topic');
  const name = call?.getArguments()[0];
  return name ? resourceName(file.resolver.resolveName(name)) : undefined;
}

function route(
  file: TsFile,
  topic: ResolvedName,
  subscription: ResolvedName,
  at: Node,
): GraphRecord[] {
  const evidence = evidenceOf(file, at);
  return [
    channelRecord('Topic', 'topic', TECHNOLOGY, topic, evidence),
    channelRecord('Queue', 'queue', TECHNOLOGY, subscription, evidence),
    edgeRecord(
      'ROUTES_TO',
      topicRef(topic),
      subscriptionRef(subscription),
      { technology: TECHNOLOGY },
      evidence,
    ),
  ];
}

// ---- configuration -----------------------------------------------------------------------

/**
 * `pubsub.createSubscription(topic, name, options)` or `topic.createSubscription(name,
 * options)`: the route, and the subscription's dead-letter and retry policies.
 */
function createSubscription(file: TsFile, call: MethodCall, origin: Origin): GraphRecord[] {
  const args = call.call.getArguments();
  const onTopic = made(origin, 'topic') !== undefined;
  const topic = onTopic ? topicOf(file, origin) : topicArgument(file, args[0]);
  const nameNode = args[onTopic ? 0 : 1];
  if (!topic || !nameNode) return [];
  const name = resourceName(file.resolver.resolveName(nameNode));
  const options = file.resolver.objectProperties(args[onTopic ? 1 : 2]);

  const properties: Properties = {};
  const deadLetter = file.resolver.objectProperties(options.get('deadLetterPolicy'));
  const attempts = file.resolver.literalOf(deadLetter.get('maxDeliveryAttempts'));
  if (typeof attempts === 'number') properties.maxDeliveryAttempts = attempts;
  const retry = retrySummary(file, options.get('retryPolicy'));
  if (retry !== undefined) properties.retry = retry;
  if (file.resolver.literalOf(options.get('enableMessageOrdering')) === true)
    properties.ordered = true;
  if (file.resolver.literalOf(options.get('enableExactlyOnceDelivery')) === true)
    properties.exactlyOnce = true;

  const evidence = evidenceOf(file, call.call);
  const records: GraphRecord[] = [
    ...route(file, topic, name, call.call),
    channelRecord('Queue', 'queue', TECHNOLOGY, name, evidence, properties),
  ];
  const target = deadLetter.get('deadLetterTopic');
  if (target) {
    const dlq = topicArgument(file, target) ?? resourceName(file.resolver.resolveName(target));
    const edgeProperties: Properties = {};
    if (typeof attempts === 'number') edgeProperties.maxDeliveryAttempts = attempts;
    records.push(
      channelRecord('Topic', 'topic', TECHNOLOGY, dlq, evidenceOf(file, target)),
      edgeRecord(
        'DEAD_LETTERS_TO',
        subscriptionRef(name),
        topicRef(dlq),
        { technology: TECHNOLOGY, properties: edgeProperties },
        evidenceOf(file, target),
      ),
    );
  }
  return records;
}

/** A topic given by name, as a `pubsub.topic(name)` object, or as that object's `.name`. */
function topicArgument(file: TsFile, node: Node | undefined): ResolvedName | undefined {
  if (!node) return undefined;
  const value = strip(node);
  const object =
    Node.isPropertyAccessExpression(value) && value.getName() === 'name'
      ? value.getExpression()
      : value;
  const origin = file.resolver.traceOrigin(object);
  if (origin?.module === PUBSUB) return made(origin, 'topic') ? topicOf(file, origin) : undefined;
  return resourceName(file.resolver.resolveName(node));
}

/** `{ minimumBackoff: { seconds: 10 }, maximumBackoff: { seconds: 600 } }` as a summary. */
function retrySummary(file: TsFile, policy: Node | undefined): string | undefined {
  if (!policy) return undefined;
  const fields = file.resolver.objectProperties(policy);
  const parts: string[] = [];
  for (const key of ['minimumBackoff', 'maximumBackoff']) {
    const seconds = file.resolver.literalOf(
      file.resolver.objectProperties(fields.get(key)).get('seconds'),
    );
    if (seconds !== undefined) parts.push(`${key}=${String(seconds)}s`);
  }
  return parts.length > 0 ? parts.join(', ') : 'retryPolicy';
}
