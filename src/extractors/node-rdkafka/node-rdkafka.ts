// librdkafka clients for Node: node-rdkafka, and @confluentinc/kafka-javascript, which offers
// the same Producer/KafkaConsumer API plus the kafkajs API under `KafkaJS` (read by the kafkajs
// extractor's code, so both give the same records).
import createDebug from 'debug';
import { Node, type CallExpression } from 'ts-morph';
import {
  channelRecord,
  edgeRecord,
  nodeRecord,
  ref,
  type Evidence,
  type GraphRecord,
  type NodeRef,
  type Properties,
  type ResolvedName,
} from '../../model/graph.js';
import type { Extractor } from '../contract.js';
import type { TsFile } from '../../lang/typescript/frontend.js';
import { functionName, originTokens, strip, type Origin } from '../../lang/typescript/resolve.js';
import {
  compactText,
  evidenceOf,
  HandlerNames,
  methodCalls,
  publishTargets,
} from '../../lang/typescript/sites.js';
import {
  carriesRecords,
  distinctEvents,
  parsedEvents,
  publishedEvents,
} from '../../lang/typescript/payload-types.js';
import { extractKafkaJsApi } from '../kafkajs/kafkajs.js';

const debug = createDebug('eventgraph:extract:node-rdkafka');

export const nodeRdkafkaExtractor: Extractor<TsFile> = {
  id: 'node-rdkafka',
  title: 'node-rdkafka and @confluentinc/kafka-javascript producers and consumers',
  docs: 'https://github.com/confluentinc/confluent-kafka-javascript',
  language: 'typescript',
  technologies: ['kafka'],
  packages: ['node-rdkafka', '@confluentinc/kafka-javascript'],
  imports: ['node-rdkafka', '@confluentinc/kafka-javascript'],
  prefilter: [
    'node-rdkafka',
    'kafka-javascript',
    '.produce(',
    '.send(',
    '.sendBatch(',
    '.subscribe(',
    '.run(',
    '.consume(',
    'createTopics',
    'createReadStream',
    'createWriteStream',
  ],
  emits: { nodes: ['Topic', 'Handler', 'Event'], edges: ['PUBLISHES', 'CONSUMES', 'CARRIES'] },
  extract,
};

const TECHNOLOGY = 'kafka';
const CONFLUENT = '@confluentinc/kafka-javascript';
const MODULES = new Set(['node-rdkafka', CONFLUENT]);
const METHODS = new Set([
  'produce',
  'subscribe',
  'consume',
  'on',
  'beginTransaction',
  'initTransactions',
]);

type Role = 'producer' | 'write-stream' | 'consumer' | 'read-stream';

interface ClientCall {
  call: CallExpression;
  method: string;
  origin: Origin;
  role: Role;
  /** Which client: the `new` or factory call that made it. */
  client: Node | string;
}

function extract(file: TsFile): GraphRecord[] {
  const records = extractKafkaJsApi(file, CONFLUENT);
  const calls: ClientCall[] = [];
  for (const { call, object, method } of methodCalls(file, METHODS)) {
    const origin = file.resolver.traceOrigin(object);
    const role = origin && MODULES.has(origin.module) ? roleOf(origin) : undefined;
    if (origin && role) calls.push({ call, method, origin, role, client: clientKey(origin) });
  }
  // `Producer.createWriteStream(conf, topicConf, { topic })` names its topic where it is made.
  for (const { call, object } of methodCalls(file, new Set(['createWriteStream']))) {
    const origin = file.resolver.traceOrigin(object);
    if (origin && MODULES.has(origin.module) && /Producer$/.test(originTokens(origin).join(' ')))
      records.push(...writeStream(file, call));
  }
  if (calls.length === 0) return records;

  const handlers = new Map<Node, NodeRef>();
  const names = new HandlerNames(file);
  const consumers = new Map<Node | string, ClientCall[]>();
  for (const call of calls) {
    if (call.role !== 'consumer' && call.role !== 'read-stream') continue;
    consumers.set(call.client, [...(consumers.get(call.client) ?? []), call]);
  }
  for (const consumerCalls of consumers.values())
    records.push(...consume(file, consumerCalls, handlers, names));

  const transactional = new Set(
    calls
      .filter((c) => c.method === 'beginTransaction' || c.method === 'initTransactions')
      .map((c) => c.client),
  );
  for (const call of calls) {
    if (call.role === 'producer' && call.method === 'produce')
      records.push(...produce(file, call, transactional.has(call.client), handlers));
  }
  debug('%s: %d records', file.input.path, records.length);
  return records;
}

