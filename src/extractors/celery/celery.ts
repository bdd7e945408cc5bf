// Celery: tasks become Jobs (with retry, ack and queue options), calls that send tasks become
// ENQUEUES (delay, apply_async, send_task, canvas), beat entries become SCHEDULES.
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
import type { Located } from '../../lang/python/resolve.js';
import {
  argument,
  enclosingFunction,
  keywordArgument,
  ownDescendants,
  parametersOf,
} from '../../lang/python/syntax.js';
import type { Captures, SyntaxNode } from '../../lang/python/tree-sitter.js';
import {
  celeryProject,
  celerySetting,
  functionKey,
  routedQueue,
  taskNamed,
  type CeleryProject,
  type CeleryTask,
} from './task-table.js';

const debug = createDebug('eventgraph:extract:celery');

export const celeryExtractor: Extractor<PyFile> = {
  id: 'celery',
  title: 'Celery',
  docs: 'https://docs.celeryq.dev/en/stable/userguide/tasks.html',
  language: 'python',
  technologies: ['celery', 'celery-beat'],
  packages: ['celery'],
  imports: ['celery'],
  prefilter: [
    'celery',
    'Celery',
    'shared_task',
    '.task',
    '.delay(',
    'apply_async',
    'send_task',
    '.s(',
    '.si(',
    'signature(',
    'add_periodic_task',
    'beat_schedule',
    'BEAT_SCHEDULE',
    'task_routes',
    'TASK_ROUTES',
  ],
  emits: { nodes: ['Job', 'Queue'], edges: ['CONSUMES', 'ENQUEUES', 'PUBLISHES', 'SCHEDULES'] },
  extract: (file) => new CeleryFile(file).extract(),
};

const CANVAS = /^celery(\.canvas)?\.(chain|group|chord|chunks)$/;
const SIGNATURE_METHODS = new Set(['s', 'si', 'signature']);

interface Sent {
  task: { name: string; resolved?: ResolvedName };
  via: string;
  options?: SyntaxNode;
}

class CeleryFile {
  private readonly records: GraphRecord[] = [];
  private readonly table: CeleryProject;
  /** Signature calls already counted inside a chain, group or chord. */
  private readonly consumed = new Set<number>();

  constructor(private readonly file: PyFile) {
    this.table = celeryProject(file);
  }

  extract(): GraphRecord[] {
    for (const task of this.table.tasks) if (task.module === this.file.module) this.job(task);
    for (const setting of celerySetting(this.file.module, 'beat_schedule')) this.beat(setting);
    this.sends();
    debug('%s: %d records', this.file.input.path, this.records.length);
    return this.records;
  }

  private get resolver() {
    return this.file.resolver;
  }

  private job(task: CeleryTask): void {
    const evidence = evidenceOf(this.file, task.fn);
    const option = (name: string) =>
      task.options ? keywordArgument(task.options, name) : undefined;
    const literal = (name: string) => {
      const node = option(name);
      return node ? this.resolver.literal(this.file.module, node) : undefined;
    };
    const properties: Properties = {};
    const bind = literal('bind');
    if (typeof bind === 'boolean') properties.bind = bind;
    const retryKwargs = option('retry_kwargs');
    const kwargs = retryKwargs ? this.resolver.dict(this.file.module, retryKwargs) : undefined;
    const maxRetriesNode = kwargs?.get('max_retries');
    const maxRetries =
      literal('max_retries') ??
      (maxRetriesNode
        ? this.resolver.literal(maxRetriesNode.module, maxRetriesNode.node)
        : undefined);
    if (typeof maxRetries === 'number') properties.maxRetries = maxRetries;
    const autoretry = option('autoretry_for');
    const autoretryFor = autoretry ? this.names(autoretry) : [];
    if (autoretryFor.length > 0) properties.autoretryFor = autoretryFor;
    const acksLate = literal('acks_late');
    if (typeof acksLate === 'boolean') properties.acksLate = acksLate;
    const rateLimit = literal('rate_limit');
    if (rateLimit !== undefined) properties.rateLimit = String(rateLimit);
    const priority = literal('priority');
    if (typeof priority === 'number') properties.priority = priority;

    const retries = bind === true ? selfRetries(task.fn) : [];
    if (autoretryFor.length > 0 || retries.length > 0) {
      properties.retry = this.retrySummary(
        autoretryFor,
        retries,
        maxRetries,
        literal('retry_backoff'),
        literal('default_retry_delay'),
      );
    }
    const queueNode = option('queue');
    const route = queueNode ? undefined : routedQueue(this.table, task);
    const queue = queueNode ? this.resolver.string(this.file.module, queueNode) : route?.queue;
    if (queue) properties.queue = queue.name;
    if (task.name !== task.qualifiedName) properties.qualifiedName = task.qualifiedName;

    const job = this.jobRef(task.name);
    this.records.push(
      nodeRecord(job, { name: task.name, technology: 'celery', properties }, evidence),
    );
    if (!queue) return;
    // A routed task consumes its queue because of the route: both lines are the evidence.
    const sources = [evidence];
    if (route) sources.push(evidenceOf(this.file, route.at.node, route.at.module));
    for (const source of sources) {
      this.records.push(channelRecord('Queue', 'queue', 'celery', queue, source));
      this.records.push(
        edgeRecord(
          'CONSUMES',
          job,
          ref.channel('Queue', 'celery', queue.name),
          { technology: 'celery', properties: {} },
          source,
        ),
      );
    }
  }

