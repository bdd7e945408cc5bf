// Azure Service Bus through @azure/service-bus: senders, receivers (subscribe, receive,
// sessions), dead-lettering, and queues and subscriptions created by the administration client.
import createDebug from 'debug';
import { Node } from 'ts-morph';
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
  isFunctionLike,
  originCall,
  originTokens,
  type Origin,
} from '../../lang/typescript/resolve.js';
import {
  compactText,
  evidenceOf,
  HandlerNames,
  methodCalls,
  publishTargets,
  type MethodCall,
} from '../../lang/typescript/sites.js';
import {
  carriesRecords,
  distinctEvents,
  parsedEvents,
  publishedEvents,
} from '../../lang/typescript/payload-types.js';
import { knownTopics, receivedEntity, SERVICE_BUS, type ReceivedEntity } from './entities.js';

const debug = createDebug('eventgraph:extract:azure-service-bus');

export const azureServiceBusExtractor: Extractor<TsFile> = {
  id: 'azure-service-bus',
  title: 'Azure Service Bus queues, topics and subscriptions',
  docs: 'https://learn.microsoft.com/javascript/api/overview/azure/service-bus-readme',
  language: 'typescript',
  technologies: ['azure-service-bus'],
  packages: [SERVICE_BUS],
  imports: [SERVICE_BUS],
  prefilter: [
    SERVICE_BUS,
    'sendMessages',
    'scheduleMessages',
    'subscribe',
    'receiveMessages',
    'deadLetterMessage',
    'createQueue',
    'createSubscription',
  ],
  emits: {
    nodes: ['Topic', 'Queue', 'Handler', 'Event'],
    edges: ['PUBLISHES', 'CONSUMES', 'DEAD_LETTERS_TO', 'CARRIES'],
  },
  extract,
};

const TECHNOLOGY = 'azure-service-bus';
const METHODS = new Set([
  'sendMessages',
  'scheduleMessages',
  'subscribe',
  'receiveMessages',
  'deadLetterMessage',
  'createQueue',
  'createSubscription',
]);
const RECEIVERS = ['createReceiver', 'acceptNextSession', 'acceptSession'];
/** The sub-queue Service Bus moves dead-lettered messages to, as its path names it. */
const DEAD_LETTER_QUEUE = '$DeadLetterQueue';

function extract(file: TsFile): GraphRecord[] {
  const calls = methodCalls(file, METHODS)
    .map((call) => ({ call, origin: file.resolver.traceOrigin(call.object) }))
    .filter((c): c is { call: MethodCall; origin: Origin } => c.origin?.module === SERVICE_BUS);
  if (calls.length === 0) return [];
  const records: GraphRecord[] = [];
  const handlers = new Map<Node, NodeRef>();
  const names = new HandlerNames(file);

  for (const { call, origin } of calls) {
    if (call.method === 'subscribe' || call.method === 'receiveMessages')
      records.push(...consume(file, call, origin, handlers, names));
  }
  for (const { call, origin } of calls) {
    if (call.method === 'sendMessages' || call.method === 'scheduleMessages')
      records.push(...send(file, call, origin, handlers));
    else if (call.method === 'deadLetterMessage') records.push(...deadLetter(file, call, origin));
    else if (call.method === 'createQueue' || call.method === 'createSubscription')
      records.push(...administer(file, call, origin));
  }
  debug('%s: %d records', file.input.path, records.length);
  return records;
}

/** A Service Bus entity as a graph channel: a topic (with its subscription) or a queue. */
interface Entity {
  label: 'Topic' | 'Queue';
  name: ResolvedName;
  subscription?: ResolvedName;
}

function entityOf(file: TsFile, name: ResolvedName, subscription?: ResolvedName): Entity {
  const topic = subscription !== undefined || knownTopics(file).has(name.name);
  const entity: Entity = { label: topic ? 'Topic' : 'Queue', name };
  if (subscription) entity.subscription = subscription;
  return entity;
}

function entityRecord(entity: Entity, at: GraphRecord['evidence']): GraphRecord {
  const kind = entity.label === 'Topic' ? 'topic' : 'queue';
  return channelRecord(entity.label, kind, TECHNOLOGY, entity.name, at);
}

function entityRef(entity: Entity): NodeRef {
  return ref.channel(entity.label, TECHNOLOGY, entity.name.name);
}

