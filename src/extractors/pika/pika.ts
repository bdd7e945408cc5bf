// pika, the RabbitMQ client for Python: exchanges, queues, bindings, publishes and consumers
// declared on a channel, with dead-lettering, prefetch and acknowledgement mode.
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
import {
  callsIn,
  enclosingName,
  evidenceOf,
  expandWrapper,
  locationOf,
  type CallView,
} from '../../lang/python/call-sites.js';
import type { PyFile } from '../../lang/python/frontend.js';
import type { PyModule } from '../../lang/python/module-index.js';
import type { Located } from '../../lang/python/resolve.js';
import {
  argument,
  classOfMethod,
  enclosingFunction,
  functionName,
  isInsideLoop,
  ownDescendants,
} from '../../lang/python/syntax.js';
import type { Captures, SyntaxNode } from '../../lang/python/tree-sitter.js';

const debug = createDebug('eventgraph:extract:pika');

export const pikaExtractor: Extractor<PyFile> = {
  id: 'pika',
  title: 'pika (RabbitMQ)',
  docs: 'https://pika.readthedocs.io/en/stable/modules/channel.html',
  language: 'python',
  technologies: ['rabbitmq'],
  packages: ['pika'],
  imports: ['pika'],
  prefilter: [
    'pika',
    'basic_publish',
    'basic_consume',
    'basic_get',
    '.consume(',
    'queue_declare',
    'exchange_declare',
  ],
  emits: {
    nodes: ['Topic', 'Queue', 'Handler'],
    edges: ['PUBLISHES', 'CONSUMES', 'ROUTES_TO', 'DEAD_LETTERS_TO'],
  },
  extract: (file) => new PikaFile(file).extract(),
};

// Positions follow pika 1.x BlockingChannel signatures.
const METHODS = new Set([
  'exchange_declare',
  'queue_declare',
  'queue_bind',
  'basic_publish',
  'basic_consume',
  'basic_qos',
  'basic_get',
  'consume',
]);

interface Consumer {
  fn: SyntaxNode | undefined;
  handler: NodeRef;
}

class PikaFile {
  private readonly records: GraphRecord[] = [];
  private readonly calls: Captures[];
  /** Callbacks registered with basic_consume in this file: their publishes come from them. */
  private readonly handlers = new Map<number, NodeRef>();

  constructor(private readonly file: PyFile) {
    this.calls = callsIn(file.module).filter(
      (c) => c.method && METHODS.has(c.method.text) && this.isChannel(c),
    );
  }

  extract(): GraphRecord[] {
    const consumes = this.calls.filter((c) => c.method?.text === 'basic_consume');
    for (const call of consumes) this.consume(call);
    for (const call of this.calls) {
      switch (call.method?.text) {
        case 'exchange_declare':
          this.exchangeDeclare(call);
          break;
        case 'queue_declare':
          this.queueDeclare(call);
          break;
        case 'queue_bind':
          this.queueBind(call);
          break;
        case 'basic_publish':
          this.publish(call);
          break;
        case 'basic_get':
          this.get(call);
          break;
        case 'consume':
          this.generatorConsume(call);
          break;
      }
    }
    debug('%s: %d records', this.file.input.path, this.records.length);
    return this.records;
  }

  // A receiver traced to pika, or one that cannot be traced (a parameter such as `ch`) in a
  // module that imports pika or names it a channel.
  // `consume` is too common a name to trust on an untraced receiver outside a `chan` name.
  private isChannel(call: Captures): boolean {
    if (!call.receiver) return false;
    const origin = this.file.resolver.origin(this.file.module, call.receiver);
    if (origin !== undefined) return origin.startsWith('pika.') || origin === 'pika';
    if (call.method?.text === 'consume') return /chan/i.test(call.receiver.text);
    const importsPika = [...this.file.module.imports.values()].some(
      (i) => i.module.split('.')[0] === 'pika',
    );
    return importsPika || /chan|^ch$/i.test(call.receiver.text);
  }

  private views(call: Captures, roles: Record<string, [number, string]>): CallView[] {
    const nodes: Record<string, SyntaxNode | undefined> = {};
    for (const [role, [position, keyword]] of Object.entries(roles)) {
      nodes[role] = argument(call.arguments, position, keyword);
    }
    return call.call ? expandWrapper(this.file, call.call, nodes) : [];
  }

  private name(located: Located | undefined): ResolvedName | undefined {
    return located ? this.file.resolver.string(located.module, located.node) : undefined;
  }

