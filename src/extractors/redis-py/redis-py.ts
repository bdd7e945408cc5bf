// redis-py used as a broker: PUBLISH/SUBSCRIBE channels (redis-pubsub) and streams with
// consumer groups (redis-streams). Keys, hashes, caches and locks are not messaging and are
// never read here.
import createDebug from 'debug';
import type { Extractor } from '../contract.js';
import {
  channelRecord,
  edgeRecord,
  nodeRecord,
  ref,
  type ChannelKind,
  type Evidence,
  type GraphRecord,
  type NodeRef,
  type Properties,
  type ResolvedName,
} from '../../model/graph.js';
import type { TechnologyId } from '../../model/taxonomy.js';
import {
  callsIn,
  enclosingName,
  evidenceOf,
  expandWrapper,
  locationOf,
  type CallView,
} from '../../lang/python/call-sites.js';
import type { PyFile } from '../../lang/python/frontend.js';
import {
  carriesRecords,
  eventTypeOfClass,
  messageClassOf,
  messageValueOf,
} from '../../lang/python/payload-types.js';
import type { Located } from '../../lang/python/resolve.js';
import {
  argument,
  enclosingFunction,
  functionName,
  isInsideLoop,
  parametersOf,
  positionalArguments,
} from '../../lang/python/syntax.js';
import type { Captures, SyntaxNode } from '../../lang/python/tree-sitter.js';

const debug = createDebug('eventgraph:extract:redis-py');

export const redisPyExtractor: Extractor<PyFile> = {
  id: 'redis-py',
  title: 'redis-py (pub/sub and streams)',
  docs: 'https://redis.readthedocs.io/en/stable/advanced_features.html#publish-subscribe',
  language: 'python',
  technologies: ['redis-pubsub', 'redis-streams'],
  packages: ['redis'],
  imports: ['redis'],
  prefilter: ['publish(', 'subscribe(', 'xadd', 'xreadgroup', 'xread(', 'xautoclaim', 'xclaim'],
  emits: { nodes: ['Topic', 'Handler', 'Event'], edges: ['PUBLISHES', 'CONSUMES', 'CARRIES'] },
  extract: (file) => new RedisFile(file).extract(),
};

const PUBSUB = 'redis-pubsub';
const STREAMS = 'redis-streams';
const METHODS = new Set([
  'publish',
  'subscribe',
  'psubscribe',
  'xadd',
  'xreadgroup',
  'xread',
  'xgroup_create',
  'xautoclaim',
  'xclaim',
]);
// Libraries whose clients speak redis-py's API.
const CLIENT_ORIGIN = /^(redis|redis_om|django_redis|aioredis|fakeredis)(\.|$)/;
// An untraced receiver (a parameter, an attribute set elsewhere) named like a Redis client.
const CLIENT_NAME = /redis|^r$|^rds$|^rc$|pubsub|^ps$|^p$/i;

class RedisFile {
  private readonly records: GraphRecord[] = [];
  private readonly calls: Captures[];

  constructor(private readonly file: PyFile) {
    this.calls = callsIn(file.module).filter(
      (c) => c.method && METHODS.has(c.method.text) && this.isClient(c),
    );
  }

  extract(): GraphRecord[] {
    for (const call of this.calls) {
      switch (call.method?.text) {
        case 'publish':
          this.publish(call);
          break;
        case 'subscribe':
        case 'psubscribe':
          this.subscribe(call);
          break;
        case 'xadd':
          this.streamAdd(call);
          break;
        case 'xreadgroup':
        case 'xread':
          this.streamRead(call);
          break;
        case 'xgroup_create':
          this.groupCreate(call);
          break;
      }
    }
    debug('%s: %d records', this.file.input.path, this.records.length);
    return this.records;
  }

  private isClient(call: Captures): boolean {
    if (!call.receiver) return false;
    const origin = this.file.resolver.origin(this.file.module, call.receiver);
    if (origin !== undefined) return CLIENT_ORIGIN.test(origin);
    const importsRedis = [...this.file.module.imports.values()].some((i) =>
      CLIENT_ORIGIN.test(i.module),
    );
    const receiver = call.receiver.text.split('.').pop() ?? '';
    return importsRedis && CLIENT_NAME.test(receiver);
  }

  private name(located: Located | undefined): ResolvedName | undefined {
    return located ? this.file.resolver.string(located.module, located.node) : undefined;
  }

  private evidence(view: CallView): Evidence {
    return evidenceOf(this.file, view.at.node, view.at.module);
  }

  // ---- pub/sub --------------------------------------------------------------------------