  private names(node: SyntaxNode): string[] {
    const elements = this.resolver.sequence(this.file.module, node) ?? [
      { module: this.file.module, node },
    ];
    return elements.map((e) => e.node.text);
  }

  private retrySummary(
    autoretryFor: string[],
    retries: SyntaxNode[],
    maxRetries: unknown,
    backoff: unknown,
    delay: unknown,
  ): string {
    const parts: string[] = [];
    if (autoretryFor.length > 0) parts.push(`autoretry for ${autoretryFor.join(', ')}`);
    if (retries.length > 0) parts.push('self.retry');
    if (typeof maxRetries === 'number') parts.push(`max_retries=${String(maxRetries)}`);
    if (backoff === true) parts.push('backoff=exponential');
    if (typeof backoff === 'number') parts.push(`backoff=exponential ${String(backoff)}s`);
    if (typeof delay === 'number') parts.push(`delay=${String(delay)}s`);
    const countdown = retries.map((r) => keywordArgument(r, 'countdown')?.text).find(Boolean);
    if (countdown) parts.push(`countdown=${countdown}`);
    return parts.join(', ');
  }

  // beat_schedule = {'entry': {'task': 'app.tasks.x', 'schedule': crontab(minute=0)}}
  private beat(setting: Located): void {
    const service = ref.serviceOf(locationOf(this.file));
    for (const [entry, value] of this.resolver.dict(setting.module, setting.node) ?? []) {
      const fields = this.resolver.dict(value.module, value.node);
      const taskNode = fields?.get('task');
      const schedule = fields?.get('schedule');
      if (!taskNode || !schedule) continue;
      const taskName = this.resolver.string(taskNode.module, taskNode.node);
      const task = taskName.dynamic ? undefined : taskNamed(this.table, taskName.name);
      const properties: Properties = {
        schedule: schedule.node.text,
        scheduler: 'celery-beat',
        task: taskName.name,
        entry,
      };
      const kind = this.scheduleKind(schedule);
      if (kind) properties.scheduleKind = kind;
      const evidence = evidenceOf(this.file, taskNode.node, taskNode.module);
      this.records.push(
        edgeRecord(
          'SCHEDULES',
          service,
          this.jobRef(task?.name ?? taskName.name),
          {
            technology: 'celery-beat',
            properties,
          },
          evidence,
        ),
      );
    }
  }

  private scheduleKind(schedule: Located): 'cron' | 'interval' | undefined {
    const bound = this.resolver.bind(schedule.module, schedule.node);
    if (bound?.kind !== 'value') return undefined;
    if (bound.node.type === 'integer' || bound.node.type === 'float') return 'interval';
    if (bound.node.type !== 'call') return undefined;
    const callee = bound.node.childForFieldName('function');
    const origin =
      (callee ? this.resolver.origin(bound.module, callee) : undefined) ?? callee?.text ?? '';
    if (/(^|\.)crontab$/.test(origin)) return 'cron';
    if (/(^|\.)(timedelta|schedule)$/.test(origin)) return 'interval';
    return undefined;
  }

  private sends(): void {
    const calls = callsIn(this.file.module);
    for (const call of calls) this.canvas(call);
    for (const node of this.file.module.root.descendantsOfType('binary_operator')) this.pipe(node);
    for (const call of calls) this.direct(call);
  }

