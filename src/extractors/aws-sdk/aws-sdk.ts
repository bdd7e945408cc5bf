// AWS messaging through the JavaScript SDK (v3 commands and clients, v2 clients) and
// sqs-consumer: SQS queues, SNS topics and their SQS subscriptions, EventBridge buses,
// Kinesis streams.
import createDebug from 'debug';
import { Node, SyntaxKind, type CallExpression } from 'ts-morph';
import {
  channelRecord,
  edgeRecord,
  nodeRecord,
  ref,
  type ChannelKind,
  type ChannelLabel,
  type Evidence,
  type GraphRecord,
  type NodeRef,
  type Properties,
  type ResolvedName,
} from '../../model/graph.js';
import type { TechnologyId } from '../../model/taxonomy.js';
import type { Extractor } from '../contract.js';
import type { TsFile } from '../../lang/typescript/frontend.js';
import { functionName, isFunctionLike } from '../../lang/typescript/resolve.js';
import { compactText, evidenceOf, HandlerNames } from '../../lang/typescript/sites.js';
import {
  carriesRecords,
  distinctEvents,
  parsedEvents,
  publishedEvents,
} from '../../lang/typescript/payload-types.js';
import { AWS_MODULES, operationsOf, type AwsService, type Operation } from './operations.js';
import { resourceName, resourceTargets, type ResourceTarget } from './resource-names.js';
import { sqsConsumers } from './sqs-consumer.js';

const debug = createDebug('eventgraph:extract:aws-sdk');

export const awsSdkExtractor: Extractor<TsFile> = {
  id: 'aws-sdk',
  title: 'AWS SQS, SNS, EventBridge and Kinesis through the AWS SDK and sqs-consumer',
  docs: 'https://docs.aws.amazon.com/AWSJavaScriptSDK/v3/latest/',
  language: 'typescript',
  technologies: ['sqs', 'sns', 'eventbridge', 'kinesis'],
  packages: [
    '@aws-sdk/client-sqs',
    '@aws-sdk/client-sns',
    '@aws-sdk/client-eventbridge',
    '@aws-sdk/client-kinesis',
    'sqs-consumer',
  ],
  imports: [...AWS_MODULES, 'sqs-consumer'],
  prefilter: [
    'sqs-consumer',
    'Command(',
    'sendMessage',
    'receiveMessage',
    'createQueue',
    'publish',
    'subscribe',
    'putEvents',
    'putRecord',
  ],
  emits: {
    nodes: ['Topic', 'Queue', 'Handler', 'Event'],
    edges: ['PUBLISHES', 'CONSUMES', 'ROUTES_TO', 'DEAD_LETTERS_TO', 'CARRIES'],
  },
  extract,
};

interface Channel {
  label: ChannelLabel;
  kind: ChannelKind;
  technology: TechnologyId;
}

const CHANNEL: Record<AwsService, Channel> = {
  sqs: { label: 'Queue', kind: 'queue', technology: 'sqs' },
  sns: { label: 'Topic', kind: 'topic', technology: 'sns' },
  eventbridge: { label: 'Topic', kind: 'topic', technology: 'eventbridge' },
  kinesis: { label: 'Topic', kind: 'stream', technology: 'kinesis' },
};

function extract(file: TsFile): GraphRecord[] {
  const records: GraphRecord[] = [];
  const handlers = new Map<Node, NodeRef>();
  const names = new HandlerNames(file);
  records.push(...sqsConsumers(file, handlers, names));

  const operations = operationsOf(file);
  // Receivers first, so that what a polling function sends is sent by its Handler.
  for (const operation of operations) {
    if (operation.action === 'ReceiveMessage')
      records.push(...receive(file, operation, handlers, names));
  }
  for (const operation of operations) {
    if (operation.action !== 'ReceiveMessage') records.push(...apply(file, operation, handlers));
  }
  debug('%s: %d records', file.input.path, records.length);
  return records;
}

