// google-cloud-pubsub: PublisherClient.publish to a topic path, SubscriberClient.subscribe
// (streaming pull with a callback) and pull, and create_subscription with its dead-letter
// policy, ordering and exactly-once delivery. Records match the TypeScript gcp-pubsub
// extractor's: topics are Topics, subscriptions Queues routed from their topic.
import createDebug from 'debug';
import type { Extractor } from '../contract.js';
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
import { callsIn, enclosingName, evidenceOf, locationOf } from '../../lang/python/call-sites.js';
import type { PyFile } from '../../lang/python/frontend.js';
import { unwrap, type Located } from '../../lang/python/resolve.js';
import { argument, enclosingFunction, functionName } from '../../lang/python/syntax.js';
import type { Captures, SyntaxNode } from '../../lang/python/tree-sitter.js';
import { resourceName } from '../aws-sdk/resource-names.js';

const debug = createDebug('eventgraph:extract:google-cloud-pubsub');

export const googleCloudPubsubExtractor: Extractor<PyFile> = {
  id: 'google-cloud-pubsub',
  title: 'google-cloud-pubsub',
  docs: 'https://cloud.google.com/python/docs/reference/pubsub/latest',
  language: 'python',
  technologies: ['gcp-pubsub'],
  packages: ['google-cloud-pubsub'],
  imports: ['google.cloud'],
  prefilter: ['pubsub', 'PublisherClient', 'SubscriberClient'],
  emits: {
    nodes: ['Topic', 'Queue', 'Handler'],
    edges: ['PUBLISHES', 'CONSUMES', 'ROUTES_TO', 'DEAD_LETTERS_TO'],
  },
  extract(file) {
    const records = new PubsubFile(file).extract();
    debug('%s: %d records', file.input.path, records.length);
    return records;
  },
};

const TECHNOLOGY = 'gcp-pubsub';
const CLIENT =
  /^google\.cloud\.(pubsub_v1|pubsub)(\.\w+)*\.(PublisherClient|SubscriberClient)\(\)$/;

class PubsubFile {
  private readonly records: GraphRecord[] = [];
  private readonly handlers = new Map<number, NodeRef>();

  constructor(private readonly file: PyFile) {}

  extract(): GraphRecord[] {
    const uses: { role: 'publisher' | 'subscriber'; call: Captures }[] = [];
    for (const call of callsIn(this.file.module)) {
      if (!call.receiver || !call.call || !call.method) continue;
      const origin = this.file.resolver.origin(this.file.module, call.receiver) ?? '';
      const found = CLIENT.exec(origin);
      if (!found) continue;
      uses.push({ role: found[3] === 'PublisherClient' ? 'publisher' : 'subscriber', call });
    }
    for (const { role, call } of uses) {
      const method = call.method?.text;
      if (role === 'subscriber' && method === 'subscribe') this.subscribe(call);
      if (role === 'subscriber' && method === 'pull') this.pull(call);
      if (role === 'subscriber' && method === 'create_subscription') this.createSubscription(call);
    }
    for (const { role, call } of uses)
      if (role === 'publisher' && call.method?.text === 'publish') this.publish(call);
    return this.records;
  }

