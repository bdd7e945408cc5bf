// amqplib (promise and callback APIs): exchanges, queues, bindings, publishes and consumers.
import createDebug from 'debug';
import { Node, SyntaxKind, type CallExpression } from 'ts-morph';
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

const debug = createDebug('eventgraph:extract:amqplib');

export const amqplibExtractor: Extractor<TsFile> = {
  id: 'amqplib',
  title: 'amqplib channels: exchanges, queues, bindings, publishes and consumers',
  docs: 'https://amqp-node.github.io/amqplib/channel_api.html',
  language: 'typescript',
  technologies: ['rabbitmq'],
  packages: ['amqplib'],
  imports: ['amqplib'],
  prefilter: [
    'amqplib',
    'assertExchange',
    'assertQueue',
    'bindQueue',
    '.publish(',
    'sendToQueue',
    '.consume(',
  ],
  emits: {
    nodes: ['Topic', 'Queue', 'Handler', 'Event'],
    edges: ['PUBLISHES', 'CONSUMES', 'ROUTES_TO', 'DEAD_LETTERS_TO', 'CARRIES'],
  },
  extract,
};

const TECHNOLOGY = 'rabbitmq';
const MODULES = new Set(['amqplib', 'amqplib/callback_api']);
const METHODS = new Set([
  'assertExchange',
  'assertQueue',
  'bindQueue',
  'publish',
  'sendToQueue',
  'consume',
  'prefetch',
]);
const CHANNEL_FACTORIES = ['createChannel', 'createConfirmChannel'];

/** A call on an amqplib channel. */
export interface ChannelCall {
  call: MethodCall;
  /** Which channel: the createChannel call that made it, or the code naming it. */
  channel: Node | string;
}

/** The channel methods read, for clients that hand out amqplib channels. */
export const CHANNEL_METHODS: ReadonlySet<string> = METHODS;

function extract(file: TsFile): GraphRecord[] {
  const calls: ChannelCall[] = [];
  for (const call of methodCalls(file, METHODS)) {
    const origin = file.resolver.traceOrigin(call.object);
    if (!origin || !MODULES.has(origin.module) || !isChannel(origin)) continue;
    calls.push({ call, channel: channelKey(origin, call.object) });
  }
  return channelRecords(file, calls);
}

/**
 * Records of calls on amqplib channels, however the channel was obtained: from amqplib, or
 * from a library wrapping it (amqp-connection-manager's setup functions and channel wrapper).
 */
export function channelRecords(file: TsFile, calls: readonly ChannelCall[]): GraphRecord[] {
  if (calls.length === 0) return [];
  const records: GraphRecord[] = [];
  const handlers = new Map<Node, NodeRef>();
  const names = new HandlerNames(file);
  const prefetch = new Map<Node | string, number>();
  for (const { call, channel } of calls) {
    const count = file.resolver.literalOf(call.call.getArguments()[0]);
    if (call.method === 'prefetch' && typeof count === 'number') prefetch.set(channel, count);
  }
  for (const { call, channel } of calls) {
    if (call.method === 'consume')
      records.push(...consume(file, call.call, prefetch.get(channel), handlers, names));
  }
  for (const { call } of calls) {
    const args = call.call.getArguments();
    if (call.method === 'assertExchange') records.push(...assertExchange(file, call.call, args));
    if (call.method === 'assertQueue') records.push(...assertQueue(file, call.call, args));
    if (call.method === 'bindQueue') records.push(...bindQueue(file, call.call, args));
    if (call.method === 'publish') records.push(...publish(file, call.call, handlers));
    if (call.method === 'sendToQueue') records.push(...sendToQueue(file, call.call, handlers));
  }
  debug('%s: %d records', file.input.path, records.length);
  return records;
}

function isChannel(origin: Origin): boolean {
  const tokens = originTokens(origin);
  const last = tokens.at(-1);
  if (last === 'type Channel' || last === 'type ConfirmChannel') return true;
  // connect() ... createChannel(): a callback or awaited promise, both leave the same chain.
  return (
    tokens.length >= 4 &&
    tokens[0] === 'connect' &&
    last === '()' &&
    CHANNEL_FACTORIES.includes(tokens.at(-2) ?? '')
  );
}