function apply(
  file: TsFile,
  operation: Operation,
  handlers: ReadonlyMap<Node, NodeRef>,
): GraphRecord[] {
  const fields = file.resolver.objectProperties(operation.input);
  switch (operation.action) {
    case 'SendMessage':
      return publish(file, operation, fields.get('QueueUrl'), [fields], handlers, false);
    case 'SendMessageBatch':
      return publish(file, operation, fields.get('QueueUrl'), entries(file, fields), handlers);
    case 'Publish':
      return publish(file, operation, topicArn(fields), [fields], handlers, false);
    case 'PublishBatch':
      return publish(
        file,
        operation,
        topicArn(fields),
        entries(file, fields, 'PublishBatchRequestEntries'),
        handlers,
      );
    case 'PutRecord':
      return publish(file, operation, stream(fields), [fields], handlers, false);
    case 'PutRecords':
      return publish(file, operation, stream(fields), entries(file, fields, 'Records'), handlers);
    case 'PutEvents':
      return putEvents(file, operation, fields, handlers);
    case 'CreateQueue':
      return createQueue(file, operation, fields);
    case 'CreateTopic':
      return declare(file, operation, fields.get('Name'));
    case 'Subscribe':
      return subscribe(file, operation, fields, handlers);
    case 'ReceiveMessage':
      return [];
  }
}

function topicArn(fields: Map<string, Node>): Node | undefined {
  return fields.get('TopicArn') ?? fields.get('TargetArn');
}

function stream(fields: Map<string, Node>): Node | undefined {
  return fields.get('StreamName') ?? fields.get('StreamARN');
}

/** The entries of a batch request, each as its fields; `ids.map((id) => ({...}))` as one. */
function entries(file: TsFile, fields: Map<string, Node>, key = 'Entries'): Map<string, Node>[] {
  const list = fields.get(key);
  const node = list ? file.resolver.constantNode(list) : undefined;
  if (node && Node.isArrayLiteralExpression(node))
    return node.getElements().map((element) => file.resolver.objectProperties(element));
  const mapped = node ? mappedElement(initialValue(file, node)) : undefined;
  return mapped ? [file.resolver.objectProperties(mapped)] : [];
}

/** What a variable was initialised with, even when that is a call no constant holds. */
function initialValue(file: TsFile, node: Node): Node {
  const definition = Node.isIdentifier(node) ? file.resolver.definitionOf(node) : undefined;
  const initializer =
    definition && Node.isVariableDeclaration(definition) ? definition.getInitializer() : undefined;
  return initializer ?? node;
}

function mappedElement(node: Node): Node | undefined {
  if (!Node.isCallExpression(node)) return undefined;
  const callee = node.getExpression();
  if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== 'map') return undefined;
  const fn = node.getArguments()[0];
  if (!fn || !Node.isArrowFunction(fn)) return undefined;
  const body = fn.getBody();
  return Node.isBlock(body)
    ? body.getFirstDescendantByKind(SyntaxKind.ReturnStatement)?.getExpression()
    : body;
}

// ---- producers ---------------------------------------------------------------------------

function publish(
  file: TsFile,
  operation: Operation,
  nameExpression: Node | undefined,
  messages: Map<string, Node>[],
  handlers: ReadonlyMap<Node, NodeRef>,
  batch = true,
): GraphRecord[] {
  if (!nameExpression) return [];
  const channel = CHANNEL[operation.service];
  const payloads = messages.map(
    (message) => message.get('MessageBody') ?? message.get('Message') ?? message.get('Data'),
  );

  return resourceTargets(file, nameExpression, operation.at, handlers).flatMap((target) => {
    const to = channelRef(channel, target.name);
    const edgeProperties = messageProperties(file, operation.service, messages, target.calls);
    if (batch) edgeProperties.batch = true;
    if (target.via !== undefined) edgeProperties.via = target.via;
    const events = payloads.flatMap((payload) => publishedEvents(file, payload, target));
    return [
      channelRecord(channel.label, channel.kind, channel.technology, target.name, target.evidence),
      edgeRecord(
        'PUBLISHES',
        target.publisher,
        to,
        { technology: channel.technology, properties: edgeProperties },
        target.evidence,
      ),
      ...distinctEvents(events).flatMap((carried) =>
        carriesRecords(file, to, carried, channel.technology),
      ),
    ];
  });
}