  private literal(located: Located | undefined): string | number | boolean | undefined {
    return located ? this.file.resolver.literal(located.module, located.node) : undefined;
  }

  private exchangeDeclare(call: Captures): void {
    for (const view of this.views(call, {
      exchange: [0, 'exchange'],
      type: [1, 'exchange_type'],
      durable: [3, 'durable'],
    })) {
      const exchange = this.name(view.values.get('exchange'));
      if (!exchange) continue;
      const properties: Properties = {};
      const type = this.exchangeType(view.values.get('type'));
      if (type) properties.exchangeType = type;
      const durable = this.literal(view.values.get('durable'));
      if (typeof durable === 'boolean') properties.durable = durable;
      this.records.push(
        channelRecord('Topic', 'exchange', 'rabbitmq', exchange, this.evidence(view), properties),
      );
    }
  }

  private exchangeType(located: Located | undefined): string | undefined {
    if (!located) return undefined;
    const literal = this.literal(located);
    if (typeof literal === 'string') return literal;
    // `ExchangeType.topic`
    const origin = this.file.resolver.origin(located.module, located.node);
    return origin?.includes('ExchangeType.') ? origin.split('.').pop() : undefined;
  }

  private queueDeclare(call: Captures): void {
    for (const view of this.views(call, {
      queue: [0, 'queue'],
      durable: [2, 'durable'],
      arguments: [5, 'arguments'],
    })) {
      const queue = this.name(view.values.get('queue'));
      // `queue=''` asks the broker for a generated name, known only at run time.
      if (!queue || (!queue.dynamic && queue.name === '')) continue;
      const evidence = this.evidence(view);
      const properties: Properties = {};
      const durable = this.literal(view.values.get('durable'));
      if (typeof durable === 'boolean') properties.durable = durable;
      const declared = view.values.get('arguments');
      const args = declared ? this.file.resolver.dict(declared.module, declared.node) : undefined;
      const ttl = this.literal(args?.get('x-message-ttl'));
      if (typeof ttl === 'number') properties.messageTtlMs = ttl;
      const maxLength = this.literal(args?.get('x-max-length'));
      if (typeof maxLength === 'number') properties.maxLength = maxLength;
      // Arguments built elsewhere may hold a dead-letter exchange nobody can read from here.
      if (declared && !args && declared.node.type !== 'none') {
        properties.unresolvedArguments = declared.node.text;
      }
      this.records.push(channelRecord('Queue', 'queue', 'rabbitmq', queue, evidence, properties));

      const deadExchange = this.name(args?.get('x-dead-letter-exchange'));
      if (!deadExchange) continue;
      const deadKey = this.name(args?.get('x-dead-letter-routing-key'));
      const edge: Properties = deadKey ? { routingKey: deadKey.name } : {};
      const target = this.destination(deadExchange, deadKey, evidence);
      if (target) {
        this.records.push(
          edgeRecord(
            'DEAD_LETTERS_TO',
            this.queueRef(queue),
            target,
            {
              technology: 'rabbitmq',
              properties: edge,
            },
            evidence,
          ),
        );
      }
    }
  }

  private queueBind(call: Captures): void {
    for (const view of this.views(call, {
      queue: [0, 'queue'],
      exchange: [1, 'exchange'],
      routingKey: [2, 'routing_key'],
    })) {
      const queue = this.name(view.values.get('queue'));
      const exchange = this.name(view.values.get('exchange'));
      if (!queue || !exchange) continue;
      const evidence = this.evidence(view);
      const routingKey = this.name(view.values.get('routingKey'));
      this.records.push(channelRecord('Topic', 'exchange', 'rabbitmq', exchange, evidence));
      this.records.push(
        edgeRecord(
          'ROUTES_TO',
          this.exchangeRef(exchange),
          this.queueRef(queue),
          {
            technology: 'rabbitmq',
            properties: routingKey ? { routingKey: routingKey.name } : {},
          },
          evidence,
        ),
      );
    }
  }