  // chain(a.s(), b.s()), group(...), chord(header)(body), chord(header, body)
  private canvas(call: Captures): void {
    const callee = call.call?.childForFieldName('function');
    if (!call.call || !callee) return;
    const origin = this.resolver.origin(this.file.module, callee);
    const via = origin && CANVAS.test(origin) ? (origin.split('.').pop() ?? 'chain') : undefined;
    if (!via) return;
    const scopes = [call.arguments];
    const outer = call.call.parent;
    if (outer?.type === 'call' && outer.childForFieldName('function')?.id === call.call.id) {
      scopes.push(outer.childForFieldName('arguments') ?? undefined);
    }
    for (const scope of scopes) {
      for (const signature of scope ? this.signaturesIn(scope) : [])
        this.enqueue(signature, via, call.call);
    }
  }

  private pipe(node: SyntaxNode): void {
    if (node.childForFieldName('operator')?.text !== '|' || node.parent?.type === 'binary_operator')
      return;
    const signatures = this.signaturesIn(node);
    if (signatures.length < 2) return;
    for (const signature of signatures) this.enqueue(signature, 'chain', node);
  }

  private signaturesIn(node: SyntaxNode): Sent[] {
    const found: Sent[] = [];
    for (const call of [node, ...ownDescendants(node, 'call')]) {
      if (call.type !== 'call' || this.consumed.has(call.id)) continue;
      const sent = this.signature(call);
      if (!sent) continue;
      this.consumed.add(call.id);
      found.push(sent);
    }
    return found;
  }

  /** `task.s(...)`, `task.si(...)`, `task.signature(...)` or `signature('name')`. */
  private signature(call: SyntaxNode): Sent | undefined {
    const callee = call.childForFieldName('function');
    if (!callee) return undefined;
    if (callee.type === 'attribute') {
      const method = callee.childForFieldName('attribute')?.text ?? '';
      const object = callee.childForFieldName('object');
      if (!SIGNATURE_METHODS.has(method) || !object) return undefined;
      const task = this.taskOf(object);
      return task ? { task: { name: task.name }, via: 'signature' } : undefined;
    }
    if (this.resolver.origin(this.file.module, callee) !== 'celery.signature') return undefined;
    const nameNode = argument(call.childForFieldName('arguments'), 0, 'varies');
    return nameNode ? { task: this.taskByName(nameNode), via: 'signature' } : undefined;
  }

  private taskOf(node: SyntaxNode): CeleryTask | undefined {
    const bound = this.resolver.bind(this.file.module, node);
    if (bound?.kind !== 'function') return undefined;
    return this.table.byFunction.get(functionKey(bound.module, bound.node));
  }

  private taskByName(node: SyntaxNode): Sent['task'] {
    const resolved = this.resolver.string(this.file.module, node);
    const task = resolved.dynamic ? undefined : taskNamed(this.table, resolved.name);
    return { name: task?.name ?? resolved.name, resolved };
  }

  // task.delay(...), task.apply_async(...), task.s(...).delay(), app.send_task('name')
  private direct(call: Captures): void {
    const method = call.method?.text;
    if (!call.call || !call.receiver || !method) return;
    if (method === 'delay' || method === 'apply_async') {
      const receiver = call.receiver;
      let sent: Sent | undefined;
      if (receiver.type === 'call') {
        if (this.consumed.has(receiver.id)) return;
        sent = this.signature(receiver);
        if (sent) this.consumed.add(receiver.id);
      } else {
        const task = this.taskOf(receiver);
        if (task) sent = { task: { name: task.name }, via: method };
      }
      if (sent) this.enqueue({ ...sent, via: method, options: call.arguments }, method, call.call);
      return;
    }
    if (method === 'send_task' && this.isApp(call.receiver)) {
      const nameNode = argument(call.arguments, 0, 'name');
      if (nameNode)
        this.enqueue(
          { task: this.taskByName(nameNode), via: 'send_task', options: call.arguments },
          'send_task',
          call.call,
        );
      return;
    }
    if (method === 'add_periodic_task' && this.isPeriodicSetup(call.receiver, call.call)) {
      this.periodic(call.call, call.arguments);
      return;
    }
    if (SIGNATURE_METHODS.has(method) && !this.consumed.has(call.call.id)) {
      const sent = this.signature(call.call);
      if (sent && call.call.parent?.type !== 'attribute')
        this.enqueue(sent, 'signature', call.call);
    }
  }

  // `@app.on_after_configure.connect def setup(sender, **kwargs): sender.add_periodic_task(...)`
  private isPeriodicSetup(receiver: SyntaxNode, call: SyntaxNode): boolean {
    if (this.isApp(receiver)) return true;
    const fn = enclosingFunction(call);
    const decorated = fn?.parent?.type === 'decorated_definition' ? fn.parent : undefined;
    return (decorated?.namedChildren ?? []).some((decorator) => {
      const expression = decorator.type === 'decorator' ? decorator.namedChildren[0] : undefined;
      const origin = expression ? this.resolver.origin(this.file.module, expression) : undefined;
      return (
        origin !== undefined && /^celery.*\.on_after_(configure|finalize)\.connect$/.test(origin)
      );
    });
  }