/** Ordering, deduplication and delay of the (first) message, as written. */
function messageProperties(
  file: TsFile,
  service: AwsService,
  messages: Map<string, Node>[],
  calls: readonly CallExpression[] = [],
): Properties {
  const properties: Properties = {};
  const [first] = messages;
  if (!first) return properties;
  const field = (name: string): Node | undefined => {
    const value = first.get(name);
    return value ? argumentAtSite(file, value, calls) : undefined;
  };
  const key = field(service === 'kinesis' ? 'PartitionKey' : 'MessageGroupId');
  if (key) properties.key = compactText(key);
  const dedup = field('MessageDeduplicationId');
  if (dedup) {
    // FIFO deduplication: the broker drops a resend with the same id.
    properties.dedupKey = compactText(dedup);
    properties.idempotent = true;
  }
  const delay = file.resolver.literalOf(field('DelaySeconds'));
  if (typeof delay === 'number') properties.delayMs = delay * 1000;
  return properties;
}

/** PutEvents: each entry goes to its bus (the account's `default` bus when none is named). */
function putEvents(
  file: TsFile,
  operation: Operation,
  fields: Map<string, Node>,
  handlers: ReadonlyMap<Node, NodeRef>,
): GraphRecord[] {
  const channel = CHANNEL.eventbridge;
  return entries(file, fields).flatMap((entry) => {
    const bus = entry.get('EventBusName');
    const targets: ResourceTarget[] = bus
      ? resourceTargets(file, bus, operation.at, handlers)
      : defaultBus(file, operation, handlers);
    const detailType = entry.get('DetailType');
    const source = entry.get('Source');
    return targets.flatMap((target) => {
      const to = channelRef(channel, target.name);
      const properties: Properties = {};
      if (source) properties.source = file.resolver.resolveName(source).name;
      if (detailType) properties.detailType = file.resolver.resolveName(detailType).name;
      if (target.via !== undefined) properties.via = target.via;
      const records: GraphRecord[] = [
        channelRecord(
          channel.label,
          channel.kind,
          channel.technology,
          target.name,
          target.evidence,
        ),
        edgeRecord(
          'PUBLISHES',
          target.publisher,
          to,
          { technology: channel.technology, properties },
          target.evidence,
        ),
      ];
      const event = detailType ? file.resolver.resolveName(detailType) : undefined;
      if (detailType && event && !event.dynamic) {
        const at = evidenceOf(file, detailType);
        records.push(...detailTypeEvent(file, to, event.name, entry.get('Detail'), target, at));
      }
      return records;
    });
  });
}

function defaultBus(
  file: TsFile,
  operation: Operation,
  handlers: ReadonlyMap<Node, NodeRef>,
): ResourceTarget[] {
  return resourceTargets(file, operation.at, operation.at, handlers).map((target) => ({
    ...target,
    name: { name: 'default', dynamic: false },
  }));
}

/** The detail type names the event; a literal detail object gives its fields. */
function detailTypeEvent(
  file: TsFile,
  bus: NodeRef,
  name: string,
  detail: Node | undefined,
  target: ResourceTarget,
  at: Evidence,
): GraphRecord[] {
  const eventRef = ref.event(file.input.repository, name);
  const typed = detail ? publishedEvents(file, detail, target)[0] : undefined;
  const fields = typed?.event.fields ?? detailFields(file, detail);
  return [
    nodeRecord(
      eventRef,
      { name, technology: null, properties: { fields, metadataFields: [] } },
      at,
    ),
    edgeRecord('CARRIES', bus, eventRef, { technology: 'eventbridge' }, at),
  ];
}

