// APScheduler: `scheduler.add_job(func, trigger, ...)`, `add_schedule` (4.x) and
// `@scheduler.scheduled_job(trigger, ...)` become SCHEDULES from the service to a Job named by
// the function, with the trigger as written. Wrappers that pass `func` and `trigger` through
// are read at their call sites.
import createDebug from 'debug';
import type { Extractor } from '../contract.js';
import {
  edgeRecord,
  nodeRecord,
  ref,
  type Evidence,
  type GraphRecord,
  type Properties,
  type ResolvedName,
} from '../../model/graph.js';
import { Callables, ownArguments, type Applied } from '../../lang/python/callables.js';
import { callsIn, evidenceOf, expandWrapper, locationOf } from '../../lang/python/call-sites.js';
import type { PyFile } from '../../lang/python/frontend.js';
import type { PyModule } from '../../lang/python/module-index.js';
import { dynamic, unwrap, type Located } from '../../lang/python/resolve.js';
import { functionName, keywordArgument } from '../../lang/python/syntax.js';
import { runQuery, type SyntaxNode } from '../../lang/python/tree-sitter.js';
import { Values } from '../../lang/python/values.js';

const debug = createDebug('eventgraph:extract:apscheduler');

export const apschedulerExtractor: Extractor<PyFile> = {
  id: 'apscheduler',
  title: 'APScheduler',
  docs: 'https://apscheduler.readthedocs.io/en/3.x/userguide.html',
  language: 'python',
  technologies: ['apscheduler'],
  packages: ['apscheduler'],
  imports: ['apscheduler'],
  prefilter: ['add_job', 'add_schedule', 'scheduled_job'],
  emits: { nodes: ['Job'], edges: ['SCHEDULES'] },
  extract: (file) => new ApschedulerFile(file).extract(),
};

const TECHNOLOGY = 'apscheduler';
const SCHEDULER = /^apscheduler(\.schedulers(\.\w+)?)?\.\w*Scheduler$/;
const TRIGGERS: Record<string, string> = {
  CronTrigger: 'cron',
  IntervalTrigger: 'interval',
  DateTrigger: 'date',
  CalendarIntervalTrigger: 'interval',
};
// Keywords of add_job that configure the job, not its trigger.
const JOB_OPTIONS = new Set([
  'args',
  'kwargs',
  'id',
  'name',
  'misfire_grace_time',
  'coalesce',
  'max_instances',
  'next_run_time',
  'jobstore',
  'executor',
  'replace_existing',
  'trigger',
  'func',
  'func_or_task_id',
  'conflict_policy',
]);

