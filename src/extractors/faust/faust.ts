// Faust stream processing on Kafka: `app.topic(name, value_type=Model)` declares a topic and
// the record type it carries, `@app.agent(topic)` functions consume it in the app's consumer
// group (the app id), and `topic.send(...)` / `agent.send(...)` / an agent's sink publish.
// Schedules (@app.timer, @app.crontab) and table changelogs are left out: the vocabulary
// has no scheduler id for Faust.
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
import { callsIn, evidenceOf, locationOf } from '../../lang/python/call-sites.js';
import type { PyFile } from '../../lang/python/frontend.js';
import type { PyModule } from '../../lang/python/module-index.js';
import { unwrap, type Located } from '../../lang/python/resolve.js';
import { carriesRecords, eventTypeOfClass } from '../../lang/python/payload-types.js';
import { argument, enclosingFunction, functionName } from '../../lang/python/syntax.js';
import { runQuery, type SyntaxNode } from '../../lang/python/tree-sitter.js';

const debug = createDebug('eventgraph:extract:faust');

export const faustExtractor: Extractor<PyFile> = {
  id: 'faust',
  title: 'Faust (Kafka streams)',
  docs: 'https://faust-streaming.github.io/faust/userguide/index.html',
  language: 'python',
  technologies: ['kafka'],
  packages: ['faust', 'faust-streaming'],
  imports: ['faust'],
  prefilter: ['faust', '.agent(', '.topic('],
  emits: { nodes: ['Topic', 'Handler', 'Event'], edges: ['PUBLISHES', 'CONSUMES', 'CARRIES'] },
  extract(file) {
    const records = new FaustFile(file).extract();
    debug('%s: %d records', file.input.path, records.length);
    return records;
  },
};

const APP = /^faust(\.app(\.base)?)?\.App\(\)$/;

interface FaustTopic {
  name: ResolvedName;
  declared: Located;
}

class FaustFile {
  private readonly records: GraphRecord[] = [];
  private readonly handlers = new Map<number, NodeRef>();

  constructor(private readonly file: PyFile) {}

  extract(): GraphRecord[] {
    for (const match of runQuery('decorated-functions', this.file.module.root)) {
      const decorator = match.decorator?.namedChildren[0];
      if (match.function && decorator?.type === 'call') this.agent(match.function, decorator);
    }
    for (const call of callsIn(this.file.module)) {
      if (call.method?.text !== 'send' || !call.receiver || !call.call) continue;
      const topic = this.topicOf(this.file.module, call.receiver) ?? this.agentTopic(call.receiver);
      if (!topic) continue;
      const properties: Properties = {};
      const key = argument(call.arguments, undefined, 'key');
      if (key && key.type !== 'none') properties.key = key.text;
      const fn = enclosingFunction(call.call);
      const from = (fn && this.handlers.get(fn.startIndex)) ?? ref.serviceOf(locationOf(this.file));
      this.publish(from, topic, properties, call.call);
    }
    return this.records;
  }

  private isApp(module: PyModule, node: SyntaxNode): Located | undefined {
    const origin = this.file.resolver.origin(module, node);
    if (!origin || !APP.test(origin)) return undefined;
    const bound = this.file.resolver.bind(module, node);
    return bound?.kind === 'value' ? { module: bound.module, node: unwrap(bound.node) } : undefined;
  }

  /** `app.topic("name", ...)`, directly or through the variable holding it. */
  private topicOf(module: PyModule, node: SyntaxNode): FaustTopic | undefined {
    const bound = this.file.resolver.bind(module, node);
    const value =
      bound?.kind === 'value' ? { module: bound.module, node: unwrap(bound.node) } : undefined;
    if (value?.node.type !== 'call') return undefined;
    const callee = value.node.childForFieldName('function');
    if (callee?.type !== 'attribute' || callee.childForFieldName('attribute')?.text !== 'topic')
      return undefined;
    const object = callee.childForFieldName('object');
    if (!object || !this.isApp(value.module, object)) return undefined;
    const first = argument(value.node.childForFieldName('arguments'), 0);
    if (!first) return undefined;
    return { name: this.file.resolver.string(value.module, first), declared: value };
  }