/** The dead-letter sub-queue of a queue or of a topic's subscription. */
function deadLetterQueue(entity: Entity): Entity {
  const path = entity.subscription
    ? `${entity.name.name}/Subscriptions/${entity.subscription.name}/${DEAD_LETTER_QUEUE}`
    : `${entity.name.name}/${DEAD_LETTER_QUEUE}`;
  const dynamic = entity.name.dynamic || entity.subscription?.dynamic === true;
  return {
    label: 'Queue',
    name: dynamic ? { name: path, dynamic: true, expression: path } : { name: path, dynamic },
  };
}

// ---- senders -----------------------------------------------------------------------------

function send(
  file: TsFile,
  call: MethodCall,
  origin: Origin,
  handlers: ReadonlyMap<Node, NodeRef>,
): GraphRecord[] {
  const creation = originCall(origin, 'createSender');
  const nameNode = creation?.getArguments()[0];
  if (!nameNode) return [];
  const messages = call.call.getArguments()[0];
  const list = messages ? file.resolver.constantNode(messages) : undefined;
  const elements = list && Node.isArrayLiteralExpression(list) ? list.getElements() : [];
  const batch =
    elements.length > 0 ||
    (list !== undefined && isBatch(file, list)) ||
    (list !== undefined && /\[\]$/.test(typeText(list)));
  const first = file.resolver.objectProperties(elements[0] ?? messages);
  const properties: Properties = {};
  if (batch) properties.batch = true;
  const session = first.get('sessionId') ?? first.get('partitionKey');
  if (session) properties.key = compactText(session);
  if (call.method === 'scheduleMessages') properties.scheduled = true;

  return publishTargets(file, [nameNode], call.call, handlers).flatMap((target) => {
    const [name] = target.names as [ResolvedName];
    const entity = entityOf(file, name);
    const edgeProperties: Properties = { ...properties };
    if (target.via !== undefined) edgeProperties.via = target.via;
    const events = publishedEvents(file, first.get('body'), target);
    return [
      entityRecord(entity, target.evidence),
      edgeRecord(
        'PUBLISHES',
        target.publisher,
        entityRef(entity),
        { technology: TECHNOLOGY, properties: edgeProperties },
        target.evidence,
      ),
      ...distinctEvents(events).flatMap((carried) =>
        carriesRecords(file, entityRef(entity), carried, TECHNOLOGY),
      ),
    ];
  });
}

/** A batch made by `sender.createMessageBatch()`. */
function isBatch(file: TsFile, node: Node): boolean {
  const origin = file.resolver.traceOrigin(node);
  return origin !== undefined && originTokens(origin).includes('createMessageBatch');
}

function typeText(node: Node): string {
  try {
    return node.getType().getText();
  } catch {
    return '';
  }
}

// ---- receivers ---------------------------------------------------------------------------

function receiverOf(file: TsFile, origin: Origin): Entity | undefined {
  const creation = RECEIVERS.map((m) => originCall(origin, m)).find((c) => c !== undefined);
  if (!creation || !Node.isCallExpression(creation)) return undefined;
  const received = receivedEntity(file, creation);
  if (!received) return undefined;
  const entity = entityOf(
    file,
    file.resolver.resolveName(received.entity),
    received.subscription ? file.resolver.resolveName(received.subscription) : undefined,
  );
  return subQueue(file, received) === 'deadLetter' ? deadLetterQueue(entity) : entity;
}

function subQueue(file: TsFile, received: ReceivedEntity): string | undefined {
  const value = file.resolver.literalOf(
    file.resolver.objectProperties(received.options).get('subQueueType'),
  );
  return typeof value === 'string' ? value : undefined;
}

