// Dramatiq: `@dramatiq.actor` functions and GenericActor classes become Jobs consuming their
// queue (retries, time limit and priority from the options); `send`, `send_with_options` and
// messages run in pipelines and groups become ENQUEUES and PUBLISHES.
import createDebug from 'debug';
import type { Extractor } from '../contract.js';
import { jobOntoQueue } from '../job-queues.js';
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
  Callables,
  appliedArgument,
  ownArguments,
  type Applied,
} from '../../lang/python/callables.js';
import { callerJobOrService, callsIn, evidenceOf } from '../../lang/python/call-sites.js';
import type { PyFile } from '../../lang/python/frontend.js';
import { unwrap, type Located } from '../../lang/python/resolve.js';
import { functionName } from '../../lang/python/syntax.js';
import type { SyntaxNode } from '../../lang/python/tree-sitter.js';
import { Values } from '../../lang/python/values.js';

const debug = createDebug('eventgraph:extract:dramatiq');

export const dramatiqExtractor: Extractor<PyFile> = {
  id: 'dramatiq',
  title: 'Dramatiq',
  docs: 'https://dramatiq.io/guide.html',
  language: 'python',
  technologies: ['dramatiq'],
  packages: ['dramatiq', 'django-dramatiq'],
  imports: ['dramatiq'],
  prefilter: ['dramatiq', 'actor', '.send(', 'send_with_options', 'message(', 'GenericActor'],
  emits: { nodes: ['Job', 'Queue'], edges: ['CONSUMES', 'ENQUEUES', 'PUBLISHES'] },
  extract: (file) => new DramatiqFile(file).extract(),
};

const TECHNOLOGY = 'dramatiq';
const ACTOR = /^dramatiq(\.actor)?\.actor$/;
const GENERIC_ACTOR = /^dramatiq(\.generic)?\.GenericActor$/;
const COMPOSITION = /^dramatiq(\.composition)?\.(pipeline|group)$/;
const SENDS = new Set(['send', 'send_with_options']);
const MESSAGES = new Set(['message', 'message_with_options']);

/** An actor as its definition declares it. */
interface Actor {
  name: string;
  queue: ResolvedName;
  options: Map<string, Located>;
  at: Located;
  /** The decorator or Meta class that names the queue. */
  declared: Located;
}

class DramatiqFile {
  private readonly records: GraphRecord[] = [];
  private readonly values: Values;
  private readonly callables: Callables;
  /** Message builds already reported as part of a pipeline or group. */
  private readonly composed = new Set<number>();

  constructor(private readonly file: PyFile) {
    this.values = new Values(file.resolver);
    this.callables = new Callables(file.resolver, this.values);
  }

  private get resolver() {
    return this.file.resolver;
  }

  extract(): GraphRecord[] {
    const { module } = this.file;
    for (const fn of module.functions.values()) {
      const actor = this.functionActor({ module, node: fn });
      if (actor) this.definition(actor);
    }
    for (const cls of module.classes.values()) {
      const actor = this.classActor({ module, node: cls });
      if (actor) this.definition(actor);
    }
    const calls = callsIn(module);
    for (const call of calls) if (call.call) this.composition(call.call);
    for (const node of module.root.descendantsOfType('binary_operator')) this.pipe(node);
    for (const call of calls) {
      const method = call.method?.text;
      if (!call.call || !call.receiver || !method) continue;
      if (SENDS.has(method)) this.send(call.call, call.receiver, method, call.arguments);
      else if (method === 'enqueue') this.brokerEnqueue(call.call, call.arguments);
    }
    debug('%s: %d records', this.file.input.path, this.records.length);
    return this.records;
  }

  // @dramatiq.actor, @dramatiq.actor(queue_name='q', max_retries=3, ...)
  private functionActor(fn: Located): Actor | undefined {
    const decorated = fn.node.parent?.type === 'decorated_definition' ? fn.node.parent : undefined;
    for (const decorator of decorated?.namedChildren ?? []) {
      const expression = decorator.type === 'decorator' ? decorator.namedChildren[0] : undefined;
      const applied = expression
        ? this.callables.decorator(fn.module, expression, ACTOR)
        : undefined;
      if (!applied) continue;
      return this.actor(functionName(fn.node), applied, fn, { module: fn.module, node: decorator });
    }
    return undefined;
  }