function channelKey(origin: Origin, object: Node): Node | string {
  for (const factory of CHANNEL_FACTORIES) {
    const call = originCall(origin, factory);
    if (call) return call;
  }
  return object.getText();
}

// ---- topology ----------------------------------------------------------------------------

function assertExchange(file: TsFile, call: CallExpression, args: Node[]): GraphRecord[] {
  const [name, type, options] = args;
  if (!name) return [];
  const properties: Properties = {};
  const exchangeType = file.resolver.literalOf(type);
  if (typeof exchangeType === 'string') properties.exchangeType = exchangeType;
  const durable = file.resolver.literalOf(file.resolver.objectProperties(options).get('durable'));
  if (typeof durable === 'boolean') properties.durable = durable;
  return [
    channelRecord(
      'Topic',
      'exchange',
      TECHNOLOGY,
      exchangeName(file, name),
      evidenceOf(file, call),
      properties,
    ),
  ];
}

function isEmptyObject(node: Node): boolean {
  return Node.isObjectLiteralExpression(node) && node.getProperties().length === 0;
}

function assertQueue(file: TsFile, call: CallExpression, args: Node[]): GraphRecord[] {
  const [name, options] = args;
  if (!name) return [];
  const fields = file.resolver.objectProperties(options);
  const queueArguments = file.resolver.objectProperties(fields.get('arguments'));
  const option = (key: string, argument: string) =>
    file.resolver.literalOf(fields.get(key) ?? queueArguments.get(argument));

  const properties: Properties = {};
  const durable = option('durable', 'x-durable');
  if (typeof durable === 'boolean') properties.durable = durable;
  const ttl = option('messageTtl', 'x-message-ttl');
  if (typeof ttl === 'number') properties.messageTtlMs = ttl;
  const maxLength = option('maxLength', 'x-max-length');
  if (typeof maxLength === 'number') properties.maxLength = maxLength;
  // Options built elsewhere may hold a dead-letter exchange nobody can read from here.
  const unread = [options, fields.get('arguments')].find(
    (node) =>
      node !== undefined && file.resolver.objectProperties(node).size === 0 && !isEmptyObject(node),
  );
  if (unread) properties.unresolvedArguments = unread.getText();

  const evidence = evidenceOf(file, call);
  const queue = queueName(file, name);
  // A server-named queue (`assertQueue('')`) has no name until run time; its consumers show it.
  if (queue.dynamic && queue.expression === "''") return [];
  const records: GraphRecord[] = [
    channelRecord('Queue', 'queue', TECHNOLOGY, queue, evidence, properties),
  ];

  const deadLetter =
    fields.get('deadLetterExchange') ?? queueArguments.get('x-dead-letter-exchange');
  if (deadLetter) {
    const routing =
      fields.get('deadLetterRoutingKey') ?? queueArguments.get('x-dead-letter-routing-key');
    const routingKey = routing ? file.resolver.resolveName(routing) : undefined;
    const target = deliveryTarget(file, deadLetter, routingKey);
    const edgeProperties: Properties = {};
    if (routingKey) edgeProperties.routingKey = routingKey.name;
    records.push(target.record(evidence));
    records.push(
      edgeRecord(
        'DEAD_LETTERS_TO',
        ref.channel('Queue', TECHNOLOGY, queue.name),
        target.ref,
        {
          technology: TECHNOLOGY,
          properties: edgeProperties,
        },
        evidence,
      ),
    );
  }
  return records;
}

