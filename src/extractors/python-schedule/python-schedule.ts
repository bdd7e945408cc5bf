// The `schedule` package: `schedule.every(10).minutes.do(job)`, `every().day.at("10:30")`,
// a `schedule.Scheduler()` of the project's own, and `@repeat(every(...))` become SCHEDULES from
// the service to a Job named by the function, with the chain as written.
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
import { callsIn, evidenceOf, locationOf } from '../../lang/python/call-sites.js';
import type { PyFile } from '../../lang/python/frontend.js';
import type { PyModule } from '../../lang/python/module-index.js';
import { dynamic, unwrap, type Located } from '../../lang/python/resolve.js';
import { argument, functionName } from '../../lang/python/syntax.js';
import { runQuery, type SyntaxNode } from '../../lang/python/tree-sitter.js';
import { Values } from '../../lang/python/values.js';

const debug = createDebug('eventgraph:extract:python-schedule');

export const pythonScheduleExtractor: Extractor<PyFile> = {
  id: 'python-schedule',
  title: 'schedule (Python job scheduling for humans)',
  docs: 'https://schedule.readthedocs.io/en/stable/',
  language: 'python',
  technologies: ['python-schedule'],
  packages: ['schedule'],
  imports: ['schedule'],
  prefilter: ['every('],
  emits: { nodes: ['Job'], edges: ['SCHEDULES'] },
  extract: (file) => new ScheduleFile(file).extract(),
};

const TECHNOLOGY = 'python-schedule';
const CALENDAR = /\.(at|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b/;

class ScheduleFile {
  private readonly records: GraphRecord[] = [];
  private readonly values: Values;

  constructor(private readonly file: PyFile) {
    this.values = new Values(file.resolver);
  }

  extract(): GraphRecord[] {
    const { module } = this.file;
    for (const call of callsIn(module)) {
      if (call.method?.text !== 'do' || !call.call || !call.receiver) continue;
      const every = this.everyOf(module, call.receiver);
      const func = argument(call.arguments, 0, 'job_func');
      if (!every || !func) continue;
      this.scheduled(this.target(func), call.receiver, every, call.call);
    }
    // @repeat(every(10).minutes)
    for (const match of runQuery('decorated-functions', module.root)) {
      const expression = match.decorator?.namedChildren[0];
      const callee = expression?.type === 'call' ? expression.childForFieldName('function') : null;
      if (!expression || !callee || !match.function) continue;
      if (!this.fromSchedule(module, callee, 'repeat')) continue;
      const chain = argument(expression.childForFieldName('arguments'), 0);
      const every = chain ? this.everyOf(module, chain) : undefined;
      if (!chain || !every) continue;
      const name = { name: functionName(match.function), dynamic: false };
      this.scheduled({ name, fn: { module, node: match.function } }, chain, every, expression);
    }
    debug('%s: %d records', this.file.input.path, this.records.length);
    return this.records;
  }

  /** The `every(...)` call a chain starts from, when it is the package's or a Scheduler's. */
  private everyOf(module: PyModule, chain: SyntaxNode): SyntaxNode | undefined {
    let node: SyntaxNode | null = unwrap(chain);
    while (node) {
      if (node.type === 'call') {
        const callee = node.childForFieldName('function');
        if (!callee) return undefined;
        const isEvery =
          callee.type === 'identifier'
            ? this.fromSchedule(module, callee, 'every')
            : callee.childForFieldName('attribute')?.text === 'every' &&
              this.isSchedule(module, callee.childForFieldName('object'));
        if (isEvery) return node;
        node = callee;
      } else if (node.type === 'attribute') {
        node = node.childForFieldName('object');
      } else return undefined;
    }
    return undefined;
  }

  /** `schedule` itself, or a `schedule.Scheduler()` instance. */
  private isSchedule(module: PyModule, node: SyntaxNode | null): boolean {
    if (!node) return false;
    if (node.type === 'identifier' && module.imports.get(node.text)?.module === 'schedule')
      return module.imports.get(node.text)?.name === undefined;
    return this.values.assigned(module, node).some((value) => {
      const callee = value.node.type === 'call' ? value.node.childForFieldName('function') : null;
      return callee ? this.fromSchedule(value.module, callee, 'Scheduler') : false;
    });
  }

  /** A name imported from the package (`from schedule import every`) or `schedule.every`. */
  private fromSchedule(module: PyModule, node: SyntaxNode, name: string): boolean {
    if (node.type === 'identifier') {
      const imported = module.imports.get(node.text);
      return imported?.module === 'schedule' && imported.name === name;
    }
    if (node.type !== 'attribute' || node.childForFieldName('attribute')?.text !== name)
      return false;
    const object = node.childForFieldName('object');
    return object?.type === 'identifier' && this.isSchedule(module, object);
  }

  private target(func: Located | SyntaxNode): { name: ResolvedName; fn?: Located } {
    const located = 'module' in func ? func : { module: this.file.module, node: func };
    const bound = this.file.resolver.bind(located.module, located.node);
    if (bound?.kind === 'function')
      return {
        name: { name: functionName(bound.node), dynamic: false },
        fn: { module: bound.module, node: bound.node },
      };
    return { name: dynamic(located.node) };
  }

  private scheduled(
    target: { name: ResolvedName; fn?: Located },
    chain: SyntaxNode,
    every: SyntaxNode,
    at: SyntaxNode,
  ): void {
    // From `every(` on: the receiver (`schedule.`, a Scheduler) says nothing about when.
    const callee = every.childForFieldName('function');
    const start = callee?.childForFieldName('attribute') ?? every;
    const text = chain.text.slice(start.startIndex - chain.startIndex).replace(/\s+/g, ' ');
    const properties: Properties = {
      scheduler: 'schedule',
      schedule: text,
      scheduleKind: CALENDAR.test(text) || /\.day\b/.test(text) ? 'cron' : 'interval',
    };
    const job = ref.job(this.file.input.repository, TECHNOLOGY, target.name.name);
    const evidence = evidenceOf(this.file, at);
    const defined = target.fn ? evidenceOf(this.file, target.fn.node, target.fn.module) : evidence;
    const nodeProperties: Properties = target.name.dynamic
      ? { dynamic: true, expression: target.name.expression ?? target.name.name }
      : {};
    this.records.push(
      nodeRecord(
        job,
        { name: target.name.name, technology: TECHNOLOGY, properties: nodeProperties },
        defined,
      ),
    );
    this.records.push(
      edgeRecord(
        'SCHEDULES',
        ref.serviceOf(locationOf(this.file)),
        job,
        { technology: TECHNOLOGY, properties },
        evidence,
      ),
    );
  }
}
