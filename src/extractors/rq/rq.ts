// RQ, django-rq and rq-scheduler: `@job` functions become Jobs consuming their queue; enqueue
// calls on queues (`enqueue`, `enqueue_call`, `enqueue_in`, `enqueue_at`, `.delay()`,
// `django_rq.enqueue`) become ENQUEUES and PUBLISHES; rq-scheduler's `schedule` and `cron`
// become SCHEDULES; workers become Handlers consuming the queues they are given.
import createDebug from 'debug';
import type { Extractor } from '../contract.js';
import {
  channelRecord,
  edgeRecord,
  nameProperties,
  nodeRecord,
  ref,
  type Evidence,
  type GraphRecord,
  type NodeRef,
  type Properties,
  type ResolvedName,
} from '../../model/graph.js';
import {
  callerJobOrService,
  callsIn,
  enclosingName,
  evidenceOf,
  locationOf,
} from '../../lang/python/call-sites.js';
import type { PyFile } from '../../lang/python/frontend.js';
import type { PyModule } from '../../lang/python/module-index.js';
import { dynamic, unwrap, type Located } from '../../lang/python/resolve.js';
import { enclosingFunction, functionName, ownDescendants } from '../../lang/python/syntax.js';
import { runQuery, type Captures, type SyntaxNode } from '../../lang/python/tree-sitter.js';
import {
  DJANGO_ENQUEUE,
  GET_QUEUE,
  GET_SCHEDULER,
  GET_WORKER,
  QUEUE_CLASS,
  JOB_DECORATOR,
  RETRY,
  SCHEDULER_CLASS,
  WORKER_CLASS,
} from './library.js';
import {
  Callables,
  appliedArgument,
  ownArguments,
  type Applied,
} from '../../lang/python/callables.js';
import { Values } from '../../lang/python/values.js';

const debug = createDebug('eventgraph:extract:rq');

export const rqExtractor: Extractor<PyFile> = {
  id: 'rq',
  title: 'RQ (Redis Queue), django-rq and rq-scheduler',
  docs: 'https://python-rq.org/docs/',
  language: 'python',
  technologies: ['rq'],
  packages: ['rq', 'django-rq', 'rq-scheduler'],
  imports: ['rq', 'django_rq', 'rq_scheduler'],
  prefilter: [
    'rq',
    'enqueue',
    '.delay(',
    'Queue',
    'Worker',
    'Scheduler',
    'scheduler',
    'RQ_QUEUES',
    '@job',
  ],
  emits: {
    nodes: ['Job', 'Queue', 'Handler'],
    edges: ['CONSUMES', 'ENQUEUES', 'PUBLISHES', 'SCHEDULES'],
  },
  extract: (file) => new RqFile(file).extract(),
};

const TECHNOLOGY = 'rq';
// Queue methods that put a job on the queue, with the position of the function they take.
const ENQUEUE_METHODS: Record<string, number> = {
  enqueue: 0,
  enqueue_call: 0,
  enqueue_in: 1,
  enqueue_at: 1,
};
const RESULT_READS = new Set(['result', 'return_value', 'latest_result']);
const SECONDS: Record<string, number> = {
  weeks: 604800,
  days: 86400,
  hours: 3600,
  minutes: 60,
  seconds: 1,
  milliseconds: 0.001,
};

/** The job an enqueue names: a project function, a dotted path as written, or an expression. */
interface Target {
  name: ResolvedName;
  fn?: Located;
}

interface Send {
  target: Target;
  via: string;
  queue?: ResolvedName;
  options: Applied;
  at: SyntaxNode;
  /** Further evidence: where a traced job definition is written. */
  cited?: Located;
}

class RqFile {
  private readonly records: GraphRecord[] = [];
  private readonly values: Values;
  private readonly library: Callables;

  constructor(private readonly file: PyFile) {
    this.values = new Values(file.resolver);
    this.library = new Callables(file.resolver, this.values);
  }

  private get resolver() {
    return this.file.resolver;
  }

  private get module() {
    return this.file.module;
  }

  extract(): GraphRecord[] {
    for (const match of runQuery('decorated-functions', this.module.root)) this.definition(match);
    for (const call of callsIn(this.module)) this.call(call);
    this.settings();
    debug('%s: %d records', this.file.input.path, this.records.length);
    return this.records;
  }

