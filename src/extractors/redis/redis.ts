// Redis as a broker, through ioredis or node-redis (v4+): PUBLISH / SUBSCRIBE / PSUBSCRIBE
// channels and streams read by consumer groups. Redis used as a cache (GET, SET, HSET...) is
// not messaging and gives nothing.
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
import { functionName, isFunctionLike } from '../../lang/typescript/resolve.js';
import {
  evidenceOf,
  HandlerNames,
  methodCalls,
  publishTargets,
  type MethodCall,
} from '../../lang/typescript/sites.js';
import {
  carriesRecords,
  distinctEvents,
  publishedEvents,
} from '../../lang/typescript/payload-types.js';
import { streamReads, type StreamRead } from './streams.js';

const debug = createDebug('eventgraph:extract:redis');

export const redisExtractor: Extractor<TsFile> = {
  id: 'redis',
  title: 'Redis pub/sub channels and streams (ioredis, node-redis)',
  docs: 'https://redis.io/docs/latest/develop/interact/pubsub/',
  language: 'typescript',
  technologies: ['redis-pubsub', 'redis-streams'],
  packages: ['ioredis', 'redis'],
  imports: ['ioredis', 'redis'],
  prefilter: ['publish', 'subscribe', 'xadd', 'xAdd', 'xreadgroup', 'xReadGroup', 'xread', 'xRead'],
  emits: { nodes: ['Topic', 'Handler', 'Event'], edges: ['PUBLISHES', 'CONSUMES', 'CARRIES'] },
  extract,
};

const MODULES = new Set(['ioredis', 'redis', '@redis/client']);
const PUBSUB = 'redis-pubsub';
const STREAMS = 'redis-streams';
const METHODS = new Set([
  'publish',
  'spublish',
  'subscribe',
  'ssubscribe',
  'psubscribe',
  'on',
  'xadd',
  'xAdd',
  'xreadgroup',
  'xReadGroup',
  'xread',
  'xRead',
  'xack',
  'xAck',
  'xgroup',
  'xGroupCreate',
]);

function extract(file: TsFile): GraphRecord[] {
  const calls = methodCalls(file, METHODS).filter((call) => isRedisClient(file, call.object));
  const records: GraphRecord[] = [];
  const handlers = new Map<Node, NodeRef>();
  const names = new HandlerNames(file);
  const listeners = messageListeners(file, calls);

  for (const call of calls) {
    if (call.method === 'subscribe' || call.method === 'ssubscribe') {
      records.push(...subscribe(file, call, false, listeners, handlers, names));
    } else if (call.method === 'psubscribe') {
      records.push(...subscribe(file, call, true, listeners, handlers, names));
    }
  }
  for (const read of streamReads(file, calls))
    records.push(...streamConsumer(file, read, handlers, names));
  for (const call of calls) {
    if (call.method === 'publish' || call.method === 'spublish') {
      records.push(...publish(file, call, PUBSUB, 'channel', handlers));
    } else if (call.method === 'xadd' || call.method === 'xAdd') {
      records.push(...publish(file, call, STREAMS, 'stream', handlers));
    }
  }
  debug('%s: %d records', file.input.path, records.length);
  return records;
}

/** A client made by ioredis or node-redis, or duplicated from one. */
function isRedisClient(file: TsFile, object: Node): boolean {
  const origin = file.resolver.traceOrigin(object);
  return origin !== undefined && MODULES.has(origin.module);
}

// ---- publishing --------------------------------------------------------------------------

function publish(
  file: TsFile,
  call: MethodCall,
  technology: typeof PUBSUB | typeof STREAMS,
  kind: 'channel' | 'stream',
  handlers: ReadonlyMap<Node, NodeRef>,
): GraphRecord[] {
  const [nameNode, second, third] = call.call.getArguments();
  if (!nameNode) return [];
  // PUBLISH channel message; XADD key id fields (node-redis: an object of fields).
  const payload = technology === PUBSUB ? second : third;
  return publishTargets(file, [nameNode], call.call, handlers).flatMap((target) => {
    const [name] = target.names as [ResolvedName];
    const properties: Properties = {};
    if (target.via !== undefined) properties.via = target.via;
    const topic = ref.channel('Topic', technology, name.name);
    const records: GraphRecord[] = [
      channelRecord('Topic', kind, technology, name, target.evidence),
      edgeRecord('PUBLISHES', target.publisher, topic, { technology, properties }, target.evidence),
    ];
    const events = payload ? publishedEvents(file, payload, target) : [];
    for (const carried of distinctEvents(events))
      records.push(...carriesRecords(file, topic, carried, technology));
    return records;
  });
}