  /** `client.topic_path(project, "orders")`, a path written out, or a name known at run time. */
  private name(located: Located): ResolvedName {
    const bound = this.file.resolver.bind(located.module, located.node);
    const value =
      bound?.kind === 'value' ? { module: bound.module, node: unwrap(bound.node) } : located;
    if (value.node.type === 'call') {
      const callee = value.node.childForFieldName('function');
      const method =
        callee?.type === 'attribute' ? callee.childForFieldName('attribute')?.text : '';
      if (method === 'topic_path' || method === 'subscription_path') {
        const last = argument(value.node.childForFieldName('arguments'), 1);
        if (last) return this.file.resolver.string(value.module, last);
      }
    }
    const resolved = this.file.resolver.string(located.module, located.node);
    if (!resolved.dynamic) return resourceName(resolved);
    // f"projects/{project}/topics/orders"
    const tail = /\/([A-Za-z0-9_.~+%-]+)["']$/.exec(located.node.text);
    return located.node.type === 'string' && tail?.[1]
      ? { name: tail[1], dynamic: false, expression: located.node.text }
      : resolved;
  }

  /** Keyword arguments, or the fields of `request={...}`. */
  private fields(call: Captures): Map<string, Located> {
    const fields = new Map<string, Located>();
    const request = argument(call.arguments, undefined, 'request');
    if (request) {
      for (const [key, value] of this.file.resolver.dict(this.file.module, request) ?? [])
        fields.set(key, value);
    }
    for (const child of call.arguments?.namedChildren ?? []) {
      const key = child.childForFieldName('name')?.text;
      const value = child.childForFieldName('value');
      if (child.type === 'keyword_argument' && key && value)
        fields.set(key, { module: this.file.module, node: value });
    }
    return fields;
  }

  private publish(call: Captures): void {
    const topic = argument(call.arguments, 0, 'topic');
    if (!topic || !call.call) return;
    const name = this.name({ module: this.file.module, node: topic });
    const properties: Properties = {};
    const key = argument(call.arguments, undefined, 'ordering_key');
    if (key) properties.key = key.text;
    const fn = enclosingFunction(call.call);
    const from = (fn && this.handlers.get(fn.startIndex)) ?? ref.serviceOf(locationOf(this.file));
    const evidence = evidenceOf(this.file, call.call);
    this.records.push(
      channelRecord('Topic', 'topic', TECHNOLOGY, name, evidence),
      edgeRecord(
        'PUBLISHES',
        from,
        ref.channel('Topic', TECHNOLOGY, name.name),
        { technology: TECHNOLOGY, properties },
        evidence,
      ),
    );
  }

  private subscribe(call: Captures): void {
    const subscription = argument(call.arguments, 0, 'subscription');
    const callback = argument(call.arguments, 1, 'callback');
    if (!subscription || !callback || !call.call) return;
    const name = this.name({ module: this.file.module, node: subscription });
    const fn = this.file.resolver.bind(this.file.module, callback);
    const properties: Properties = {};
    const flow = argument(call.arguments, undefined, 'flow_control');
    const flowValue = flow ? this.file.resolver.bind(this.file.module, flow) : undefined;
    const flowNode = flowValue?.kind === 'value' ? flowValue.node : flow;
    const most =
      flowNode?.type === 'call'
        ? argument(flowNode.childForFieldName('arguments'), undefined, 'max_messages')
        : undefined;
    const count = most ? this.file.resolver.literal(this.file.module, most) : undefined;
    if (typeof count === 'number') properties.prefetch = count;
    let handlerName: string;
    let handler: NodeRef;
    let at;
    if (fn?.kind === 'function') {
      handlerName = functionName(fn.node);
      handler = ref.handler(locationOf(this.file, fn.module), handlerName);
      if (fn.module === this.file.module) this.handlers.set(fn.node.startIndex, handler);
      at = evidenceOf(this.file, fn.node, fn.module);
    } else {
      handlerName = `${name.name} message`;
      handler = ref.handler(locationOf(this.file), handlerName);
      at = evidenceOf(this.file, call.call);
    }
    this.consume(handler, handlerName, at, name, properties, call.call);
  }

  private pull(call: Captures): void {
    if (!call.call) return;
    const fields = this.fields(call);
    const subscription = fields.get('subscription');
    if (!subscription) return;
    const name = this.name(subscription);
    const max = fields.get('max_messages');
    const count = max ? this.file.resolver.literal(max.module, max.node) : undefined;
    const properties: Properties = typeof count === 'number' && count > 1 ? { batch: true } : {};
    const fn = enclosingFunction(call.call);
    const handlerName = enclosingName(this.file.module, call.call);
    const handler = ref.handler(locationOf(this.file), handlerName);
    if (fn) this.handlers.set(fn.startIndex, handler);
    this.consume(
      handler,
      handlerName,
      evidenceOf(this.file, fn ?? call.call),
      name,
      properties,
      call.call,
    );
  }

  private consume(
    handler: NodeRef,
    name: string,
    at: ReturnType<typeof evidenceOf>,
    subscription: ResolvedName,
    properties: Properties,
    call: SyntaxNode,
  ): void {
    const evidence = evidenceOf(this.file, call);
    this.records.push(
      nodeRecord(handler, { name, technology: TECHNOLOGY, properties }, at),
      channelRecord('Queue', 'queue', TECHNOLOGY, subscription, evidence),
      edgeRecord(
        'CONSUMES',
        handler,
        ref.channel('Queue', TECHNOLOGY, subscription.name),
        { technology: TECHNOLOGY, properties },
        evidence,
      ),
    );
  }

  private createSubscription(call: Captures): void {
    if (!call.call) return;
    const fields = this.fields(call);
    const nameField = fields.get('name');
    const topicField = fields.get('topic');
    if (!nameField || !topicField) return;
    const subscription = this.name(nameField);
    const topic = this.name(topicField);
    const evidence = evidenceOf(this.file, call.call);
    const literal = (located: Located | undefined) =>
      located ? this.file.resolver.literal(located.module, located.node) : undefined;
    const properties: Properties = {};
    if (literal(fields.get('enable_message_ordering')) === true) properties.ordered = true;
    if (literal(fields.get('enable_exactly_once_delivery')) === true) properties.exactlyOnce = true;
    const policyField = fields.get('dead_letter_policy');
    const policy = policyField ? this.policy(policyField) : undefined;
    const attempts = literal(policy?.get('max_delivery_attempts'));
    if (typeof attempts === 'number') properties.maxDeliveryAttempts = attempts;
    this.records.push(
      channelRecord('Topic', 'topic', TECHNOLOGY, topic, evidence),
      channelRecord('Queue', 'queue', TECHNOLOGY, subscription, evidence, properties),
      edgeRecord(
        'ROUTES_TO',
        ref.channel('Topic', TECHNOLOGY, topic.name),
        ref.channel('Queue', TECHNOLOGY, subscription.name),
        { technology: TECHNOLOGY },
        evidence,
      ),
    );
    const deadTopic = policy?.get('dead_letter_topic');
    if (!deadTopic) return;
    const dead = this.name(deadTopic);
    const edge: Properties = typeof attempts === 'number' ? { maxDeliveryAttempts: attempts } : {};
    this.records.push(
      channelRecord('Topic', 'topic', TECHNOLOGY, dead, evidence),
      edgeRecord(
        'DEAD_LETTERS_TO',
        ref.channel('Queue', TECHNOLOGY, subscription.name),
        ref.channel('Topic', TECHNOLOGY, dead.name),
        { technology: TECHNOLOGY, properties: edge },
        evidenceOf(this.file, deadTopic.node, deadTopic.module),
      ),
    );
  }

  /** `{"dead_letter_topic": ..., ...}` or `DeadLetterPolicy(dead_letter_topic=..., ...)`. */
  private policy(located: Located): Map<string, Located> | undefined {
    const dict = this.file.resolver.dict(located.module, located.node);
    if (dict) return dict;
    const bound = this.file.resolver.bind(located.module, located.node);
    const node = bound?.kind === 'value' ? bound.node : located.node;
    const module = bound?.kind === 'value' ? bound.module : located.module;
    if (node.type !== 'call') return undefined;
    const fields = new Map<string, Located>();
    for (const child of node.childForFieldName('arguments')?.namedChildren ?? []) {
      const key = child.childForFieldName('name')?.text;
      const value = child.childForFieldName('value');
      if (child.type === 'keyword_argument' && key && value)
        fields.set(key, { module, node: value });
    }
    return fields;
  }
}