  // @job('emails', retry=Retry(max=3)) def send_mail(...)
  private definition(match: Captures): void {
    const expression = match.decorator?.namedChildren[0];
    const fn = match.function;
    if (!expression || !fn) return;
    const applied = this.library.decorator(this.module, expression, JOB_DECORATOR);
    if (!applied) return;
    const queue = this.decoratorQueue(applied);
    const properties: Properties = { ...this.jobProperties(applied), queue: queue.name };
    if (reportsProgress(fn)) properties.progress = true;
    const name = functionName(fn);
    const job = this.jobRef(name);
    const evidence = evidenceOf(this.file, fn);
    this.records.push(nodeRecord(job, { name, technology: TECHNOLOGY, properties }, evidence));
    const at = evidenceOf(this.file, match.decorator ?? fn);
    this.records.push(channelRecord('Queue', 'queue', TECHNOLOGY, queue, at));
    this.records.push(
      edgeRecord('CONSUMES', job, this.queueRef(queue), { technology: TECHNOLOGY }, at),
    );
  }

  private decoratorQueue(applied: Applied): ResolvedName {
    const queue = appliedArgument(applied, 0, 'queue');
    return queue ? this.queueName(queue) : { name: 'default', dynamic: false };
  }

  private jobProperties(applied: Applied): Properties {
    const properties: Properties = {};
    const retry = applied.keywords.get('retry');
    const policy = retry ? this.retry(retry) : undefined;
    if (policy) Object.assign(properties, policy);
    const timeout = applied.keywords.get('timeout') ?? applied.keywords.get('job_timeout');
    if (timeout) properties.timeout = this.literalOrText(timeout);
    const atFront = applied.keywords.get('at_front');
    if (atFront && this.resolver.literal(atFront.module, atFront.node) === true)
      properties.atFront = true;
    return properties;
  }

  /** `Retry(max=3, interval=[10, 30])`: a summary and the attempt count. */
  private retry(value: Located): Properties | undefined {
    const call = unwrap(value.node);
    const callee = call.type === 'call' ? call.childForFieldName('function') : undefined;
    if (!callee || !this.library.reaches(value.module, callee, RETRY)) return undefined;
    const args = ownArguments(value.module, call.childForFieldName('arguments'));
    const max = appliedArgument(args, 0, 'max');
    const interval = appliedArgument(args, 1, 'interval');
    const properties: Properties = {};
    const parts: string[] = [];
    const count = max ? this.resolver.literal(max.module, max.node) : undefined;
    if (typeof count === 'number') properties.maxRetries = count;
    if (max) parts.push(`max=${max.node.text}`);
    if (interval) parts.push(`interval=${interval.node.text.replace(/\s+/g, ' ')}`);
    properties.retry = parts.length > 0 ? parts.join(', ') : 'Retry()';
    return properties;
  }

  private literalOrText(value: Located): string | number | boolean {
    return this.resolver.literal(value.module, value.node) ?? value.node.text;
  }

  private call(call: Captures): void {
    if (!call.call) return;
    const callee = call.call.childForFieldName('function');
    if (!callee) return;
    const args = call.arguments ?? null;
    const method = call.method?.text;
    if (this.library.reaches(this.module, callee, DJANGO_ENQUEUE)) {
      const options = ownArguments(this.module, args);
      const func = appliedArgument(options, 0, 'f');
      if (func)
        this.send({
          target: this.target(func),
          via: 'django_rq.enqueue',
          queue: { name: 'default', dynamic: false },
          options,
          at: call.call,
        });
      return;
    }
    if (
      this.library.reaches(this.module, callee, WORKER_CLASS) ||
      this.library.reaches(this.module, callee, GET_WORKER)
    ) {
      this.worker(call.call, callee, args);
      return;
    }
    if (!method || !call.receiver) return;
    if (method === 'delay') this.delay(call.call, call.receiver, args);
    else if (method in ENQUEUE_METHODS) this.enqueue(call.call, call.receiver, method, args);
    else if (method === 'schedule' || method === 'cron')
      this.schedule(call.call, call.receiver, method, args);
  }

  // `send_mail.delay(...)` on an @job function: the decorator's queue.
  private delay(call: SyntaxNode, receiver: SyntaxNode, args: SyntaxNode | null): void {
    const bound = this.resolver.bind(this.module, receiver);
    if (bound?.kind !== 'function') return;
    const decorator = this.decoratorOf({ module: bound.module, node: bound.node });
    if (!decorator) return;
    this.send({
      target: {
        name: { name: functionName(bound.node), dynamic: false },
        fn: { module: bound.module, node: bound.node },
      },
      via: 'delay',
      queue: this.decoratorQueue(decorator),
      options: ownArguments(this.module, args),
      at: call,
    });
  }