  private publish(call: Captures): void {
    if (!call.call) return;
    const roles = {
      channel: argument(call.arguments, 0, 'channel'),
      message: argument(call.arguments, 1, 'message'),
    };
    const here = evidenceOf(this.file, call.call);
    for (const view of expandWrapper(this.file, call.call, roles, { injected: true })) {
      const channel = this.name(view.values.get('channel'));
      if (!channel) continue;
      const evidence = this.evidence(view);
      const target = this.channel(PUBSUB, 'channel', channel, evidence);
      const properties: Properties = view.caller ? { caller: view.caller } : {};
      const publisher = ref.serviceOf(locationOf(this.file, view.at.module));
      const edge = { technology: PUBSUB, properties } as const;
      this.records.push(edgeRecord('PUBLISHES', publisher, target, edge, evidence));
      // The call of the wrapper names the channel; the wrapper's own line sends it.
      if (view.caller) this.records.push(edgeRecord('PUBLISHES', publisher, target, edge, here));
      this.carries(target, PUBSUB, this.payload(call.call, view, roles.message), evidence);
    }
  }

  /**
   * `pubsub.subscribe('a', b=handler)`: positional channels are read by the loop over
   * `listen()` / `get_message()` of the same pubsub; keyword channels by their handler.
   */
  private subscribe(call: Captures): void {
    if (!call.call || !call.receiver) return;
    const pattern = call.method?.text === 'psubscribe';
    const evidence = evidenceOf(this.file, call.call);
    const extra: Properties = pattern ? { pattern: true } : {};
    const reader = this.listener(call.call, call.receiver.text);
    for (const node of positionalArguments(call.arguments)) {
      for (const element of this.elements(node)) {
        const channel = this.name(element);
        if (channel) this.consume(reader, channel, evidence, extra);
      }
    }
    for (const child of call.arguments?.namedChildren ?? []) {
      if (child.type === 'keyword_argument') {
        const key = child.childForFieldName('name')?.text;
        const value = child.childForFieldName('value');
        if (!key || !value || key === 'ignore_subscribe_messages') continue;
        const handler = this.callback({ module: this.file.module, node: value });
        this.consume(handler, { name: key, dynamic: false }, evidence, extra);
      } else if (child.type === 'dictionary_splat') {
        const mapping = child.namedChild(0);
        const entries = mapping ? this.file.resolver.dict(this.file.module, mapping) : undefined;
        for (const [key, value] of entries ?? []) {
          this.consume(this.callback(value), { name: key, dynamic: false }, evidence, extra);
        }
      }
    }
  }

  private elements(node: SyntaxNode): Located[] {
    const listed = node.type === 'list_splat' ? node.namedChild(0) : node;
    if (!listed) return [];
    const sequence =
      node.type === 'list_splat' || ['list', 'tuple'].includes(node.type)
        ? this.file.resolver.sequence(this.file.module, listed)
        : undefined;
    return sequence ?? [{ module: this.file.module, node }];
  }

  /**
   * Who reads what a pubsub receives: the function looping over `listen()` or calling
   * `get_message()`, or the project function such a loop hands each message to.
   */
  private listener(subscribe: SyntaxNode, receiver: string): Reader {
    const scope = enclosingFunction(subscribe) ?? this.file.module.root;
    const reads = callsIn(this.file.module).filter(
      (c) =>
        c.call &&
        c.receiver?.text === receiver &&
        ['listen', 'get_message', 'run_in_thread'].includes(c.method?.text ?? '') &&
        (enclosingFunction(c.call) ?? this.file.module.root).id === scope.id,
    );
    for (const read of reads) {
      const loop = read.call ? isInsideLoop(read.call) : undefined;
      const handedTo = loop ? this.handedTo(loop) : undefined;
      if (handedTo) return handedTo;
    }
    const at = reads[0]?.call ?? subscribe;
    const fn = enclosingFunction(at);
    const name = enclosingName(this.file.module, at);
    return {
      handler: ref.handler(locationOf(this.file), name),
      name,
      evidence: evidenceOf(this.file, fn ?? at),
    };
  }

  // `for m in pubsub.listen(): handle(m, bus)`: the project function given the message.
  private handedTo(loop: SyntaxNode): Reader | undefined {
    const variable = loop.childForFieldName('left')?.text;
    const body = loop.childForFieldName('body');
    if (!variable || !body) return undefined;
    for (const match of callsIn(this.file.module)) {
      if (!match.call || !match.function || !isWithin(match.call, body)) continue;
      const given = positionalArguments(match.arguments).some((a) => a.text === variable);
      if (!given) continue;
      const bound = this.file.resolver.bind(this.file.module, match.function);
      if (bound?.kind !== 'function') continue;
      const name = functionName(bound.node);
      return {
        handler: ref.handler(locationOf(this.file, bound.module), name),
        name,
        evidence: evidenceOf(this.file, bound.node, bound.module),
      };
    }
    return undefined;
  }

