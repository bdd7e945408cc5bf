// @nestjs/schedule: @Cron, @Interval and @Timeout methods, and jobs added at run time through
// SchedulerRegistry (addCronJob with a `cron` CronJob, addInterval, addTimeout).
import createDebug from 'debug';
import { Node, SyntaxKind, type CallExpression, type Decorator } from 'ts-morph';
import {
  edgeRecord,
  nodeRecord,
  ref,
  type Evidence,
  type GraphRecord,
  type Properties,
} from '../../model/graph.js';
import type { Extractor } from '../contract.js';
import type { TsFile } from '../../lang/typescript/frontend.js';
import { originTokens, strip } from '../../lang/typescript/resolve.js';
import { evidenceOf, locationOf, methodCalls } from '../../lang/typescript/sites.js';

const debug = createDebug('eventgraph:extract:nestjs-schedule');

export const nestjsScheduleExtractor: Extractor<TsFile> = {
  id: 'nestjs-schedule',
  title: '@nestjs/schedule cron, interval and timeout jobs',
  docs: 'https://docs.nestjs.com/techniques/task-scheduling',
  language: 'typescript',
  technologies: ['nestjs-schedule'],
  packages: ['@nestjs/schedule'],
  imports: ['@nestjs/schedule'],
  prefilter: ['@nestjs/schedule', 'SchedulerRegistry'],
  emits: { nodes: ['Job'], edges: ['SCHEDULES'] },
  extract,
};

const TECHNOLOGY = 'nestjs-schedule';
const MODULE = '@nestjs/schedule';

function extract(file: TsFile): GraphRecord[] {
  const records: GraphRecord[] = [];
  for (const cls of file.source.getDescendantsOfKind(SyntaxKind.ClassDeclaration)) {
    for (const method of cls.getMethods()) {
      for (const decorator of method.getDecorators()) {
        const kind = decoratorKind(file, decorator);
        if (!kind) continue;
        const owner = cls.getName();
        const given = owner === undefined ? method.getName() : `${owner}.${method.getName()}`;
        records.push(...decorated(file, decorator, kind, given));
      }
    }
  }
  for (const call of methodCalls(file, new Set(['addCronJob', 'addInterval', 'addTimeout']))) {
    const origin = file.resolver.traceOrigin(call.object);
    if (origin?.module !== MODULE || !originTokens(origin).includes('type SchedulerRegistry'))
      continue;
    records.push(...registered(file, call.call, call.method));
  }
  debug('%s: %d records', file.input.path, records.length);
  return records;
}

type Kind = 'Cron' | 'Interval' | 'Timeout';

function decoratorKind(file: TsFile, decorator: Decorator): Kind | undefined {
  const callee = decorator.getCallExpression()?.getExpression();
  const origin = callee ? file.resolver.traceOrigin(callee) : undefined;
  if (origin?.module !== MODULE) return undefined;
  const name = originTokens(origin).join(' ');
  return name === 'Cron' || name === 'Interval' || name === 'Timeout' ? name : undefined;
}

/** @Cron(expression, { name, timeZone }), @Interval([name,] ms), @Timeout([name,] ms). */
function decorated(file: TsFile, decorator: Decorator, kind: Kind, given: string): GraphRecord[] {
  const args = decorator.getArguments();
  const evidence = evidenceOf(file, decorator);
  if (kind === 'Cron') {
    const [expression, options] = args;
    if (!expression) return [];
    const fields = file.resolver.objectProperties(options);
    const named = file.resolver.literalOf(fields.get('name'));
    const properties = cronProperties(file, expression);
    const timezone = file.resolver.literalOf(fields.get('timeZone'));
    if (typeof timezone === 'string') properties.timezone = timezone;
    const disabled = file.resolver.literalOf(fields.get('disabled'));
    if (disabled === true) properties.disabled = true;
    return job(file, typeof named === 'string' ? named : given, properties, evidence, decorator);
  }
  const [first, second] = args;
  const delay = second ?? first;
  if (!delay) return [];
  const named = second ? file.resolver.literalOf(first) : undefined;
  return job(
    file,
    typeof named === 'string' ? named : given,
    timing(file, kind, delay),
    evidence,
    decorator,
  );
}

/** The expression as written: a string, or the CronExpression member it names. */
function cronProperties(file: TsFile, expression: Node): Properties {
  const literal = file.resolver.literalOf(expression);
  const schedule = typeof literal === 'string' ? literal : strip(expression).getText();
  return { schedule, scheduleKind: 'cron', scheduler: TECHNOLOGY };
}

function timing(file: TsFile, kind: 'Interval' | 'Timeout', delay: Node): Properties {
  const ms = file.resolver.literalOf(delay);
  const amount = typeof ms === 'number' ? `${String(ms)}ms` : strip(delay).getText();
  return kind === 'Interval'
    ? { schedule: `every ${amount}`, scheduleKind: 'interval', scheduler: TECHNOLOGY }
    : { schedule: `once after ${amount}`, scheduleKind: 'date', scheduler: TECHNOLOGY };
}

/**
 * registry.addCronJob(name, new CronJob(expression, fn)), addInterval(name, setInterval(fn,
 * ms)), addTimeout(name, setTimeout(fn, ms)).
 */
function registered(file: TsFile, call: CallExpression, method: string): GraphRecord[] {
  const [nameNode, value] = call.getArguments();
  if (!nameNode || !value) return [];
  const name = file.resolver.resolveName(nameNode).name;
  const created = initializerOf(file, value);
  const evidence = evidenceOf(file, call);
  if (method === 'addCronJob') {
    if (!Node.isNewExpression(created) && !Node.isCallExpression(created)) return [];
    const expression = cronJobExpression(file, created);
    if (!expression) return [];
    return job(file, name, cronProperties(file, expression), evidence, call);
  }
  if (!Node.isCallExpression(created)) return [];
  const delay = created.getArguments()[1];
  if (!delay) return [];
  return job(
    file,
    name,
    timing(file, method === 'addInterval' ? 'Interval' : 'Timeout', delay),
    evidence,
    call,
  );
}

/** The expression a local constant was made from: `const job = new CronJob(...)`. */
function initializerOf(file: TsFile, value: Node): Node {
  const node = strip(value);
  if (!Node.isIdentifier(node)) return node;
  const definition = file.resolver.definitionOf(node);
  const initializer = Node.isVariableDeclaration(definition)
    ? definition.getInitializer()
    : undefined;
  return initializer ? strip(initializer) : node;
}

/** `new CronJob(expression, ...)` or `CronJob.from({ cronTime })`. */
function cronJobExpression(file: TsFile, created: Node): Node | undefined {
  if (Node.isNewExpression(created)) {
    if (!/CronJob$/.test(created.getExpression().getText())) return undefined;
    return created.getArguments()[0];
  }
  if (Node.isCallExpression(created) && /CronJob\.from$/.test(created.getExpression().getText())) {
    return file.resolver.objectProperties(created.getArguments()[0]).get('cronTime');
  }
  return undefined;
}

function job(
  file: TsFile,
  name: string,
  properties: Properties,
  evidence: Evidence,
  at: Node,
): GraphRecord[] {
  const jobRef = ref.job(file.input.repository, TECHNOLOGY, name);
  return [
    nodeRecord(jobRef, { name, technology: TECHNOLOGY }, evidence),
    edgeRecord(
      'SCHEDULES',
      ref.serviceOf(locationOf(file, at)),
      jobRef,
      { technology: TECHNOLOGY, properties },
      evidence,
    ),
  ];
}
