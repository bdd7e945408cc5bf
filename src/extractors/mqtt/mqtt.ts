// MQTT.js clients: publish with QoS and retain, subscribe to topics and filters, and the
// client's 'message' listener that receives what every subscription brings.
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
  receiverText,
  publishTargets,
} from '../../lang/typescript/sites.js';
import {
  carriesRecords,
  distinctEvents,
  parsedEvents,
  publishedEvents,
} from '../../lang/typescript/payload-types.js';

const debug = createDebug('eventgraph:extract:mqtt');

export const mqttExtractor: Extractor<TsFile> = {
  id: 'mqtt',
  title: 'MQTT.js publishes, subscriptions and message listeners',
  docs: 'https://github.com/mqttjs/MQTT.js#api',
  language: 'typescript',
  technologies: ['mqtt'],
  packages: ['mqtt', 'async-mqtt'],
  imports: ['mqtt'],
  prefilter: ['mqtt', '.publish(', '.subscribe(', "'message'"],
  emits: { nodes: ['Topic', 'Handler', 'Event'], edges: ['PUBLISHES', 'CONSUMES', 'CARRIES'] },
  extract,
};

const TECHNOLOGY = 'mqtt';
const MODULES = new Set(['mqtt', 'async-mqtt']);
const PUBLISH = new Set(['publish', 'publishAsync']);
const SUBSCRIBE = new Set(['subscribe', 'subscribeAsync']);
const METHODS = new Set([...PUBLISH, ...SUBSCRIBE, 'on', 'addListener']);

interface ClientCall {
  call: CallExpression;
  method: string;
  /** Which client: the connect call that made it, or the code naming it. */
  client: Node | string;
}

function extract(file: TsFile): GraphRecord[] {
  const calls = clientCalls(file, [file.source]);
  if (calls.length === 0) return [];
  const records: GraphRecord[] = [];
  const handlers = new Map<Node, NodeRef>();
  const names = new HandlerNames(file);

  // A client's 'message' listener receives every topic the client subscribes to, in whatever
  // module the subscriptions are made.
  const everywhere = projectCalls(file);
  const listened = new Set(everywhere.filter(isMessageListener).map((c) => c.client));
  for (const listener of calls.filter(isMessageListener)) {
    const subscriptions = everywhere.filter(
      (c) => SUBSCRIBE.has(c.method) && c.client === listener.client,
    );
    records.push(...listen(file, listener, subscriptions, handlers, names));
  }
  for (const subscription of calls) {
    if (SUBSCRIBE.has(subscription.method) && !listened.has(subscription.client))
      records.push(...listen(file, undefined, [subscription], handlers, names));
  }
  for (const { call, method } of calls) {
    if (PUBLISH.has(method)) records.push(...publish(file, call, handlers));
  }
  debug('%s: %d records', file.input.path, records.length);
  return records;
}

function clientCalls(file: TsFile, sources: readonly Node[]): ClientCall[] {
  const found: ClientCall[] = [];
  for (const source of sources) {
    const inSource = methodCalls({ ...file, source: source.getSourceFile() }, METHODS);
    for (const { call, object, method } of inSource) {
      const origin = file.resolver.traceOrigin(object);
      if (!origin || !MODULES.has(origin.module) || !isClient(origin)) continue;
      found.push({ call, method, client: clientKey(file, origin, object) });
    }
  }
  return found;
}

const callsByProject = new WeakMap<object, ClientCall[]>();

function projectCalls(file: TsFile): ClientCall[] {
  let calls = callsByProject.get(file.resolver);
  if (!calls) {
    calls = clientCalls(file, file.source.getProject().getSourceFiles());
    callsByProject.set(file.resolver, calls);
  }
  return calls;
}

function isClient(origin: Origin): boolean {
  const tokens = originTokens(origin).join(' ');
  return (
    /(^| )(connect|connectAsync|createClient) \(\)$/.test(tokens) ||
    /(^| )MqttClient new$/.test(tokens) ||
    /type (Mqtt|AsyncMqtt)Client$/.test(tokens)
  );
}

function clientKey(file: TsFile, origin: Origin, object: Node): Node | string {
  const made = originCall(origin, 'connect') ?? originCall(origin, 'connectAsync');
  if (made) return made;
  const node = strip(object);
  const definition = Node.isIdentifier(node) ? file.resolver.definitionOf(node) : undefined;
  return definition ?? object.getText();
}

