// aio-pika, the asyncio RabbitMQ client: exchanges and queues declared on a channel are
// objects, and publishing, binding and consuming are methods of those objects. Records match
// the pika extractor's: exchanges are Topics of kind exchange, the default exchange delivers
// to the queue its routing key names.
import createDebug from 'debug';
import type { Extractor } from '../contract.js';
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
import { callsIn, enclosingName, evidenceOf, locationOf } from '../../lang/python/call-sites.js';
import type { PyFile } from '../../lang/python/frontend.js';
import type { PyModule } from '../../lang/python/module-index.js';
import { unwrap, type Located } from '../../lang/python/resolve.js';
import { argument, enclosingFunction, functionName } from '../../lang/python/syntax.js';
import type { Captures, SyntaxNode } from '../../lang/python/tree-sitter.js';

const debug = createDebug('eventgraph:extract:aio-pika');

export const aioPikaExtractor: Extractor<PyFile> = {
  id: 'aio-pika',
  title: 'aio-pika (RabbitMQ)',
  docs: 'https://docs.aio-pika.com/apidoc.html',
  language: 'python',
  technologies: ['rabbitmq'],
  packages: ['aio-pika'],
  imports: ['aio_pika'],
  prefilter: ['aio_pika', 'declare_queue', 'declare_exchange', '.publish(', '.consume('],
  emits: {
    nodes: ['Topic', 'Queue', 'Handler'],
    edges: ['PUBLISHES', 'CONSUMES', 'ROUTES_TO', 'DEAD_LETTERS_TO'],
  },
  extract(file) {
    const records = new AioPikaFile(file).extract();
    debug('%s: %d records', file.input.path, records.length);
    return records;
  },
};

/** What a receiver holds: a channel, or an exchange or queue declared on one. */
type Target =
  | { kind: 'channel' }
  | { kind: 'exchange'; name: ResolvedName; declared: Located }
  | { kind: 'queue'; name: ResolvedName; declared: Located };

const DEFAULT_EXCHANGE: ResolvedName = { name: '', dynamic: false };

class AioPikaFile {
  private readonly records: GraphRecord[] = [];
  /** Consuming callbacks by their start: what they publish comes from them. */
  private readonly handlers = new Map<number, NodeRef>();
  private readonly uses: { target: Target; call: Captures }[] = [];

  constructor(private readonly file: PyFile) {}

  extract(): GraphRecord[] {
    for (const call of callsIn(this.file.module)) {
      if (!call.receiver || !call.method || !call.call) continue;
      const target = this.targetOf(this.file.module, call.receiver);
      if (target) this.uses.push({ target, call });
    }
    for (const { target, call } of this.uses) {
      const method = call.method?.text;
      if (target.kind === 'channel' && method === 'declare_queue') this.declareQueue(call);
      if (target.kind === 'channel' && method === 'declare_exchange') this.declareExchange(call);
      if (target.kind === 'queue' && method === 'consume') this.consume(target, call);
      if (target.kind === 'queue' && method === 'iterator') this.iterate(target, call);
      if (target.kind === 'queue' && method === 'bind') this.bind(target, call);
    }
    for (const { target, call } of this.uses)
      if (target.kind === 'exchange' && call.method?.text === 'publish') this.publish(target, call);
    return this.records;
  }

  // ---- what a receiver is --------------------------------------------------------------