function detailFields(file: TsFile, detail: Node | undefined): string[] {
  if (!detail) return [];
  const node = file.resolver.constantNode(detail);
  const argument =
    Node.isCallExpression(node) && node.getExpression().getText() === 'JSON.stringify'
      ? node.getArguments()[0]
      : undefined;
  return argument ? [...file.resolver.objectProperties(argument).keys()] : [];
}

// ---- configuration -----------------------------------------------------------------------

function declare(file: TsFile, operation: Operation, name: Node | undefined): GraphRecord[] {
  if (!name) return [];
  const channel = CHANNEL[operation.service];
  return resourceTargets(file, name, operation.at, new Map()).map((target) =>
    channelRecord(channel.label, channel.kind, channel.technology, target.name, target.evidence),
  );
}

/** CreateQueue: attributes on the Queue, and its redrive policy as a dead-letter route. */
function createQueue(file: TsFile, operation: Operation, fields: Map<string, Node>): GraphRecord[] {
  const name = fields.get('QueueName');
  if (!name) return [];
  const attributes = file.resolver.objectProperties(fields.get('Attributes'));
  const properties: Properties = {};
  const seconds = (key: string): number | undefined => {
    const value = Number(file.resolver.literalOf(attributes.get(key)));
    return Number.isFinite(value) && attributes.has(key) ? value : undefined;
  };
  const visibility = seconds('VisibilityTimeout');
  if (visibility !== undefined) properties.visibilityTimeoutMs = visibility * 1000;
  const retention = seconds('MessageRetentionPeriod');
  if (retention !== undefined) properties.messageTtlMs = retention * 1000;
  if (String(file.resolver.literalOf(attributes.get('FifoQueue'))) === 'true')
    properties.fifo = true;
  if (String(file.resolver.literalOf(attributes.get('ContentBasedDeduplication'))) === 'true')
    properties.contentDeduplication = true;

  const redrive = redrivePolicy(file, attributes.get('RedrivePolicy'));
  return resourceTargets(file, name, operation.at, new Map()).flatMap((target) => {
    const records: GraphRecord[] = [
      channelRecord('Queue', 'queue', 'sqs', target.name, target.evidence, properties),
    ];
    if (redrive) {
      const dlq = resourceName(redrive.target);
      const edgeProperties: Properties = {};
      if (redrive.maxReceiveCount !== undefined)
        edgeProperties.maxReceiveCount = redrive.maxReceiveCount;
      records.push(
        channelRecord('Queue', 'queue', 'sqs', dlq, target.evidence),
        edgeRecord(
          'DEAD_LETTERS_TO',
          channelRef(CHANNEL.sqs, target.name),
          channelRef(CHANNEL.sqs, dlq),
          { technology: 'sqs', properties: edgeProperties },
          evidenceOf(file, redrive.at),
        ),
      );
    }
    return records;
  });
}