function isMessageListener(call: ClientCall): boolean {
  if (call.method !== 'on' && call.method !== 'addListener') return false;
  const event = call.call.getArguments()[0];
  return event !== undefined && /^['"`]message['"`]$/.test(event.getText());
}

// ---- publishing --------------------------------------------------------------------------

function publish(
  file: TsFile,
  call: CallExpression,
  handlers: ReadonlyMap<Node, NodeRef>,
): GraphRecord[] {
  const [topic, payload, options] = call.getArguments();
  if (!topic) return [];
  const fields = file.resolver.objectProperties(options);
  const properties: Properties = {};
  const qos = file.resolver.literalOf(fields.get('qos'));
  if (typeof qos === 'number') properties.qos = qos;
  const retain = file.resolver.literalOf(fields.get('retain'));
  if (typeof retain === 'boolean') properties.retain = retain;
  const responseTopic = file.resolver
    .objectProperties(fields.get('properties'))
    .get('responseTopic');
  if (responseTopic) properties.replyTo = file.resolver.resolveName(responseTopic).name;

  return publishTargets(file, [topic], call, handlers).flatMap((target) => {
    const [resolved] = target.names as [ResolvedName];
    const edgeProperties: Properties = { ...properties };
    if (target.via !== undefined) edgeProperties.via = target.via;
    return [
      topicRecord(resolved, target.evidence),
      edgeRecord(
        'PUBLISHES',
        target.publisher,
        topicRef(resolved.name),
        { technology: TECHNOLOGY, properties: edgeProperties },
        target.evidence,
      ),
      ...distinctEvents(publishedEvents(file, payload, target)).flatMap((carried) =>
        carriesRecords(file, topicRef(resolved.name), carried, TECHNOLOGY),
      ),
    ];
  });
}

// ---- subscribing -------------------------------------------------------------------------

interface Filter {
  resolved: ResolvedName;
  qos?: number;
  group?: string;
  evidence: Evidence;
}

/**
 * One handler for a 'message' listener and the topics its client subscribes to; without a
 * listener, one for a subscription.
 */
function listen(
  file: TsFile,
  listener: ClientCall | undefined,
  subscriptions: readonly ClientCall[],
  handlers: Map<Node, NodeRef>,
  names: HandlerNames,
): GraphRecord[] {
  const filters = subscriptions.flatMap((s) => subscribedFilters(file, s.call));
  const anchor = listener?.call ?? subscriptions[0]?.call;
  if (!anchor || filters.length === 0) return [];
  const callback = listener?.call.getArguments()[1];
  const fn = callback ? file.resolver.functionOf(callback) : undefined;
  const fallback = listener
    ? `${receiverText(listener.call)} message`
    : `${filters[0]?.resolved.name ?? ''} subscriber`;
  const { ref: handler, name } = names.handler(
    anchor,
    fn ?? anchor,
    (fn ? functionName(fn) : undefined) ?? fallback,
  );
  if (fn) handlers.set(fn, handler);

  // The handler is in a group only when every subscription it serves is shared in that group.
  const groups = new Set(filters.map((f) => f.group));
  const [group] = groups;
  const handlerProperties: Properties = {};
  if (groups.size === 1 && group !== undefined) handlerProperties.group = group;
  const records: GraphRecord[] = [
    nodeRecord(
      handler,
      { name, technology: TECHNOLOGY, properties: handlerProperties },
      evidenceOf(file, fn ?? anchor),
    ),
  ];
  for (const filter of filters) {
    const properties: Properties = {};
    if (filter.qos !== undefined) properties.qos = filter.qos;
    if (filter.group !== undefined) properties.group = filter.group;
    records.push(topicRecord(filter.resolved, filter.evidence));
    records.push(
      edgeRecord(
        'CONSUMES',
        handler,
        topicRef(filter.resolved.name),
        { technology: TECHNOLOGY, properties },
        filter.evidence,
      ),
    );
  }
  const only = filters.length === 1 ? filters[0] : undefined;
  if (fn && only) {
    for (const carried of distinctEvents(parsedEvents(file, fn)))
      records.push(...carriesRecords(file, topicRef(only.resolved.name), carried, TECHNOLOGY));
  }
  return records;
}

/** `subscribe(topic | [topics] | { topic: { qos } }, { qos })`. */
function subscribedFilters(file: TsFile, call: CallExpression): Filter[] {
  const [topics, options] = call.getArguments();
  if (!topics) return [];
  const evidence = evidenceOf(file, call);
  const optionQos = file.resolver.literalOf(file.resolver.objectProperties(options).get('qos'));
  const filter = (resolved: ResolvedName, qos: unknown): Filter => {
    const shared = /^\$share\/([^/]+)\/(.+)$/.exec(resolved.dynamic ? '' : resolved.name);
    const result: Filter = { resolved, evidence };
    // `$share/<group>/<filter>`: the broker hands each message to one member of the group.
    if (shared?.[1] && shared[2]) {
      result.group = shared[1];
      result.resolved = { name: shared[2], dynamic: false, expression: resolved.name };
    }
    const level = typeof qos === 'number' ? qos : optionQos;
    if (typeof level === 'number') result.qos = level;
    return result;
  };

  const node = file.resolver.constantNode(topics);
  if (Node.isArrayLiteralExpression(node))
    return node.getElements().map((e) => filter(file.resolver.resolveName(e), undefined));
  if (Node.isObjectLiteralExpression(node)) {
    return node.getProperties().flatMap((property) => {
      if (!Node.isPropertyAssignment(property)) return [];
      const key = property.getNameNode();
      const resolved = Node.isComputedPropertyName(key)
        ? file.resolver.resolveName(key.getExpression())
        : { name: property.getName().replace(/^['"`]|['"`]$/g, ''), dynamic: false };
      const options = file.resolver.objectProperties(property.getInitializer());
      return [filter(resolved, file.resolver.literalOf(options.get('qos')))];
    });
  }
  return [filter(file.resolver.resolveName(topics), undefined)];
}

// ---- names -------------------------------------------------------------------------------

/** A topic filter as written; `+` and `#` levels match other topics and are flagged. */
function topicRecord(resolved: ResolvedName, evidence: Evidence): GraphRecord {
  const properties: Properties = {};
  if (!resolved.dynamic && resolved.name.split('/').some((level) => level === '+' || level === '#'))
    properties.wildcard = true;
  return channelRecord('Topic', 'topic', TECHNOLOGY, resolved, evidence, properties);
}

function topicRef(name: string): NodeRef {
  return ref.channel('Topic', TECHNOLOGY, name);
}
