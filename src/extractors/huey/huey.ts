// Huey: `@huey.task()` and `@db_task()` functions become Jobs consuming the Huey instance's
// queue (its name); `@periodic_task(crontab(...))` adds SCHEDULES. Calling a task function
// enqueues it, as does `task.schedule(args, delay=...)`.
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
import {
  callerJobOrService,
  callsIn,
  evidenceOf,
  locationOf,
} from '../../lang/python/call-sites.js';
import type { PyFile } from '../../lang/python/frontend.js';
import type { Located } from '../../lang/python/resolve.js';
import { functionName } from '../../lang/python/syntax.js';
import type { SyntaxNode } from '../../lang/python/tree-sitter.js';
import { Values } from '../../lang/python/values.js';

const debug = createDebug('eventgraph:extract:huey');

export const hueyExtractor: Extractor<PyFile> = {
  id: 'huey',
  title: 'Huey',
  docs: 'https://huey.readthedocs.io/en/latest/guide.html',
  language: 'python',
  technologies: ['huey'],
  packages: ['huey'],
  imports: ['huey'],
  prefilter: ['huey', 'task', 'periodic_task'],
  emits: { nodes: ['Job', 'Queue'], edges: ['CONSUMES', 'ENQUEUES', 'PUBLISHES', 'SCHEDULES'] },
  extract: (file) => new HueyFile(file).extract(),
};

const TECHNOLOGY = 'huey';
const HUEY_CLASS = /^huey(\.api)?\.\w*Huey$/;
const DJHUEY = /^huey\.contrib\.djhuey\.(db_)?(periodic_)?task$/;
const DECORATORS = new Set(['task', 'periodic_task', 'db_task', 'db_periodic_task']);

interface Task {
  name: string;
  fn: Located;
  queue?: ResolvedName;
  options: Applied;
  periodic: boolean;
  decorator: Located;
}