  private targetOf(module: PyModule, node: SyntaxNode, depth = 0): Target | undefined {
    if (depth > 6) return undefined;
    const inner = unwrap(node);
    // channel.default_exchange
    if (
      inner.type === 'attribute' &&
      inner.childForFieldName('attribute')?.text === 'default_exchange'
    ) {
      const object = inner.childForFieldName('object');
      const channel = object ? this.targetOf(module, object, depth + 1) : undefined;
      return channel?.kind === 'channel'
        ? { kind: 'exchange', name: DEFAULT_EXCHANGE, declared: { module, node: inner } }
        : undefined;
    }
    const origin = this.file.resolver.origin(module, inner);
    if (origin && /^aio_pika\b/.test(origin) && /(channel\(\)|Channel\(\))$/.test(origin))
      return { kind: 'channel' };
    const bound = this.file.resolver.bind(module, inner);
    if (bound?.kind !== 'value') return undefined;
    const value = { module: bound.module, node: unwrap(bound.node) };
    const call = value.node;
    if (call.type === 'attribute' && call.id !== inner.id)
      return this.targetOf(value.module, call, depth + 1);
    if (call.type !== 'call') return undefined;
    const callee = call.childForFieldName('function');
    if (callee?.type !== 'attribute') return undefined;
    const method = callee.childForFieldName('attribute')?.text;
    const object = callee.childForFieldName('object');
    const parent = object ? this.targetOf(value.module, object, depth + 1) : undefined;
    if (parent?.kind !== 'channel') return undefined;
    const args = call.childForFieldName('arguments');
    if (method === 'declare_exchange' || method === 'get_exchange') {
      const name = argument(args, 0, 'name');
      return name
        ? { kind: 'exchange', name: this.file.resolver.string(value.module, name), declared: value }
        : undefined;
    }
    if (method === 'declare_queue' || method === 'get_queue') {
      const name = argument(args, 0, 'name');
      // declare_queue() without a name: the broker names it, known only at run time.
      const resolved = name
        ? this.file.resolver.string(value.module, name)
        : { name: call.text.replace(/\s+/g, ' '), dynamic: true, expression: call.text };
      return { kind: 'queue', name: resolved, declared: value };
    }
    return undefined;
  }

  // ---- declarations ----------------------------------------------------------------------

  private declareExchange(call: Captures): void {
    const name = argument(call.arguments, 0, 'name');
    if (!name || !call.call) return;
    const properties: Properties = {};
    const type = argument(call.arguments, 1, 'type');
    if (type) {
      const literal = this.file.resolver.literal(this.file.module, type);
      const origin = this.file.resolver.origin(this.file.module, type);
      const written = typeof literal === 'string' ? literal : origin?.split('ExchangeType.')[1];
      if (written) properties.exchangeType = written.toLowerCase();
    }
    const durable = this.literalArg(call, 'durable');
    if (typeof durable === 'boolean') properties.durable = durable;
    this.records.push(
      channelRecord(
        'Topic',
        'exchange',
        'rabbitmq',
        this.file.resolver.string(this.file.module, name),
        evidenceOf(this.file, call.call),
        properties,
      ),
    );
  }

  private declareQueue(call: Captures): void {
    const name = argument(call.arguments, 0, 'name');
    if (!name || !call.call) return;
    const queue = this.file.resolver.string(this.file.module, name);
    if (!queue.dynamic && queue.name === '') return;
    const evidence = evidenceOf(this.file, call.call);
    const properties: Properties = {};
    const durable = this.literalArg(call, 'durable');
    if (typeof durable === 'boolean') properties.durable = durable;
    const declared = argument(call.arguments, undefined, 'arguments');
    const args = declared ? this.file.resolver.dict(this.file.module, declared) : undefined;
    const literal = (key: string) => {
      const value = args?.get(key);
      return value ? this.file.resolver.literal(value.module, value.node) : undefined;
    };
    const ttl = literal('x-message-ttl');
    if (typeof ttl === 'number') properties.messageTtlMs = ttl;
    const maxLength = literal('x-max-length');
    if (typeof maxLength === 'number') properties.maxLength = maxLength;
    this.records.push(channelRecord('Queue', 'queue', 'rabbitmq', queue, evidence, properties));
    const dead = args?.get('x-dead-letter-exchange');
    if (!dead) return;
    const deadKey = args?.get('x-dead-letter-routing-key');
    const exchange = this.file.resolver.string(dead.module, dead.node);
    const key = deadKey ? this.file.resolver.string(deadKey.module, deadKey.node) : undefined;
    const target = this.destination(exchange, key, evidence);
    if (!target) return;
    this.records.push(
      edgeRecord(
        'DEAD_LETTERS_TO',
        ref.channel('Queue', 'rabbitmq', queue.name),
        target,
        { technology: 'rabbitmq', properties: key ? { routingKey: key.name } : {} },
        evidence,
      ),
    );
  }

