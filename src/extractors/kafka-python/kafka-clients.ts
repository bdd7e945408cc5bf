// What kafka-python and confluent-kafka have in common: producers and consumers are objects
// created once and used elsewhere. Each use (`send`, `poll`, `for message in consumer`) is
// traced back to the constructor call, whose configuration says group, commits and guarantees.
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
import {
  callsIn,
  enclosingName,
  evidenceOf,
  expandWrapper,
  locationOf,
} from '../../lang/python/call-sites.js';
import type { PyFile } from '../../lang/python/frontend.js';
import type { Located } from '../../lang/python/resolve.js';
import { argument, enclosingFunction, positionalArguments } from '../../lang/python/syntax.js';
import { runQuery, type SyntaxNode } from '../../lang/python/tree-sitter.js';

/** How one client library spells the same ideas. */
export interface KafkaDialect {
  producer: RegExp;
  consumer: RegExp;
  /** The producing method and where its topic and key are. */
  produce: { method: string; topic: [number, string]; key: [number, string] };
  /** Poll-style methods and the argument that asks for several messages at once. */
  polls: Record<string, [number, string] | undefined>;
  /** Whether the constructor takes topics as positional arguments (kafka-python). */
  constructorTopics: boolean;
  keys: {
    group: string;
    autoCommit: string;
    offsetReset: string;
    idempotence: string;
    transactionalId: string;
    retries: string;
    acks: string;
  };
  /** The client configuration: keyword arguments or a dict. */
  config(file: PyFile, client: Located): Map<string, Located>;
}

interface Client {
  key: string;
  located: Located;
  role: 'producer' | 'consumer';
}

interface Use {
  client: Client;
  method: string;
  call: SyntaxNode;
  args: SyntaxNode | undefined;
}

export function extractKafka(file: PyFile, dialect: KafkaDialect): GraphRecord[] {
  return new KafkaFile(file, dialect).extract();
}

class KafkaFile {
  private readonly records: GraphRecord[] = [];
  private readonly uses: Use[] = [];
  private readonly iterations: { client: Client; loop: SyntaxNode }[] = [];
  private readonly clients = new Map<string, Client>();

  constructor(
    private readonly file: PyFile,
    private readonly dialect: KafkaDialect,
  ) {}

  extract(): GraphRecord[] {
    for (const call of callsIn(this.file.module)) {
      if (!call.receiver || !call.method || !call.call) continue;
      const client = this.clientOf(call.receiver);
      if (client)
        this.uses.push({ client, method: call.method.text, call: call.call, args: call.arguments });
    }
    for (const { iterable, loop } of runQuery('loops', this.file.module.root)) {
      const client = iterable ? this.clientOf(iterable) : undefined;
      if (client?.role === 'consumer' && loop) this.iterations.push({ client, loop });
    }
    const handlers = new Map<string, NodeRef>();
    for (const client of this.clients.values()) {
      if (client.role === 'consumer') this.consumer(client, handlers);
    }
    for (const use of this.uses) {
      if (use.client.role === 'producer' && use.method === this.dialect.produce.method)
        this.produce(use, handlers);
    }
    return this.records;
  }

  /** The producer or consumer a receiver holds, traced to its constructor call. */
  private clientOf(receiver: SyntaxNode): Client | undefined {
    const bound = this.file.resolver.bind(this.file.module, receiver);
    if (bound?.kind !== 'value' || bound.node.type !== 'call') return undefined;
    const callee = bound.node.childForFieldName('function');
    const origin = callee ? this.file.resolver.origin(bound.module, callee) : undefined;
    if (!origin) return undefined;
    const role = this.dialect.producer.test(origin)
      ? 'producer'
      : this.dialect.consumer.test(origin)
        ? 'consumer'
        : undefined;
    if (!role) return undefined;
    const key = `${bound.module.path}:${String(bound.node.startIndex)}`;
    let client = this.clients.get(key);
    if (!client) {
      client = { key, located: { module: bound.module, node: bound.node }, role };
      this.clients.set(key, client);
    }
    return client;
  }

  private config(client: Client): Map<string, Located> {
    return this.dialect.config(this.file, client.located);
  }

  private literal(located: Located | undefined): string | number | boolean | undefined {
    return located ? this.file.resolver.literal(located.module, located.node) : undefined;
  }

