// paho-mqtt: client.publish with QoS and retain, client.subscribe to topics and filters, and
// the on_message callback (or message_callback_add for one filter) that handles them.
// Subscriptions usually sit in on_connect, where the client is the callback's first
// parameter. Records match the MQTT.js extractor's.
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
import { callsIn, evidenceOf, locationOf } from '../../lang/python/call-sites.js';
import type { PyFile } from '../../lang/python/frontend.js';
import type { Located } from '../../lang/python/resolve.js';
import {
  argument,
  enclosingFunction,
  functionName,
  parametersOf,
} from '../../lang/python/syntax.js';
import type { Captures, SyntaxNode } from '../../lang/python/tree-sitter.js';

const debug = createDebug('eventgraph:extract:paho-mqtt');

export const pahoMqttExtractor: Extractor<PyFile> = {
  id: 'paho-mqtt',
  title: 'paho-mqtt',
  docs: 'https://eclipse.dev/paho/files/paho.mqtt.python/html/client.html',
  language: 'python',
  technologies: ['mqtt'],
  packages: ['paho-mqtt'],
  imports: ['paho'],
  prefilter: ['paho', '.publish(', '.subscribe(', 'on_message'],
  emits: { nodes: ['Topic', 'Handler'], edges: ['PUBLISHES', 'CONSUMES'] },
  extract(file) {
    const records = new PahoFile(file).extract();
    debug('%s: %d records', file.input.path, records.length);
    return records;
  },
};

const TECHNOLOGY = 'mqtt';
const CLIENT = /^paho\.mqtt\.client\.Client\(\)$/;

class PahoFile {
  private readonly records: GraphRecord[] = [];
  /** Functions assigned to a client's on_connect / on_message, by callback name. */
  private readonly callbacks = new Map<string, Located[]>();

  constructor(private readonly file: PyFile) {}

  extract(): GraphRecord[] {
    this.readCallbacks();
    const onMessage = this.callbacks.get('on_message')?.[0];
    const filtered = new Map<string, Located>();
    const subscriptions: Captures[] = [];
    const publishes: Captures[] = [];
    for (const call of callsIn(this.file.module)) {
      if (!call.receiver || !call.call || !this.isClient(call.receiver)) continue;
      const method = call.method?.text;
      if (method === 'subscribe') subscriptions.push(call);
      if (method === 'publish') publishes.push(call);
      if (method === 'message_callback_add') {
        const filter = argument(call.arguments, 0, 'sub');
        const callback = argument(call.arguments, 1, 'callback');
        const fn = callback ? this.file.resolver.bind(this.file.module, callback) : undefined;
        if (filter && fn?.kind === 'function')
          filtered.set(this.name(filter).name, { module: fn.module, node: fn.node });
      }
    }
    const handlers = new Map<number, NodeRef>();
    for (const call of subscriptions) {
      for (const filter of this.filters(call)) {
        const { qos, at } = filter;
        let name = filter.name;
        const properties: Properties = {};
        // `$share/<group>/<filter>`: the broker hands each message to one member of the group.
        const shared = /^\$share\/([^/]+)\/(.+)$/.exec(name.dynamic ? '' : name.name);
        if (shared?.[1] && shared[2]) {
          properties.group = shared[1];
          name = { name: shared[2], dynamic: false, expression: name.name };
        }
        const fn = filtered.get(name.name) ?? onMessage;
        if (!fn || !call.call) continue;
        const handlerName = functionName(fn.node);
        const handler = ref.handler(locationOf(this.file, fn.module), handlerName);
        if (fn.module === this.file.module) handlers.set(fn.node.startIndex, handler);
        if (qos !== undefined) properties.qos = qos;
        const evidence = evidenceOf(this.file, at);
        this.records.push(
          nodeRecord(
            handler,
            { name: handlerName, technology: TECHNOLOGY },
            evidenceOf(this.file, fn.node, fn.module),
          ),
          this.topic(name, evidence),
          edgeRecord(
            'CONSUMES',
            handler,
            ref.channel('Topic', TECHNOLOGY, name.name),
            { technology: TECHNOLOGY, properties },
            evidence,
          ),
        );
      }
    }
    for (const call of publishes) this.publish(call, handlers);
    return this.records;
  }

