// FastStream: `@broker.subscriber(...)` functions are handlers (technology faststream) of the
// broker's channels, `@broker.publisher(...)` publishes what they return, and
// `broker.publish(message, target)` sends. The broker class decides the channel: Kafka topics,
// RabbitMQ queues and exchanges, NATS subjects, Redis channels and streams. The type a handler
// declares for its message is the event its channel carries.
import createDebug from 'debug';
import type { Extractor } from '../contract.js';
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
import { callsIn, evidenceOf, locationOf } from '../../lang/python/call-sites.js';
import type { PyFile } from '../../lang/python/frontend.js';
import type { PyModule } from '../../lang/python/module-index.js';
import { annotatedType, type Located } from '../../lang/python/resolve.js';
import { carriesRecords, eventTypeOfClass } from '../../lang/python/payload-types.js';
import {
  argument,
  enclosingFunction,
  functionName,
  parametersOf,
  positionalArguments,
} from '../../lang/python/syntax.js';
import { runQuery, type SyntaxNode } from '../../lang/python/tree-sitter.js';

const debug = createDebug('eventgraph:extract:faststream');

export const faststreamExtractor: Extractor<PyFile> = {
  id: 'faststream',
  title: 'FastStream',
  docs: 'https://faststream.airt.ai/latest/api/',
  language: 'python',
  technologies: ['faststream', 'kafka', 'rabbitmq', 'nats', 'redis-pubsub', 'redis-streams'],
  packages: ['faststream'],
  imports: ['faststream'],
  prefilter: ['faststream', '.subscriber(', '.publisher(', '.publish('],
  emits: {
    nodes: ['Topic', 'Queue', 'Handler', 'Event'],
    edges: ['PUBLISHES', 'CONSUMES', 'ROUTES_TO', 'CARRIES'],
  },
  extract(file) {
    const records = new FastStreamFile(file).extract();
    debug('%s: %d records', file.input.path, records.length);
    return records;
  },
};

type Transport = 'kafka' | 'rabbit' | 'nats' | 'redis';

const BROKER = /^faststream\.(kafka|confluent|rabbit|nats|redis)(\.fastapi)?\.\w*(Broker|Router)$/;

interface Target {
  label: ChannelLabel;
  kind: ChannelKind;
  technology: TechnologyId;
  name: ResolvedName;
  at: SyntaxNode;
}

class FastStreamFile {
  private readonly records: GraphRecord[] = [];
  private readonly handlers = new Map<number, NodeRef>();

  constructor(private readonly file: PyFile) {}

  extract(): GraphRecord[] {
    for (const match of runQuery('decorated-functions', this.file.module.root)) {
      const decorator = match.decorator?.namedChildren[0];
      if (match.function && decorator?.type === 'call') this.decorated(match.function, decorator);
    }
    for (const match of callsIn(this.file.module)) {
      if (match.method?.text !== 'publish' && match.method?.text !== 'request') continue;
      if (!match.receiver || !match.call) continue;
      const transport = this.transportOf(this.file.module, match.receiver);
      if (transport) this.publishCall(transport, match.call, match.arguments, match.method.text);
    }
    return this.records;
  }

  /** The transport of a broker or router, traced to its constructor. */
  private transportOf(module: PyModule, node: SyntaxNode): Transport | undefined {
    const origin = this.file.resolver.origin(module, node);
    const found = origin ? BROKER.exec(origin.replace(/\(\)$/, '')) : null;
    if (!found?.[1]) return undefined;
    return found[1] === 'confluent' ? 'kafka' : (found[1] as Transport);
  }

