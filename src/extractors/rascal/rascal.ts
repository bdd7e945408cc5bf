// rascal: the broker definition (vhosts with exchanges, queues, bindings, publications and
// subscriptions) passed to Broker.create, and broker.publish / broker.subscribe by name.
import createDebug from 'debug';
import { Node, SyntaxKind, type CallExpression } from 'ts-morph';
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
import {
  functionName,
  originCall,
  originTokens,
  strip,
  type Origin,
} from '../../lang/typescript/resolve.js';
import {
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

const debug = createDebug('eventgraph:extract:rascal');

export const rascalExtractor: Extractor<TsFile> = {
  id: 'rascal',
  title: 'rascal broker definitions, publications and subscriptions',
  docs: 'https://github.com/onebeyond/rascal#configuration',
  language: 'typescript',
  technologies: ['rabbitmq'],
  packages: ['rascal'],
  imports: ['rascal'],
  prefilter: ['rascal', '.publish(', '.subscribe(', '.create('],
  emits: {
    nodes: ['Topic', 'Queue', 'Handler', 'Event'],
    edges: ['PUBLISHES', 'CONSUMES', 'ROUTES_TO', 'DEAD_LETTERS_TO', 'CARRIES'],
  },
  extract,
};

const TECHNOLOGY = 'rabbitmq';
const CREATE = new Set(['create', 'createBroker']);
const METHODS = new Set([...CREATE, 'publish', 'forward', 'subscribe', 'on']);

interface Entry {
  name: string;
  fields: Map<string, Node>;
  at: Node;
}

/** What one broker definition declares, merged over its vhosts. */
interface Definition {
  config: Node;
  exchanges: Entry[];
  queues: Entry[];
  bindings: { source: string; destination: string; keys: string[]; at: Node }[];
  publications: Map<string, Entry>;
  subscriptions: Map<string, Entry>;
}

function extract(file: TsFile): GraphRecord[] {
  const calls = methodCalls(file, METHODS)
    .map((call) => ({ call, origin: file.resolver.traceOrigin(call.object) }))
    .filter((c): c is typeof c & { origin: Origin } => c.origin?.module === 'rascal');
  if (calls.length === 0) return [];

  const records: GraphRecord[] = [];
  for (const { call, origin } of calls) {
    if (!isCreate(call.method, origin)) continue;
    const definition = definitionOf(file, call.call);
    if (definition) records.push(...topology(file, definition));
  }

  const handlers = new Map<Node, NodeRef>();
  const names = new HandlerNames(file);
  const listened = new Set<CallExpression>();
  for (const { call, origin } of calls) {
    const subscribe = originCall(origin, 'subscribe');
    const event = call.call.getArguments()[0]?.getText() ?? '';
    if (call.method !== 'on' || !subscribe || !/^['"`]message['"`]$/.test(event)) continue;
    if (!Node.isCallExpression(subscribe)) continue;
    listened.add(subscribe);
    records.push(...subscription(file, origin, subscribe, call.call, handlers, names));
  }
  for (const { call, origin } of calls) {
    if (call.method === 'subscribe' && isBroker(origin) && !listened.has(call.call))
      records.push(...subscription(file, origin, call.call, undefined, handlers, names));
  }
  for (const { call, origin } of calls) {
    if ((call.method === 'publish' || call.method === 'forward') && isBroker(origin))
      records.push(...publish(file, origin, call.call, handlers));
  }
  debug('%s: %d records', file.input.path, records.length);
  return records;
}

/** `Broker.create`, `BrokerAsPromised.create`, or the module's own `createBroker`. */
function isCreate(method: string, origin: Origin): boolean {
  if (method === 'createBroker') return origin.steps.length === 0;
  return method === 'create' && /(^| )Broker(AsPromised)?$/.test(tokensOf(origin));
}

function tokensOf(origin: Origin): string {
  return originTokens(origin).join(' ');
}

function isBroker(origin: Origin): boolean {
  const tokens = tokensOf(origin);
  return /(^| )create(Broker)? \(\)$/.test(tokens) || /type Broker(AsPromised)?$/.test(tokens);
}

// ---- the broker definition ---------------------------------------------------------------

const definitionsByProject = new WeakMap<object, Definition[]>();

/**
 * The definition a broker was created with. A broker held in a typed field has no create call
 * to follow; when the loaded files create brokers from one definition only, it is that one.
 */
function brokerDefinition(file: TsFile, origin: Origin): Definition | undefined {
  const create = originCall(origin, 'create') ?? originCall(origin, 'createBroker');
  if (create && Node.isCallExpression(create)) return definitionOf(file, create);
  let all = definitionsByProject.get(file.resolver);
  if (!all) {
    all = [];
    for (const source of file.source.getProject().getSourceFiles()) {
      for (const { call, object, method } of methodCalls({ ...file, source }, CREATE)) {
        const made = file.resolver.traceOrigin(object);
        if (made?.module !== 'rascal' || !isCreate(method, made)) continue;
        const definition = definitionOf(file, call);
        if (definition && !all.some((d) => d.config === definition.config)) all.push(definition);
      }
    }
    definitionsByProject.set(file.resolver, all);
  }
  return all.length === 1 ? all[0] : undefined;
}

const definitionsByCall = new WeakMap<CallExpression, Definition | undefined>();

function definitionOf(file: TsFile, create: CallExpression): Definition | undefined {
  if (definitionsByCall.has(create)) return definitionsByCall.get(create);
  let argument = create.getArguments()[0];
  // `rascal.withDefaultConfig(definition)` adds defaults around what the code declares.
  for (let depth = 0; argument && depth < 4; depth += 1) {
    const value = strip(argument);
    const definition = Node.isIdentifier(value) ? file.resolver.definitionOf(value) : undefined;
    const initializer = Node.isVariableDeclaration(definition)
      ? definition.getInitializer()
      : undefined;
    if (initializer && Node.isCallExpression(strip(initializer))) argument = initializer;
    else if (Node.isCallExpression(value) && /with\w*Config$/.test(value.getExpression().getText()))
      argument = value.getArguments()[0];
    else break;
  }
  const config = argument ? file.resolver.constantNode(argument) : undefined;
  const fields = file.resolver.objectProperties(config);
  let definition: Definition | undefined;
  if (config && fields.size > 0) {
    definition = {
      config,
      exchanges: [],
      queues: [],
      bindings: [],
      publications: new Map(),
      subscriptions: new Map(),
    };
    for (const vhost of entries(file, fields.get('vhosts'))) read(file, definition, vhost.fields);
    read(file, definition, fields);
  }
  definitionsByCall.set(create, definition);
  return definition;
}

function read(file: TsFile, definition: Definition, section: Map<string, Node>): void {
  definition.exchanges.push(...entries(file, section.get('exchanges')));
  definition.queues.push(...entries(file, section.get('queues')));
  for (const binding of entries(file, section.get('bindings'))) {
    const parsed = parseBinding(binding.name);
    const field = (key: string) => file.resolver.literalOf(binding.fields.get(key));
    const source = field('source') ?? parsed?.source;
    const destination = field('destination') ?? parsed?.destination;
    if (typeof source !== 'string' || typeof destination !== 'string') continue;
    if (field('destinationType') === 'exchange') continue;
    const keys = bindingKeys(file, binding.fields) ?? parsed?.keys ?? [];
    definition.bindings.push({ source, destination, keys, at: binding.at });
  }
  for (const publication of entries(file, section.get('publications')))
    definition.publications.set(publication.name, publication);
  for (const subscription of entries(file, section.get('subscriptions')))
    definition.subscriptions.set(subscription.name, subscription);
}

/** A section written as a list of names or as an object keyed by name. */
function entries(file: TsFile, section: Node | undefined): Entry[] {
  if (!section) return [];
  const node = file.resolver.constantNode(section);
  if (Node.isArrayLiteralExpression(node)) {
    return node.getElements().flatMap((element) => {
      const fields = file.resolver.objectProperties(element);
      const name = file.resolver.literalOf(fields.size > 0 ? fields.get('name') : element);
      return typeof name === 'string' ? [{ name, fields, at: element }] : [];
    });
  }
  if (!Node.isObjectLiteralExpression(node)) return [];
  return node.getProperties().flatMap((property) => {
    if (!Node.isPropertyAssignment(property)) return [];
    const key = property.getNameNode();
    const name = Node.isComputedPropertyName(key)
      ? file.resolver.literalOf(key.getExpression())
      : property.getName().replace(/^['"`]|['"`]$/g, '');
    const initializer = property.getInitializer();
    return typeof name === 'string' && initializer
      ? [{ name, fields: file.resolver.objectProperties(initializer), at: property }]
      : [];
  });
}

/** rascal's binding shorthand: `source[key1, key2] -> destination`. */
function parseBinding(
  text: string,
): { source: string; destination: string; keys: string[] } | undefined {
  const match = /^\s*([^[\s]+)\s*(?:\[([^\]]*)\])?\s*->\s*(\S+)\s*$/.exec(text);
  if (!match?.[1] || !match[3]) return undefined;
  const keys = (match[2] ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter((key) => key !== '');
  return { source: match[1], destination: match[3], keys };
}

function bindingKeys(file: TsFile, fields: Map<string, Node>): string[] | undefined {
  const single = file.resolver.literalOf(fields.get('bindingKey'));
  if (typeof single === 'string') return [single];
  const list = fields.get('bindingKeys');
  const node = list ? file.resolver.constantNode(list) : undefined;
  const one = file.resolver.literalOf(node);
  if (typeof one === 'string') return [one];
  if (!node || !Node.isArrayLiteralExpression(node)) return undefined;
  return node.getElements().flatMap((e) => {
    const key = file.resolver.literalOf(e);
    return typeof key === 'string' ? [key] : [];
  });
}

function topology(file: TsFile, definition: Definition): GraphRecord[] {
  const records: GraphRecord[] = [];
  for (const exchange of definition.exchanges) {
    const properties: Properties = {};
    const type = file.resolver.literalOf(exchange.fields.get('type'));
    if (typeof type === 'string') properties.exchangeType = type;
    const durable = file.resolver.literalOf(options(file, exchange).get('durable'));
    if (typeof durable === 'boolean') properties.durable = durable;
    records.push(
      channelRecord(
        'Topic',
        'exchange',
        TECHNOLOGY,
        named(exchange.name),
        evidenceOf(file, exchange.at),
        properties,
      ),
    );
  }
  for (const queue of definition.queues) records.push(...declareQueue(file, queue));
  for (const binding of definition.bindings) {
    const evidence = evidenceOf(file, binding.at);
    records.push(channelRecord('Topic', 'exchange', TECHNOLOGY, named(binding.source), evidence));
    records.push(channelRecord('Queue', 'queue', TECHNOLOGY, named(binding.destination), evidence));
    for (const key of binding.keys.length > 0 ? binding.keys : [undefined]) {
      records.push(
        edgeRecord(
          'ROUTES_TO',
          exchangeRef(binding.source),
          queueRef(binding.destination),
          { technology: TECHNOLOGY, properties: key === undefined ? {} : { routingKey: key } },
          evidence,
        ),
      );
    }
  }
  return records;
}

function options(file: TsFile, entry: Entry): Map<string, Node> {
  return file.resolver.objectProperties(entry.fields.get('options'));
}

function declareQueue(file: TsFile, queue: Entry): GraphRecord[] {
  const queueOptions = options(file, queue);
  const queueArguments = file.resolver.objectProperties(queueOptions.get('arguments'));
  const option = (key: string, argument: string) =>
    file.resolver.literalOf(queueOptions.get(key) ?? queueArguments.get(argument));
  const properties: Properties = {};
  const durable = file.resolver.literalOf(queueOptions.get('durable'));
  if (typeof durable === 'boolean') properties.durable = durable;
  const ttl = option('messageTtl', 'x-message-ttl');
  if (typeof ttl === 'number') properties.messageTtlMs = ttl;
  const maxLength = option('maxLength', 'x-max-length');
  if (typeof maxLength === 'number') properties.maxLength = maxLength;
  const evidence = evidenceOf(file, queue.at);
  const records: GraphRecord[] = [
    channelRecord('Queue', 'queue', TECHNOLOGY, named(queue.name), evidence, properties),
  ];

  const deadLetter = option('deadLetterExchange', 'x-dead-letter-exchange');
  if (typeof deadLetter !== 'string') return records;
  const routingKey = option('deadLetterRoutingKey', 'x-dead-letter-routing-key');
  const edgeProperties: Properties = {};
  if (typeof routingKey === 'string') edgeProperties.routingKey = routingKey;
  // The default exchange '' delivers to the queue the routing key names.
  const toQueue = deadLetter === '' && typeof routingKey === 'string';
  const target = toQueue ? queueRef(routingKey) : exchangeRef(deadLetter || '(AMQP default)');
  records.push(
    toQueue
      ? channelRecord('Queue', 'queue', TECHNOLOGY, named(routingKey), evidence)
      : channelRecord(
          'Topic',
          'exchange',
          TECHNOLOGY,
          named(deadLetter || '(AMQP default)'),
          evidence,
        ),
    edgeRecord(
      'DEAD_LETTERS_TO',
      queueRef(queue.name),
      target,
      { technology: TECHNOLOGY, properties: edgeProperties },
      evidence,
    ),
  );
  return records;
}

// ---- publishing --------------------------------------------------------------------------

interface Destination {
  label: 'Topic' | 'Queue';
  name: string;
  routingKey?: string;
}

/**
 * Where a publication delivers: its exchange (with routing key) or queue. Without a declared
 * publication, rascal publishes to the exchange or queue of that name.
 */
function destinationOf(
  file: TsFile,
  definition: Definition,
  publication: string,
): Destination | undefined {
  const declared = definition.publications.get(publication);
  if (declared) {
    const exchange = file.resolver.literalOf(declared.fields.get('exchange'));
    const queue = file.resolver.literalOf(declared.fields.get('queue'));
    const routingKey = declared.fields.get('routingKey');
    if (typeof exchange === 'string') {
      const destination: Destination = { label: 'Topic', name: exchange || '(AMQP default)' };
      if (routingKey) destination.routingKey = file.resolver.resolveName(routingKey).name;
      return destination;
    }
    return typeof queue === 'string' ? { label: 'Queue', name: queue } : undefined;
  }
  const bare = publication.replace(/^.*\//, '');
  if (definition.exchanges.some((e) => e.name === bare)) return { label: 'Topic', name: bare };
  if (definition.queues.some((q) => q.name === bare)) return { label: 'Queue', name: bare };
  return undefined;
}

function publish(
  file: TsFile,
  origin: Origin,
  call: CallExpression,
  handlers: ReadonlyMap<Node, NodeRef>,
): GraphRecord[] {
  const [name, message, overrides] = call.getArguments();
  const definition = brokerDefinition(file, origin);
  if (!name || !definition) return [];
  const override = overrides ? file.resolver.literalOf(overrides) : undefined;
  const overrideKey =
    typeof override === 'string'
      ? override
      : file.resolver.literalOf(file.resolver.objectProperties(overrides).get('routingKey'));

  return publishTargets(file, [name], call, handlers).flatMap((target) => {
    const [resolved] = target.names as [ResolvedName];
    const destination = resolved.dynamic
      ? undefined
      : destinationOf(file, definition, resolved.name);
    if (!destination) return [];
    const properties: Properties = { publication: resolved.name };
    const routingKey = typeof overrideKey === 'string' ? overrideKey : destination.routingKey;
    if (routingKey !== undefined) properties.routingKey = routingKey;
    if (target.via !== undefined) properties.via = target.via;
    return [
      ...sendRecords(destination, target.publisher, properties, target.evidence),
      ...distinctEvents(publishedEvents(file, message, target)).flatMap((carried) =>
        carriesRecords(file, destinationRef(destination), carried, TECHNOLOGY),
      ),
    ];
  });
}

function sendRecords(
  destination: Destination,
  publisher: NodeRef,
  properties: Properties,
  evidence: Evidence,
): GraphRecord[] {
  return [
    destination.label === 'Topic'
      ? channelRecord('Topic', 'exchange', TECHNOLOGY, named(destination.name), evidence)
      : channelRecord('Queue', 'queue', TECHNOLOGY, named(destination.name), evidence),
    edgeRecord(
      'PUBLISHES',
      publisher,
      destinationRef(destination),
      { technology: TECHNOLOGY, properties },
      evidence,
    ),
  ];
}

// ---- subscribing -------------------------------------------------------------------------

/** `broker.subscribe(name)` and the 'message' listener of the subscription it returns. */
function subscription(
  file: TsFile,
  origin: Origin,
  subscribe: CallExpression,
  listener: CallExpression | undefined,
  handlers: Map<Node, NodeRef>,
  names: HandlerNames,
): GraphRecord[] {
  const [nameNode] = subscribe.getArguments();
  const definition = brokerDefinition(file, origin);
  if (!nameNode || !definition) return [];
  const name = file.resolver.resolveName(nameNode);
  if (name.dynamic) return [];
  const declared = definition.subscriptions.get(name.name);
  const queueField = file.resolver.literalOf(declared?.fields.get('queue'));
  const bare = name.name.replace(/^.*\//, '');
  const queue =
    typeof queueField === 'string'
      ? queueField
      : definition.queues.some((q) => q.name === bare)
        ? bare
        : undefined;
  if (queue === undefined) return [];

  const callback = listener?.getArguments()[1];
  const fn = callback ? file.resolver.functionOf(callback) : undefined;
  const anchor = listener ?? subscribe;
  const { ref: handler, name: handlerName } = names.handler(
    anchor,
    fn ?? anchor,
    (fn ? functionName(fn) : undefined) ?? `${name.name} subscriber`,
  );
  if (fn) handlers.set(fn, handler);

  const properties: Properties = { ack: 'manual' };
  const prefetch = file.resolver.literalOf(declared?.fields.get('prefetch'));
  if (typeof prefetch === 'number') properties.prefetch = prefetch;
  const handlerProperties: Properties = { ...properties };
  const retry = [
    redeliveries(file, declared),
    // Forwarding parks a message elsewhere; only republishing and requeueing try it again.
    ...(fn ? recoveries(file, fn).filter((r) => r.publication === undefined) : []).map(
      (r) => r.summary,
    ),
  ].filter((part) => part !== undefined);
  if (retry.length > 0) handlerProperties.retry = retry.join(', ');

  const evidence = evidenceOf(file, subscribe);
  const records: GraphRecord[] = [
    nodeRecord(
      handler,
      { name: handlerName, technology: TECHNOLOGY, properties: handlerProperties },
      evidenceOf(file, fn ?? anchor),
    ),
    channelRecord('Queue', 'queue', TECHNOLOGY, named(queue), evidence),
    edgeRecord(
      'CONSUMES',
      handler,
      queueRef(queue),
      { technology: TECHNOLOGY, properties },
      evidence,
    ),
  ];
  if (fn) {
    for (const carried of distinctEvents(parsedEvents(file, fn)))
      records.push(...carriesRecords(file, queueRef(queue), carried, TECHNOLOGY));
    // `ackOrNack(err, { strategy: 'forward', publication })` parks the message elsewhere.
    for (const recovery of recoveries(file, fn)) {
      const destination = recovery.publication
        ? destinationOf(file, definition, recovery.publication)
        : undefined;
      if (destination)
        records.push(
          ...sendRecords(
            destination,
            handler,
            { publication: recovery.publication ?? '' },
            evidenceOf(file, recovery.at),
          ),
        );
    }
  }
  return records;
}

function redeliveries(file: TsFile, declared: Entry | undefined): string | undefined {
  const fields = file.resolver.objectProperties(declared?.fields.get('redeliveries'));
  const limit = file.resolver.literalOf(fields.get('limit'));
  return limit === undefined ? undefined : `redeliveries.limit=${String(limit)}`;
}

/** Recovery strategies a handler passes to ackOrNack: republish, forward, nack with requeue. */
function recoveries(file: TsFile, fn: Node): { summary: string; publication?: string; at: Node }[] {
  return fn.getDescendantsOfKind(SyntaxKind.ObjectLiteralExpression).flatMap((object) => {
    const fields = file.resolver.objectProperties(object);
    const strategy = file.resolver.literalOf(fields.get('strategy'));
    if (strategy !== 'republish' && strategy !== 'forward' && strategy !== 'nack') return [];
    if (strategy === 'nack' && file.resolver.literalOf(fields.get('requeue')) !== true) return [];
    const attempts = file.resolver.literalOf(fields.get('attempts'));
    const defer = file.resolver.literalOf(fields.get('defer'));
    const parts: string[] = [strategy];
    if (attempts !== undefined) parts.push(`attempts=${String(attempts)}`);
    if (defer !== undefined) parts.push(`defer=${String(defer)}ms`);
    const publication = file.resolver.literalOf(fields.get('publication'));
    const recovery: { summary: string; publication?: string; at: Node } = {
      summary: parts.join(' '),
      at: object,
    };
    if (typeof publication === 'string') recovery.publication = publication;
    return [recovery];
  });
}

// ---- names -------------------------------------------------------------------------------

function named(name: string): ResolvedName {
  return { name, dynamic: false };
}

function exchangeRef(name: string): NodeRef {
  return ref.channel('Topic', TECHNOLOGY, name);
}

function queueRef(name: string): NodeRef {
  return ref.channel('Queue', TECHNOLOGY, name);
}

function destinationRef(destination: Destination): NodeRef {
  return destination.label === 'Topic' ? exchangeRef(destination.name) : queueRef(destination.name);
}
