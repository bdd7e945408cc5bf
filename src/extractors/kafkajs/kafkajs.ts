// kafkajs producers, consumers and admin topic creation.
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
  publishTargets,
  type MethodCall,
} from '../../lang/typescript/sites.js';
import {
  carriesRecords,
  distinctEvents,
  parsedEvents,
  publishedEvents,
} from '../../lang/typescript/payload-types.js';

const debug = createDebug('eventgraph:extract:kafkajs');

export const kafkajsExtractor: Extractor<TsFile> = {
  id: 'kafkajs',
  title: 'kafkajs producers, consumers and topics',
  docs: 'https://kafka.js.org/docs/getting-started',
  language: 'typescript',
  technologies: ['kafka'],
  packages: ['kafkajs'],
  imports: ['kafkajs'],
  prefilter: ['kafkajs', '.send(', '.sendBatch(', '.subscribe(', '.run(', 'createTopics'],
  emits: { nodes: ['Topic', 'Handler', 'Event'], edges: ['PUBLISHES', 'CONSUMES', 'CARRIES'] },
  extract,
};

const METHODS = new Set(['send', 'sendBatch', 'subscribe', 'run', 'createTopics']);
const TECHNOLOGY = 'kafka';

type Role = 'producer' | 'transaction' | 'consumer' | 'admin';

function extract(file: TsFile): GraphRecord[] {
  return extractKafkaJsApi(file, 'kafkajs');
}

/**
 * Records of the kafkajs API made from `module`: kafkajs itself, or a client that offers the
 * same API (@confluentinc/kafka-javascript's `KafkaJS`).
 */
export function extractKafkaJsApi(file: TsFile, module: string): GraphRecord[] {
  const records: GraphRecord[] = [];
  const calls = methodCalls(file, METHODS)
    .map((call) => ({ call, origin: file.resolver.traceOrigin(call.object) }))
    .filter((c): c is { call: MethodCall; origin: Origin } => c.origin?.module === module);
  if (calls.length === 0) return records;

  const handlers = new Map<Node, NodeRef>();
  const names = new HandlerNames(file);
  const consumers = groupConsumers(file, calls);
  for (const consumer of consumers.values())
    records.push(...consume(file, consumer, handlers, names));

  for (const { call, origin } of calls) {
    const role = roleOf(origin);
    if ((role === 'producer' || role === 'transaction') && call.method === 'send') {
      records.push(
        ...publish(file, call.call, call.call.getArguments()[0], origin, role, handlers),
      );
    } else if ((role === 'producer' || role === 'transaction') && call.method === 'sendBatch') {
      const batch = file.resolver.objectProperties(call.call.getArguments()[0]);
      const list = batch.get('topicMessages');
      const items = list && Node.isArrayLiteralExpression(list) ? list.getElements() : [];
      for (const item of items)
        records.push(...publish(file, call.call, item, origin, role, handlers));
    } else if (role === 'admin' && call.method === 'createTopics') {
      records.push(...createTopics(file, call.call));
    }
  }
  debug('%s: %d records', file.input.path, records.length);
  return records;
}

function roleOf(origin: Origin): Role | undefined {
  // @confluentinc/kafka-javascript keeps the kafkajs API under its `KafkaJS` export.
  const tokens = originTokens(origin)
    .join(' ')
    .replace(/^KafkaJS /, '');
  if (/^(Kafka new )?producer \(\)$/.test(tokens) || tokens === 'type Producer') return 'producer';
  if (
    /^(Kafka new )?producer \(\) transaction \(\)$/.test(tokens) ||
    tokens === 'type Transaction'
  ) {
    return 'transaction';
  }
  if (/^(Kafka new )?consumer \(\)$/.test(tokens) || tokens === 'type Consumer') return 'consumer';
  if (/^(Kafka new )?admin \(\)$/.test(tokens) || tokens === 'type Admin') return 'admin';
  return undefined;
}

// ---- producers ---------------------------------------------------------------------------