  /** `process.send(...)` where `process` is an agent: its topic. */
  private agentTopic(receiver: SyntaxNode): FaustTopic | undefined {
    const bound = this.file.resolver.bind(this.file.module, receiver);
    if (bound?.kind !== 'function') return undefined;
    const definition = bound.node.parent;
    for (const decorator of definition?.namedChildren ?? []) {
      const call = decorator.type === 'decorator' ? decorator.namedChildren[0] : undefined;
      const topic =
        call?.type === 'call'
          ? argument(call.childForFieldName('arguments'), 0, 'channel')
          : undefined;
      if (topic) return this.topicOf(bound.module, topic);
    }
    return undefined;
  }

  private agent(fn: SyntaxNode, decorator: SyntaxNode): void {
    const callee = decorator.childForFieldName('function');
    if (callee?.type !== 'attribute' || callee.childForFieldName('attribute')?.text !== 'agent')
      return;
    const object = callee.childForFieldName('object');
    const app = object ? this.isApp(this.file.module, object) : undefined;
    if (!app) return;
    const args = decorator.childForFieldName('arguments');
    const topicNode = argument(args, 0, 'channel');
    const topic = topicNode ? this.topicOf(this.file.module, topicNode) : undefined;
    if (!topic) return;
    const properties: Properties = {};
    // The app id is the consumer group of all its agents.
    const id = argument(app.node.childForFieldName('arguments'), 0, 'id');
    const group = id ? this.file.resolver.literal(app.module, id) : undefined;
    if (typeof group === 'string') properties.group = group;
    const concurrency = argument(args, undefined, 'concurrency');
    const count = concurrency
      ? this.file.resolver.literal(this.file.module, concurrency)
      : undefined;
    if (typeof count === 'number') properties.concurrency = count;
    // `stream.take(n, within=...)` reads batches.
    if (/\.take\(/.test(fn.childForFieldName('body')?.text ?? '')) properties.batch = true;
    const name = functionName(fn);
    const handler = ref.handler(locationOf(this.file), name);
    this.handlers.set(fn.startIndex, handler);
    const evidence = evidenceOf(this.file, decorator);
    const channel = this.topic(topic);
    this.records.push(
      nodeRecord(handler, { name, technology: 'kafka', properties }, evidenceOf(this.file, fn)),
      edgeRecord('CONSUMES', handler, channel, { technology: 'kafka', properties }, evidence),
    );
    const valueType = argument(
      topic.declared.node.childForFieldName('arguments'),
      undefined,
      'value_type',
    );
    const cls = valueType ? this.file.resolver.bind(topic.declared.module, valueType) : undefined;
    const event =
      cls?.kind === 'class'
        ? eventTypeOfClass(this.file.resolver, cls.module, cls.node)
        : undefined;
    if (event) this.records.push(...carriesRecords(this.file, channel, event, 'kafka', evidence));
    // sink=[other_topic]: what the agent yields is sent there.
    const sink = argument(args, undefined, 'sink');
    const sinks = sink ? (this.file.resolver.sequence(this.file.module, sink) ?? []) : [];
    for (const element of sinks) {
      const target = this.topicOf(element.module, element.node);
      if (target) this.publish(handler, target, {}, decorator);
    }
  }

  private topic(topic: FaustTopic): NodeRef {
    const properties: Properties = {};
    const partitions = argument(
      topic.declared.node.childForFieldName('arguments'),
      undefined,
      'partitions',
    );
    const count = partitions
      ? this.file.resolver.literal(topic.declared.module, partitions)
      : undefined;
    if (typeof count === 'number') properties.partitions = count;
    this.records.push(
      channelRecord(
        'Topic',
        'topic',
        'kafka',
        topic.name,
        evidenceOf(this.file, topic.declared.node, topic.declared.module),
        properties,
      ),
    );
    return ref.channel('Topic', 'kafka', topic.name.name);
  }

  private publish(from: NodeRef, topic: FaustTopic, properties: Properties, at: SyntaxNode): void {
    const evidence = evidenceOf(this.file, at);
    const channel = this.topic(topic);
    this.records.push(
      edgeRecord('PUBLISHES', from, channel, { technology: 'kafka', properties }, evidence),
    );
  }
}