  // queue.enqueue(func, ...), enqueue_call(func=...), enqueue_in(delta, func), enqueue_at(t, f)
  private enqueue(
    call: SyntaxNode,
    receiver: SyntaxNode,
    method: string,
    args: SyntaxNode | null,
  ): void {
    const queue = this.queueOf(receiver) ?? this.schedulerOf(receiver);
    if (!queue) return;
    const options = ownArguments(this.module, args);
    const func = appliedArgument(
      options,
      ENQUEUE_METHODS[method],
      method === 'enqueue' ? 'f' : 'func',
    );
    if (!func) return;
    const when = options.positional[0];
    const extra = new Map(options.keywords);
    if (method === 'enqueue_in' && when) extra.set('__delay', when);
    if (method === 'enqueue_at' && when) extra.set('__eta', when);
    this.send({
      target: this.target(func),
      via: method,
      queue,
      options: { positional: options.positional, keywords: extra },
      at: call,
    });
  }

  /** The queue a receiver holds: `Queue('name')`, a subclass, `django_rq.get_queue('name')`. */
  private queueOf(receiver: SyntaxNode): ResolvedName | undefined {
    for (const value of this.values.assigned(this.module, receiver)) {
      if (value.node.type !== 'call') continue;
      const callee = value.node.childForFieldName('function');
      if (!callee) continue;
      const isQueue =
        this.library.reaches(value.module, callee, QUEUE_CLASS) ||
        this.library.reaches(value.module, callee, GET_QUEUE);
      if (!isQueue) continue;
      const args = ownArguments(value.module, value.node.childForFieldName('arguments'));
      const name = appliedArgument(args, 0, 'name');
      return name ? this.queueName(name) : { name: 'default', dynamic: false };
    }
    return undefined;
  }

  /** The queue an rq-scheduler Scheduler puts jobs on (`queue_name=`, default "default"). */
  private schedulerOf(receiver: SyntaxNode): ResolvedName | undefined {
    for (const value of this.values.assigned(this.module, receiver)) {
      if (value.node.type !== 'call') continue;
      const callee = value.node.childForFieldName('function');
      if (!callee) continue;
      const args = ownArguments(value.module, value.node.childForFieldName('arguments'));
      if (this.library.reaches(value.module, callee, SCHEDULER_CLASS)) {
        const name = appliedArgument(args, 0, 'queue_name');
        return name ? this.queueName(name) : { name: 'default', dynamic: false };
      }
      if (this.library.reaches(value.module, callee, GET_SCHEDULER)) {
        const name = appliedArgument(args, 0, 'name');
        return name ? this.queueName(name) : { name: 'default', dynamic: false };
      }
    }
    return undefined;
  }

  /** A queue given as a name or as a Queue object. */
  private queueName(value: Located): ResolvedName {
    const resolved = this.resolver.string(value.module, value.node);
    if (!resolved.dynamic || resolved.override) return resolved;
    const held = this.values.assigned(value.module, value.node);
    for (const candidate of held) {
      if (candidate.node.type !== 'call') continue;
      const object = this.queueOfValue(candidate);
      if (object) return object;
    }
    return resolved;
  }

  private queueOfValue(value: Located): ResolvedName | undefined {
    const callee = value.node.childForFieldName('function');
    if (!callee || !this.library.reaches(value.module, callee, QUEUE_CLASS)) return undefined;
    const args = ownArguments(value.module, value.node.childForFieldName('arguments'));
    const name = appliedArgument(args, 0, 'name');
    if (!name) return { name: 'default', dynamic: false };
    const resolved = this.resolver.string(name.module, name.node);
    return resolved;
  }

