// Taskiq: `@broker.task` functions become Jobs (task_name, retries, schedule labels as
// SCHEDULES); `task.kiq(...)` and `task.kicker()...kiq(...)` become ENQUEUES.
import createDebug from 'debug';
import type { Extractor } from '../contract.js';
import {
  edgeRecord,
  nodeRecord,
  ref,
  type GraphRecord,
  type NodeRef,
  type Properties,
} from '../../model/graph.js';
import { Callables, ownArguments, type Applied } from '../../lang/python/callables.js';
import {
  callerJobOrService,
  callsIn,
  evidenceOf,
  locationOf,
} from '../../lang/python/call-sites.js';
import type { PyFile } from '../../lang/python/frontend.js';
import type { PyModule } from '../../lang/python/module-index.js';
import { unwrap, type Located } from '../../lang/python/resolve.js';
import { functionName } from '../../lang/python/syntax.js';
import type { SyntaxNode } from '../../lang/python/tree-sitter.js';
import { Values } from '../../lang/python/values.js';

const debug = createDebug('eventgraph:extract:taskiq');

export const taskiqExtractor: Extractor<PyFile> = {
  id: 'taskiq',
  title: 'Taskiq',
  docs: 'https://taskiq-python.github.io/guide/getting-started.html',
  language: 'python',
  technologies: ['taskiq'],
  packages: ['taskiq', 'taskiq-redis', 'taskiq-aio-pika', 'taskiq-nats'],
  imports: ['taskiq'],
  prefilter: ['.task', '.kiq(', 'kicker('],
  emits: { nodes: ['Job'], edges: ['ENQUEUES', 'SCHEDULES'] },
  extract: (file) => new TaskiqFile(file).extract(),
};

const TECHNOLOGY = 'taskiq';
const BROKER = /^taskiq(_\w+)?(\.\w+)*\.\w*Broker$/;

interface Task {
  name: string;
  fn: Located;
  options: Applied;
}

class TaskiqFile {
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
      if (call.method?.text !== 'kiq' || !call.call || !call.receiver) continue;
      this.kiq(call.call, call.receiver);
    }
    debug('%s: %d records', this.file.input.path, this.records.length);
    return this.records;
  }

  // @broker.task, @broker.task(task_name='x', retry_on_error=True, schedule=[{'cron': ...}])
  private taskOf(fn: Located): Task | undefined {
    const decorated = fn.node.parent?.type === 'decorated_definition' ? fn.node.parent : undefined;
    for (const decorator of decorated?.namedChildren ?? []) {
      const expression = decorator.type === 'decorator' ? decorator.namedChildren[0] : undefined;
      if (!expression) continue;
      const call = expression.type === 'call' ? expression : undefined;
      const callee = call ? call.childForFieldName('function') : expression;
      if (callee?.type !== 'attribute' || callee.childForFieldName('attribute')?.text !== 'task')
        continue;
      const object = callee.childForFieldName('object');
      if (!object || !this.isBroker(fn.module, object)) continue;
      const options = ownArguments(fn.module, call?.childForFieldName('arguments'));
      const named = options.keywords.get('task_name') ?? options.positional[0];
      const literal = named ? this.resolver.literal(named.module, named.node) : undefined;
      const name = typeof literal === 'string' ? literal : functionName(fn.node);
      return { name, fn, options };
    }
    return undefined;
  }

  private isBroker(module: PyModule, node: SyntaxNode): boolean {
    return this.values.assigned(module, node).some((value) => {
      const callee = value.node.type === 'call' ? value.node.childForFieldName('function') : null;
      // `Broker(...).with_result_backend(...)` returns the broker.
      const inner =
        callee?.type === 'attribute' && callee.childForFieldName('object')?.type === 'call'
          ? callee.childForFieldName('object')?.childForFieldName('function')
          : callee;
      return inner ? this.callables.reaches(value.module, inner, BROKER) : false;
    });
  }

  private definition(task: Task): void {
    const properties = this.taskProperties(task);
    const job = this.jobRef(task.name);
    this.records.push(
      nodeRecord(
        job,
        { name: task.name, technology: TECHNOLOGY, properties },
        evidenceOf(this.file, task.fn.node, task.fn.module),
      ),
    );
    const schedule = task.options.keywords.get('schedule');
    const entries = schedule ? this.values.items(schedule.module, schedule.node) : [];
    for (const entry of entries) {
      const fields = this.resolver.dict(entry.module, entry.node);
      const cron = fields?.get('cron');
      const time = fields?.get('time');
      const interval = fields?.get('interval');
      const value = cron ?? interval ?? time;
      if (!value) continue;
      const text = this.resolver.literal(value.module, value.node) ?? value.node.text;
      const scheduleProperties: Properties = {
        scheduler: 'taskiq',
        scheduleKind: cron ? 'cron' : interval ? 'interval' : 'date',
        schedule: String(text),
      };
      const zone = fields?.get('cron_offset');
      if (zone)
        scheduleProperties.timezone = String(
          this.resolver.literal(zone.module, zone.node) ?? zone.node.text,
        );
      this.records.push(
        edgeRecord(
          'SCHEDULES',
          ref.serviceOf(locationOf(this.file)),
          job,
          { technology: TECHNOLOGY, properties: scheduleProperties },
          evidenceOf(this.file, entry.node, entry.module),
        ),
      );
    }
  }

  private taskProperties(task: Task): Properties {
    const properties: Properties = {};
    const literal = (key: string) => {
      const value = task.options.keywords.get(key);
      return value ? this.resolver.literal(value.module, value.node) : undefined;
    };
    const maxRetries = literal('max_retries');
    if (typeof maxRetries === 'number') properties.maxRetries = maxRetries;
    if (literal('retry_on_error') === true)
      properties.retry =
        typeof maxRetries === 'number'
          ? `retry_on_error, max_retries=${String(maxRetries)}`
          : 'retry_on_error';
    const timeout = literal('timeout');
    if (typeof timeout === 'number') properties.timeout = timeout;
    const priority = literal('priority');
    if (typeof priority === 'number') properties.priority = priority;
    return properties;
  }

  // await task.kiq(...), await task.kicker().with_labels(delay=5).kiq(...)
  private kiq(call: SyntaxNode, receiver: SyntaxNode): void {
    let base = unwrap(receiver);
    const labels: Properties = {};
    while (base.type === 'call') {
      const callee = base.childForFieldName('function');
      const method = callee?.childForFieldName('attribute')?.text;
      const object = callee?.childForFieldName('object');
      if (callee?.type !== 'attribute' || !object) return;
      if (method === 'with_labels') {
        const options = ownArguments(this.file.module, base.childForFieldName('arguments'));
        const delay = options.keywords.get('delay');
        const seconds = delay ? this.resolver.literal(delay.module, delay.node) : undefined;
        if (typeof seconds === 'number') labels.delayMs = seconds * 1000;
      }
      base = unwrap(object);
    }
    const bound = this.resolver.bind(this.file.module, base);
    if (bound?.kind !== 'function') return;
    const task = this.taskOf(bound);
    if (!task) return;
    const evidence = evidenceOf(this.file, call);
    const job = this.jobRef(task.name);
    this.records.push(
      nodeRecord(
        job,
        { name: task.name, technology: TECHNOLOGY, properties: this.taskProperties(task) },
        evidenceOf(this.file, task.fn.node, task.fn.module),
      ),
    );
    this.records.push(
      edgeRecord(
        'ENQUEUES',
        this.callerOf(call),
        job,
        { technology: TECHNOLOGY, properties: { via: 'kiq', ...labels } },
        evidence,
      ),
    );
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
}