class HueyFile {
  private readonly records: GraphRecord[] = [];
  private readonly values: Values;
  private readonly callables: Callables;

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
      const task = this.taskOf({ module, node: fn });
      if (task) this.definition(task);
    }
    for (const call of callsIn(module)) {
      if (!call.call) continue;
      const callee = call.call.childForFieldName('function');
      if (!callee) continue;
      if (call.method?.text === 'schedule' && call.receiver) {
        const task = this.taskNamedBy(call.receiver);
        if (task) this.enqueue(call.call, task, 'schedule', call.arguments);
        continue;
      }
      const task = this.taskNamedBy(callee);
      if (task && !this.inside(call.call, task)) this.enqueue(call.call, task, 'call', undefined);
    }
    debug('%s: %d records', this.file.input.path, this.records.length);
    return this.records;
  }

  private inside(node: SyntaxNode, task: Task): boolean {
    return task.decorator.node.startIndex <= node.startIndex &&
      node.endIndex <= task.fn.node.endIndex
      ? task.fn.module === this.file.module
      : false;
  }

  private taskNamedBy(node: SyntaxNode): Task | undefined {
    const bound = this.resolver.bind(this.file.module, node);
    return bound?.kind === 'function' ? this.taskOf(bound) : undefined;
  }

  // @huey.task(retries=3), @huey.periodic_task(crontab(minute='0')), @db_task() (djhuey)
  private taskOf(fn: Located): Task | undefined {
    const decorated = fn.node.parent?.type === 'decorated_definition' ? fn.node.parent : undefined;
    for (const decorator of decorated?.namedChildren ?? []) {
      const expression = decorator.type === 'decorator' ? decorator.namedChildren[0] : undefined;
      const callee = expression?.type === 'call' ? expression.childForFieldName('function') : null;
      if (!expression || !callee) continue;
      const options = ownArguments(fn.module, expression.childForFieldName('arguments'));
      const at = { module: fn.module, node: decorator };
      const base = { name: functionName(fn.node), fn, options, decorator: at };
      if (this.callables.reaches(fn.module, callee, DJHUEY)) {
        const origin = this.resolver.origin(fn.module, callee) ?? '';
        return { ...base, periodic: origin.includes('periodic') };
      }
      const method = callee.childForFieldName('attribute')?.text ?? '';
      const object = callee.childForFieldName('object');
      if (callee.type !== 'attribute' || !object || !DECORATORS.has(method)) continue;
      const queue = this.hueyName(fn.module, object);
      if (!queue) continue;
      return { ...base, queue, periodic: method.includes('periodic') };
    }
    return undefined;
  }

  /** The name of the Huey instance an expression holds, when it holds one. */
  private hueyName(module: PyFile['module'], node: SyntaxNode): ResolvedName | undefined {
    for (const value of this.values.assigned(module, node)) {
      if (value.node.type !== 'call') continue;
      const callee = value.node.childForFieldName('function');
      if (!callee || !this.callables.reaches(value.module, callee, HUEY_CLASS)) continue;
      const args = ownArguments(value.module, value.node.childForFieldName('arguments'));
      const name = appliedArgument(args, 0, 'name');
      return name ? this.resolver.string(name.module, name.node) : { name: 'huey', dynamic: false };
    }
    return undefined;
  }

  private definition(task: Task): void {
    const job = this.jobRef(task.name);
    const properties = this.taskProperties(task);
    const evidence = evidenceOf(this.file, task.fn.node, task.fn.module);
    this.records.push(
      nodeRecord(job, { name: task.name, technology: TECHNOLOGY, properties }, evidence),
    );
    const at = evidenceOf(this.file, task.decorator.node, task.decorator.module);
    if (task.queue) {
      this.records.push(channelRecord('Queue', 'queue', TECHNOLOGY, task.queue, at));
      this.records.push(
        edgeRecord('CONSUMES', job, this.queueRef(task.queue), { technology: TECHNOLOGY }, at),
      );
    }
    if (!task.periodic) return;
    const schedule = appliedArgument(task.options, 0, 'validate_datetime');
    const scheduleProperties: Properties = { scheduler: 'huey' };
    if (schedule) {
      scheduleProperties.schedule = schedule.node.text.replace(/\s+/g, ' ');
      const callee =
        schedule.node.type === 'call' ? schedule.node.childForFieldName('function') : null;
      const origin = callee ? this.resolver.origin(schedule.module, callee) : undefined;
      if (origin && /(^|\.)crontab$/.test(origin)) scheduleProperties.scheduleKind = 'cron';
    }
    this.records.push(
      edgeRecord(
        'SCHEDULES',
        ref.serviceOf(locationOf(this.file)),
        job,
        { technology: TECHNOLOGY, properties: scheduleProperties },
        at,
      ),
    );
  }

  private taskProperties(task: Task): Properties {
    const properties: Properties = {};
    if (task.queue) properties.queue = task.queue.name;
    const literal = (key: string) => {
      const value = task.options.keywords.get(key);
      return value ? this.resolver.literal(value.module, value.node) : undefined;
    };
    const retries = literal('retries');
    const delay = literal('retry_delay');
    if (typeof retries === 'number' && retries > 0) {
      properties.maxRetries = retries;
      properties.retry =
        typeof delay === 'number'
          ? `retries=${String(retries)}, retry_delay=${String(delay)}s`
          : `retries=${String(retries)}`;
    }
    const priority = literal('priority');
    if (typeof priority === 'number') properties.priority = priority;
    return properties;
  }

  private enqueue(call: SyntaxNode, task: Task, via: string, args: SyntaxNode | undefined): void {
    const from = this.callerOf(call);
    const evidence = evidenceOf(this.file, call);
    const properties: Properties = { via };
    if (args) {
      const options = ownArguments(this.file.module, args);
      const delay = options.keywords.get('delay');
      const seconds = delay ? this.resolver.literal(delay.module, delay.node) : undefined;
      if (typeof seconds === 'number') properties.delayMs = seconds * 1000;
      else if (delay) properties.delay = delay.node.text;
      const eta = options.keywords.get('eta');
      if (eta) properties.eta = eta.node.text;
    }
    if (task.queue) properties.queue = task.queue.name;
    const job = this.jobRef(task.name);
    this.records.push(
      nodeRecord(
        job,
        { name: task.name, technology: TECHNOLOGY, properties: this.taskProperties(task) },
        evidenceOf(this.file, task.fn.node, task.fn.module),
      ),
    );
    this.records.push(
      edgeRecord('ENQUEUES', from, job, { technology: TECHNOLOGY, properties }, evidence),
    );
    if (!task.queue) return;
    const send = {
      jobName: task.name,
      queue: task.queue,
      options: properties,
      carried: ['delayMs'],
    };
    this.records.push(...jobOntoQueue(TECHNOLOGY, from, send, evidence));
  }

  private callerOf(node: SyntaxNode): NodeRef {
    const { module } = this.file;
    return callerJobOrService(
      this.file,
      node,
      TECHNOLOGY,
      (fn) => this.taskOf({ module, node: fn })?.name,
    );
  }

  private jobRef(name: string): NodeRef {
    return ref.job(this.file.input.repository, TECHNOLOGY, name);
  }

  private queueRef(queue: ResolvedName): NodeRef {
    return ref.channel('Queue', TECHNOLOGY, queue.name);
  }
}