  private callback(value: Located): Reader {
    const bound = this.file.resolver.bind(value.module, value.node);
    if (bound?.kind === 'function') {
      const name = functionName(bound.node);
      return {
        handler: ref.handler(locationOf(this.file, bound.module), name),
        name,
        evidence: evidenceOf(this.file, bound.node, bound.module),
      };
    }
    const name = value.node.type === 'lambda' ? 'lambda' : value.node.text;
    return {
      handler: ref.handler(locationOf(this.file), name),
      name,
      evidence: evidenceOf(this.file, value.node),
    };
  }

  private consume(
    reader: Reader,
    channel: ResolvedName,
    evidence: Evidence,
    properties: Properties = {},
    technology: TechnologyId = PUBSUB,
    kind: ChannelKind = 'channel',
  ): void {
    const target = this.channel(technology, kind, channel, evidence, properties);
    const edge: Properties = {};
    for (const key of ['group', 'ack', 'batch', 'retry'] as const) {
      const value = properties[key];
      if (value !== undefined) edge[key] = value;
    }
    const handlerProperties: Properties = { ...edge };
    this.records.push(
      nodeRecord(
        reader.handler,
        { name: reader.name, technology, properties: handlerProperties },
        reader.evidence,
      ),
    );
    this.records.push(
      edgeRecord('CONSUMES', reader.handler, target, { technology, properties: edge }, evidence),
    );
  }

  // ---- streams --------------------------------------------------------------------------

  private streamAdd(call: Captures): void {
    if (!call.call) return;
    const roles = {
      stream: argument(call.arguments, 0, 'name'),
      fields: argument(call.arguments, 1, 'fields'),
      maxlen: argument(call.arguments, 3, 'maxlen'),
    };
    const here = evidenceOf(this.file, call.call);
    for (const view of expandWrapper(this.file, call.call, roles, { injected: true })) {
      const stream = this.name(view.values.get('stream'));
      if (!stream) continue;
      const evidence = this.evidence(view);
      const channel: Properties = {};
      const maxlen = view.values.get('maxlen');
      const max = maxlen ? this.file.resolver.literal(maxlen.module, maxlen.node) : undefined;
      if (typeof max === 'number') channel.maxLength = max;
      const target = this.channel(STREAMS, 'stream', stream, evidence, channel);
      const properties: Properties = view.caller ? { caller: view.caller } : {};
      const publisher = ref.serviceOf(locationOf(this.file, view.at.module));
      const edge = { technology: STREAMS, properties } as const;
      this.records.push(edgeRecord('PUBLISHES', publisher, target, edge, evidence));
      if (view.caller) this.records.push(edgeRecord('PUBLISHES', publisher, target, edge, here));
      this.carries(target, STREAMS, this.payload(call.call, view, roles.fields), evidence);
    }
  }

  // xreadgroup(group, consumer, {stream: '>'}, count=, block=, noack=) and xread({stream: id}).
  private streamRead(call: Captures): void {
    if (!call.call) return;
    const grouped = call.method?.text === 'xreadgroup';
    const streamsArg = grouped
      ? argument(call.arguments, 2, 'streams')
      : argument(call.arguments, 0, 'streams');
    if (!streamsArg) return;
    const entries = this.file.resolver.dict(this.file.module, streamsArg);
    const names: ResolvedName[] = entries
      ? [...entries.keys()].map((name) => ({ name, dynamic: false }))
      : [this.file.resolver.string(this.file.module, streamsArg)];
    const evidence = evidenceOf(this.file, call.call);
    const fn = enclosingFunction(call.call);
    const name = enclosingName(this.file.module, call.call);
    const reader: Reader = {
      handler: ref.handler(locationOf(this.file), name),
      name,
      evidence: evidenceOf(this.file, fn ?? call.call),
    };
    const properties: Properties = {};
    if (grouped) {
      const group = argument(call.arguments, 0, 'groupname');
      if (group) properties.group = this.file.resolver.string(this.file.module, group).name;
      const noack = argument(call.arguments, undefined, 'noack');
      const auto = noack ? this.file.resolver.literal(this.file.module, noack) === true : false;
      if (auto) properties.ack = 'auto';
    }
    const count = argument(call.arguments, grouped ? 3 : 1, 'count');
    const size = count ? this.file.resolver.literal(this.file.module, count) : undefined;
    if (typeof size === 'number' && size > 1) properties.batch = true;
    for (const stream of names) {
      const group = properties.group;
      // Entries read in a group stay pending until XACK: without one nothing is acknowledged.
      const acked = grouped && !properties.ack && this.acknowledges(stream.name);
      const retry =
        (typeof group === 'string' ? this.reclaims(stream.name, group) : undefined) ??
        this.readdsOnFailure(call.call, stream.name);
      const own: Properties = { ...properties };
      if (acked) own.ack = 'manual';
      if (retry) own.retry = retry;
      this.consume(reader, stream, evidence, own, STREAMS, 'stream');
    }
  }

