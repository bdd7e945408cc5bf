// arq: the functions a worker settings class lists become Jobs consuming the worker's queue,
// its `cron_jobs` become SCHEDULES, and `enqueue_job('name', ...)` on an arq pool becomes
// ENQUEUES and PUBLISHES (with `_defer_by`, `_job_id` and `_queue_name`).
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
import { appliedArgument, ownArguments } from '../../lang/python/callables.js';
import { callsIn, evidenceOf, locationOf } from '../../lang/python/call-sites.js';
import type { PyFile } from '../../lang/python/frontend.js';
import type { PyModule } from '../../lang/python/module-index.js';
import { dynamic, unwrap, type Located } from '../../lang/python/resolve.js';
import { enclosingFunction, functionName } from '../../lang/python/syntax.js';
import type { SyntaxNode } from '../../lang/python/tree-sitter.js';
import { Values } from '../../lang/python/values.js';

const debug = createDebug('eventgraph:extract:arq');

export const arqExtractor: Extractor<PyFile> = {
  id: 'arq',
  title: 'arq',
  docs: 'https://arq-docs.helpmanual.io/',
  language: 'python',
  technologies: ['arq'],
  packages: ['arq'],
  imports: ['arq'],
  prefilter: ['enqueue_job', 'functions', 'cron_jobs'],
  emits: { nodes: ['Job', 'Queue'], edges: ['CONSUMES', 'ENQUEUES', 'PUBLISHES', 'SCHEDULES'] },
  extract: (file) => new ArqFile(file).extract(),
};

const TECHNOLOGY = 'arq';
const DEFAULT_QUEUE = 'arq:queue';
const FUNC = /^arq(\.worker)?\.func$/;
const CRON = /^arq(\.cron)?\.cron$/;

class ArqFile {
  private readonly records: GraphRecord[] = [];
  private readonly values: Values;
  /** Functions of this file listed by its settings classes, by node id. */
  private readonly listed = new Map<number, string>();

  constructor(private readonly file: PyFile) {
    this.values = new Values(file.resolver);
  }

  private get resolver() {
    return this.file.resolver;
  }

  extract(): GraphRecord[] {
    const { module } = this.file;
    for (const cls of module.classes.values()) this.settings(module, cls);
    for (const call of callsIn(module)) {
      if (call.method?.text !== 'enqueue_job' || !call.call) continue;
      this.enqueue(call.call, call.arguments);
    }
    debug('%s: %d records', this.file.input.path, this.records.length);
    return this.records;
  }

  // class WorkerSettings: functions = [...]; cron_jobs = [cron(f, hour=3)]; queue_name = '...'
  private settings(module: PyModule, cls: SyntaxNode): void {
    const attributes = new Map<string, SyntaxNode>();
    for (const statement of cls.childForFieldName('body')?.namedChildren ?? []) {
      const assignment = statement.namedChildren[0];
      const left = assignment?.childForFieldName('left');
      const right = assignment?.childForFieldName('right');
      if (assignment?.type === 'assignment' && left?.type === 'identifier' && right)
        attributes.set(left.text, right);
    }
    const functions = attributes.get('functions');
    const crons = attributes.get('cron_jobs');
    if (!functions && !crons) return;
    const queueNode = attributes.get('queue_name');
    const queue = queueNode
      ? this.resolver.string(module, queueNode)
      : { name: DEFAULT_QUEUE, dynamic: false };
    for (const item of functions ? this.values.items(module, functions) : []) {
      const registered = this.registered(item, FUNC);
      if (!registered) continue;
      this.job(registered.name, registered.fn, registered.options, queue, item);
    }
    for (const item of crons ? this.values.items(module, crons) : []) {
      const registered = this.registered(item, CRON);
      if (!registered || item.node.type !== 'call') continue;
      this.job(registered.name, registered.fn, registered.options, queue, item);
      const fields = [...registered.options.keywords]
        .filter(
          ([key]) => !['name', 'run_at_startup', 'unique', 'timeout', 'max_tries'].includes(key),
        )
        .map(([key, value]) => `${key}=${value.node.text}`);
      const properties: Properties = {
        scheduler: 'arq',
        scheduleKind: 'cron',
        schedule: fields.join(' ').replace(/\s+/g, ' '),
      };
      this.records.push(
        edgeRecord(
          'SCHEDULES',
          ref.serviceOf(locationOf(this.file)),
          this.jobRef(registered.name),
          { technology: TECHNOLOGY, properties },
          evidenceOf(this.file, item.node, item.module),
        ),
      );
    }
  }