function roleOf(origin: Origin): Role | undefined {
  const tokens = originTokens(origin).join(' ');
  if (/(^| )(HighLevel)?Producer new$/.test(tokens)) return 'producer';
  if (/(^| )KafkaConsumer new$/.test(tokens)) return 'consumer';
  if (/(^| )KafkaConsumer createReadStream \(\)$/.test(tokens)) return 'read-stream';
  return undefined;
}

function clientKey(origin: Origin): Node | string {
  const made = [...origin.steps]
    .reverse()
    .find((step) => step.kind === 'new' || step.kind === 'call');
  return made && 'node' in made ? made.node : originTokens(origin).join(' ');
}

function creationOf(origin: Origin): CallExpression | Node | undefined {
  const made = [...origin.steps]
    .reverse()
    .find((step) => step.kind === 'new' || step.kind === 'call');
  return made && 'node' in made ? made.node : undefined;
}

function argumentsOf(node: Node | undefined): Node[] {
  return node && (Node.isCallExpression(node) || Node.isNewExpression(node))
    ? node.getArguments()
    : [];
}

// ---- producers ---------------------------------------------------------------------------

/** Idempotence, transactions and retries from the producer's librdkafka configuration. */
function producerProperties(file: TsFile, config: Node | undefined): Properties {
  const options = file.resolver.objectProperties(config);
  const literal = (key: string) => file.resolver.literalOf(options.get(key));
  const properties: Properties = {};
  if (literal('enable.idempotence') === true) properties.idempotent = true;
  if (options.has('transactional.id')) properties.transactional = true;
  const retries = literal('retries') ?? literal('message.send.max.retries');
  const backoff = literal('retry.backoff.ms');
  const retry = [
    retries === undefined ? undefined : `retries=${String(retries)}`,
    backoff === undefined ? undefined : `retry.backoff.ms=${String(backoff)}`,
  ].filter((part) => part !== undefined);
  if (retry.length > 0) properties.retry = retry.join(', ');
  const acks = literal('acks') ?? literal('request.required.acks');
  if (acks !== undefined) properties.acks = String(acks);
  return properties;
}

/** `producer.produce(topic, partition, value, key, timestamp, opaque, headers)`. */
function produce(
  file: TsFile,
  { call, origin }: ClientCall,
  transactional: boolean,
  handlers: ReadonlyMap<Node, NodeRef>,
): GraphRecord[] {
  const [topic, , value, key] = call.getArguments();
  if (!topic) return [];
  const properties = producerProperties(file, argumentsOf(creationOf(origin))[0]);
  if (transactional) properties.transactional = true;
  if (key && !/^(null|undefined)$/.test(key.getText())) properties.key = compactText(key);
  return publishTargets(file, [topic], call, handlers).flatMap((target) => {
    const [resolved] = target.names as [ResolvedName];
    const edgeProperties: Properties = { ...properties };
    if (target.via !== undefined) edgeProperties.via = target.via;
    return publishRecords(file, resolved, target.publisher, edgeProperties, target.evidence, [
      ...distinctEvents(publishedEvents(file, value, target)).flatMap((carried) =>
        carriesRecords(file, topicRef(resolved), carried, TECHNOLOGY),
      ),
    ]);
  });
}

function writeStream(file: TsFile, call: CallExpression): GraphRecord[] {
  const [config, , streamOptions] = call.getArguments();
  const topic = file.resolver.objectProperties(streamOptions).get('topic');
  if (!topic) return [];
  const resolved = file.resolver.resolveName(topic);
  const evidence = evidenceOf(file, call);
  return publishRecords(
    file,
    resolved,
    ref.serviceOf({ repository: file.input.repository, file: file.input.path }),
    producerProperties(file, config),
    evidence,
    [],
  );
}

function publishRecords(
  file: TsFile,
  topic: ResolvedName,
  publisher: NodeRef,
  properties: Properties,
  evidence: Evidence,
  carried: GraphRecord[],
): GraphRecord[] {
  return [
    channelRecord('Topic', 'topic', TECHNOLOGY, topic, evidence),
    edgeRecord(
      'PUBLISHES',
      publisher,
      topicRef(topic),
      { technology: TECHNOLOGY, properties },
      evidence,
    ),
    ...carried,
  ];
}