  // scheduler.schedule(scheduled_time, func, interval=60, repeat=None, queue_name=...),
  // scheduler.cron('*/5 * * * *', func, queue_name=...), arguments also given as `**entry`.
  private schedule(
    call: SyntaxNode,
    receiver: SyntaxNode,
    method: string,
    args: SyntaxNode | null,
  ): void {
    const schedulerQueue = this.schedulerOf(receiver);
    if (!schedulerQueue) return;
    const written = ownArguments(this.module, args);
    const splat = args?.namedChildren.find((c) => c.type === 'dictionary_splat')?.namedChildren[0];
    const entries = splat ? this.values.dicts(this.module, splat) : [];
    const variants: { options: Applied; cited?: Located }[] = entries.map((entry) => ({
      options: {
        positional: written.positional,
        keywords: new Map([
          ...(this.resolver.dict(entry.module, entry.node) ?? []),
          ...written.keywords,
        ]),
      },
      cited: entry,
    }));
    if (variants.length === 0) variants.push({ options: written });
    for (const { options, cited } of variants) {
      const func = appliedArgument(options, 1, 'func');
      if (!func) continue;
      const target = this.target(func);
      const queueName = options.keywords.get('queue_name');
      const queue = queueName ? this.queueName(queueName) : schedulerQueue;
      const properties: Properties = { scheduler: 'rq-scheduler' };
      if (method === 'cron') {
        const cron = appliedArgument(options, 0, 'cron_string');
        properties.scheduleKind = 'cron';
        if (cron) properties.schedule = String(this.literalOrText(cron));
      } else {
        const interval = options.keywords.get('interval');
        const seconds = interval ? this.seconds(interval) : undefined;
        properties.scheduleKind = interval ? 'interval' : 'date';
        if (interval)
          properties.schedule =
            seconds === undefined ? interval.node.text : `every ${String(seconds)}s`;
        const time = appliedArgument(options, 0, 'scheduled_time');
        if (!interval && time) properties.schedule = time.node.text;
      }
      const repeat = options.keywords.get('repeat');
      const repeatValue = repeat ? this.resolver.literal(repeat.module, repeat.node) : undefined;
      if (typeof repeatValue === 'number') properties.repeat = repeatValue;
      const timezone = options.keywords.get('use_local_timezone');
      if (timezone && this.resolver.literal(timezone.module, timezone.node) === true)
        properties.timezone = 'local';
      const evidence = this.evidence(call, cited);
      const service = ref.serviceOf(locationOf(this.file));
      this.jobNode(target, evidence[0]);
      for (const at of evidence)
        this.records.push(
          edgeRecord(
            'SCHEDULES',
            service,
            this.jobRef(target.name.name),
            {
              technology: TECHNOLOGY,
              properties,
            },
            at,
          ),
        );
      // A scheduler's `id` names the schedule entry (scheduling it again replaces it); it
      // deduplicates no message, so it is not a dedupKey.
      const sent = this.sendProperties(options, call);
      delete sent.dedupKey;
      this.onQueue(service, target, queue, evidence, sent);
    }
  }

  /** Seconds of a number or a literal `timedelta(...)`. */
  private seconds(value: Located): number | undefined {
    const literal = this.resolver.literal(value.module, value.node);
    if (typeof literal === 'number') return literal;
    const call = unwrap(value.node);
    const callee = call.type === 'call' ? call.childForFieldName('function') : undefined;
    if (!callee || !/(^|\.)timedelta$/.test(this.resolver.origin(value.module, callee) ?? ''))
      return undefined;
    let total = 0;
    for (const child of call.childForFieldName('arguments')?.namedChildren ?? []) {
      const unit =
        child.childForFieldName('name')?.text ?? (child.type === 'keyword_argument' ? '' : 'days');
      const amount = child.type === 'keyword_argument' ? child.childForFieldName('value') : child;
      const number = amount ? this.resolver.literal(value.module, amount) : undefined;
      const factor = SECONDS[unit];
      if (typeof number !== 'number' || factor === undefined) return undefined;
      total += number * factor;
    }
    return total;
  }

  // Worker(['high', 'default']), Worker(queues) with queues from constants, get_worker('a', 'b')
  private worker(call: SyntaxNode, callee: SyntaxNode, args: SyntaxNode | null): void {
    const isGetWorker = this.library.reaches(this.module, callee, GET_WORKER);
    const given = ownArguments(this.module, args);
    const items = isGetWorker
      ? given.positional
      : (() => {
          const queues = appliedArgument(given, 0, 'queues');
          return queues ? this.values.items(queues.module, queues.node) : [];
        })();
    const names = new Map<string, ResolvedName>();
    for (const item of items) {
      const name = this.queueName(item);
      names.set(name.name, name);
    }
    if (isGetWorker && given.positional.length === 0)
      names.set('default', { name: 'default', dynamic: false });
    if (names.size === 0) return;
    const handler = ref.handler(locationOf(this.file), enclosingName(this.module, call));
    const evidence = evidenceOf(this.file, call);
    this.records.push(
      nodeRecord(
        handler,
        { name: enclosingName(this.module, call), technology: TECHNOLOGY, properties: {} },
        evidence,
      ),
    );
    for (const queue of names.values()) {
      this.records.push(channelRecord('Queue', 'queue', TECHNOLOGY, queue, evidence));
      this.records.push(
        edgeRecord('CONSUMES', handler, this.queueRef(queue), { technology: TECHNOLOGY }, evidence),
      );
    }
  }