  private bind(queue: Extract<Target, { kind: 'queue' }>, call: Captures): void {
    const exchangeNode = argument(call.arguments, 0, 'exchange');
    if (!exchangeNode || !call.call) return;
    const target = this.targetOf(this.file.module, exchangeNode);
    const exchange =
      target?.kind === 'exchange'
        ? target.name
        : this.file.resolver.string(this.file.module, exchangeNode);
    if (!exchange.dynamic && exchange.name === '') return;
    const routingKey = argument(call.arguments, 1, 'routing_key');
    const key = routingKey ? this.file.resolver.string(this.file.module, routingKey) : undefined;
    const evidence = evidenceOf(this.file, call.call);
    this.records.push(
      channelRecord('Topic', 'exchange', 'rabbitmq', exchange, evidence),
      channelRecord('Queue', 'queue', 'rabbitmq', queue.name, evidence),
      edgeRecord(
        'ROUTES_TO',
        ref.channel('Topic', 'rabbitmq', exchange.name),
        ref.channel('Queue', 'rabbitmq', queue.name.name),
        { technology: 'rabbitmq', properties: key ? { routingKey: key.name } : {} },
        evidence,
      ),
    );
  }

  // ---- consumers -----------------------------------------------------------------------

  private consume(queue: Extract<Target, { kind: 'queue' }>, call: Captures): void {
    const callback = argument(call.arguments, 0, 'callback');
    if (!callback || !call.call) return;
    const fn = this.file.resolver.bind(this.file.module, callback);
    const noAck = this.literalArg(call, 'no_ack', 1) === true;
    const properties: Properties = { ack: noAck ? 'auto' : 'manual' };
    const prefetch = this.prefetchFor(queue);
    if (prefetch !== undefined) properties.prefetch = prefetch;
    let handler: NodeRef;
    let name: string;
    let at: Evidence;
    if (fn?.kind === 'function') {
      name = functionName(fn.node);
      handler = ref.handler(locationOf(this.file, fn.module), name);
      if (fn.module === this.file.module) this.handlers.set(fn.node.startIndex, handler);
      at = evidenceOf(this.file, fn.node, fn.module);
    } else {
      name = callback.text;
      handler = ref.handler(locationOf(this.file), name);
      at = evidenceOf(this.file, call.call);
    }
    this.consumer(handler, name, at, queue.name, properties, evidenceOf(this.file, call.call));
  }

  // `async with queue.iterator() as messages: async for message in messages:`
  private iterate(queue: Extract<Target, { kind: 'queue' }>, call: Captures): void {
    if (!call.call) return;
    const fn = enclosingFunction(call.call);
    const name = enclosingName(this.file.module, call.call);
    const handler = ref.handler(locationOf(this.file), name);
    if (fn) this.handlers.set(fn.startIndex, handler);
    const noAck = this.literalArg(call, 'no_ack') === true;
    const properties: Properties = { ack: noAck ? 'auto' : 'manual' };
    const prefetch = this.prefetchFor(queue);
    if (prefetch !== undefined) properties.prefetch = prefetch;
    const at = evidenceOf(this.file, fn ?? call.call);
    this.consumer(handler, name, at, queue.name, properties, evidenceOf(this.file, call.call));
  }

  private consumer(
    handler: NodeRef,
    name: string,
    at: Evidence,
    queue: ResolvedName,
    properties: Properties,
    evidence: Evidence,
  ): void {
    this.records.push(
      nodeRecord(handler, { name, technology: 'rabbitmq', properties }, at),
      channelRecord('Queue', 'queue', 'rabbitmq', queue, evidence),
      edgeRecord(
        'CONSUMES',
        handler,
        ref.channel('Queue', 'rabbitmq', queue.name),
        { technology: 'rabbitmq', properties },
        evidence,
      ),
    );
  }

