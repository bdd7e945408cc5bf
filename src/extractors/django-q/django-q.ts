// django-q and django-q2: `async_task('app.tasks.send', ...)` becomes ENQUEUES; `schedule(...)`
// and `Schedule.objects.create(...)` become SCHEDULES, with the schedule type and cron string
// as written. Jobs are named by the project function when the dotted path leads to one.
import createDebug from 'debug';
import type { Extractor } from '../contract.js';
import {
  edgeRecord,
  nodeRecord,
  ref,
  type GraphRecord,
  type Properties,
  type ResolvedName,
} from '../../model/graph.js';
import { appliedArgument, ownArguments, type Applied } from '../../lang/python/callables.js';
import { callsIn, evidenceOf, locationOf } from '../../lang/python/call-sites.js';
import type { PyFile } from '../../lang/python/frontend.js';
import { dynamic, type Located } from '../../lang/python/resolve.js';
import { functionName } from '../../lang/python/syntax.js';
import type { SyntaxNode } from '../../lang/python/tree-sitter.js';

const debug = createDebug('eventgraph:extract:django-q');

export const djangoQExtractor: Extractor<PyFile> = {
  id: 'django-q',
  title: 'django-q and django-q2',
  docs: 'https://django-q2.readthedocs.io/en/master/tasks.html',
  language: 'python',
  technologies: ['django-q'],
  packages: ['django-q', 'django-q2'],
  imports: ['django_q'],
  prefilter: ['async_task', 'schedule', 'Schedule', 'async_chain'],
  emits: { nodes: ['Job'], edges: ['ENQUEUES', 'SCHEDULES'] },
  extract: (file) => new DjangoQFile(file).extract(),
};

const TECHNOLOGY = 'django-q';
const ASYNC_TASK = /^django_q\.tasks\.(async_task|async)$/;
const SCHEDULE = /^django_q\.tasks\.schedule$/;
const ASYNC_CHAIN = /^django_q\.tasks\.async_chain$/;
const SCHEDULE_MODEL =
  /^django_q\.models\.Schedule\.objects\.(create|get_or_create|update_or_create)$/;
const KINDS: Record<string, string> = { C: 'cron', O: 'date' };

class DjangoQFile {
  private readonly records: GraphRecord[] = [];

  constructor(private readonly file: PyFile) {}

  private get resolver() {
    return this.file.resolver;
  }

  extract(): GraphRecord[] {
    const { module } = this.file;
    for (const call of callsIn(module)) {
      const callee = call.call?.childForFieldName('function');
      if (!call.call || !callee) continue;
      const origin = this.resolver.origin(module, callee) ?? '';
      const options = ownArguments(module, call.arguments);
      if (ASYNC_TASK.test(origin)) {
        const func = appliedArgument(options, 0, 'func');
        if (func) this.enqueue(call.call, this.target(func), { via: 'async_task' }, options);
      } else if (ASYNC_CHAIN.test(origin)) {
        this.chain(call.call, options);
      } else if (SCHEDULE.test(origin)) {
        const func = appliedArgument(options, 0, 'func');
        if (func) this.schedule(call.call, this.target(func), options);
      } else if (SCHEDULE_MODEL.test(origin)) {
        const func = options.keywords.get('func');
        if (func) this.schedule(call.call, this.target(func), options);
      }
    }
    debug('%s: %d records', this.file.input.path, this.records.length);
    return this.records;
  }

  // async_chain([('app.tasks.a', (1,)), ('app.tasks.b',)])
  private chain(call: SyntaxNode, options: Applied): void {
    const list = appliedArgument(options, 0, 'chain');
    const before: string[] = [];
    for (const item of list?.node.namedChildren ?? []) {
      const func = item.type === 'tuple' ? item.namedChildren[0] : item;
      if (!func || !list) continue;
      const target = this.target({ module: list.module, node: func });
      const properties: Properties = { via: 'async_chain' };
      const previous = before[before.length - 1];
      if (previous !== undefined) properties.after = [previous];
      this.enqueue(call, target, properties, undefined);
      before.push(target.name.name);
    }
  }