function bindQueue(file: TsFile, call: CallExpression, args: Node[]): GraphRecord[] {
  const [queue, exchange, pattern] = args;
  if (!queue || !exchange) return [];
  const evidence = evidenceOf(file, call);
  const exchangeResolved = exchangeName(file, exchange);
  const queueResolved = queueName(file, queue);
  const properties: Properties = {};
  if (pattern) properties.routingKey = file.resolver.resolveName(pattern).name;
  return [
    channelRecord('Topic', 'exchange', TECHNOLOGY, exchangeResolved, evidence),
    channelRecord('Queue', 'queue', TECHNOLOGY, queueResolved, evidence),
    edgeRecord(
      'ROUTES_TO',
      exchangeRef(exchangeResolved),
      queueRef(queueResolved),
      {
        technology: TECHNOLOGY,
        properties,
      },
      evidence,
    ),
  ];
}

// ---- publishing --------------------------------------------------------------------------

function publish(
  file: TsFile,
  call: CallExpression,
  handlers: ReadonlyMap<Node, NodeRef>,
): GraphRecord[] {
  const [exchange, routingKey, content, options] = call.getArguments();
  if (!exchange || !routingKey) return [];
  const properties = publishOptions(file, options);

  return publishTargets(file, [exchange, routingKey], call, handlers).flatMap((target) => {
    const [exchangeResolved, keyResolved] = target.names as [ResolvedName, ResolvedName];
    const edgeProperties: Properties = { ...properties, routingKey: keyResolved.name };
    if (target.via !== undefined) edgeProperties.via = target.via;
    const destination = deliveryTarget(file, exchange, keyResolved, exchangeResolved);
    return [
      destination.record(target.evidence),
      edgeRecord(
        'PUBLISHES',
        target.publisher,
        destination.ref,
        {
          technology: TECHNOLOGY,
          properties: edgeProperties,
        },
        target.evidence,
      ),
      ...distinctEvents(publishedEvents(file, content, target)).flatMap((carried) =>
        carriesRecords(file, destination.ref, carried, TECHNOLOGY),
      ),
    ];
  });
}

function sendToQueue(
  file: TsFile,
  call: CallExpression,
  handlers: ReadonlyMap<Node, NodeRef>,
): GraphRecord[] {
  const [queue, content, options] = call.getArguments();
  if (!queue) return [];
  const properties = publishOptions(file, options);
  return publishTargets(file, [queue], call, handlers).flatMap((target) => {
    const [resolved] = target.names as [ResolvedName];
    const edgeProperties: Properties = { ...properties };
    if (target.via !== undefined) edgeProperties.via = target.via;
    return [
      channelRecord('Queue', 'queue', TECHNOLOGY, resolved, target.evidence),
      edgeRecord(
        'PUBLISHES',
        target.publisher,
        queueRef(resolved),
        {
          technology: TECHNOLOGY,
          properties: edgeProperties,
        },
        target.evidence,
      ),
      ...distinctEvents(publishedEvents(file, content, target)).flatMap((carried) =>
        carriesRecords(file, queueRef(resolved), carried, TECHNOLOGY),
      ),
    ];
  });
}

function publishOptions(file: TsFile, options: Node | undefined): Properties {
  const fields = file.resolver.objectProperties(options);
  const properties: Properties = {};
  const persistent = file.resolver.literalOf(fields.get('persistent'));
  if (typeof persistent === 'boolean') properties.persistent = persistent;
  const replyTo = fields.get('replyTo');
  if (replyTo) properties.replyTo = file.resolver.resolveName(replyTo).name;
  const correlationId = fields.get('correlationId');
  if (correlationId) properties.correlationId = compactText(correlationId);
  return properties;
}

/**
 * Where a message addressed to (exchange, routing key) goes: the default exchange '' delivers
 * straight to the queue named by the routing key; any other exchange is a Topic.
 */
function deliveryTarget(
  file: TsFile,
  exchange: Node,
  routingKey: ResolvedName | undefined,
  resolvedExchange?: ResolvedName,
): { ref: NodeRef; record: (evidence: ReturnType<typeof evidenceOf>) => GraphRecord } {
  const resolved = resolvedExchange ?? file.resolver.resolveName(exchange);
  if (!resolved.dynamic && resolved.name === '' && routingKey) {
    return {
      ref: queueRef(routingKey),
      record: (evidence) => channelRecord('Queue', 'queue', TECHNOLOGY, routingKey, evidence),
    };
  }
  const named = resolved.name === '' ? defaultExchange() : resolved;
  return {
    ref: exchangeRef(named),
    record: (evidence) => channelRecord('Topic', 'exchange', TECHNOLOGY, named, evidence),
  };
}