  private publish(call: Captures): void {
    if (!call.call) return;
    const from = this.publisherOf(call.call);
    for (const view of this.views(call, {
      exchange: [0, 'exchange'],
      routingKey: [1, 'routing_key'],
      properties: [3, 'properties'],
    })) {
      const exchange = this.name(view.values.get('exchange'));
      const routingKey = this.name(view.values.get('routingKey'));
      if (!exchange) continue;
      const evidence = this.evidence(view);
      const target = this.destination(exchange, routingKey, evidence);
      if (!target) continue;
      const properties: Properties = { ...this.messageProperties(view.values.get('properties')) };
      if (target.label === 'Topic' && routingKey) properties.routingKey = routingKey.name;
      if (view.caller) properties.caller = view.caller;
      const retry = this.republishes(call.call);
      if (retry) properties.retry = retry;
      const publisher = view.caller ? ref.serviceOf(locationOf(this.file, view.at.module)) : from;
      this.records.push(
        edgeRecord(
          'PUBLISHES',
          publisher,
          target,
          { technology: 'rabbitmq', properties },
          evidence,
        ),
      );
    }
  }

  // The default exchange '' delivers to the queue named by the routing key.
  private destination(
    exchange: ResolvedName,
    routingKey: ResolvedName | undefined,
    evidence: ReturnType<PikaFile['evidence']>,
  ): NodeRef | undefined {
    if (!exchange.dynamic && exchange.name === '') {
      if (!routingKey) return undefined;
      this.records.push(channelRecord('Queue', 'queue', 'rabbitmq', routingKey, evidence));
      return this.queueRef(routingKey);
    }
    this.records.push(channelRecord('Topic', 'exchange', 'rabbitmq', exchange, evidence));
    return this.exchangeRef(exchange);
  }

  private messageProperties(located: Located | undefined): Properties {
    if (!located) return {};
    const bound = this.file.resolver.bind(located.module, located.node);
    if (bound?.kind !== 'value' || bound.node.type !== 'call') return {};
    const args = bound.node.childForFieldName('arguments');
    const properties: Properties = {};
    const replyTo = argument(args, undefined, 'reply_to');
    if (replyTo) properties.replyTo = this.file.resolver.string(bound.module, replyTo).name;
    const correlationId = argument(args, undefined, 'correlation_id');
    if (correlationId)
      properties.correlationId = this.file.resolver.string(bound.module, correlationId).name;
    const mode = argument(args, undefined, 'delivery_mode');
    if (mode) {
      const literal = this.file.resolver.literal(bound.module, mode);
      const origin = this.file.resolver.origin(bound.module, mode);
      properties.persistent =
        literal === 2 || (origin?.endsWith('DeliveryMode.Persistent') ?? false);
    }
    return properties;
  }

  private consume(call: Captures): void {
    if (!call.call) return;
    for (const view of this.views(call, {
      queue: [0, 'queue'],
      callback: [1, 'on_message_callback'],
      autoAck: [2, 'auto_ack'],
    })) {
      const queue = this.name(view.values.get('queue'));
      const callback = view.values.get('callback');
      if (!queue || !callback) continue;
      const evidence = this.evidence(view);
      const consumer = this.callbackHandler(callback);
      const autoAck = this.literal(view.values.get('autoAck')) === true;
      const properties: Properties = { ack: autoAck ? 'auto' : 'manual' };
      const prefetch = this.prefetchFor(call.call);
      if (prefetch !== undefined) properties.prefetch = prefetch;
      const handlerProperties: Properties = { ...properties };
      if (consumer.fn && !autoAck)
        Object.assign(handlerProperties, this.requeuePolicy(consumer.fn));
      this.records.push(
        nodeRecord(
          consumer.handler,
          {
            name: consumer.handler.label === 'Handler' ? consumer.handler.name : callback.node.text,
            technology: 'rabbitmq',
            properties: handlerProperties,
          },
          consumer.fn && consumer.handler.label === 'Handler'
            ? evidenceOf(
                this.file,
                consumer.fn,
                this.moduleOfHandler(consumer.handler, view.at.module),
              )
            : evidence,
        ),
      );
      this.records.push(channelRecord('Queue', 'queue', 'rabbitmq', queue, evidence));
      this.records.push(
        edgeRecord(
          'CONSUMES',
          consumer.handler,
          this.queueRef(queue),
          {
            technology: 'rabbitmq',
            properties,
          },
          evidence,
        ),
      );
    }
  }

  private moduleOfHandler(handler: NodeRef, fallback: PyModule): PyModule {
    if (handler.label !== 'Handler') return fallback;
    return this.file.project.module(handler.file) ?? fallback;
  }

