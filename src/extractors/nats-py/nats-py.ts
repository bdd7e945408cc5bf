// nats-py: core subjects (publish, subscribe with queue groups, request) and JetStream
// (js.publish, js.subscribe / pull_subscribe with durable consumers, add_stream). Records
// match the TypeScript nats extractor's: subjects and streams are Topics of technology nats.
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
import { callsIn, enclosingName, evidenceOf, locationOf } from '../../lang/python/call-sites.js';
import type { PyFile } from '../../lang/python/frontend.js';
import type { PyModule } from '../../lang/python/module-index.js';
import { argument, enclosingFunction, functionName } from '../../lang/python/syntax.js';
import type { Captures, SyntaxNode } from '../../lang/python/tree-sitter.js';

const debug = createDebug('eventgraph:extract:nats-py');

export const natsPyExtractor: Extractor<PyFile> = {
  id: 'nats-py',
  title: 'nats-py (NATS and JetStream)',
  docs: 'https://nats-io.github.io/nats.py/modules.html',
  language: 'python',
  technologies: ['nats'],
  packages: ['nats-py'],
  imports: ['nats'],
  prefilter: ['nats', '.publish(', '.subscribe(', '.request(', 'pull_subscribe', 'add_stream'],
  emits: { nodes: ['Topic', 'Handler'], edges: ['PUBLISHES', 'CONSUMES'] },
  extract(file) {
    const records = new NatsFile(file).extract();
    debug('%s: %d records', file.input.path, records.length);
    return records;
  },
};

const TECHNOLOGY = 'nats';
// nats.connect(), NATS() and the JetStream context made from either.
const CLIENT = /^nats(\.aio\.client)?\.(connect\(\)|NATS\(\)|Client\(\))$/;
const JETSTREAM_CONTEXT = /^nats\.js(\.client)?\.JetStreamContext\(\)$/;
const JETSTREAM = new RegExp(
  `${CLIENT.source.slice(0, -1)}\\.jetstream\\(\\)$|${JETSTREAM_CONTEXT.source}`,
);

type Kind = 'core' | 'jetstream';

class NatsFile {
  private readonly records: GraphRecord[] = [];
  private readonly handlers = new Map<number, NodeRef>();

  constructor(private readonly file: PyFile) {}

  extract(): GraphRecord[] {
    const uses: { kind: Kind; call: Captures }[] = [];
    for (const call of callsIn(this.file.module)) {
      if (!call.receiver || !call.method || !call.call) continue;
      const kind = this.kindOf(this.file.module, call.receiver);
      if (kind) uses.push({ kind, call });
    }
    for (const { kind, call } of uses) {
      const method = call.method?.text;
      if (method === 'subscribe' || method === 'pull_subscribe') this.subscribe(kind, call);
      if (kind === 'jetstream' && method === 'add_stream') this.addStream(call);
    }
    for (const { kind, call } of uses) {
      const method = call.method?.text;
      if (method === 'publish' || method === 'request') this.publish(kind, call);
    }
    return this.records;
  }

  private kindOf(module: PyModule, receiver: SyntaxNode): Kind | undefined {
    const origin = this.file.resolver.origin(module, receiver);
    if (!origin) return undefined;
    if (JETSTREAM.test(origin)) return 'jetstream';
    return CLIENT.test(origin) ? 'core' : undefined;
  }

  private name(node: SyntaxNode): ResolvedName {
    return this.file.resolver.string(this.file.module, node);
  }

  private option(call: Captures, keyword: string): ResolvedName | undefined {
    const value = argument(call.arguments, undefined, keyword);
    return value && value.type !== 'none' ? this.name(value) : undefined;
  }

  private subject(resolved: ResolvedName, evidence: Evidence, extra: Properties = {}): NodeRef {
    const properties: Properties = { ...extra };
    if (!resolved.dynamic && resolved.name.split('.').some((t) => t === '*' || t === '>'))
      properties.wildcard = true;
    this.records.push(
      channelRecord('Topic', 'subject', TECHNOLOGY, resolved, evidence, properties),
    );
    return ref.channel('Topic', TECHNOLOGY, resolved.name);
  }