function publish(
  file: TsFile,
  call: CallExpression,
  record: Node | undefined,
  origin: Origin,
  role: Role,
  handlers: ReadonlyMap<Node, NodeRef>,
): GraphRecord[] {
  const fields = file.resolver.objectProperties(record);
  const topic = fields.get('topic');
  if (!topic) return [];
  const properties = {
    ...producerProperties(file, origin, role),
    ...messageProperties(file, fields),
  };

  const messages = fields.get('messages');
  const payloads = (
    messages && Node.isArrayLiteralExpression(messages) ? messages.getElements() : []
  ).map((message) => file.resolver.objectProperties(message).get('value'));

  return publishTargets(file, [topic], call, handlers).flatMap((target) => {
    const [resolved] = target.names as [ResolvedName];
    const edgeProperties: Properties = { ...properties };
    if (target.via !== undefined) edgeProperties.via = target.via;
    const events = payloads.flatMap((value) => publishedEvents(file, value, target));
    return [
      channelRecord('Topic', 'topic', TECHNOLOGY, resolved, target.evidence),
      edgeRecord(
        'PUBLISHES',
        target.publisher,
        topicRef(resolved),
        {
          technology: TECHNOLOGY,
          properties: edgeProperties,
        },
        target.evidence,
      ),
      ...distinctEvents(events).flatMap((carried) =>
        carriesRecords(file, topicRef(resolved), carried, TECHNOLOGY),
      ),
    ];
  });
}

function messageProperties(file: TsFile, fields: Map<string, Node>): Properties {
  const properties: Properties = {};
  const acks = file.resolver.literalOf(fields.get('acks'));
  if (acks !== undefined) properties.acks = String(acks);
  const messages = fields.get('messages');
  const first =
    messages && Node.isArrayLiteralExpression(messages) ? messages.getElements()[0] : undefined;
  const key = file.resolver.objectProperties(first).get('key');
  if (key) properties.key = compactText(key);
  return properties;
}

/** Idempotence, transactions and retry come from `kafka.producer({...})` and `new Kafka({...})`. */
function producerProperties(file: TsFile, origin: Origin, role: Role): Properties {
  const properties: Properties = {};
  const creation = originCall(origin, 'producer');
  const options = clientOptions(file, creation?.getArguments()[0]);
  if (file.resolver.literalOf(options.get('idempotent')) === true) properties.idempotent = true;
  if (options.has('transactionalId') || role === 'transaction') properties.transactional = true;

  const client = origin.steps.find(
    (s): s is { kind: 'new'; node: NewExpression } => s.kind === 'new',
  );
  const kafkaOptions = clientOptions(file, client?.node.getArguments()[0]);
  const retry = retrySummary(file, options.get('retry') ?? kafkaOptions.get('retry'));
  if (retry !== undefined) properties.retry = retry;
  return properties;
}

/** librdkafka property names the KafkaJS-compatible API also accepts, by kafkajs name. */
const LIBRDKAFKA_NAMES: Record<string, string> = {
  'enable.idempotence': 'idempotent',
  'transactional.id': 'transactionalId',
  'group.id': 'groupId',
};

/**
 * Options of `new Kafka()`, `kafka.producer()` or `kafka.consumer()`. The KafkaJS API of
 * @confluentinc/kafka-javascript nests kafkajs options under `kafkaJS` and takes librdkafka
 * properties beside them.
 */
function clientOptions(file: TsFile, node: Node | undefined): Map<string, Node> {
  const options = file.resolver.objectProperties(node);
  for (const [key, value] of file.resolver.objectProperties(options.get('kafkaJS')))
    options.set(key, value);
  for (const [librdkafka, kafkajs] of Object.entries(LIBRDKAFKA_NAMES)) {
    const value = options.get(librdkafka);
    if (value && !options.has(kafkajs)) options.set(kafkajs, value);
  }
  return options;
}