  // RQ_QUEUES = {'default': {...}, 'high': {...}} in Django settings.
  private settings(): void {
    const setting = this.module.assignments.get('RQ_QUEUES');
    if (!setting || setting.type !== 'dictionary') return;
    for (const [name, value] of this.resolver.dict(this.module, setting) ?? []) {
      const at = evidenceOf(this.file, value.node.parent ?? value.node, value.module);
      this.records.push(channelRecord('Queue', 'queue', TECHNOLOGY, { name, dynamic: false }, at));
    }
  }

  private target(func: Located): Target {
    const text = this.resolver.string(func.module, func.node);
    if (!text.dynamic) {
      const fn = this.functionAt(func.module, text.name);
      const name = fn ? { name: functionName(fn.node), dynamic: false } : text;
      return { name, fn };
    }
    const bound = this.resolver.bind(func.module, func.node);
    if (bound?.kind === 'function')
      return {
        name: { name: functionName(bound.node), dynamic: false },
        fn: { module: bound.module, node: bound.node },
      };
    return { name: dynamic(func.node) };
  }

  /** The project function a dotted path names (`app.tasks.send`), when it is one. */
  private functionAt(from: PyModule, path: string): Located | undefined {
    const dot = path.lastIndexOf('.');
    if (dot <= 0) return undefined;
    const module = this.resolver.project.resolveImport(path.slice(0, dot), from);
    const fn = module?.functions.get(path.slice(dot + 1));
    return module && fn ? { module, node: fn } : undefined;
  }

  private decoratorOf(fn: Located): Applied | undefined {
    const decorated = fn.node.parent?.type === 'decorated_definition' ? fn.node.parent : undefined;
    for (const decorator of decorated?.namedChildren ?? []) {
      const expression = decorator.type === 'decorator' ? decorator.namedChildren[0] : undefined;
      const applied = expression
        ? this.library.decorator(fn.module, expression, JOB_DECORATOR)
        : undefined;
      if (applied) return applied;
    }
    return undefined;
  }

  private send(send: Send): void {
    const from = this.callerOf(send.at);
    const evidence = this.evidence(send.at, send.cited);
    const properties: Properties = { via: send.via, ...this.sendProperties(send.options, send.at) };
    if (send.queue) properties.queue = send.queue.name;
    this.jobNode(send.target, evidence[0]);
    for (const at of evidence)
      this.records.push(
        edgeRecord(
          'ENQUEUES',
          from,
          this.jobRef(send.target.name.name),
          {
            technology: TECHNOLOGY,
            properties,
          },
          at,
        ),
      );
    if (send.queue) this.onQueue(from, send.target, send.queue, evidence, properties);
  }

  /** PUBLISHES to the queue, and the job's function consuming it when it carries no @job. */
  private onQueue(
    from: NodeRef,
    target: Target,
    queue: ResolvedName,
    evidence: Evidence[],
    sent: Properties,
  ): void {
    const properties: Properties = { jobName: target.name.name };
    for (const key of ['replyTo', 'retry', 'dedupKey', 'delayMs', 'atFront'])
      if (sent[key] !== undefined) properties[key] = sent[key];
    for (const at of evidence) {
      this.records.push(channelRecord('Queue', 'queue', TECHNOLOGY, queue, at));
      this.records.push(
        edgeRecord(
          'PUBLISHES',
          from,
          this.queueRef(queue),
          { technology: TECHNOLOGY, properties },
          at,
        ),
      );
    }
    if (!target.fn || this.decoratorOf(target.fn)) return;
    const defined = evidenceOf(this.file, target.fn.node, target.fn.module);
    this.records.push(
      edgeRecord(
        'CONSUMES',
        this.jobRef(target.name.name),
        this.queueRef(queue),
        {
          technology: TECHNOLOGY,
        },
        defined,
      ),
    );
  }