  // class Resize(GenericActor): class Meta: queue_name = 'images'; def perform(self, ...)
  private classActor(cls: Located): Actor | undefined {
    const bases = cls.node.childForFieldName('superclasses')?.namedChildren ?? [];
    const generic = bases.some(
      (b) => b.type !== 'keyword_argument' && this.callables.reaches(cls.module, b, GENERIC_ACTOR),
    );
    if (!generic) return undefined;
    const body = cls.node.childForFieldName('body');
    const meta = body?.namedChildren.find(
      (c) => c.type === 'class_definition' && c.childForFieldName('name')?.text === 'Meta',
    );
    const options = new Map<string, Located>();
    for (const statement of meta?.childForFieldName('body')?.namedChildren ?? []) {
      const assignment = statement.namedChildren[0];
      const left = assignment?.childForFieldName('left');
      const right = assignment?.childForFieldName('right');
      if (assignment?.type === 'assignment' && left?.type === 'identifier' && right)
        options.set(left.text, { module: cls.module, node: right });
    }
    if (options.get('abstract')?.node.type === 'true') return undefined;
    const name = functionName(cls.node);
    return this.actor(name, { positional: [], keywords: options }, cls, {
      module: cls.module,
      node: meta ?? cls.node,
    });
  }

  private actor(name: string, applied: Applied, at: Located, declared: Located): Actor {
    const actorName = appliedArgument(applied, undefined, 'actor_name');
    const literal = actorName ? this.resolver.literal(actorName.module, actorName.node) : undefined;
    const queue = appliedArgument(applied, undefined, 'queue_name');
    return {
      name: typeof literal === 'string' ? literal : name,
      queue: queue
        ? this.resolver.string(queue.module, queue.node)
        : { name: 'default', dynamic: false },
      options: applied.keywords,
      at,
      declared,
    };
  }

  private definition(actor: Actor): void {
    const properties = this.actorProperties(actor);
    const job = this.jobRef(actor.name);
    const evidence = evidenceOf(this.file, actor.at.node, actor.at.module);
    this.records.push(
      nodeRecord(job, { name: actor.name, technology: TECHNOLOGY, properties }, evidence),
    );
    const at = evidenceOf(this.file, actor.declared.node, actor.declared.module);
    this.records.push(channelRecord('Queue', 'queue', TECHNOLOGY, actor.queue, at));
    this.records.push(
      edgeRecord('CONSUMES', job, this.queueRef(actor.queue), { technology: TECHNOLOGY }, at),
    );
  }

  private actorProperties(actor: Actor): Properties {
    const properties: Properties = { queue: actor.queue.name };
    const literal = (key: string) => {
      const value = actor.options.get(key);
      return value ? this.resolver.literal(value.module, value.node) : undefined;
    };
    const priority = literal('priority');
    if (typeof priority === 'number') properties.priority = priority;
    const timeLimit = literal('time_limit');
    if (typeof timeLimit === 'number') properties.timeout = timeLimit;
    const maxAge = literal('max_age');
    if (typeof maxAge === 'number') properties.maxAgeMs = maxAge;
    const retry: string[] = [];
    const maxRetries = literal('max_retries');
    if (typeof maxRetries === 'number') {
      properties.maxRetries = maxRetries;
      retry.push(`max_retries=${String(maxRetries)}`);
    }
    for (const key of ['min_backoff', 'max_backoff', 'retry_when', 'throws']) {
      const value = actor.options.get(key);
      if (value) retry.push(`${key}=${value.node.text}`);
    }
    // max_retries=0 turns retries off.
    if (retry.length > 0 && maxRetries !== 0) properties.retry = retry.join(', ');
    return properties;
  }

  /** The actor an expression names: a decorated function or a GenericActor class. */
  private actorOf(module: PyFile['module'], node: SyntaxNode): Actor | undefined {
    const bound = this.resolver.bind(module, node);
    if (bound?.kind === 'function') return this.functionActor(bound);
    if (bound?.kind === 'class' || bound?.kind === 'instance') return this.classActor(bound);
    return undefined;
  }

  // actor.send(...), actor.send_with_options(args=..., delay=60_000)
  private send(
    call: SyntaxNode,
    receiver: SyntaxNode,
    method: string,
    args: SyntaxNode | undefined,
  ): void {
    const actor = this.actorOf(this.file.module, receiver);
    if (!actor) return;
    const properties: Properties = { via: method };
    if (method === 'send_with_options') this.messageOptions(args, properties);
    this.enqueue(call, actor, properties);
  }

  private messageOptions(args: SyntaxNode | undefined, properties: Properties): void {
    const options = ownArguments(this.file.module, args);
    const delay = options.keywords.get('delay');
    const ms = delay ? this.resolver.literal(delay.module, delay.node) : undefined;
    if (typeof ms === 'number') properties.delayMs = ms;
    else if (delay) properties.delay = delay.node.text;
    const retries = options.keywords.get('max_retries');
    if (retries) properties.retry = `max_retries=${retries.node.text}`;
    const id = options.keywords.get('message_id');
    if (id) properties.dedupKey = id.node.text;
  }

