// The transport of a NestJS microservice server or client: `{ transport: Transport.RMQ,
// options: { urls, queue, queueOptions, noAck, prefetchCount } }` and its Kafka, NATS, Redis
// and MQTT counterparts. What it says about the broker channel and the consumers of it.
import { Node, SyntaxKind } from 'ts-morph';
import {
  channelRecord,
  edgeRecord,
  ref,
  type ChannelKind,
  type ChannelLabel,
  type GraphRecord,
  type NodeRef,
  type Properties,
  type ResolvedName,
} from '../../model/graph.js';
import type { TechnologyId } from '../../model/taxonomy.js';
import type { TsFile } from '../../lang/typescript/frontend.js';
import { strip } from '../../lang/typescript/resolve.js';
import { evidenceOf } from '../../lang/typescript/sites.js';

export type Broker = 'rabbitmq' | 'kafka' | 'nats' | 'redis-pubsub' | 'mqtt';
export const FRAMEWORK = 'nestjs-microservices';

const BROKERS: Readonly<Record<string, Broker>> = {
  RMQ: 'rabbitmq',
  KAFKA: 'kafka',
  NATS: 'nats',
  REDIS: 'redis-pubsub',
  MQTT: 'mqtt',
};

/** A transport the extractor reads; TCP, gRPC and custom strategies are left out. */
export interface Transport {
  broker: Broker;
  /** The `transport:` property, for evidence. */
  at: Node;
  options: Map<string, Node>;
}

/** `{ transport, options }`, or undefined for TCP (the default), gRPC and custom strategies. */
export function transportOf(file: TsFile, config: Node | undefined): Transport | undefined {
  const fields = file.resolver.objectProperties(config);
  const transport = fields.get('transport');
  if (!transport) return undefined;
  const member = strip(transport);
  const key = Node.isPropertyAccessExpression(member) ? member.getName() : undefined;
  const broker = key === undefined ? undefined : BROKERS[key];
  if (broker === undefined) return undefined;
  return { broker, at: transport, options: file.resolver.objectProperties(fields.get('options')) };
}

/** A string option: a literal, a constant, or a config/env value with its default. */
export function optionName(file: TsFile, node: Node | undefined): ResolvedName | undefined {
  if (!node) return undefined;
  const config = configValue(file, node);
  if (config) return config;
  return file.resolver.resolveName(node);
}

/**
 * `config.get('RABBITMQ_QUEUE')` or `configService.get<string>('X', 'default')`: the key
 * is the override; the default, when there is one, is the name.
 */
function configValue(file: TsFile, input: Node): ResolvedName | undefined {
  const node = strip(input);
  if (!Node.isCallExpression(node)) return undefined;
  const callee = node.getExpression();
  if (!Node.isPropertyAccessExpression(callee)) return undefined;
  if (!['get', 'getOrThrow'].includes(callee.getName())) return undefined;
  if (!/config/i.test(callee.getExpression().getText())) return undefined;
  const [keyNode, fallbackNode] = node.getArguments();
  if (!keyNode) return undefined;
  const key = file.resolver.resolveName(keyNode);
  if (key.dynamic) return undefined;
  const fallback = fallbackNode ? file.resolver.resolveName(fallbackNode) : undefined;
  const expression = node.getText();
  if (fallback && !fallback.dynamic) {
    return { name: fallback.name, dynamic: false, expression, override: key.name };
  }
  return { name: expression, dynamic: true, expression, override: key.name };
}

/** The first broker address with its credentials hidden: amqp://***@host:5672. */
export function brokerUrl(file: TsFile, transport: Transport): string | undefined {
  const list = transport.options.get('urls') ?? transport.options.get('servers');
  const client = file.resolver.objectProperties(transport.options.get('client'));
  const single =
    transport.options.get('url') ?? transport.options.get('host') ?? client.get('brokers');
  const node = list ?? single;
  if (!node) return undefined;
  const value = strip(node);
  const first = Node.isArrayLiteralExpression(value) ? value.getElements()[0] : value;
  if (!first) return undefined;
  const resolved = optionName(file, first);
  if (!resolved) return undefined;
  return resolved.name.replace(/\/\/[^/@\s]+@/, '//***@');
}