  private periodic(call: SyntaxNode, args: SyntaxNode | undefined): void {
    const schedule = argument(args, 0, 'schedule');
    const signatureNode = argument(args, 1, 'sig');
    if (!schedule || signatureNode?.type !== 'call') return;
    const sent = this.signature(signatureNode);
    if (!sent) return;
    this.consumed.add(signatureNode.id);
    const properties: Properties = { schedule: schedule.text, scheduler: 'celery-beat' };
    const kind = this.scheduleKind({ module: this.file.module, node: schedule });
    if (kind) properties.scheduleKind = kind;
    const entry = args ? keywordArgument(args, 'name') : undefined;
    if (entry) properties.entry = this.resolver.string(this.file.module, entry).name;
    this.records.push(
      edgeRecord(
        'SCHEDULES',
        ref.serviceOf(locationOf(this.file)),
        this.jobRef(sent.task.name),
        {
          technology: 'celery-beat',
          properties,
        },
        evidenceOf(this.file, call),
      ),
    );
  }

  private isApp(node: SyntaxNode): boolean {
    const origin = this.resolver.origin(this.file.module, node);
    return origin !== undefined && /^celery(\.app)?\.(Celery\(\)|current_app)$/.test(origin);
  }

  private enqueue(sent: Sent, via: string, at: SyntaxNode): void {
    const evidence = evidenceOf(this.file, at);
    const from = this.callerOf(at);
    const properties: Properties = { via };
    const options = sent.options ? this.sendOptions(sent.options) : { properties: {} };
    Object.assign(properties, options.properties);
    if (sent.task.resolved?.dynamic) properties.dynamic = true;
    this.records.push(
      edgeRecord(
        'ENQUEUES',
        from,
        this.jobRef(sent.task.name),
        {
          technology: 'celery',
          properties,
        },
        evidence,
      ),
    );
    if (!options.queue) return;
    this.records.push(channelRecord('Queue', 'queue', 'celery', options.queue, evidence));
    this.records.push(
      edgeRecord(
        'PUBLISHES',
        from,
        ref.channel('Queue', 'celery', options.queue.name),
        {
          technology: 'celery',
          properties: { jobName: sent.task.name },
        },
        evidence,
      ),
    );
  }

  private sendOptions(args: SyntaxNode): { properties: Properties; queue?: ResolvedName } {
    const properties: Properties = {};
    const countdownNode = keywordArgument(args, 'countdown');
    const countdown = countdownNode
      ? this.resolver.literal(this.file.module, countdownNode)
      : undefined;
    if (typeof countdown === 'number') {
      properties.countdown = countdown;
      properties.delayMs = countdown * 1000;
    } else if (countdownNode) properties.countdown = countdownNode.text;
    const eta = keywordArgument(args, 'eta');
    if (eta) properties.eta = eta.text;
    const priorityNode = keywordArgument(args, 'priority');
    const priority = priorityNode
      ? this.resolver.literal(this.file.module, priorityNode)
      : undefined;
    if (typeof priority === 'number') properties.priority = priority;
    const queueNode = keywordArgument(args, 'queue');
    const queue = queueNode ? this.resolver.string(this.file.module, queueNode) : undefined;
    if (queue) properties.queue = queue.name;
    return { properties, queue };
  }

  /** The enclosing task's Job when the call sits in a task, else the Service. */
  private callerOf(node: SyntaxNode): NodeRef {
    for (let fn = enclosingFunction(node); fn; fn = enclosingFunction(fn)) {
      const task = this.table.byFunction.get(functionKey(this.file.module, fn));
      if (task) return this.jobRef(task.name);
    }
    return ref.serviceOf(locationOf(this.file));
  }

  private jobRef(name: string): NodeRef {
    return ref.job(this.file.input.repository, 'celery', name);
  }
}

/** `self.retry(...)` calls in a bound task, `self` being its first parameter. */
function selfRetries(fn: SyntaxNode): SyntaxNode[] {
  const self = parametersOf(fn)[0]?.name;
  const body = fn.childForFieldName('body');
  if (!self || !body) return [];
  return ownDescendants(body, 'call')
    .filter((c) => c.childForFieldName('function')?.text === `${self}.retry`)
    .map((c) => c.childForFieldName('arguments'))
    .filter((a): a is SyntaxNode => a !== null);
}
