// Celery: tasks become Jobs (with retry, ack and queue options), calls that send tasks become
// ENQUEUES (delay, apply_async, send_task, canvas), beat entries become SCHEDULES.
import createDebug from 'debug';
import type { Extractor } from '../contract.js';
import {
  channelRecord,
  edgeRecord,
  nameProperties,
  nodeRecord,
  ref,
  type GraphRecord,
  type NodeRef,
  type Properties,
  type ResolvedName,
} from '../../model/graph.js';
import {
  callerJobOrService,
  callsIn,
  evidenceOf,
  locationOf,
} from '../../lang/python/call-sites.js';
import type { PyFile } from '../../lang/python/frontend.js';
import type { PyModule } from '../../lang/python/module-index.js';
import { dynamic, unwrap, type Binding, type Located } from '../../lang/python/resolve.js';
import {
  argument,
  enclosingFunction,
  keywordArgument,
  ownDescendants,
  parametersOf,
} from '../../lang/python/syntax.js';
import type { Captures, SyntaxNode } from '../../lang/python/tree-sitter.js';
import { loopBuiltEntries, type LoopEntry } from './beat-loops.js';
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
// Signature methods that return the signature they are called on, with options set.
const SIGNATURE_OPTIONS = new Set(['set', 'on_error', 'link', 'link_error', 'clone']);
// How many names, list items and call sites a signature is followed through.
const MAX_TRACE = 8;

interface Sent {
  task: { name: string; resolved?: ResolvedName };
  via: string;
  options?: SyntaxNode;
}