  private decorated(fn: SyntaxNode, decorator: SyntaxNode): void {
    const callee = decorator.childForFieldName('function');
    if (callee?.type !== 'attribute') return;
    const method = callee.childForFieldName('attribute')?.text;
    const object = callee.childForFieldName('object');
    if ((method !== 'subscriber' && method !== 'publisher') || !object) return;
    const transport = this.transportOf(this.file.module, object);
    if (!transport) return;
    const args = decorator.childForFieldName('arguments') ?? undefined;
    const name = functionName(fn);
    const handler = ref.handler(locationOf(this.file), name);
    const evidence = evidenceOf(this.file, decorator);
    if (method === 'subscriber') {
      const targets = this.subscribed(transport, args);
      if (targets.length === 0) return;
      const properties: Properties = {};
      const group = this.option(args, transport === 'nats' ? 'queue' : 'group_id');
      if (group) properties.group = group.name;
      if (this.literal(args, 'batch') === true) properties.batch = true;
      const ack = this.literal(args, 'no_ack');
      if (ack === true) properties.ack = 'auto';
      this.handlers.set(fn.startIndex, handler);
      this.records.push(
        nodeRecord(
          handler,
          { name, technology: 'faststream', properties },
          evidenceOf(this.file, fn),
        ),
      );
      const event = this.messageType(fn);
      for (const target of targets) {
        const channel = this.channel(target);
        this.records.push(
          edgeRecord(
            'CONSUMES',
            handler,
            channel,
            { technology: target.technology, properties },
            evidence,
          ),
        );
        if (event)
          this.records.push(
            ...carriesRecords(this.file, channel, event, target.technology, evidence),
          );
      }
      return;
    }
    // @broker.publisher(...) on a subscriber publishes its return value; on any other function
    // the publisher object is used explicitly, which `publish` calls already show.
    const subscribes = fn.parent?.children.some(
      (d) => d.type === 'decorator' && /\.subscriber\(/.test(d.text),
    );
    if (!subscribes) return;
    for (const target of this.published(transport, args)) {
      const channel = this.channel(target);
      this.records.push(
        edgeRecord(
          'PUBLISHES',
          handler,
          channel,
          { technology: target.technology, properties: this.routing(transport, args) },
          evidence,
        ),
      );
    }
  }

  private publishCall(
    transport: Transport,
    call: SyntaxNode,
    args: SyntaxNode | undefined,
    method: string,
  ): void {
    // The target follows the message: publish(message, "orders") or publish(message, topic=...).
    const shifted = args ? positionalArguments(args).slice(1) : [];
    const targets = this.published(transport, args, shifted[0]);
    const properties = this.routing(transport, args);
    // A request waits for its answer on the transport's reply channel.
    if (method === 'request' || this.literal(args, 'rpc') === true)
      properties.replyTo = transport === 'rabbit' ? 'amq.rabbitmq.reply-to' : 'inbox';
    const reply = this.option(args, 'reply_to');
    if (reply) properties.replyTo = reply.name;
    const key = args ? argument(args, undefined, 'key') : undefined;
    if (key) properties.key = key.text;
    const fn = enclosingFunction(call);
    const from = (fn && this.handlers.get(fn.startIndex)) ?? ref.serviceOf(locationOf(this.file));
    const evidence = evidenceOf(this.file, call);
    for (const target of targets) {
      this.records.push(
        edgeRecord(
          'PUBLISHES',
          from,
          this.channel(target),
          { technology: target.technology, properties },
          evidence,
        ),
      );
    }
  }

  // ---- channels ------------------------------------------------------------------------

  private subscribed(transport: Transport, args: SyntaxNode | undefined): Target[] {
    const positional = args ? positionalArguments(args) : [];
    switch (transport) {
      case 'kafka': {
        const topics = positional.length > 0 ? positional : this.keyword(args, 'topics');
        return topics.map((t) => this.target('Topic', 'topic', 'kafka', t));
      }
      case 'nats':
        return this.first(positional[0], args, 'subject').map((t) =>
          this.target('Topic', 'subject', 'nats', t),
        );
      case 'redis':
        return this.redis(positional[0], args);
      case 'rabbit': {
        const queue = positional[0] ?? (args ? argument(args, undefined, 'queue') : undefined);
        if (!queue) return [];
        const target = this.rabbitQueue(queue);
        const exchange =
          positional[1] ?? (args ? argument(args, undefined, 'exchange') : undefined);
        if (exchange) this.bind(exchange, target, queue);
        return [target];
      }
    }
  }

  private published(
    transport: Transport,
    args: SyntaxNode | undefined,
    given?: SyntaxNode,
  ): Target[] {
    const positional = given ? [given] : args ? positionalArguments(args) : [];
    switch (transport) {
      case 'kafka':
        return this.first(positional[0], args, 'topic').map((t) =>
          this.target('Topic', 'topic', 'kafka', t),
        );
      case 'nats':
        return this.first(positional[0], args, 'subject').map((t) =>
          this.target('Topic', 'subject', 'nats', t),
        );
      case 'redis':
        return this.redis(positional[0], args);
      case 'rabbit': {
        const exchange = args ? argument(args, undefined, 'exchange') : undefined;
        if (exchange) return [this.rabbitExchange(exchange)];
        const queue = positional[0] ?? (args ? argument(args, undefined, 'queue') : undefined);
        return queue ? [this.rabbitQueue(queue)] : [];
      }
    }
  }

  private redis(first: SyntaxNode | undefined, args: SyntaxNode | undefined): Target[] {
    const stream = args ? argument(args, undefined, 'stream') : undefined;
    if (stream)
      return [this.target('Topic', 'stream', 'redis-streams', this.innerName(stream, 'StreamSub'))];
    // Redis lists have no channel technology in the vocabulary.
    if (args && argument(args, undefined, 'list')) return [];
    return this.first(first, args, 'channel').map((c) =>
      this.target('Topic', 'channel', 'redis-pubsub', this.innerName(c, 'PubSub')),
    );
  }

  private rabbitQueue(node: SyntaxNode): Target {
    return this.target('Queue', 'queue', 'rabbitmq', this.innerName(node, 'RabbitQueue'));
  }

  private rabbitExchange(node: SyntaxNode): Target {
    return this.target('Topic', 'exchange', 'rabbitmq', this.innerName(node, 'RabbitExchange'));
  }

  /** An exchange given with a subscriber's queue: the queue is bound to it. */
  private bind(exchangeNode: SyntaxNode, queue: Target, queueNode: SyntaxNode): void {
    const exchange = this.rabbitExchange(exchangeNode);
    const declared = this.declaration(queueNode, 'RabbitQueue');
    const key = declared
      ? argument(declared.node.childForFieldName('arguments'), undefined, 'routing_key')
      : undefined;
    const properties: Properties = {};
    if (key && declared)
      properties.routingKey = this.file.resolver.string(declared.module, key).name;
    this.records.push(
      edgeRecord(
        'ROUTES_TO',
        this.channel(exchange),
        this.channel(queue),
        { technology: 'rabbitmq', properties },
        evidenceOf(this.file, exchangeNode),
      ),
    );
  }

  /** `RabbitQueue("orders", ...)` and its kind name the channel by their first argument. */
  private innerName(node: SyntaxNode, cls: string): SyntaxNode {
    const declared = this.declaration(node, cls);
    const name = declared
      ? argument(declared.node.childForFieldName('arguments'), 0, 'name')
      : undefined;
    return name && declared?.module === this.file.module ? name : node;
  }

  private declaration(node: SyntaxNode, cls: string): Located | undefined {
    const bound = this.file.resolver.bind(this.file.module, node);
    if (bound?.kind !== 'value' || bound.node.type !== 'call') return undefined;
    const callee = bound.node.childForFieldName('function');
    const origin = callee ? this.file.resolver.origin(bound.module, callee) : undefined;
    return origin?.endsWith(`.${cls}`) ? { module: bound.module, node: bound.node } : undefined;
  }

  private first(
    node: SyntaxNode | undefined,
    args: SyntaxNode | undefined,
    keyword: string,
  ): SyntaxNode[] {
    const found = node ?? (args ? argument(args, undefined, keyword) : undefined);
    return found ? [found] : [];
  }

  private keyword(args: SyntaxNode | undefined, keyword: string): SyntaxNode[] {
    const value = args ? argument(args, undefined, keyword) : undefined;
    if (!value) return [];
    const elements = this.file.resolver.sequence(this.file.module, value);
    return elements
      ? elements.filter((e) => e.module === this.file.module).map((e) => e.node)
      : [value];
  }

  private target(
    label: ChannelLabel,
    kind: ChannelKind,
    technology: TechnologyId,
    node: SyntaxNode,
  ): Target {
    return {
      label,
      kind,
      technology,
      name: this.file.resolver.string(this.file.module, node),
      at: node,
    };
  }

  private channel(target: Target): NodeRef {
    const evidence: Evidence = evidenceOf(this.file, target.at);
    this.records.push(
      channelRecord(target.label, target.kind, target.technology, target.name, evidence),
    );
    return ref.channel(target.label, target.technology, target.name.name);
  }

  private routing(transport: Transport, args: SyntaxNode | undefined): Properties {
    const properties: Properties = {};
    const key = transport === 'rabbit' ? this.option(args, 'routing_key') : undefined;
    if (key) properties.routingKey = key.name;
    return properties;
  }

  private option(args: SyntaxNode | undefined, keyword: string): ResolvedName | undefined {
    const value = args ? argument(args, undefined, keyword) : undefined;
    return value && value.type !== 'none'
      ? this.file.resolver.string(this.file.module, value)
      : undefined;
  }

  private literal(
    args: SyntaxNode | undefined,
    keyword: string,
  ): string | number | boolean | undefined {
    const value = args ? argument(args, undefined, keyword) : undefined;
    return value ? this.file.resolver.literal(this.file.module, value) : undefined;
  }

  /** The project class the handler's first parameter is annotated with. */
  private messageType(fn: SyntaxNode) {
    const first = parametersOf(fn).find((p) => p.name !== 'self');
    const type = first?.annotation ? annotatedType(first.annotation) : undefined;
    const cls = type ? this.file.resolver.bind(this.file.module, type) : undefined;
    return cls?.kind === 'class'
      ? eventTypeOfClass(this.file.resolver, cls.module, cls.node)
      : undefined;
  }
}
