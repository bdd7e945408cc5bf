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
import {
  argument,
  enclosingFunction,
  isInsideLoop,
  positionalArguments,
} from '../../lang/python/syntax.js';
import { runQuery, type SyntaxNode } from '../../lang/python/tree-sitter.js';
import { aiokafkaDialect } from '../aiokafka/dialect.js';
import { confluentDialect } from '../confluent-kafka/dialect.js';
import { kafkaPythonDialect } from './dialect.js';

/** How one client library spells the same ideas. */
export interface KafkaDialect {
  library: 'kafka-python' | 'confluent-kafka' | 'aiokafka';
  producer: RegExp;
  consumer: RegExp;
  /** The producing methods and where their topic and key are. */
  produce: { methods: readonly string[]; topic: [number, string]; key: [number, string] };
  /**
   * Poll-style methods and the argument that asks for several messages at once, or `batch`
   * for a method that always returns a batch (aiokafka's getmany).
   */
  polls: Record<string, [number, string] | 'batch' | undefined>;
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

// A function may hold consumers of both libraries; each is its own handler, so both
// extractors see every Kafka client when they name handlers, and report only their own.
const DIALECTS: readonly KafkaDialect[] = [kafkaPythonDialect, confluentDialect, aiokafkaDialect];

interface Client {
  key: string;
  located: Located;
  role: 'producer' | 'consumer';
  dialect: KafkaDialect;
}

interface Use {
  client: Client;
  method: string;
  call: SyntaxNode;
  args: SyntaxNode | undefined;
}

/** A consumer that is polled or iterated, with where that happens. */
interface Consumption {
  client: Client;
  uses: Use[];
  polls: Use[];
  /** The poll calls and `for message in consumer` loops, in the order found. */
  reads: SyntaxNode[];
  first: SyntaxNode;
}

/** A handler with the loops its messages are read in, to attribute sends inside them. */
interface HandlerScope {
  handler: NodeRef;
  loops: SyntaxNode[];
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
    const consumptions = [...this.clients.values()]
      .map((client) => this.consumption(client))
      .filter((c): c is Consumption => c !== undefined);
    const handlers = new Map<string, HandlerScope[]>();
    for (const consumption of consumptions) {
      if (consumption.client.dialect !== this.dialect) continue;
      const scope = scopeKey(consumption.first);
      const peers = consumptions.filter((c) => scopeKey(c.first) === scope);
      this.consumer(consumption, peers, handlers);
    }
    for (const use of this.uses) {
      if (use.client.dialect !== this.dialect || use.client.role !== 'producer') continue;
      if (this.dialect.produce.methods.includes(use.method)) this.produce(use, handlers);
    }
    return this.records;
  }

  /** The producer or consumer a receiver holds, traced to its constructor call. */
  private clientOf(receiver: SyntaxNode): Client | undefined {
    const bound = this.file.resolver.bind(this.file.module, receiver);
    // A field typed as a client (`producer: AIOKafkaProducer`) made elsewhere, by injection:
    // the client is known, its configuration is not.
    if (bound?.kind === 'external') {
      const origin = bound.qualified.replace(/\(\)$/, '');
      const key = `${this.file.module.path}:${origin}:${receiver.text}`;
      return this.client(origin, key, { module: this.file.module, node: receiver });
    }
    if (bound?.kind !== 'value' || bound.node.type !== 'call') return undefined;
    const callee = bound.node.childForFieldName('function');
    const origin = callee ? this.file.resolver.origin(bound.module, callee) : undefined;
    if (!origin) return undefined;
    const key = `${bound.module.path}:${String(bound.node.startIndex)}`;
    return this.client(origin, key, { module: bound.module, node: bound.node });
  }

  private client(origin: string, key: string, located: Located): Client | undefined {
    for (const dialect of DIALECTS) {
      const role = dialect.producer.test(origin)
        ? 'producer'
        : dialect.consumer.test(origin)
          ? 'consumer'
          : undefined;
      if (!role) continue;
      let client = this.clients.get(key);
      if (!client) {
        client = { key, located, role, dialect };
        this.clients.set(key, client);
      }
      return client;
    }
    return undefined;
  }

  // A consumer that is never polled or iterated consumes nothing.
  private consumption(client: Client): Consumption | undefined {
    if (client.role !== 'consumer') return undefined;
    const uses = this.uses.filter((u) => u.client === client);
    const polls = uses.filter((u) => u.method in client.dialect.polls);
    const reads = [
      ...polls.map((p) => p.call),
      ...this.iterations.filter((i) => i.client === client).map((i) => i.loop),
    ];
    const first = reads[0];
    return first ? { client, uses, polls, reads, first } : undefined;
  }