  // pipeline([a.message(), b.message()]).run(), group([...]).run()
  private composition(call: SyntaxNode): void {
    const callee = call.childForFieldName('function');
    if (!callee) return;
    const origin = this.resolver.origin(this.file.module, callee);
    if (!origin || !COMPOSITION.test(origin)) return;
    const via = origin.endsWith('pipeline') ? 'pipeline' : 'group';
    const first = ownArguments(this.file.module, call.childForFieldName('arguments')).positional[0];
    const parts = first ? this.values.items(first.module, first.node) : [];
    this.composedSteps(parts, via, call);
  }

  // a.message() | b.message()
  private pipe(node: SyntaxNode): void {
    if (node.childForFieldName('operator')?.text !== '|' || node.parent?.type === 'binary_operator')
      return;
    const operands = pipeOperands(node).map((n) => ({ module: this.file.module, node: n }));
    if (operands.length < 2 || operands.some((o) => !this.message(o.node))) return;
    this.composedSteps(operands, 'pipeline', node);
  }

  private composedSteps(parts: Located[], via: string, at: SyntaxNode): void {
    const before: string[] = [];
    for (const part of parts) {
      const built = this.message(unwrap(part.node));
      if (!built) continue;
      this.composed.add(built.call.id);
      const properties: Properties = { via };
      // Each step of a pipeline runs after the one before it.
      if (via === 'pipeline' && before.length > 0)
        properties.after = [before[before.length - 1] ?? ''];
      this.enqueue(at, built.actor, properties);
      before.push(built.actor.name);
    }
  }

  /** `actor.message(...)` or `actor.message_with_options(...)`. */
  private message(node: SyntaxNode): { actor: Actor; call: SyntaxNode } | undefined {
    if (node.type !== 'call') return undefined;
    const callee = node.childForFieldName('function');
    const method = callee?.childForFieldName('attribute')?.text ?? '';
    const object = callee?.childForFieldName('object');
    if (!object || !MESSAGES.has(method)) return undefined;
    const actor = this.actorOf(this.file.module, object);
    return actor ? { actor, call: node } : undefined;
  }

  // broker.enqueue(actor.message(...))
  private brokerEnqueue(call: SyntaxNode, args: SyntaxNode | undefined): void {
    const first = ownArguments(this.file.module, args).positional[0];
    for (const value of first ? this.values.assigned(first.module, first.node) : []) {
      const built = this.message(value.node);
      if (!built || this.composed.has(built.call.id)) continue;
      this.enqueue(call, built.actor, { via: 'enqueue' });
    }
  }

  private enqueue(at: SyntaxNode, actor: Actor, properties: Properties): void {
    const from = this.callerOf(at);
    const evidence = evidenceOf(this.file, at);
    const job = this.jobRef(actor.name);
    this.records.push(
      nodeRecord(
        job,
        { name: actor.name, technology: TECHNOLOGY, properties: this.actorProperties(actor) },
        evidenceOf(this.file, actor.at.node, actor.at.module),
      ),
    );
    this.records.push(
      edgeRecord(
        'ENQUEUES',
        from,
        job,
        { technology: TECHNOLOGY, properties: { ...properties, queue: actor.queue.name } },
        evidence,
      ),
    );
    const carried = ['delayMs', 'retry', 'dedupKey'];
    const send = { jobName: actor.name, queue: actor.queue, options: properties, carried };
    this.records.push(...jobOntoQueue(TECHNOLOGY, from, send, evidence));
  }

  /** The enclosing actor's Job when the call sits in one, else the Service. */
  private callerOf(node: SyntaxNode): NodeRef {
    const { module } = this.file;
    return callerJobOrService(
      this.file,
      node,
      TECHNOLOGY,
      (fn) => this.functionActor({ module, node: fn })?.name,
    );
  }

  private jobRef(name: string): NodeRef {
    return ref.job(this.file.input.repository, TECHNOLOGY, name);
  }

  private queueRef(queue: ResolvedName): NodeRef {
    return ref.channel('Queue', TECHNOLOGY, queue.name);
  }
}

/** The operands of `a | b | c`. */
function pipeOperands(node: SyntaxNode): SyntaxNode[] {
  const inner = unwrap(node);
  if (inner.type !== 'binary_operator' || inner.childForFieldName('operator')?.text !== '|')
    return [inner];
  const left = inner.childForFieldName('left');
  const right = inner.childForFieldName('right');
  return [...(left ? pipeOperands(left) : []), ...(right ? pipeOperands(right) : [])];
}