  // set_qos on the channel the queue was declared on.
  private prefetchFor(queue: Extract<Target, { kind: 'queue' }>): number | undefined {
    const declaring = queue.declared.node
      .childForFieldName('function')
      ?.childForFieldName('object');
    const channel = declaring ? this.channelKey(queue.declared.module, declaring) : undefined;
    if (!channel) return undefined;
    const qos = this.uses.find(
      (u) =>
        u.target.kind === 'channel' &&
        u.call.method?.text === 'set_qos' &&
        u.call.receiver &&
        this.channelKey(this.file.module, u.call.receiver) === channel,
    );
    const count = qos ? argument(qos.call.arguments, 0, 'prefetch_count') : undefined;
    const value = count ? this.file.resolver.literal(this.file.module, count) : undefined;
    return typeof value === 'number' ? value : undefined;
  }

  /** Where a channel expression was assigned, to tell one channel from another. */
  private channelKey(module: PyModule, node: SyntaxNode): string | undefined {
    const bound = this.file.resolver.bind(module, node);
    return bound?.kind === 'value'
      ? `${bound.module.path}:${String(bound.node.startIndex)}`
      : undefined;
  }

  // ---- producers -----------------------------------------------------------------------

  private publish(exchange: Extract<Target, { kind: 'exchange' }>, call: Captures): void {
    if (!call.call) return;
    const routingKey = argument(call.arguments, 1, 'routing_key');
    const key = routingKey ? this.file.resolver.string(this.file.module, routingKey) : undefined;
    const evidence = evidenceOf(this.file, call.call);
    const target = this.destination(exchange.name, key, evidence);
    if (!target) return;
    const properties: Properties = this.messageProperties(argument(call.arguments, 0, 'message'));
    if (target.label === 'Topic' && key) properties.routingKey = key.name;
    const fn = enclosingFunction(call.call);
    const from = (fn && this.handlers.get(fn.startIndex)) ?? ref.serviceOf(locationOf(this.file));
    this.records.push(
      edgeRecord('PUBLISHES', from, target, { technology: 'rabbitmq', properties }, evidence),
    );
  }

  // The default exchange delivers to the queue named by the routing key.
  private destination(
    exchange: ResolvedName,
    routingKey: ResolvedName | undefined,
    evidence: Evidence,
  ): NodeRef | undefined {
    if (!exchange.dynamic && exchange.name === '') {
      if (!routingKey) return undefined;
      this.records.push(channelRecord('Queue', 'queue', 'rabbitmq', routingKey, evidence));
      return ref.channel('Queue', 'rabbitmq', routingKey.name);
    }
    this.records.push(channelRecord('Topic', 'exchange', 'rabbitmq', exchange, evidence));
    return ref.channel('Topic', 'rabbitmq', exchange.name);
  }

  /** `Message(body, reply_to=..., correlation_id=..., delivery_mode=...)`. */
  private messageProperties(message: SyntaxNode | undefined): Properties {
    if (!message) return {};
    const bound = this.file.resolver.bind(this.file.module, message);
    const node = bound?.kind === 'value' ? bound.node : message;
    const module = bound?.kind === 'value' ? bound.module : this.file.module;
    if (node.type !== 'call') return {};
    const callee = node.childForFieldName('function');
    const origin = callee ? this.file.resolver.origin(module, callee) : undefined;
    if (!origin?.startsWith('aio_pika')) return {};
    const args = node.childForFieldName('arguments');
    const properties: Properties = {};
    const replyTo = argument(args, undefined, 'reply_to');
    if (replyTo) properties.replyTo = this.file.resolver.string(module, replyTo).name;
    const correlationId = argument(args, undefined, 'correlation_id');
    if (correlationId)
      properties.correlationId = this.file.resolver.string(module, correlationId).name;
    const mode = argument(args, undefined, 'delivery_mode');
    if (mode) {
      const literal = this.file.resolver.literal(module, mode);
      const modeOrigin = this.file.resolver.origin(module, mode);
      properties.persistent =
        literal === 2 || (modeOrigin?.endsWith('DeliveryMode.PERSISTENT') ?? false);
    }
    return properties;
  }

  private literalArg(
    call: Captures,
    keyword: string,
    position?: number,
  ): string | number | boolean | undefined {
    const node = argument(call.arguments, position, keyword);
    return node ? this.file.resolver.literal(this.file.module, node) : undefined;
  }
}