  /**
   * One handler per consumer object: named after its function (or script) when that holds no
   * other consumer; otherwise after the consumer's variable, or the function and the group
   * when only the group tells them apart.
   */
  private handlerName(consumer: Consumption, peers: Consumption[]): string {
    const scope = enclosingName(this.file.module, consumer.first);
    if (peers.length <= 1) return scope;
    const variable = variableOf(consumer.client);
    if (variable && peers.filter((p) => variableOf(p.client) === variable).length === 1)
      return variable;
    const group = this.group(consumer.client)?.name;
    if (group && peers.filter((p) => this.group(p.client)?.name === group).length === 1)
      return `${scope} (${group})`;
    return `${scope} (line ${String(consumer.first.startPosition.row + 1)})`;
  }

  private group(client: Client): ResolvedName | undefined {
    const group = client.dialect.config(this.file, client.located).get(client.dialect.keys.group);
    return group ? this.file.resolver.string(group.module, group.node) : undefined;
  }

  private config(client: Client): Map<string, Located> {
    return this.dialect.config(this.file, client.located);
  }

  private literal(located: Located | undefined): string | number | boolean | undefined {
    return located ? this.file.resolver.literal(located.module, located.node) : undefined;
  }

  private consumer(
    consumer: Consumption,
    peers: Consumption[],
    handlers: Map<string, HandlerScope[]>,
  ): void {
    const { client, uses, polls, first } = consumer;
    const topics = this.topics(client, uses);
    const config = this.config(client);
    const properties: Properties = {};
    const group = this.group(client);
    if (group) properties.group = group.name;
    const autoCommit = this.literal(config.get(this.dialect.keys.autoCommit));
    if (typeof autoCommit === 'boolean') properties.autoCommit = autoCommit;
    if (uses.some((u) => u.method === 'commit')) properties.ack = 'manual';
    if (this.literal(config.get(this.dialect.keys.offsetReset)) === 'earliest')
      properties.fromBeginning = true;
    if (polls.some((p) => this.asksForBatch(p))) properties.batch = true;

    const name = this.handlerName(consumer, peers);
    const handler = ref.handler(locationOf(this.file), name);
    const fn = enclosingFunction(first);
    if (fn) {
      const loops = consumer.reads.map((read) =>
        read.type === 'call' ? (isInsideLoop(read, fn) ?? read) : read,
      );
      const key = String(fn.startIndex);
      handlers.set(key, [...(handlers.get(key) ?? []), { handler, loops }]);
    }
    // Among several consumers the handler is where this one is read, not the whole function.
    const at = peers.length > 1 ? first : (fn ?? first);
    this.records.push(
      nodeRecord(handler, { name, technology: 'kafka', properties }, evidenceOf(this.file, at)),
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
    if (position === 'batch') return true;
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

  private produce(use: Use, handlers: Map<string, HandlerScope[]>): void {
    const config = this.config(use.client);
    const guarantees: Properties = {};
    if (this.literal(config.get(this.dialect.keys.idempotence)) === true)
      guarantees.idempotent = true;
    const transactional =
      config.has(this.dialect.keys.transactionalId) ||
      this.uses.some(
        (u) =>
          u.client === use.client &&
          (u.method === 'init_transactions' || u.method === 'transaction'),
      );
    if (transactional) guarantees.transactional = true;
    const retries = this.literal(config.get(this.dialect.keys.retries));
    if (retries !== undefined) guarantees.retry = `retries=${String(retries)}`;
    const acks = this.literal(config.get(this.dialect.keys.acks));
    if (acks !== undefined) guarantees.acks = String(acks);

    const inHandler = handlerAround(use.call, handlers);
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

function scopeKey(node: SyntaxNode): number {
  return enclosingFunction(node)?.startIndex ?? -1;
}

/** The name a consumer is assigned to: `billing = KafkaConsumer(...)`, `self.billing = ...`. */
function variableOf(client: Client): string | undefined {
  const assignment = client.located.node.parent;
  if (assignment?.type !== 'assignment') return undefined;
  const target = assignment.childForFieldName('left');
  if (target?.type === 'identifier') return target.text;
  if (target?.type === 'attribute') return target.childForFieldName('attribute')?.text;
  return undefined;
}

/** The handler a send belongs to: the only one of its function, or the one whose loop holds it. */
function handlerAround(
  call: SyntaxNode,
  handlers: Map<string, HandlerScope[]>,
): NodeRef | undefined {
  const fn = enclosingFunction(call);
  const inFunction = fn ? (handlers.get(String(fn.startIndex)) ?? []) : [];
  if (inFunction.length <= 1) return inFunction[0]?.handler;
  const holding = inFunction.filter((h) =>
    h.loops.some((loop) => loop.startIndex <= call.startIndex && call.endIndex <= loop.endIndex),
  );
  return holding.length === 1 ? holding[0]?.handler : undefined;
}