// ---- consumers ---------------------------------------------------------------------------

/**
 * One consumer: `new KafkaConsumer({ 'group.id' }, topicConfig)` with its subscribe, and the
 * function receiving messages (`on('data', fn)` or `consume(n, (err, messages) => ...)`).
 */
function consume(
  file: TsFile,
  calls: readonly ClientCall[],
  handlers: Map<Node, NodeRef>,
  names: HandlerNames,
): GraphRecord[] {
  const [first] = calls;
  if (!first) return [];
  const creation = creationOf(first.origin);
  const [config, topicConfig, streamOptions] = argumentsOf(creation);
  const options = file.resolver.objectProperties(config);
  const topicOptions = file.resolver.objectProperties(topicConfig);
  const group = options.get('group.id');
  const groupName = group ? file.resolver.resolveName(group).name : undefined;

  const subscribed: { topic: ResolvedName; evidence: Evidence }[] = [];
  for (const { call, method } of calls) {
    if (method !== 'subscribe') continue;
    const evidence = evidenceOf(file, call);
    for (const topic of topicList(file, call.getArguments()[0]))
      subscribed.push({ topic, evidence });
  }
  if (first.role === 'read-stream' && creation) {
    const evidence = evidenceOf(file, creation);
    const topics = file.resolver.objectProperties(streamOptions).get('topics');
    for (const topic of topicList(file, topics)) subscribed.push({ topic, evidence });
  }
  if (subscribed.length === 0) return [];

  const receiver = calls.find(
    (c) =>
      (c.method === 'on' && /^['"`]data['"`]$/.test(c.call.getArguments()[0]?.getText() ?? '')) ||
      (c.method === 'consume' && c.call.getArguments().length >= 2),
  );
  const callback = receiver?.call.getArguments()[1];
  const fn = callback ? file.resolver.functionOf(callback) : undefined;
  const size =
    receiver?.method === 'consume'
      ? file.resolver.literalOf(receiver.call.getArguments()[0])
      : undefined;
  const batch = typeof size === 'number' && size > 1;
  const anchor = receiver?.call ?? calls.find((c) => c.method === 'subscribe')?.call ?? first.call;
  const given =
    (fn ? functionName(fn) : undefined) ??
    `${groupName ?? first.call.getExpression().getText()} consumer`;
  const { ref: handler, name } = names.handler(anchor, fn ?? anchor, given);
  if (fn) handlers.set(fn, handler);

  const properties: Properties = { batch };
  if (groupName !== undefined) properties.group = groupName;
  const autoCommit = file.resolver.literalOf(options.get('enable.auto.commit'));
  if (typeof autoCommit === 'boolean') properties.autoCommit = autoCommit;
  const reset = file.resolver.literalOf(
    topicOptions.get('auto.offset.reset') ?? options.get('auto.offset.reset'),
  );
  if (typeof reset === 'string')
    properties.fromBeginning = /^(earliest|smallest|beginning)$/.test(reset);

  const records: GraphRecord[] = [
    nodeRecord(
      handler,
      { name, technology: TECHNOLOGY, properties: { ...properties } },
      evidenceOf(file, fn ?? anchor),
    ),
  ];
  for (const { topic, evidence } of subscribed) {
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
  const [only] = subscribed;
  if (fn && only && subscribed.length === 1) {
    for (const carried of distinctEvents(parsedEvents(file, fn)))
      records.push(...carriesRecords(file, topicRef(only.topic), carried, TECHNOLOGY));
  }
  return records;
}

/** A topic, a list of topics, or a RegExp kept as written. */
function topicList(file: TsFile, node: Node | undefined): ResolvedName[] {
  if (!node) return [];
  const value = file.resolver.constantNode(node);
  const elements = Node.isArrayLiteralExpression(value) ? value.getElements() : [node];
  return elements.map((element) => {
    const item = strip(element);
    return Node.isRegularExpressionLiteral(item)
      ? { name: item.getText(), dynamic: true, expression: item.getText() }
      : file.resolver.resolveName(element);
  });
}

function topicRef(resolved: ResolvedName): NodeRef {
  return ref.channel('Topic', TECHNOLOGY, resolved.name);
}