  // `client.on_message = on_message`
  private readCallbacks(): void {
    for (const assignment of this.file.module.root.descendantsOfType('assignment')) {
      const left = assignment.childForFieldName('left');
      const right = assignment.childForFieldName('right');
      if (left?.type !== 'attribute' || !right) continue;
      const attribute = left.childForFieldName('attribute')?.text ?? '';
      const object = left.childForFieldName('object');
      if (!['on_connect', 'on_message'].includes(attribute) || !object) continue;
      if (!this.isClient(object, false)) continue;
      const fn = this.file.resolver.bind(this.file.module, right);
      if (fn?.kind !== 'function') continue;
      const list = this.callbacks.get(attribute) ?? [];
      list.push({ module: fn.module, node: fn.node });
      this.callbacks.set(attribute, list);
    }
  }

  /** A paho client, or the client parameter of a callback the client was given. */
  private isClient(node: SyntaxNode, viaCallbacks = true): boolean {
    const origin = this.file.resolver.origin(this.file.module, node);
    if (origin && CLIENT.test(origin)) return true;
    if (!viaCallbacks || node.type !== 'identifier') return false;
    const fn = enclosingFunction(node);
    if (!fn) return false;
    const isCallback = [...this.callbacks.values()].some((list) =>
      list.some((c) => c.node.id === fn.id),
    );
    return isCallback && parametersOf(fn)[0]?.name === node.text;
  }

  private name(node: SyntaxNode): ResolvedName {
    return this.file.resolver.string(this.file.module, node);
  }

  /** `subscribe("a/b", qos)`, `subscribe(("a/b", 1))`, `subscribe([("a", 0), ("b", 1)])`. */
  private filters(call: Captures): { name: ResolvedName; qos?: number; at: SyntaxNode }[] {
    const topic = argument(call.arguments, 0, 'topic');
    if (!topic) return [];
    const qosArg = argument(call.arguments, 1, 'qos');
    const qosValue = qosArg ? this.file.resolver.literal(this.file.module, qosArg) : undefined;
    const pair = (node: SyntaxNode) => {
      if (node.type === 'tuple') {
        const [first, second] = node.namedChildren;
        if (!first) return undefined;
        const level = second ? this.file.resolver.literal(this.file.module, second) : undefined;
        return {
          name: this.name(first),
          at: first,
          ...(typeof level === 'number' ? { qos: level } : {}),
        };
      }
      return {
        name: this.name(node),
        at: node,
        ...(typeof qosValue === 'number' ? { qos: qosValue } : {}),
      };
    };
    if (topic.type === 'list') {
      return topic.namedChildren
        .map(pair)
        .filter((f): f is NonNullable<typeof f> => f !== undefined);
    }
    const single = pair(topic);
    return single ? [single] : [];
  }

  private topic(name: ResolvedName, evidence: Evidence): GraphRecord {
    const properties: Properties = {};
    if (!name.dynamic && name.name.split('/').some((level) => level === '+' || level === '#'))
      properties.wildcard = true;
    return channelRecord('Topic', 'topic', TECHNOLOGY, name, evidence, properties);
  }

  private publish(call: Captures, handlers: Map<number, NodeRef>): void {
    const topic = argument(call.arguments, 0, 'topic');
    if (!topic || !call.call) return;
    const name = this.name(topic);
    const properties: Properties = {};
    const qos = argument(call.arguments, 2, 'qos');
    const level = qos ? this.file.resolver.literal(this.file.module, qos) : undefined;
    if (typeof level === 'number') properties.qos = level;
    const retain = argument(call.arguments, 3, 'retain');
    const kept = retain ? this.file.resolver.literal(this.file.module, retain) : undefined;
    if (typeof kept === 'boolean') properties.retain = kept;
    const fn = enclosingFunction(call.call);
    const from = (fn && handlers.get(fn.startIndex)) ?? ref.serviceOf(locationOf(this.file));
    const evidence = evidenceOf(this.file, call.call);
    this.records.push(
      this.topic(name, evidence),
      edgeRecord(
        'PUBLISHES',
        from,
        ref.channel('Topic', TECHNOLOGY, name.name),
        { technology: TECHNOLOGY, properties },
        evidence,
      ),
    );
  }
}