  // `on_message_callback` names a function, a method (`self.on_message`), or a partial.
  private callbackHandler(callback: Located): Consumer {
    let target = callback;
    const bound = this.file.resolver.bind(callback.module, callback.node);
    if (bound?.kind === 'value' && bound.node.type === 'call') {
      const callee = bound.node.childForFieldName('function');
      const first = argument(bound.node.childForFieldName('arguments'), 0);
      if (
        callee &&
        first &&
        this.file.resolver.origin(bound.module, callee) === 'functools.partial'
      ) {
        target = { module: bound.module, node: first };
      }
    }
    const fn = this.file.resolver.bind(target.module, target.node);
    if (fn?.kind === 'function') {
      const handler = ref.handler(locationOf(this.file, fn.module), functionName(fn.node));
      if (fn.module === this.file.module) this.handlers.set(fn.node.id, handler);
      return { fn: fn.node, handler };
    }
    const name = target.node.type === 'lambda' ? 'lambda' : target.node.text;
    return { fn: undefined, handler: ref.handler(locationOf(this.file, target.module), name) };
  }

  // basic_qos on the same channel, preferring the one in the same function.
  private prefetchFor(consume: SyntaxNode): number | undefined {
    const qos = this.calls.filter((c) => c.method?.text === 'basic_qos');
    const fn = enclosingFunction(consume);
    const chosen =
      qos.find((c) => c.call && enclosingFunction(c.call) === fn) ??
      (qos.length === 1 ? qos[0] : undefined);
    const count = chosen ? argument(chosen.arguments, 1, 'prefetch_count') : undefined;
    const value = count ? this.file.resolver.literal(this.file.module, count) : undefined;
    return typeof value === 'number' ? value : undefined;
  }

  // basic_get pulls one message; in a loop that collects messages it reads a batch.
  private get(call: Captures): void {
    if (!call.call) return;
    const loop = isInsideLoop(call.call);
    for (const view of this.views(call, { queue: [0, 'queue'], autoAck: [1, 'auto_ack'] })) {
      const queue = this.name(view.values.get('queue'));
      if (!queue) continue;
      const evidence = this.evidence(view);
      const fn = enclosingFunction(call.call);
      const handler = ref.handler(
        locationOf(this.file),
        enclosingName(this.file.module, call.call),
      );
      const autoAck = this.literal(view.values.get('autoAck')) === true;
      const properties: Properties = { ack: autoAck ? 'auto' : 'manual' };
      const collects = loop
        ? ownDescendants(loop, 'call').some(
            (c) => c.childForFieldName('function')?.text.endsWith('.append') ?? false,
          )
        : false;
      if (collects) properties.batch = true;
      const name = enclosingName(this.file.module, call.call);
      this.consumer(handler, name, fn, autoAck, queue, properties, evidence);
    }
  }

  /** A function consuming a queue: its Handler (with the requeue policy), the queue, the edge. */
  private consumer(
    handler: NodeRef,
    name: string,
    fn: SyntaxNode | undefined,
    autoAck: boolean,
    queue: ResolvedName,
    properties: Properties,
    evidence: Evidence,
  ): void {
    const handlerProperties: Properties = { ...properties };
    if (fn && !autoAck) Object.assign(handlerProperties, this.requeuePolicy(fn));
    this.records.push(
      nodeRecord(
        handler,
        { name, technology: 'rabbitmq', properties: handlerProperties },
        fn ? evidenceOf(this.file, fn) : evidence,
      ),
    );
    this.records.push(channelRecord('Queue', 'queue', 'rabbitmq', queue, evidence));
    this.records.push(
      edgeRecord(
        'CONSUMES',
        handler,
        this.queueRef(queue),
        { technology: 'rabbitmq', properties },
        evidence,
      ),
    );
  }

  // `for method, properties, body in channel.consume(queue)`: BlockingChannel.consume is a
  // generator, so the function looping over it is the consumer.
  private generatorConsume(call: Captures): void {
    if (!call.call) return;
    const fn = enclosingFunction(call.call);
    const name = enclosingName(this.file.module, call.call);
    for (const view of this.views(call, { queue: [0, 'queue'], autoAck: [1, 'auto_ack'] })) {
      const queue = this.name(view.values.get('queue'));
      if (!queue || (!queue.dynamic && queue.name === '')) continue;
      const evidence = this.evidence(view);
      const handler = ref.handler(locationOf(this.file), name);
      const autoAck = this.literal(view.values.get('autoAck')) === true;
      const properties: Properties = { ack: autoAck ? 'auto' : 'manual' };
      const prefetch = this.prefetchFor(call.call);
      if (prefetch !== undefined) properties.prefetch = prefetch;
      this.consumer(handler, name, fn, autoAck, queue, properties, evidence);
    }
  }