/** `JSON.stringify({ deadLetterTargetArn, maxReceiveCount })` or the same JSON as a literal. */
function redrivePolicy(
  file: TsFile,
  policy: Node | undefined,
): { target: ResolvedName; maxReceiveCount?: number; at: Node } | undefined {
  if (!policy) return undefined;
  const node = file.resolver.constantNode(policy);
  let target: ResolvedName | undefined;
  let count = Number.NaN;
  if (Node.isCallExpression(node) && node.getExpression().getText() === 'JSON.stringify') {
    const fields = file.resolver.objectProperties(node.getArguments()[0]);
    const arn = fields.get('deadLetterTargetArn');
    target = arn ? file.resolver.resolveName(arn) : undefined;
    count = Number(file.resolver.literalOf(fields.get('maxReceiveCount')));
  } else if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) {
    const parsed = parseJson(node.getLiteralText());
    const arn = parsed?.deadLetterTargetArn;
    target = typeof arn === 'string' ? { name: arn, dynamic: false } : undefined;
    count = Number(parsed?.maxReceiveCount);
  }
  if (!target) return undefined;
  return Number.isFinite(count)
    ? { target, maxReceiveCount: count, at: policy }
    : { target, at: policy };
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** SNS → SQS subscription: the topic copies every message into the queue. */
function subscribe(
  file: TsFile,
  operation: Operation,
  fields: Map<string, Node>,
  handlers: ReadonlyMap<Node, NodeRef>,
): GraphRecord[] {
  const topic = fields.get('TopicArn');
  const endpoint = fields.get('Endpoint');
  const protocol = file.resolver.literalOf(fields.get('Protocol'));
  if (!topic || !endpoint || protocol !== 'sqs') return [];
  const queue = resourceName(file.resolver.resolveName(endpoint));
  return resourceTargets(file, topic, operation.at, handlers).flatMap((target) => [
    channelRecord('Topic', 'topic', 'sns', target.name, target.evidence),
    channelRecord('Queue', 'queue', 'sqs', queue, target.evidence),
    edgeRecord(
      'ROUTES_TO',
      channelRef(CHANNEL.sns, target.name),
      channelRef(CHANNEL.sqs, queue),
      { technology: 'sns' },
      target.evidence,
    ),
  ]);
}

// ---- consumers ---------------------------------------------------------------------------

/**
 * ReceiveMessage polls a queue: the function around the call (or around the outermost call
 * of a wrapper) is the consumer. More than one message per receive is a batch.
 */
function receive(
  file: TsFile,
  operation: Operation,
  handlers: Map<Node, NodeRef>,
  names: HandlerNames,
): GraphRecord[] {
  const fields = file.resolver.objectProperties(operation.input);
  const url = fields.get('QueueUrl');
  if (!url) return [];
  return resourceTargets(file, url, operation.at, new Map()).flatMap((target) => {
    const max = fields.get('MaxNumberOfMessages');
    const most = file.resolver.literalOf(max && argumentAtSite(file, max, target.calls ?? []));
    const batch = typeof most === 'number' && most > 1;
    const site = target.calls?.at(-1) ?? operation.at;
    const fn = site.getFirstAncestor(isFunctionLike);
    const given = (fn ? functionName(fn) : undefined) ?? `receive ${target.name.name}`;
    const { ref: handler, name } = names.handler(site, fn ?? site, given);
    if (fn) handlers.set(fn, handler);
    const queue = channelRef(CHANNEL.sqs, target.name);
    const properties: Properties = { batch };
    const records: GraphRecord[] = [
      nodeRecord(
        handler,
        { name, technology: 'sqs', properties: { batch } },
        evidenceOf(file, fn ?? site),
      ),
      channelRecord('Queue', 'queue', 'sqs', target.name, target.evidence),
      edgeRecord('CONSUMES', handler, queue, { technology: 'sqs', properties }, target.evidence),
    ];
    if (fn) {
      for (const carried of distinctEvents(parsedEvents(file, fn)))
        records.push(...carriesRecords(file, queue, carried, 'sqs'));
    }
    return records;
  });
}

/**
 * What the outermost caller passed for a wrapper's parameter (`sendTo(queue, groupId)` called
 * as `sendTo('orders', order.customerId)`), or the expression itself.
 */
function argumentAtSite(file: TsFile, expression: Node, calls: readonly CallExpression[]): Node {
  let current = expression;
  for (const call of calls) {
    const parameter = file.resolver.parameterOf(current);
    const argument = parameter ? call.getArguments()[parameter.index] : undefined;
    if (!argument) break;
    current = argument;
  }
  return current;
}

export function channelRef(channel: Channel, name: ResolvedName): NodeRef {
  return ref.channel(channel.label, channel.technology, name.name);
}