  /** A listed function: itself, or `func(f, name=..., max_tries=...)` / `cron(f, ...)`. */
  private registered(item: Located, wrapper: RegExp) {
    const node = unwrap(item.node);
    let target = node;
    let options = ownArguments(item.module, null);
    if (node.type === 'call') {
      const callee = node.childForFieldName('function');
      const origin = callee ? this.resolver.origin(item.module, callee) : undefined;
      if (!origin || !wrapper.test(origin)) return undefined;
      options = ownArguments(item.module, node.childForFieldName('arguments'));
      const first = appliedArgument(options, 0, 'coroutine');
      if (!first) return undefined;
      target = first.node;
    } else if (wrapper === CRON) return undefined;
    const bound = this.resolver.bind(item.module, target);
    const explicit = options.keywords.get('name');
    const named = explicit ? this.resolver.literal(explicit.module, explicit.node) : undefined;
    if (bound?.kind !== 'function') {
      // An import path is accepted inside func() only.
      const text = this.resolver.string(item.module, target);
      if (text.dynamic || target === node) return undefined;
      return { name: typeof named === 'string' ? named : text.name, options, fn: undefined };
    }
    const fn = { module: bound.module, node: bound.node };
    return { name: typeof named === 'string' ? named : functionName(bound.node), fn, options };
  }

  private job(
    name: string,
    fn: Located | undefined,
    options: ReturnType<typeof ownArguments>,
    queue: ResolvedName,
    listed: Located,
  ): void {
    const properties: Properties = { queue: queue.name };
    const tries = options.keywords.get('max_tries');
    const max = tries ? this.resolver.literal(tries.module, tries.node) : undefined;
    if (typeof max === 'number' && max > 1) {
      properties.maxRetries = max - 1;
      properties.retry = `max_tries=${String(max)}`;
    }
    const timeout = options.keywords.get('timeout');
    if (timeout)
      properties.timeout = this.resolver.literal(timeout.module, timeout.node) ?? timeout.node.text;
    if (fn?.module === this.file.module) this.listed.set(fn.node.id, name);
    const job = this.jobRef(name);
    const at = evidenceOf(this.file, listed.node, listed.module);
    const defined = fn ? evidenceOf(this.file, fn.node, fn.module) : at;
    this.records.push(nodeRecord(job, { name, technology: TECHNOLOGY, properties }, defined));
    this.records.push(channelRecord('Queue', 'queue', TECHNOLOGY, queue, at));
    this.records.push(
      edgeRecord('CONSUMES', job, this.queueRef(queue), { technology: TECHNOLOGY }, at),
    );
  }

  // await pool.enqueue_job('download', url, _defer_by=timedelta(minutes=1), _job_id=...)
  private enqueue(call: SyntaxNode, args: SyntaxNode | undefined): void {
    const options = ownArguments(this.file.module, args);
    const nameNode = appliedArgument(options, 0, 'function');
    if (!nameNode) return;
    const resolved = this.resolver.string(nameNode.module, nameNode.node);
    const name = resolved.dynamic ? dynamic(nameNode.node) : resolved;
    const queueNode = options.keywords.get('_queue_name');
    const queue = queueNode
      ? this.resolver.string(queueNode.module, queueNode.node)
      : { name: DEFAULT_QUEUE, dynamic: false };
    const properties: Properties = { via: 'enqueue_job', queue: queue.name };
    const defer = options.keywords.get('_defer_by');
    const seconds = defer ? this.resolver.literal(defer.module, defer.node) : undefined;
    if (typeof seconds === 'number') properties.delayMs = seconds * 1000;
    else if (defer) properties.delay = defer.node.text;
    const deferUntil = options.keywords.get('_defer_until');
    if (deferUntil) properties.eta = deferUntil.node.text;
    const id = options.keywords.get('_job_id');
    if (id) properties.dedupKey = String(this.resolver.literal(id.module, id.node) ?? id.node.text);
    const from = this.callerOf(call);
    const evidence = evidenceOf(this.file, call);
    const job = this.jobRef(name.name);
    if (name.dynamic)
      this.records.push(
        nodeRecord(
          job,
          {
            name: name.name,
            technology: TECHNOLOGY,
            properties: { dynamic: true, expression: name.expression ?? name.name },
          },
          evidence,
        ),
      );
    this.records.push(
      edgeRecord('ENQUEUES', from, job, { technology: TECHNOLOGY, properties }, evidence),
    );
    const published: Properties = { jobName: name.name };
    for (const key of ['delayMs', 'dedupKey'])
      if (properties[key] !== undefined) published[key] = properties[key];
    this.records.push(channelRecord('Queue', 'queue', TECHNOLOGY, queue, evidence));
    this.records.push(
      edgeRecord(
        'PUBLISHES',
        from,
        this.queueRef(queue),
        { technology: TECHNOLOGY, properties: published },
        evidence,
      ),
    );
  }

  /** The job the call runs in, when its function is listed by a settings class of this file. */
  private callerOf(node: SyntaxNode): NodeRef {
    const fn = enclosingFunction(node);
    const name = fn ? this.listed.get(fn.id) : undefined;
    return name ? this.jobRef(name) : ref.serviceOf(locationOf(this.file));
  }

  private jobRef(name: string): NodeRef {
    return ref.job(this.file.input.repository, TECHNOLOGY, name);
  }

  private queueRef(queue: ResolvedName): NodeRef {
    return ref.channel('Queue', TECHNOLOGY, queue.name);
  }
}