/** A signature traced to where it is built. */
interface Built {
  sent: Sent;
  at: Located;
  /** Reached through another canvas, which reports its own sends. */
  nested: boolean;
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
    for (const built of loopBuiltEntries(this.resolver, setting)) this.loopBeat(built);
  }

  // One entry per item of the list the loop walks: cited at the item's task and at the line
  // that adds the entry.
  private loopBeat(built: LoopEntry): void {
    const taskName = this.resolver.string(built.task.module, built.task.node);
    const task = taskName.dynamic ? undefined : taskNamed(this.table, taskName.name);
    const properties: Properties = {
      schedule: built.schedule.node.text.replace(/\s+/g, ' '),
      scheduler: 'celery-beat',
      task: taskName.name,
    };
    if (built.entry !== undefined) properties.entry = built.entry;
    const kind = this.scheduleKind(built.schedule);
    if (kind) properties.scheduleKind = kind;
    if (built.scheduleDefault !== undefined) properties.scheduleDefault = built.scheduleDefault;
    const job = this.jobRef(task?.name ?? taskName.name);
    for (const at of [built.task, built.built]) {
      this.records.push(
        edgeRecord(
          'SCHEDULES',
          ref.serviceOf(locationOf(this.file)),
          job,
          { technology: 'celery-beat', properties },
          evidenceOf(this.file, at.node, at.module),
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
    const via = this.canvasKind(this.file.module, call.call);
    if (!via) return;
    const here = (node: SyntaxNode | undefined) => (node ? [this.here(node)] : []);
    if (via !== 'chord') {
      for (const part of canvasParts(call.arguments))
        this.send(this.built(this.here(part)), via, call.call);
      return;
    }
    const args = call.arguments;
    const header = here(argument(args, 0, 'header')).flatMap((h) => this.built(h));
    this.send(header, via, call.call);
    const outer = call.call.parent;
    const calledWithBody =
      outer?.type === 'call' && outer.childForFieldName('function')?.id === call.call.id;
    const bodyNode =
      argument(args, 1, 'body') ??
      (calledWithBody ? argument(outer.childForFieldName('arguments'), 0, 'body') : undefined);
    // The body runs once every task of the header has finished.
    const after = [...new Set(header.map((h) => h.sent.task.name))].sort();
    const body = here(bodyNode).flatMap((b) => this.built(b));
    this.send(body, via, call.call, after.length > 0 ? { after } : {});
  }

  private pipe(node: SyntaxNode): void {
    if (node.childForFieldName('operator')?.text !== '|' || node.parent?.type === 'binary_operator')
      return;
    // `a | b` is a chain only when every operand is a signature or a canvas.
    const operands = pipeOperands(node).map((operand) => this.built(this.here(operand)));
    if (operands.length < 2 || operands.some((built) => built.length === 0)) return;
    this.send(operands.flat(), 'chain', node);
  }

  private here(node: SyntaxNode): Located {
    return { module: this.file.module, node };
  }

  /** The canvas primitive a call builds: chain, group, chord or chunks. */
  private canvasKind(module: PyModule, call: SyntaxNode): string | undefined {
    const callee = call.childForFieldName('function');
    const origin = callee ? this.resolver.origin(module, callee) : undefined;
    return origin && CANVAS.test(origin) ? origin.split('.').pop() : undefined;
  }

  /**
   * The signatures an expression holds, traced to where each is built: the expression itself,
   * list elements and comprehensions, `.append()`ed items, a local or module name, the
   * arguments callers give a parameter, and the parts of a nested canvas (marked `nested`, as
   * that canvas reports its own sends).
   */
  private built(value: Located, depth = 0, nested = false): Built[] {
    if (depth > MAX_TRACE) return [];
    const { module } = value;
    const node = unwrap(value.node);
    const inner = (child: SyntaxNode | null | undefined, deeper = nested): Built[] =>
      child ? this.built({ module, node: child }, depth + 1, deeper) : [];
    switch (node.type) {
      case 'call': {
        const sent = this.signature(node, module);
        if (sent) return [{ sent, at: { module, node }, nested }];
        const callee = node.childForFieldName('function');
        const method = callee?.childForFieldName('attribute')?.text;
        // `task.s(...).set(queue=...)` and its kin return the signature they are called on.
        if (callee?.type === 'attribute' && method && SIGNATURE_OPTIONS.has(method))
          return inner(callee.childForFieldName('object'));
        if (this.canvasKind(module, node)) {
          const args = node.childForFieldName('arguments') ?? undefined;
          return canvasParts(args).flatMap((part) => inner(part, true));
        }
        return [];
      }
      case 'list':
      case 'tuple':
      case 'set':
      case 'expression_list':
      case 'list_splat':
        return node.namedChildren.flatMap((child) => inner(child));
      case 'list_comprehension':
      case 'set_comprehension':
      case 'generator_expression':
        return inner(node.childForFieldName('body'));
      case 'binary_operator':
        if (node.childForFieldName('operator')?.text !== '|') return [];
        return pipeOperands(node).flatMap((operand) => inner(operand, true));
      case 'identifier':
        return this.builtName(module, node, depth, nested);
      default:
        return [];
    }
  }

  private builtName(module: PyModule, node: SyntaxNode, depth: number, nested: boolean): Built[] {
    const bound = this.resolver.bind(module, node);
    if (bound?.kind === 'value' && bound.node.id !== node.id) {
      const value = { module: bound.module, node: bound.node };
      return [
        ...this.built(value, depth + 1, nested),
        ...this.appended(bound.module, bound.node).flatMap((item) =>
          this.built(item, depth + 1, nested),
        ),
      ];
    }
    if (bound?.kind !== 'parameter') return [];
    return this.resolver.callsOf(bound.module, bound.node).flatMap((site) => {
      const given = this.resolver.argumentFor(site, bound.node, bound.parameter);
      return given ? this.built(given, depth + 1, nested) : [];
    });
  }

  /** Items added to a list after it is built: `tasks.append(x)`, `tasks.extend(xs)`. */
  private appended(module: PyModule, list: SyntaxNode): Located[] {
    if (list.type !== 'list') return [];
    const items: Located[] = [];
    for (const { method, receiver, arguments: args } of callsIn(module)) {
      const name = method?.text;
      if ((name !== 'append' && name !== 'extend') || receiver?.type !== 'identifier') continue;
      const bound = this.resolver.bind(module, receiver);
      if (bound?.kind !== 'value' || bound.node.id !== list.id) continue;
      const item = argument(args, 0);
      if (!item) continue;
      items.push({ module, node: item });
    }
    return items;
  }

  /**
   * One ENQUEUES per signature sent. A signature written inside the sending call is cited
   * there; one built elsewhere is cited where it is built and where it is sent. Signatures
   * reached through a nested canvas are left to that canvas.
   */
  private send(built: Built[], via: string, at: SyntaxNode, extra: Properties = {}): void {
    for (const item of built) {
      if (item.nested) continue;
      const inside =
        item.at.module === this.file.module &&
        at.startIndex <= item.at.node.startIndex &&
        item.at.node.endIndex <= at.endIndex;
      if (inside && this.consumed.has(item.at.node.id)) continue;
      this.consumed.add(item.at.node.id);
      const sent = { ...item.sent, via };
      this.enqueue(sent, via, at, extra);
      if (!inside) this.enqueue(sent, via, at, extra, item.at);
    }
  }

  /** `task.s(...)`, `task.si(...)`, `task.signature(...)` or `signature('name')`. */
  private signature(call: SyntaxNode, module: PyModule = this.file.module): Sent | undefined {
    const callee = call.childForFieldName('function');
    if (!callee) return undefined;
    const args = call.childForFieldName('arguments');
    if (callee.type === 'attribute') {
      const method = callee.childForFieldName('attribute')?.text ?? '';
      const object = callee.childForFieldName('object');
      if (!SIGNATURE_METHODS.has(method) || !object) return undefined;
      // app.signature('name')
      if (method === 'signature' && this.isApp(object, module)) {
        const nameNode = argument(args, 0, 'varies');
        return nameNode ? { task: this.taskByName(nameNode, module), via: 'signature' } : undefined;
      }
      const task = this.taskOf(object, module);
      return task ? { task: { name: task.name }, via: 'signature' } : undefined;
    }
    if (this.resolver.origin(module, callee) !== 'celery.signature') return undefined;
    const nameNode = argument(args, 0, 'varies');
    return nameNode ? { task: this.taskByName(nameNode, module), via: 'signature' } : undefined;
  }

  private taskOf(node: SyntaxNode, module: PyModule = this.file.module): CeleryTask | undefined {
    const bound = this.resolver.bind(module, node);
    if (bound?.kind !== 'function') return undefined;
    return this.table.byFunction.get(functionKey(bound.module, bound.node));
  }

  private taskByName(node: SyntaxNode, module: PyModule = this.file.module): Sent['task'] {
    const resolved = this.resolver.string(module, node);
    const task = resolved.dynamic ? undefined : taskNamed(this.table, resolved.name);
    return { name: task?.name ?? resolved.name, resolved };
  }

  // task.delay(...), task.apply_async(...), task.s(...).delay(), app.send_task('name')
  private direct(call: Captures): void {
    const method = call.method?.text;
    if (!call.call || !call.receiver || !method) return;
    if (method === 'delay' || method === 'apply_async') {
      this.applied(call.call, call.receiver, method, call.arguments);
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

  /**
   * `x.delay()` / `x.apply_async()`: x is a task, a signature (however built), or a task chosen
   * at run time.
   */
  private applied(
    call: SyntaxNode,
    receiver: SyntaxNode,
    method: string,
    options: SyntaxNode | undefined,
  ): void {
    const task = this.taskOf(receiver);
    if (task) {
      this.enqueue({ task: { name: task.name }, via: method, options }, method, call);
      return;
    }
    const built = this.built(this.here(receiver));
    if (built.length > 0) {
      this.send(
        built.map((b) => ({ ...b, sent: { ...b.sent, options } })),
        method,
        call,
      );
      return;
    }
    const bound = this.resolver.bind(this.file.module, receiver);
    if (bound?.kind === 'parameter') {
      const sites = this.resolver.callsOf(bound.module, bound.node);
      const given = sites.map((site) => {
        const value = this.resolver.argumentFor(site, bound.node, bound.parameter);
        const passed = value ? this.taskOf(value.node, value.module) : undefined;
        return passed && value ? { passed, at: value } : undefined;
      });
      if (given.length > 0 && given.every((g) => g !== undefined)) {
        for (const g of given) {
          const sent = { task: { name: g.passed.name }, via: method, options };
          this.enqueue(sent, method, call);
          this.enqueue(sent, method, call, {}, g.at);
        }
        return;
      }
    }
    if (!this.plausiblyTask(receiver, bound)) return;
    // Never a guessed name: the Job is named by the expression, known only at run time.
    this.enqueue({ task: taskExpression(receiver), via: method, options }, method, call);
  }

  /** A task chosen at run time: from a mapping of tasks, or a parameter named like one. */
  private plausiblyTask(receiver: SyntaxNode, bound: Binding | undefined): boolean {
    if (this.fromTaskMapping(this.file.module, unwrap(receiver))) return true;
    if (bound?.kind === 'parameter') return /task/i.test(bound.parameter.name);
    if (bound?.kind === 'value') return this.fromTaskMapping(bound.module, bound.node);
    return false;
  }

  // TASKS[kind] or TASKS.get(kind), TASKS a dict whose values are tasks.
  private fromTaskMapping(module: PyModule, node: SyntaxNode): boolean {
    let mapping: SyntaxNode | null | undefined;
    if (node.type === 'subscript') mapping = node.childForFieldName('value');
    if (node.type === 'call') {
      const callee = node.childForFieldName('function');
      if (callee?.childForFieldName('attribute')?.text === 'get')
        mapping = callee.childForFieldName('object');
    }
    if (!mapping) return false;
    const entries = this.resolver.dict(module, mapping);
    return [...(entries?.values() ?? [])].some((v) => this.taskOf(v.node, v.module) !== undefined);
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

  private isApp(node: SyntaxNode, module: PyModule = this.file.module): boolean {
    const origin = this.resolver.origin(module, node);
    return origin !== undefined && /^celery(\.app)?\.(Celery\(\)|current_app)$/.test(origin);
  }

  /** An ENQUEUES from whoever holds the sending call, cited at `cited` when given. */
  private enqueue(
    sent: Sent,
    via: string,
    at: SyntaxNode,
    extra: Properties = {},
    cited?: Located,
  ): void {
    const evidence = cited
      ? evidenceOf(this.file, cited.node, cited.module)
      : evidenceOf(this.file, at);
    const from = this.callerOf(at);
    const properties: Properties = { via };
    const options = sent.options ? this.sendOptions(sent.options) : { properties: {} };
    Object.assign(properties, options.properties, extra);
    const job = this.jobRef(sent.task.name);
    const resolved = sent.task.resolved;
    if (resolved?.dynamic) {
      properties.dynamic = true;
      this.records.push(
        nodeRecord(
          job,
          { name: sent.task.name, technology: 'celery', properties: nameProperties(resolved) },
          evidence,
        ),
      );
    }
    this.records.push(
      edgeRecord('ENQUEUES', from, job, { technology: 'celery', properties }, evidence),
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
    return callerJobOrService(
      this.file,
      node,
      'celery',
      (fn) => this.table.byFunction.get(functionKey(this.file.module, fn))?.name,
    );
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

/** The parts of a canvas call: positional arguments, `*tasks`, `tasks=`, `header=`, `body=`. */
function canvasParts(args: SyntaxNode | undefined): SyntaxNode[] {
  if (!args) return [];
  if (args.type === 'generator_expression') return [args];
  const parts: SyntaxNode[] = [];
  for (const child of args.namedChildren) {
    if (child.type === 'comment' || child.type === 'dictionary_splat') continue;
    if (child.type !== 'keyword_argument') {
      parts.push(child);
      continue;
    }
    const name = child.childForFieldName('name')?.text ?? '';
    const value = child.childForFieldName('value');
    if (value && ['tasks', 'header', 'body'].includes(name)) parts.push(value);
  }
  return parts;
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

/** A task chosen at run time, named by the expression that chooses it. */
function taskExpression(receiver: SyntaxNode): Sent['task'] {
  const resolved = dynamic(receiver);
  return { name: resolved.name, resolved };
}