// ---- RabbitMQ ----------------------------------------------------------------------------

/** The queue of an RMQ transport, with what its queueOptions declare. */
export interface RmqQueue {
  name: ResolvedName;
  properties: Properties;
  /** The queue channel record and its dead-letter route. */
  records: GraphRecord[];
}

export function rmqQueue(file: TsFile, transport: Transport): RmqQueue | undefined {
  const queueNode = transport.options.get('queue');
  const name = optionName(file, queueNode);
  if (!name || !queueNode) return undefined;
  const fields = file.resolver.objectProperties(transport.options.get('queueOptions'));
  const args = file.resolver.objectProperties(fields.get('arguments'));
  const option = (key: string, argument: string) =>
    file.resolver.literalOf(fields.get(key) ?? args.get(argument));

  const properties: Properties = {};
  const durable = option('durable', 'x-durable');
  if (typeof durable === 'boolean') properties.durable = durable;
  const ttl = option('messageTtl', 'x-message-ttl');
  if (typeof ttl === 'number') properties.messageTtlMs = ttl;
  const maxLength = option('maxLength', 'x-max-length');
  if (typeof maxLength === 'number') properties.maxLength = maxLength;

  const evidence = evidenceOf(file, queueNode);
  const records: GraphRecord[] = [
    channelRecord('Queue', 'queue', 'rabbitmq', name, evidence, properties),
  ];
  const deadLetter = fields.get('deadLetterExchange') ?? args.get('x-dead-letter-exchange');
  if (deadLetter) {
    const routing = fields.get('deadLetterRoutingKey') ?? args.get('x-dead-letter-routing-key');
    const routingKey = optionName(file, routing);
    const exchange = optionName(file, deadLetter) ?? { name: '', dynamic: false };
    const edgeProperties: Properties = {};
    if (routingKey) edgeProperties.routingKey = routingKey.name;
    // The default exchange '' delivers to the queue the routing key names.
    const target =
      !exchange.dynamic && exchange.name === '' && routingKey
        ? { label: 'Queue' as const, kind: 'queue' as const, name: routingKey }
        : {
            label: 'Topic' as const,
            kind: 'exchange' as const,
            name:
              exchange.name === ''
                ? { name: '(AMQP default)', dynamic: false, expression: "''" }
                : exchange,
          };
    records.push(channelRecord(target.label, target.kind, 'rabbitmq', target.name, evidence));
    records.push(
      edgeRecord(
        'DEAD_LETTERS_TO',
        ref.channel('Queue', 'rabbitmq', name.name),
        ref.channel(target.label, 'rabbitmq', target.name.name),
        { technology: 'rabbitmq', properties: edgeProperties },
        evidence,
      ),
    );
  }
  return { name, properties, records };
}

// ---- the channel a message pattern travels on --------------------------------------------

/** Where a message with a pattern goes over a transport, and what the consumer side says. */
export interface Route {
  technology: TechnologyId;
  label: ChannelLabel;
  kind: ChannelKind;
  channel: ResolvedName;
  /** Records of the channel itself (node, dead-letter route). */
  records: GraphRecord[];
  /** True when the pattern travels inside the channel's messages rather than naming it. */
  patternInside: boolean;
}

const KINDS: Readonly<Record<Exclude<Broker, 'rabbitmq'>, ChannelKind>> = {
  kafka: 'topic',
  nats: 'subject',
  'redis-pubsub': 'channel',
  mqtt: 'topic',
};

/**
 * RMQ puts every pattern on the transport's queue (the pattern rides in the message); Kafka,
 * NATS, Redis and MQTT use the pattern itself as topic, subject or channel.
 */