// ---- consuming ---------------------------------------------------------------------------

function consume(
  file: TsFile,
  call: CallExpression,
  prefetch: number | undefined,
  handlers: Map<Node, NodeRef>,
  names: HandlerNames,
): GraphRecord[] {
  const [queue, callback, options] = call.getArguments();
  if (!queue || !callback) return [];
  const noAck =
    file.resolver.literalOf(file.resolver.objectProperties(options).get('noAck')) === true;

  return file.resolver.nameSites([queue, callback]).flatMap((site) => {
    const resolved = queueName(file, queue, site.names[0]);
    const at = site.site ?? call;
    const fn = file.resolver.functionOf(site.expressions[1] ?? callback);
    const given = (fn ? functionName(fn) : undefined) ?? `${resolved.name} consumer`;
    const { ref: handler, name } = names.handler(fn ?? at, fn ?? at, given);
    if (fn) handlers.set(fn, handler);

    const properties: Properties = { ack: noAck ? 'auto' : 'manual' };
    if (prefetch !== undefined) properties.prefetch = prefetch;
    const handlerProperties: Properties = { ...properties };
    if (fn && requeuesOnNack(fn)) handlerProperties.retry = 'requeue on nack';
    const evidence = evidenceOf(file, at);
    const events = fn ? distinctEvents(parsedEvents(file, fn)) : [];
    return [
      nodeRecord(
        handler,
        { name, technology: TECHNOLOGY, properties: handlerProperties },
        evidenceOf(file, fn ?? at),
      ),
      channelRecord('Queue', 'queue', TECHNOLOGY, resolved, evidence),
      edgeRecord(
        'CONSUMES',
        handler,
        queueRef(resolved),
        { technology: TECHNOLOGY, properties },
        evidence,
      ),
      ...events.flatMap((carried) => carriesRecords(file, queueRef(resolved), carried, TECHNOLOGY)),
    ];
  });
}

/** nack(msg, allUpTo, requeue) and reject(msg, requeue) requeue unless told not to. */
function requeuesOnNack(fn: Node): boolean {
  return fn.getDescendantsOfKind(SyntaxKind.CallExpression).some((call) => {
    const callee = call.getExpression();
    if (!Node.isPropertyAccessExpression(callee)) return false;
    const requeue = call.getArguments()[callee.getName() === 'nack' ? 2 : 1];
    if (callee.getName() !== 'nack' && callee.getName() !== 'reject') return false;
    return requeue === undefined || requeue.getKind() === SyntaxKind.TrueKeyword;
  });
}

// ---- names -------------------------------------------------------------------------------

/** A server-named queue (`assertQueue('')`) has no name in code: keep the expression. */
function queueName(
  file: TsFile,
  node: Node,
  resolved = file.resolver.resolveName(node),
): ResolvedName {
  if (!resolved.dynamic && resolved.name === '')
    return { name: "''", dynamic: true, expression: "''" };
  return resolved;
}

function exchangeName(file: TsFile, node: Node): ResolvedName {
  const resolved = file.resolver.resolveName(node);
  return !resolved.dynamic && resolved.name === '' ? defaultExchange() : resolved;
}

/** RabbitMQ calls the nameless exchange "(AMQP default)". */
function defaultExchange(): ResolvedName {
  return { name: '(AMQP default)', dynamic: false, expression: "''" };
}

function exchangeRef(resolved: ResolvedName): NodeRef {
  return ref.channel('Topic', TECHNOLOGY, resolved.name);
}

function queueRef(resolved: ResolvedName): NodeRef {
  return ref.channel('Queue', TECHNOLOGY, resolved.name);
}