  /** Options of one enqueue: delay, dedup id, retry, dependencies, a result awaited. */
  private sendProperties(options: Applied, at: SyntaxNode): Properties {
    const properties: Properties = {};
    const delay = options.keywords.get('__delay');
    if (delay) {
      const seconds = this.seconds(delay);
      if (seconds === undefined) properties.delay = delay.node.text;
      else properties.delayMs = seconds * 1000;
    }
    const eta = options.keywords.get('__eta');
    if (eta) properties.eta = eta.node.text;
    const id = options.keywords.get('job_id') ?? options.keywords.get('id');
    if (id) properties.dedupKey = String(this.literalOrText(id));
    const retry = options.keywords.get('retry');
    const policy = retry ? this.retry(retry) : undefined;
    if (policy?.retry !== undefined) properties.retry = policy.retry;
    const atFront = options.keywords.get('at_front');
    if (atFront && this.resolver.literal(atFront.module, atFront.node) === true)
      properties.atFront = true;
    const dependsOn = options.keywords.get('depends_on');
    const after = dependsOn ? this.dependencies(dependsOn) : [];
    if (after.length > 0) properties.after = after;
    const reply = this.awaitedResult(at);
    if (reply) properties.replyTo = reply;
    return properties;
  }

  /** The jobs a `depends_on=` names: enqueue results held by names, or a list of them. */
  private dependencies(value: Located): string[] {
    const inner = unwrap(value.node);
    const parts = ['list', 'tuple'].includes(inner.type) ? inner.namedChildren : [inner];
    const names = new Set<string>();
    for (const part of parts) {
      for (const held of this.values.assigned(value.module, part)) {
        const call = held.node;
        if (call.type !== 'call') continue;
        const callee = call.childForFieldName('function');
        const method = callee?.childForFieldName('attribute')?.text ?? '';
        const receiver = callee?.childForFieldName('object');
        const options = ownArguments(held.module, call.childForFieldName('arguments'));
        let func: Located | undefined;
        if (method === 'delay' && receiver) func = { module: held.module, node: receiver };
        else if (method in ENQUEUE_METHODS)
          func = appliedArgument(options, ENQUEUE_METHODS[method], 'f');
        if (func) names.add(this.target(func).name.name);
      }
    }
    return [...names].sort();
  }

  /** `job = q.enqueue(...)` and later `job.result` in the same function: the sender awaits. */
  private awaitedResult(call: SyntaxNode): string | undefined {
    const assignment = call.parent?.type === 'assignment' ? call.parent : undefined;
    const name = assignment?.childForFieldName('left');
    const fn = enclosingFunction(call);
    if (name?.type !== 'identifier' || !fn) return undefined;
    for (const read of fn.descendantsOfType('attribute')) {
      if (read.startIndex < call.endIndex) continue;
      const attribute = read.childForFieldName('attribute')?.text ?? '';
      if (read.childForFieldName('object')?.text === name.text && RESULT_READS.has(attribute))
        return read.text;
    }
    return undefined;
  }

  private evidence(at: SyntaxNode, cited?: Located): Evidence[] {
    const here = evidenceOf(this.file, at);
    if (!cited) return [here];
    return [here, evidenceOf(this.file, cited.node, cited.module)];
  }

  /** A Job node for what an enqueue names: at its function when it is one, else the call. */
  private jobNode(target: Target, at: Evidence | undefined): void {
    const evidence = target.fn ? evidenceOf(this.file, target.fn.node, target.fn.module) : at;
    if (!evidence) return;
    const decorator = target.fn ? this.decoratorOf(target.fn) : undefined;
    const properties = decorator ? this.jobProperties(decorator) : {};
    if (target.fn && reportsProgress(target.fn.node)) properties.progress = true;
    if (decorator) properties.queue = this.decoratorQueue(decorator).name;
    Object.assign(properties, nameProperties(target.name));
    this.records.push(
      nodeRecord(
        this.jobRef(target.name.name),
        { name: target.name.name, technology: TECHNOLOGY, properties },
        evidence,
      ),
    );
  }

  /** The enclosing @job function's Job when the call sits in one, else the Service. */
  private callerOf(node: SyntaxNode): NodeRef {
    return callerJobOrService(this.file, node, TECHNOLOGY, (fn) =>
      this.decoratorOf({ module: this.module, node: fn }) ? functionName(fn) : undefined,
    );
  }

  private jobRef(name: string): NodeRef {
    return ref.job(this.file.input.repository, TECHNOLOGY, name);
  }

  private queueRef(queue: ResolvedName): NodeRef {
    return ref.channel('Queue', TECHNOLOGY, queue.name);
  }
}

/** A job that writes `job.meta` and saves it: progress a client can poll. */
function reportsProgress(fn: SyntaxNode): boolean {
  const body = fn.childForFieldName('body');
  if (!body) return false;
  return ownDescendants(body, 'call').some(
    (call) =>
      call.childForFieldName('function')?.childForFieldName('attribute')?.text === 'save_meta',
  );
}