  // subscribe(subject, queue=..., cb=...) / js.subscribe(subject, durable=...) /
  // js.pull_subscribe(subject, durable) then fetch(n).
  private subscribe(kind: Kind, call: Captures): void {
    const subjectNode = argument(call.arguments, 0, 'subject');
    if (!subjectNode || !call.call) return;
    const subject = this.name(subjectNode);
    const evidence = evidenceOf(this.file, call.call);
    const properties: Properties = {};
    const queue = this.option(call, 'queue');
    const durable =
      this.option(call, 'durable') ??
      (call.method?.text === 'pull_subscribe' ? this.positional(call, 1) : undefined);
    if (queue) properties.group = queue.name;
    if (durable) {
      properties.durable = durable.name;
      properties.group ??= durable.name;
    }
    if (call.method?.text === 'pull_subscribe' && this.fetchesBatch(call.call))
      properties.batch = true;
    // The callback names the handler; without one, the function reading the subscription.
    const cb = argument(call.arguments, undefined, 'cb');
    const bound = cb ? this.file.resolver.bind(this.file.module, cb) : undefined;
    let handler: NodeRef;
    let name: string;
    let at: Evidence;
    if (bound?.kind === 'function') {
      name = functionName(bound.node);
      handler = ref.handler(locationOf(this.file, bound.module), name);
      if (bound.module === this.file.module) this.handlers.set(bound.node.startIndex, handler);
      at = evidenceOf(this.file, bound.node, bound.module);
    } else if (cb) {
      name = cb.text;
      handler = ref.handler(locationOf(this.file), name);
      at = evidence;
    } else {
      name = enclosingName(this.file.module, call.call);
      handler = ref.handler(locationOf(this.file), name);
      const fn = enclosingFunction(call.call);
      if (fn) this.handlers.set(fn.startIndex, handler);
      at = evidenceOf(this.file, fn ?? call.call);
    }
    this.records.push(
      nodeRecord(handler, { name, technology: TECHNOLOGY, properties }, at),
      edgeRecord(
        'CONSUMES',
        handler,
        this.subject(subject, evidence),
        { technology: TECHNOLOGY, properties },
        evidence,
      ),
    );
  }

  private positional(call: Captures, index: number): ResolvedName | undefined {
    const node = argument(call.arguments, index);
    return node && node.type !== 'none' ? this.name(node) : undefined;
  }

  // `sub.fetch(10)` in the same function, on the subscription this call returns.
  private fetchesBatch(call: SyntaxNode): boolean {
    const fn = enclosingFunction(call);
    const scope = fn ?? this.file.module.root;
    for (const other of callsIn(this.file.module)) {
      if (other.method?.text !== 'fetch' || !other.call || !other.receiver) continue;
      if (!(scope.startIndex <= other.call.startIndex && other.call.endIndex <= scope.endIndex))
        continue;
      const bound = this.file.resolver.bind(this.file.module, other.receiver);
      if (bound?.kind !== 'value') continue;
      const value = bound.node.type === 'await' ? bound.node.namedChildren[0] : bound.node;
      if (value?.id !== call.id) continue;
      const count = argument(other.arguments, 0, 'batch');
      const literal = count ? this.file.resolver.literal(this.file.module, count) : undefined;
      return typeof literal === 'number' && literal > 1;
    }
    return false;
  }

  private addStream(call: Captures): void {
    const nameNode = argument(call.arguments, undefined, 'name');
    if (!nameNode || !call.call) return;
    const stream = this.name(nameNode);
    const evidence = evidenceOf(this.file, call.call);
    const subjectsNode = argument(call.arguments, undefined, 'subjects');
    const subjects = subjectsNode
      ? (this.file.resolver.sequence(this.file.module, subjectsNode) ?? []).map((s) =>
          this.file.resolver.string(s.module, s.node),
        )
      : [];
    const properties: Properties = {};
    if (subjects.length > 0) properties.subjects = subjects.map((s) => s.name);
    this.records.push(channelRecord('Topic', 'stream', TECHNOLOGY, stream, evidence, properties));
    for (const subject of subjects) this.subject(subject, evidence, { stream: stream.name });
  }

  private publish(kind: Kind, call: Captures): void {
    const subjectNode = argument(call.arguments, 0, 'subject');
    if (!subjectNode || !call.call) return;
    const subject = this.name(subjectNode);
    const evidence = evidenceOf(this.file, call.call);
    const properties: Properties = {};
    if (call.method?.text === 'request') properties.replyTo = 'inbox';
    const reply = this.option(call, 'reply');
    if (reply) properties.replyTo = reply.name;
    if (kind === 'jetstream') {
      const headers = argument(call.arguments, undefined, 'headers');
      // Nats-Msg-Id makes JetStream drop a duplicate within its window.
      if (headers?.text.includes('Nats-Msg-Id')) properties.idempotent = true;
    }
    const fn = enclosingFunction(call.call);
    const from = (fn && this.handlers.get(fn.startIndex)) ?? ref.serviceOf(locationOf(this.file));
    this.records.push(
      edgeRecord(
        'PUBLISHES',
        from,
        this.subject(subject, evidence),
        { technology: TECHNOLOGY, properties },
        evidence,
      ),
    );
  }
}