function retrySummary(file: TsFile, retry: Node | undefined): string | undefined {
  const options = file.resolver.objectProperties(retry);
  const parts: string[] = [];
  for (const [key, unit] of [
    ['retries', ''],
    ['initialRetryTime', 'ms'],
    ['maxRetryTime', 'ms'],
  ]) {
    const value = file.resolver.literalOf(options.get(key as string));
    if (value !== undefined) parts.push(`${key as string}=${String(value)}${unit as string}`);
  }
  return parts.length > 0 ? parts.join(', ') : undefined;
}

// ---- consumers ---------------------------------------------------------------------------

interface Consumer {
  origin: Origin;
  /** How the code names the consumer, for a handler without a function name or group. */
  label: string;
  /** The variable holding the consumer, when the calls are made on one. */
  variable?: Node;
  subscribes: CallExpression[];
  runs: CallExpression[];
}

/** Subscribe and run calls grouped by the consumer they are made on. */
function groupConsumers(
  file: TsFile,
  calls: { call: MethodCall; origin: Origin }[],
): Map<Node | string, Consumer> {
  const consumers = new Map<Node | string, Consumer>();
  for (const { call, origin } of calls) {
    if (roleOf(origin) !== 'consumer' || (call.method !== 'subscribe' && call.method !== 'run'))
      continue;
    // Consumers made by one factory share their `kafka.consumer()` call; the variable that
    // holds each one tells them apart.
    const object = strip(call.object);
    const variable = Node.isIdentifier(object) ? file.resolver.definitionOf(object) : undefined;
    const key = variable ?? originCall(origin, 'consumer') ?? call.object.getText();
    const consumer = consumers.get(key) ?? {
      origin,
      label: call.object.getText(),
      variable,
      subscribes: [],
      runs: [],
    };
    (call.method === 'subscribe' ? consumer.subscribes : consumer.runs).push(call.call);
    consumers.set(key, consumer);
  }
  return consumers;
}

function consume(
  file: TsFile,
  consumer: Consumer,
  handlers: Map<Node, NodeRef>,
  names: HandlerNames,
): GraphRecord[] {
  const records: GraphRecord[] = [];
  const creation = originCall(consumer.origin, 'consumer');
  const consumerOptions = clientOptions(file, creation?.getArguments()[0]);
  const groupNode = consumerOptions.get('groupId');
  const group = groupNode ? groupOf(file, groupNode, consumer.variable) : undefined;

  const run = consumer.runs[0];
  const runOptions = file.resolver.objectProperties(run?.getArguments()[0]);
  const batch = runOptions.has('eachBatch');
  const processor = runOptions.get('eachBatch') ?? runOptions.get('eachMessage');
  const fn = processor ? file.resolver.functionOf(processor) : undefined;
  const declared = fn ? functionName(fn) : undefined;
  const given =
    declared !== undefined && declared !== 'eachMessage' && declared !== 'eachBatch'
      ? declared
      : `${group ?? consumer.label} ${batch ? 'eachBatch' : 'eachMessage'}`;

  const anchor = run ?? consumer.subscribes[0];
  if (!anchor) return records;
  const { ref: handler, name } = names.handler(anchor, fn ?? anchor, given);
  if (fn) handlers.set(fn, handler);
  const handlerProperties: Properties = { batch };
  if (group !== undefined) handlerProperties.group = group;
  records.push(
    nodeRecord(
      handler,
      { name, technology: TECHNOLOGY, properties: handlerProperties },
      evidenceOf(file, fn ?? anchor),
    ),
  );

  const edgeProperties: Properties = { batch };
  if (group !== undefined) edgeProperties.group = group;
  const autoCommit = file.resolver.literalOf(runOptions.get('autoCommit'));
  if (typeof autoCommit === 'boolean') edgeProperties.autoCommit = autoCommit;

  const consumed: ResolvedName[] = [];
  for (const subscribe of consumer.subscribes) {
    const options = file.resolver.objectProperties(subscribe.getArguments()[0]);
    const fromBeginning = file.resolver.literalOf(
      options.get('fromBeginning') ?? consumerOptions.get('fromBeginning'),
    );
    const properties: Properties = { ...edgeProperties };
    if (typeof fromBeginning === 'boolean') properties.fromBeginning = fromBeginning;
    const evidence = evidenceOf(file, subscribe);
    for (const topic of subscribedTopics(file, options)) {
      consumed.push(topic);
      records.push(channelRecord('Topic', 'topic', TECHNOLOGY, topic, evidence));
      records.push(
        edgeRecord(
          'CONSUMES',
          handler,
          topicRef(topic),
          { technology: TECHNOLOGY, properties },
          evidence,
        ),
      );
    }
  }
  // A handler of several topics may parse each differently; which parse belongs to which
  // topic is not followed yet, so only a single-topic handler says what it consumes.
  const [only] = consumed;
  if (fn && only && consumed.length === 1) {
    for (const carried of distinctEvents(parsedEvents(file, fn)))
      records.push(...carriesRecords(file, topicRef(only), carried, TECHNOLOGY));
  }
  return records;
}