  /**
   * Requeueing on nack or reject (pika's default `requeue=True`) redelivers failed messages; a
   * requeue flag from a variable is kept as written. Consumer classes often reject in a helper
   * method, so the other methods of the handler's class are read when the handler has none.
   */
  private requeuePolicy(fn: SyntaxNode): Properties {
    const own = rejections(fn);
    const cls = own.length === 0 ? classOfMethod(fn) : undefined;
    const body = cls?.childForFieldName('body');
    const methods = body ? ownDescendants(body, 'function_definition') : [];
    const calls = cls ? methods.flatMap(rejections) : own;
    for (const { method, requeue } of calls) {
      const value = requeue ? this.file.resolver.literal(this.file.module, requeue) : true;
      if (value === false) continue;
      if (value === true) return { retry: method === 'basic_nack' ? NACK_RETRY : REJECT_RETRY };
      if (requeue) return { requeue: requeue.text.replace(/\s+/g, ' ') };
    }
    return {};
  }

  // A publish in a `try` whose `except` for pika's connection errors reconnects and calls the
  // publishing function again: the message is sent once more on a fresh channel.
  private republishes(call: SyntaxNode): string | undefined {
    const fn = enclosingFunction(call);
    if (!fn) return undefined;
    const name = functionName(fn);
    for (let node = call, parent = call.parent; parent && parent !== fn;) {
      if (parent.type === 'try_statement' && parent.childForFieldName('body')?.id === node.id) {
        for (let i = 0; i < parent.namedChildCount; i += 1) {
          const clause = parent.namedChild(i);
          if (clause?.type !== 'except_clause' || !this.catchesPika(clause)) continue;
          const called = ownDescendants(clause, 'call').map(
            (c) => c.childForFieldName('function')?.text ?? '',
          );
          const again = called.some((c) => c === name || c.endsWith(`.${name}`));
          if (again && called.some((c) => /connect/i.test(c))) return 'republish after reconnect';
        }
      }
      node = parent;
      parent = parent.parent;
    }
    return undefined;
  }

  private catchesPika(clause: SyntaxNode): boolean {
    let caught = clause.namedChild(0);
    if (caught?.type === 'as_pattern') caught = caught.namedChild(0);
    if (!caught || caught.type === 'block') return false;
    const types = caught.type === 'tuple' ? namedChildrenOf(caught) : [caught];
    return types.some(
      (t) => this.file.resolver.origin(this.file.module, t)?.startsWith('pika.') ?? false,
    );
  }

  private publisherOf(call: SyntaxNode): NodeRef {
    for (let fn = enclosingFunction(call); fn; fn = enclosingFunction(fn)) {
      const handler = this.handlers.get(fn.id);
      if (handler) return handler;
    }
    return ref.serviceOf(locationOf(this.file));
  }

  private evidence(view: CallView) {
    return evidenceOf(this.file, view.at.node, view.at.module);
  }

  private queueRef(name: ResolvedName): NodeRef {
    return ref.channel('Queue', 'rabbitmq', name.name);
  }

  private exchangeRef(name: ResolvedName): NodeRef {
    return ref.channel('Topic', 'rabbitmq', name.name);
  }
}

const NACK_RETRY = 'requeue on nack';
const REJECT_RETRY = 'requeue on reject';

interface Rejection {
  method: 'basic_nack' | 'basic_reject';
  requeue: SyntaxNode | undefined;
}

function rejections(fn: SyntaxNode): Rejection[] {
  const body = fn.childForFieldName('body');
  if (!body) return [];
  const found: Rejection[] = [];
  for (const call of ownDescendants(body, 'call')) {
    const callee = call.childForFieldName('function');
    const method =
      callee?.type === 'attribute' ? callee.childForFieldName('attribute')?.text : undefined;
    if (method !== 'basic_nack' && method !== 'basic_reject') continue;
    const position = method === 'basic_nack' ? 2 : 1;
    const requeue = argument(call.childForFieldName('arguments'), position, 'requeue');
    found.push({ method, requeue });
  }
  return found;
}

function namedChildrenOf(node: SyntaxNode): SyntaxNode[] {
  const children: SyntaxNode[] = [];
  for (let i = 0; i < node.namedChildCount; i += 1) {
    const child = node.namedChild(i);
    if (child) children.push(child);
  }
  return children;
}