  private target(func: Located): { name: ResolvedName; fn?: Located } {
    const bound = this.resolver.bind(func.module, func.node);
    if (bound?.kind === 'function')
      return {
        name: { name: functionName(bound.node), dynamic: false },
        fn: { module: bound.module, node: bound.node },
      };
    const text = this.resolver.string(func.module, func.node);
    if (text.dynamic) return { name: dynamic(func.node) };
    const dot = text.name.lastIndexOf('.');
    const module =
      dot > 0
        ? this.resolver.project.resolveImport(text.name.slice(0, dot), func.module)
        : undefined;
    const fn = module?.functions.get(text.name.slice(dot + 1));
    if (module && fn)
      return { name: { name: functionName(fn), dynamic: false }, fn: { module, node: fn } };
    return { name: text };
  }

  private enqueue(
    call: SyntaxNode,
    target: { name: ResolvedName; fn?: Located },
    properties: Properties,
    options: Applied | undefined,
  ): void {
    const hook = options?.keywords.get('hook');
    if (hook) properties.hook = this.target(hook).name.name;
    const evidence = evidenceOf(this.file, call);
    this.job(target, evidence);
    this.records.push(
      edgeRecord(
        'ENQUEUES',
        ref.serviceOf(locationOf(this.file)),
        this.jobRef(target.name.name),
        { technology: TECHNOLOGY, properties },
        evidence,
      ),
    );
  }

  // schedule('app.tasks.cleanup', schedule_type=Schedule.CRON, cron='0 3 * * *', name='nightly')
  private schedule(
    call: SyntaxNode,
    target: { name: ResolvedName; fn?: Located },
    options: Applied,
  ): void {
    const properties: Properties = { scheduler: 'django-q' };
    const type = options.keywords.get('schedule_type');
    const code = type ? this.scheduleType(type) : 'O';
    const cron = options.keywords.get('cron');
    const minutes = options.keywords.get('minutes');
    properties.scheduleKind = KINDS[code] ?? 'interval';
    if (code === 'C' && cron)
      properties.schedule = String(this.resolver.literal(cron.module, cron.node) ?? cron.node.text);
    else if (code === 'I' && minutes) properties.schedule = `every ${minutes.node.text} minutes`;
    else properties.schedule = type?.node.text ?? 'once';
    const name = options.keywords.get('name');
    if (name)
      properties.entry = String(this.resolver.literal(name.module, name.node) ?? name.node.text);
    const repeats = options.keywords.get('repeats');
    const count = repeats ? this.resolver.literal(repeats.module, repeats.node) : undefined;
    if (typeof count === 'number' && count > 0) properties.repeat = count;
    const evidence = evidenceOf(this.file, call);
    this.job(target, evidence);
    this.records.push(
      edgeRecord(
        'SCHEDULES',
        ref.serviceOf(locationOf(this.file)),
        this.jobRef(target.name.name),
        { technology: TECHNOLOGY, properties },
        evidence,
      ),
    );
  }

  /** The one-letter code of a schedule type: `Schedule.CRON` or `'C'`. */
  private scheduleType(type: Located): string {
    const literal = this.resolver.literal(type.module, type.node);
    if (typeof literal === 'string') return literal;
    const constant = type.node.text.split('.').pop() ?? '';
    const codes: Record<string, string> = {
      ONCE: 'O',
      MINUTES: 'I',
      HOURLY: 'H',
      DAILY: 'D',
      WEEKLY: 'W',
      BIWEEKLY: 'BW',
      MONTHLY: 'M',
      BIMONTHLY: 'BM',
      QUARTERLY: 'Q',
      YEARLY: 'Y',
      CRON: 'C',
    };
    return codes[constant] ?? constant;
  }

  private job(target: { name: ResolvedName; fn?: Located }, at: ReturnType<typeof evidenceOf>) {
    const evidence = target.fn ? evidenceOf(this.file, target.fn.node, target.fn.module) : at;
    const properties: Properties = target.name.dynamic
      ? { dynamic: true, expression: target.name.expression ?? target.name.name }
      : {};
    this.records.push(
      nodeRecord(
        this.jobRef(target.name.name),
        { name: target.name.name, technology: TECHNOLOGY, properties },
        evidence,
      ),
    );
  }

  private jobRef(name: string) {
    return ref.job(this.file.input.repository, TECHNOLOGY, name);
  }
}