// ---- subscribing -------------------------------------------------------------------------

/** `client.on('message' | 'pmessage', fn)` by the client's text, the event and the function. */
interface Listener {
  event: string;
  fn: Node | undefined;
}

function messageListeners(file: TsFile, calls: MethodCall[]): Map<string, Listener[]> {
  const byClient = new Map<string, Listener[]>();
  for (const call of calls) {
    if (call.method !== 'on') continue;
    const [event, listener] = call.call.getArguments();
    const name = event ? file.resolver.literalOf(event) : undefined;
    if (typeof name !== 'string' || !/^(p|s)?message(Buffer)?$/.test(name)) continue;
    const list = byClient.get(call.object.getText()) ?? [];
    list.push({ event: name, fn: listener ? file.resolver.functionOf(listener) : undefined });
    byClient.set(call.object.getText(), list);
  }
  return byClient;
}

/**
 * SUBSCRIBE or PSUBSCRIBE. node-redis passes the listener with the call; ioredis delivers to
 * `client.on('message' | 'pmessage')`, and a callback taking `err` first only reports the
 * subscription. A pattern keeps the pattern as the channel's name, marked `pattern: true`.
 */
function subscribe(
  file: TsFile,
  call: MethodCall,
  pattern: boolean,
  listeners: ReadonlyMap<string, Listener[]>,
  handlers: Map<Node, NodeRef>,
  names: HandlerNames,
): GraphRecord[] {
  const args = call.call.getArguments();
  const last = args.at(-1);
  const callback = last ? file.resolver.functionOf(last) : undefined;
  const channels = (callback ? args.slice(0, -1) : args).flatMap((arg) =>
    Node.isArrayLiteralExpression(arg) ? arg.getElements() : [arg],
  );
  const listener =
    callback && !isErrorCallback(callback)
      ? callback
      : listeners
          .get(call.object.getText())
          ?.find((l) => l.event.startsWith('p') === pattern && l.fn !== undefined)?.fn;

  const evidence = evidenceOf(file, call.call);
  const edgeProperties: Properties = pattern ? { pattern: true } : {};
  return channels.flatMap((channel) => {
    const name = file.resolver.resolveName(channel);
    const enclosing = listener ?? enclosingFunction(call.call);
    const given = (enclosing ? functionName(enclosing) : undefined) ?? `${name.name} subscriber`;
    const { ref: handler, name: handlerName } = names.handler(
      call.call,
      enclosing ?? call.call,
      given,
    );
    if (listener) handlers.set(listener, handler);
    return [
      nodeRecord(handler, { name: handlerName, technology: PUBSUB }, evidence),
      channelRecord('Topic', 'channel', PUBSUB, name, evidence, edgeProperties),
      edgeRecord(
        'CONSUMES',
        handler,
        ref.channel('Topic', PUBSUB, name.name),
        { technology: PUBSUB, properties: edgeProperties },
        evidence,
      ),
    ];
  });
}

function isErrorCallback(fn: Node): boolean {
  if (!Node.isFunctionLikeDeclaration(fn)) return false;
  const first = fn.getParameters()[0];
  return first !== undefined && /^err(or)?$/i.test(first.getName());
}

function enclosingFunction(node: Node): Node | undefined {
  return node.getFirstAncestor(isFunctionLike);
}

// ---- streams -----------------------------------------------------------------------------

function streamConsumer(
  file: TsFile,
  read: StreamRead,
  handlers: Map<Node, NodeRef>,
  names: HandlerNames,
): GraphRecord[] {
  const evidence = evidenceOf(file, read.call);
  const enclosing = enclosingFunction(read.call);
  return read.streams.flatMap((stream) => {
    const given =
      (enclosing ? functionName(enclosing) : undefined) ??
      (read.group !== undefined ? `${read.group} reader` : `${stream.name} reader`);
    const { ref: handler, name } = names.handler(read.call, enclosing ?? read.call, given);
    if (enclosing) handlers.set(enclosing, handler);
    const handlerProperties: Properties = {};
    const properties: Properties = {};
    if (read.group !== undefined) handlerProperties.group = properties.group = read.group;
    if (read.acked) properties.ack = 'manual';
    return [
      nodeRecord(handler, { name, technology: STREAMS, properties: handlerProperties }, evidence),
      channelRecord('Topic', 'stream', STREAMS, stream, evidence),
      edgeRecord(
        'CONSUMES',
        handler,
        ref.channel('Topic', STREAMS, stream.name),
        { technology: STREAMS, properties },
        evidence,
      ),
    ];
  });
}