class ApschedulerFile {
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
    for (const call of callsIn(this.file.module)) {
      const method = call.method?.text;
      if (!call.call || !call.receiver || (method !== 'add_job' && method !== 'add_schedule'))
        continue;
      if (!this.isScheduler(this.file.module, call.receiver)) continue;
      this.added(call.call, call.arguments);
    }
    for (const match of runQuery('decorated-functions', this.file.module.root)) {
      const expression = match.decorator?.namedChildren[0];
      if (expression?.type !== 'call' || !match.function) continue;
      const callee = expression.childForFieldName('function');
      if (callee?.type !== 'attribute') continue;
      if (callee.childForFieldName('attribute')?.text !== 'scheduled_job') continue;
      const receiver = callee.childForFieldName('object');
      if (!receiver || !this.isScheduler(this.file.module, receiver)) continue;
      const options = ownArguments(this.file.module, expression.childForFieldName('arguments'));
      const fn = { module: this.file.module, node: match.function };
      this.schedule(this.functionTarget(fn), options.positional[0], options, [
        evidenceOf(this.file, expression),
      ]);
    }
    debug('%s: %d records', this.file.input.path, this.records.length);
    return this.records;
  }

  private isScheduler(module: PyModule, receiver: SyntaxNode): boolean {
    const origin = this.resolver.origin(module, receiver);
    if (origin && SCHEDULER.test(origin.replace(/\(\)$/, ''))) return true;
    return this.values.assigned(module, receiver).some((value) => {
      const callee = value.node.type === 'call' ? value.node.childForFieldName('function') : null;
      return callee ? this.callables.reaches(value.module, callee, SCHEDULER) : false;
    });
  }

  // scheduler.add_job(func, 'cron', hour=3), add_job(func, trigger=CronTrigger(...)), and the
  // same call inside a wrapper whose parameters carry func and trigger.
  private added(call: SyntaxNode, args: SyntaxNode | undefined): void {
    const options = ownArguments(this.file.module, args);
    const func = options.keywords.get('func') ?? options.positional[0];
    const trigger = options.keywords.get('trigger') ?? options.positional[1];
    if (!func) return;
    const id = options.keywords.get('id');
    const views = expandWrapper(this.file, call, {
      func: func.node,
      trigger: trigger?.node,
      id: id?.node,
    });
    for (const view of views) {
      const target = view.values.get('func');
      if (!target) continue;
      const evidence = [evidenceOf(this.file, call)];
      let given = options;
      if (view.at.node.id !== call.id) {
        evidence.push(evidenceOf(this.file, view.at.node, view.at.module));
        // `**kwargs` of the wrapper: the trigger fields its caller gives.
        const site = ownArguments(view.at.module, view.at.node.childForFieldName('arguments'));
        given = { ...options, keywords: new Map([...options.keywords, ...site.keywords]) };
      }
      const entry = view.values.get('id');
      if (entry) given.keywords.set('id', entry);
      this.schedule(this.target(target), view.values.get('trigger'), given, evidence);
    }
  }

  private target(func: Located): { name: ResolvedName; fn?: Located } {
    const bound = this.resolver.bind(func.module, func.node);
    if (bound?.kind === 'function') return this.functionTarget(bound);
    const text = this.resolver.string(func.module, func.node);
    if (!text.dynamic) {
      // 'package.module:function'
      const [path, name] = text.name.split(':');
      const module =
        path && name ? this.resolver.project.resolveImport(path, func.module) : undefined;
      const fn = module && name ? module.functions.get(name) : undefined;
      if (module && fn) return this.functionTarget({ module, node: fn });
      return { name: text };
    }
    return { name: dynamic(func.node) };
  }

  private functionTarget(fn: Located): { name: ResolvedName; fn: Located } {
    return { name: { name: functionName(fn.node), dynamic: false }, fn };
  }

  private schedule(
    target: { name: ResolvedName; fn?: Located },
    trigger: Located | undefined,
    options: Applied,
    evidence: Evidence[],
  ): void {
    const properties: Properties = { scheduler: 'apscheduler', ...this.trigger(trigger, options) };
    const id = options.keywords.get('id');
    if (id) properties.entry = String(this.resolver.literal(id.module, id.node) ?? id.node.text);
    const job = ref.job(this.file.input.repository, TECHNOLOGY, target.name.name);
    const defined = target.fn
      ? evidenceOf(this.file, target.fn.node, target.fn.module)
      : evidence[0];
    if (defined) {
      const nameProperties: Properties = target.name.dynamic
        ? { dynamic: true, expression: target.name.expression ?? target.name.name }
        : {};
      this.records.push(
        nodeRecord(
          job,
          { name: target.name.name, technology: TECHNOLOGY, properties: nameProperties },
          defined,
        ),
      );
    }
    const service = ref.serviceOf(locationOf(this.file));
    for (const at of evidence)
      this.records.push(
        edgeRecord('SCHEDULES', service, job, { technology: TECHNOLOGY, properties }, at),
      );
  }

  /** The trigger as written: an alias with its keywords, or a trigger object. */
  private trigger(trigger: Located | undefined, options: Applied): Properties {
    const properties: Properties = {};
    const timezone = options.keywords.get('timezone');
    if (timezone) properties.timezone = String(this.literalOr(timezone));
    if (!trigger) {
      properties.scheduleKind = 'date';
      properties.schedule = 'once';
      return properties;
    }
    const alias = this.resolver.literal(trigger.module, trigger.node);
    if (typeof alias === 'string') {
      const fields = [...options.keywords]
        .filter(([key]) => !JOB_OPTIONS.has(key) && key !== 'timezone')
        .map(([key, value]) => `${key}=${value.node.text}`);
      properties.scheduleKind = alias === 'cron' || alias === 'interval' ? alias : 'date';
      properties.schedule = [alias, ...fields].join(' ');
      return properties;
    }
    const made = this.values
      .assigned(trigger.module, trigger.node)
      .find((v) => v.node.type === 'call');
    const call = made ? unwrap(made.node) : undefined;
    const callee = call?.childForFieldName('function');
    const origin = callee && made ? (this.resolver.origin(made.module, callee) ?? '') : '';
    const kind = Object.entries(TRIGGERS).find(([name]) =>
      new RegExp(`(^|\\.)${name}(\\.from_crontab)?$`).test(origin),
    )?.[1];
    if (kind) properties.scheduleKind = kind;
    properties.schedule = (call ?? trigger.node).text.replace(/\s+/g, ' ');
    const zone = call?.childForFieldName('arguments');
    const tz = zone ? keywordArgument(zone, 'timezone') : undefined;
    if (tz && made) properties.timezone = String(this.literalOr({ module: made.module, node: tz }));
    return properties;
  }

  private literalOr(value: Located): string | number | boolean {
    return this.resolver.literal(value.module, value.node) ?? value.node.text;
  }
}