export function routeOf(
  file: TsFile,
  transport: Transport,
  pattern: ResolvedName,
  at: Node,
): Route | undefined {
  if (transport.broker === 'rabbitmq') {
    const queue = rmqQueue(file, transport);
    if (!queue) return undefined;
    return {
      technology: 'rabbitmq',
      label: 'Queue',
      kind: 'queue',
      channel: queue.name,
      records: queue.records,
      patternInside: true,
    };
  }
  const kind = KINDS[transport.broker];
  return {
    technology: transport.broker,
    label: 'Topic',
    kind,
    channel: pattern,
    records: [channelRecord('Topic', kind, transport.broker, pattern, evidenceOf(file, at))],
    patternInside: false,
  };
}

export function routeRef(route: Route): NodeRef {
  return ref.channel(route.label, route.technology, route.channel.name);
}

/** What a server transport says about its consumers: ack mode, prefetch, group. */
export function consumerProperties(file: TsFile, transport: Transport): Properties {
  const properties: Properties = {};
  const options = transport.options;
  if (transport.broker === 'rabbitmq') {
    // Nest's RMQ server acknowledges on receipt unless noAck is false.
    properties.ack = file.resolver.literalOf(options.get('noAck')) === false ? 'manual' : 'auto';
    const prefetch = file.resolver.literalOf(options.get('prefetchCount'));
    if (typeof prefetch === 'number') properties.prefetch = prefetch;
  } else if (transport.broker === 'kafka') {
    // The server appends postfixId ('-server' by default) to the group id it is given.
    const consumer = file.resolver.objectProperties(options.get('consumer'));
    const group = optionName(file, consumer.get('groupId'));
    const postfix = file.resolver.literalOf(options.get('postfixId'));
    const suffix = typeof postfix === 'string' ? postfix : '-server';
    properties.group = `${group?.name ?? 'nestjs-group'}${suffix}`;
    const subscribe = file.resolver.objectProperties(options.get('subscribe'));
    const fromBeginning = file.resolver.literalOf(subscribe.get('fromBeginning'));
    if (typeof fromBeginning === 'boolean') properties.fromBeginning = fromBeginning;
  } else if (transport.broker === 'nats') {
    const queue = optionName(file, options.get('queue'));
    if (queue) properties.group = queue.name;
  }
  return properties;
}

/** The address a request-reply client waits on for the answer to `send(pattern)`. */
export function replyAddress(file: TsFile, transport: Transport, pattern: string): string {
  switch (transport.broker) {
    case 'rabbitmq':
      return optionName(file, transport.options.get('replyQueue'))?.name ?? 'amq.rabbitmq.reply-to';
    case 'kafka':
      return `${pattern}.reply`;
    case 'nats':
      return '_INBOX (per request)';
    case 'redis-pubsub':
      return `${pattern}.reply`;
    case 'mqtt':
      return `${pattern}/reply`;
  }
}

/** The text of a pattern: a string, or an object pattern as Nest serialises it (sorted keys). */
export function patternName(file: TsFile, node: Node): ResolvedName {
  const value = file.resolver.constantNode(node);
  if (Node.isObjectLiteralExpression(value)) {
    const fields = [...file.resolver.objectProperties(value)].sort(([a], [b]) =>
      a.localeCompare(b),
    );
    const parts: string[] = [];
    for (const [key, inner] of fields) {
      const literal = file.resolver.literalOf(inner);
      if (literal === undefined) {
        const text = value.getText().replace(/\s+/g, ' ');
        return { name: text, dynamic: true, expression: text };
      }
      parts.push(`${JSON.stringify(key)}:${JSON.stringify(literal)}`);
    }
    return { name: `{${parts.join(',')}}`, dynamic: false };
  }
  return optionName(file, node) ?? file.resolver.resolveName(node);
}

export function isArrayOf(node: Node | undefined): Node[] {
  if (!node) return [];
  const value = strip(node);
  return value.getKind() === SyntaxKind.ArrayLiteralExpression &&
    Node.isArrayLiteralExpression(value)
    ? value.getElements()
    : [value];
}