function consume(
  file: TsFile,
  call: MethodCall,
  origin: Origin,
  handlers: Map<Node, NodeRef>,
  names: HandlerNames,
): GraphRecord[] {
  const entity = receiverOf(file, origin);
  if (!entity) return [];
  const properties: Properties = {};
  if (entity.subscription) properties.group = entity.subscription.name;
  if (originTokens(origin).some((t) => t === 'acceptSession' || t === 'acceptNextSession'))
    properties.sessions = true;

  let fn: Node | undefined;
  let given: string | undefined;
  if (call.method === 'subscribe') {
    const [handlersArgument, options] = call.call.getArguments();
    const processor = file.resolver.objectProperties(handlersArgument).get('processMessage');
    fn = processor ? file.resolver.functionOf(processor) : undefined;
    given = fn ? functionName(fn) : undefined;
    if (given === 'processMessage') given = undefined;
    const settings = file.resolver.objectProperties(options);
    const concurrency = file.resolver.literalOf(settings.get('maxConcurrentCalls'));
    if (typeof concurrency === 'number') properties.concurrency = concurrency;
    if (file.resolver.literalOf(settings.get('autoCompleteMessages')) === false)
      properties.ack = 'manual';
    properties.batch = false;
  } else {
    fn = call.call.getFirstAncestor(isFunctionLike);
    given = fn ? functionName(fn) : undefined;
    const most = file.resolver.literalOf(call.call.getArguments()[0]);
    properties.batch = typeof most === 'number' && most > 1;
  }
  const label = entity.subscription
    ? `${entity.name.name}/${entity.subscription.name}`
    : entity.name.name;
  const { ref: handler, name } = names.handler(
    call.call,
    fn ?? call.call,
    given ?? `${label} ${call.method}`,
  );
  if (fn) handlers.set(fn, handler);
  const evidence = evidenceOf(file, call.call);
  const records: GraphRecord[] = [
    nodeRecord(
      handler,
      { name, technology: TECHNOLOGY, properties },
      evidenceOf(file, fn ?? call.call),
    ),
    entityRecord(entity, evidence),
    edgeRecord(
      'CONSUMES',
      handler,
      entityRef(entity),
      { technology: TECHNOLOGY, properties },
      evidence,
    ),
  ];
  if (fn) {
    for (const carried of distinctEvents(parsedEvents(file, fn)))
      records.push(...carriesRecords(file, entityRef(entity), carried, TECHNOLOGY));
  }
  return records;
}

/** `receiver.deadLetterMessage(message)`: the consumer moves failures to the sub-queue. */
function deadLetter(file: TsFile, call: MethodCall, origin: Origin): GraphRecord[] {
  const entity = receiverOf(file, origin);
  if (!entity || entity.name.name.endsWith(DEAD_LETTER_QUEUE)) return [];
  const dlq = deadLetterQueue(entity);
  const evidence = evidenceOf(file, call.call);
  return [
    entityRecord(entity, evidence),
    entityRecord(dlq, evidence),
    edgeRecord(
      'DEAD_LETTERS_TO',
      entityRef(entity),
      entityRef(dlq),
      { technology: TECHNOLOGY },
      evidence,
    ),
  ];
}

// ---- administration ----------------------------------------------------------------------

/**
 * `createQueue(name, options)` and `createSubscription(topic, name, options)` of the
 * administration client: delivery count before dead-lettering, message time to live, and
 * where dead-lettered messages are forwarded.
 */
function administer(file: TsFile, call: MethodCall, origin: Origin): GraphRecord[] {
  if (!originTokens(origin).includes('ServiceBusAdministrationClient')) return [];
  const args = call.call.getArguments();
  const isQueue = call.method === 'createQueue';
  const [first, second] = args;
  if (!first || (!isQueue && !second)) return [];
  const entity = isQueue
    ? entityOf(file, file.resolver.resolveName(first))
    : entityOf(file, file.resolver.resolveName(first), file.resolver.resolveName(second as Node));
  const options = file.resolver.objectProperties(args[isQueue ? 1 : 2]);
  const evidence = evidenceOf(file, call.call);
  const properties: Properties = {};
  const deliveries = file.resolver.literalOf(options.get('maxDeliveryCount'));
  if (typeof deliveries === 'number') properties.maxDeliveryCount = deliveries;
  if (file.resolver.literalOf(options.get('requiresSession')) === true) properties.sessions = true;
  const records: GraphRecord[] = [];
  if (isQueue) {
    records.push(channelRecord('Queue', 'queue', TECHNOLOGY, entity.name, evidence, properties));
  } else {
    records.push(entityRecord(entity, evidence));
  }

  const forward = options.get('forwardDeadLetteredMessagesTo');
  const expiry = file.resolver.literalOf(options.get('deadLetteringOnMessageExpiration'));
  if (forward) {
    const to = entityOf(file, file.resolver.resolveName(forward));
    records.push(
      entityRecord(to, evidenceOf(file, forward)),
      deadLetterEdge(file, entity, to, forward),
    );
  } else if (expiry === true || typeof deliveries === 'number') {
    // Without forwarding, failures stay in the entity's own dead-letter sub-queue.
    const dlq = deadLetterQueue(entity);
    records.push(entityRecord(dlq, evidence), deadLetterEdge(file, entity, dlq, call.call));
  }
  return records;
}

function deadLetterEdge(file: TsFile, from: Entity, to: Entity, at: Node): GraphRecord {
  return edgeRecord(
    'DEAD_LETTERS_TO',
    entityRef(from),
    entityRef(to),
    { technology: TECHNOLOGY },
    evidenceOf(file, at),
  );
}