/**
 * The consumer group. A factory `consumerFor(groupId)` names it with its parameter; the call
 * that made this consumer, `const search = consumerFor('search')`, then supplies the name.
 */
function groupOf(file: TsFile, groupNode: Node, variable: Node | undefined): string {
  const parameter = file.resolver.parameterOf(groupNode);
  const made =
    parameter && variable && Node.isVariableDeclaration(variable)
      ? variable.getInitializer()
      : undefined;
  const call = made ? strip(made) : undefined;
  if (parameter && call && Node.isCallExpression(call)) {
    const factory = parameter.declaration.getParent();
    const argument = call.getArguments()[parameter.index];
    if (argument && file.resolver.functionOf(call.getExpression()) === factory) {
      return file.resolver.resolveName(argument).name;
    }
  }
  return file.resolver.resolveName(groupNode).name;
}

function subscribedTopics(file: TsFile, options: Map<string, Node>): ResolvedName[] {
  const single = options.get('topic');
  const list = options.get('topics');
  const nodes = single
    ? [single]
    : list && Node.isArrayLiteralExpression(list)
      ? list.getElements()
      : [];
  // A RegExp subscribes to whatever topics match at run time: keep it as written.
  return nodes.map((node) =>
    Node.isRegularExpressionLiteral(node)
      ? { name: node.getText(), dynamic: true, expression: node.getText() }
      : file.resolver.resolveName(node),
  );
}

// ---- admin -------------------------------------------------------------------------------

function createTopics(file: TsFile, call: CallExpression): GraphRecord[] {
  const topics = file.resolver.objectProperties(call.getArguments()[0]).get('topics');
  if (!topics || !Node.isArrayLiteralExpression(topics)) return [];
  return topics.getElements().flatMap((element) => {
    const fields = file.resolver.objectProperties(element);
    const topic = fields.get('topic');
    if (!topic) return [];
    const properties: Properties = {};
    const partitions = file.resolver.literalOf(fields.get('numPartitions'));
    if (typeof partitions === 'number') properties.partitions = partitions;
    const retention = configEntry(file, fields.get('configEntries'), 'retention.ms');
    if (retention !== undefined && Number.isFinite(Number(retention)))
      properties.retentionMs = Number(retention);
    const resolved = file.resolver.resolveName(topic);
    return [
      channelRecord('Topic', 'topic', TECHNOLOGY, resolved, evidenceOf(file, element), properties),
    ];
  });
}

function configEntry(
  file: TsFile,
  entries: Node | undefined,
  name: string,
): string | number | boolean | undefined {
  if (!entries || !Node.isArrayLiteralExpression(entries)) return undefined;
  for (const entry of entries.getElements()) {
    const fields = file.resolver.objectProperties(entry);
    if (file.resolver.literalOf(fields.get('name')) === name)
      return file.resolver.literalOf(fields.get('value'));
  }
  return undefined;
}

function topicRef(resolved: ResolvedName): NodeRef {
  return ref.channel('Topic', TECHNOLOGY, resolved.name);
}