  private groupCreate(call: Captures): void {
    if (!call.call) return;
    const stream = argument(call.arguments, 0, 'name');
    if (!stream) return;
    const name = this.file.resolver.string(this.file.module, stream);
    this.channel(STREAMS, 'stream', name, evidenceOf(this.file, call.call));
  }

  private acknowledges(stream: string): boolean {
    return callsIn(this.file.module).some((c) => {
      if (c.method?.text !== 'xack' || !this.isClient(c)) return false;
      const name = argument(c.arguments, 0, 'name');
      return (
        name !== undefined && this.file.resolver.string(this.file.module, name).name === stream
      );
    });
  }

  // An XADD of the entry back onto the stream it was read from, in an `except` of the reading
  // function: a failed entry is queued again.
  private readdsOnFailure(read: SyntaxNode, stream: string): string | undefined {
    const scope = enclosingFunction(read) ?? this.file.module.root;
    const again = this.calls.some((c) => {
      if (c.method?.text !== 'xadd' || !c.call || !isWithin(c.call, scope)) return false;
      if (!insideExcept(c.call, scope)) return false;
      const name = argument(c.arguments, 0, 'name');
      return (
        name !== undefined && this.file.resolver.string(this.file.module, name).name === stream
      );
    });
    return again ? 'xadd back to the stream on failure' : undefined;
  }

  // XCLAIM / XAUTOCLAIM of the same stream and group take over entries a consumer left
  // pending: a message whose handler failed is delivered again after min_idle_time.
  private reclaims(stream: string, group: string): string | undefined {
    for (const c of callsIn(this.file.module)) {
      const method = c.method?.text;
      if ((method !== 'xautoclaim' && method !== 'xclaim') || !c.call) continue;
      const claimed = argument(c.arguments, 0, 'name');
      const by = argument(c.arguments, 1, 'groupname');
      if (!claimed || !by || !this.isClient(c)) continue;
      if (this.file.resolver.string(this.file.module, claimed).name !== stream) continue;
      if (this.file.resolver.string(this.file.module, by).name !== group) continue;
      const idle = argument(c.arguments, 3, 'min_idle_time');
      const ms = idle ? this.file.resolver.literal(this.file.module, idle) : undefined;
      const after = typeof ms === 'number' ? ` after ${String(ms)}ms idle` : '';
      return `${method} pending entries${after}`;
    }
    return undefined;
  }

  // ---- shared -----------------------------------------------------------------------------

  private channel(
    technology: TechnologyId,
    kind: ChannelKind,
    name: ResolvedName,
    evidence: Evidence,
    properties: Properties = {},
  ): NodeRef {
    const own: Properties = {};
    if (properties.pattern === true) own.pattern = true;
    if (typeof properties.maxLength === 'number') own.maxLength = properties.maxLength;
    this.records.push(channelRecord('Topic', kind, technology, name, evidence, own));
    return ref.channel('Topic', technology, name.name);
  }

  // What a send carries: the message argument, or at a wrapper's call site the argument
  // given for the wrapper parameter the message is built from.
  private payload(
    call: SyntaxNode,
    view: CallView,
    message: SyntaxNode | undefined,
  ): Located | undefined {
    if (!message) return undefined;
    const value = messageValueOf(this.file.resolver, { module: this.file.module, node: message });
    const fn = enclosingFunction(call);
    if (view.caller && fn && value.node.type === 'identifier') {
      const parameter = parametersOf(fn).find((p) => p.name === value.node.text);
      const site = { module: view.at.module, call: view.at.node };
      const given = parameter ? this.file.resolver.argumentFor(site, fn, parameter) : undefined;
      if (given) return given;
    }
    return value;
  }

  private carries(
    channel: NodeRef,
    technology: TechnologyId,
    value: Located | undefined,
    evidence: Evidence,
  ): void {
    const cls = value ? messageClassOf(this.file.resolver, value) : undefined;
    const event = cls ? eventTypeOfClass(this.file.resolver, cls.module, cls.node) : undefined;
    if (event && event.shape !== 'class') {
      this.records.push(...carriesRecords(this.file, channel, event, technology, evidence));
    }
  }
}

interface Reader {
  handler: NodeRef;
  name: string;
  evidence: Evidence;
}

function insideExcept(node: SyntaxNode, scope: SyntaxNode): boolean {
  for (let current = node.parent; current && current.id !== scope.id; current = current.parent) {
    if (current.type === 'except_clause') return true;
  }
  return false;
}

function isWithin(node: SyntaxNode, scope: SyntaxNode): boolean {
  return node.startIndex >= scope.startIndex && node.endIndex <= scope.endIndex;
}