  private consumer(client: Client, handlers: Map<string, NodeRef>): void {
    const uses = this.uses.filter((u) => u.client === client);
    const polls = uses.filter((u) => u.method in this.dialect.polls);
    const loops = [
      ...polls.map((p) => p.call),
      ...this.iterations.filter((i) => i.client === client).map((i) => i.loop),
    ];
    const first = loops[0];
    // A consumer that is never polled or iterated consumes nothing.
    if (!first) return;

    const topics = this.topics(client, uses);
    const config = this.config(client);
    const properties: Properties = {};
    const group = config.get(this.dialect.keys.group);
    if (group) properties.group = this.file.resolver.string(group.module, group.node).name;
    const autoCommit = this.literal(config.get(this.dialect.keys.autoCommit));
    if (typeof autoCommit === 'boolean') properties.autoCommit = autoCommit;
    if (uses.some((u) => u.method === 'commit')) properties.ack = 'manual';
    if (this.literal(config.get(this.dialect.keys.offsetReset)) === 'earliest')
      properties.fromBeginning = true;
    if (polls.some((p) => this.asksForBatch(p))) properties.batch = true;

    const name = enclosingName(this.file.module, first);
    const handler = ref.handler(locationOf(this.file), name);
    const fn = enclosingFunction(first);
    if (fn) handlers.set(String(fn.startIndex), handler);
    this.records.push(
      nodeRecord(
        handler,
        { name, technology: 'kafka', properties },
        evidenceOf(this.file, fn ?? first),
      ),
    );
    for (const topic of topics) {
      const evidence = evidenceOf(this.file, topic.at.node, topic.at.module);
      this.records.push(channelRecord('Topic', 'topic', 'kafka', topic.name, evidence));
      this.records.push(
        edgeRecord(
          'CONSUMES',
          handler,
          ref.channel('Topic', 'kafka', topic.name.name),
          {
            technology: 'kafka',
            properties,
          },
          evidence,
        ),
      );
    }
  }

  private asksForBatch(poll: Use): boolean {
    const position = this.dialect.polls[poll.method];
    const count = position ? argument(poll.args, ...position) : undefined;
    const value = count ? this.file.resolver.literal(this.file.module, count) : undefined;
    return typeof value === 'number' && value > 1;
  }

  // Topics given to the constructor (kafka-python) or to subscribe([...]); a pattern
  // subscription is kept as written, dynamic.
  private topics(client: Client, uses: Use[]): { name: ResolvedName; at: Located }[] {
    const topics: { name: ResolvedName; at: Located }[] = [];
    const add = (located: Located) => {
      const elements = this.file.resolver.sequence(located.module, located.node);
      for (const element of elements ?? [located]) {
        topics.push({ name: this.file.resolver.string(element.module, element.node), at: element });
      }
    };
    if (this.dialect.constructorTopics) {
      const args = client.located.node.childForFieldName('arguments');
      for (const topic of positionalArguments(args))
        add({ module: client.located.module, node: topic });
      // KafkaConsumer(*TOPICS, ...)
      const splat = args?.namedChildren.find((c) => c.type === 'list_splat')?.namedChildren[0];
      if (splat) add({ module: client.located.module, node: splat });
    }
    for (const use of uses.filter((u) => u.method === 'subscribe')) {
      const list = argument(use.args, 0, 'topics');
      if (list) add({ module: this.file.module, node: list });
      const pattern = argument(use.args, undefined, 'pattern');
      if (pattern) {
        const name = this.file.resolver.string(this.file.module, pattern);
        topics.push({
          name: { ...name, dynamic: true, expression: pattern.text },
          at: { module: this.file.module, node: pattern },
        });
      }
    }
    return topics;
  }

  private produce(use: Use, handlers: Map<string, NodeRef>): void {
    const config = this.config(use.client);
    const guarantees: Properties = {};
    if (this.literal(config.get(this.dialect.keys.idempotence)) === true)
      guarantees.idempotent = true;
    const transactional =
      config.has(this.dialect.keys.transactionalId) ||
      this.uses.some((u) => u.client === use.client && u.method === 'init_transactions');
    if (transactional) guarantees.transactional = true;
    const retries = this.literal(config.get(this.dialect.keys.retries));
    if (retries !== undefined) guarantees.retry = `retries=${String(retries)}`;
    const acks = this.literal(config.get(this.dialect.keys.acks));
    if (acks !== undefined) guarantees.acks = String(acks);

    const fn = enclosingFunction(use.call);
    const inHandler = fn ? handlers.get(String(fn.startIndex)) : undefined;
    const { topic, key } = this.dialect.produce;
    for (const view of expandWrapper(this.file, use.call, {
      topic: argument(use.args, ...topic),
      key: argument(use.args, ...key),
    })) {
      const topicNode = view.values.get('topic');
      if (!topicNode) continue;
      const name = this.file.resolver.string(topicNode.module, topicNode.node);
      const evidence = evidenceOf(this.file, view.at.node, view.at.module);
      const properties: Properties = { ...guarantees };
      const keyNode = view.values.get('key');
      if (keyNode && keyNode.node.type !== 'none') properties.key = this.keyText(keyNode);
      if (view.caller) properties.caller = view.caller;
      const from = view.caller
        ? ref.serviceOf(locationOf(this.file, view.at.module))
        : (inHandler ?? ref.serviceOf(locationOf(this.file)));
      this.records.push(channelRecord('Topic', 'topic', 'kafka', name, evidence));
      this.records.push(
        edgeRecord(
          'PUBLISHES',
          from,
          ref.channel('Topic', 'kafka', name.name),
          {
            technology: 'kafka',
            properties,
          },
          evidence,
        ),
      );
    }
  }

  private keyText(key: Located): string {
    const literal = this.file.resolver.literal(key.module, key.node);
    return literal === undefined ? key.node.text : String(literal);
  }
}
