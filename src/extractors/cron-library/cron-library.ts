// Cron libraries other than node-cron: cron (CronJob), node-schedule (scheduleJob), croner
// (Cron) and toad-scheduler (SimpleIntervalJob, LongIntervalJob, CronJob). Each schedule
// is a Job with a SCHEDULES edge from the service, as node-cron's are.
// Bare setInterval timers are not read: the vocabulary has no id for them, and a timer that
// runs application work cannot be told from one that samples metrics or checks health.
import createDebug from 'debug';
import { Node, SyntaxKind, type CallExpression, type NewExpression } from 'ts-morph';
import type { GraphRecord } from '../../model/graph.js';
import type { Extractor } from '../contract.js';
import type { TsFile } from '../../lang/typescript/frontend.js';
import { originCall, originTokens, strip } from '../../lang/typescript/resolve.js';
import { compactText } from '../../lang/typescript/sites.js';
import {
  holderName,
  intervalText,
  looksLikeCron,
  scheduleRecords,
  taskName,
  type Schedule,
} from './schedules.js';

const debug = createDebug('eventgraph:extract:cron-library');

export const cronLibraryExtractor: Extractor<TsFile> = {
  id: 'cron-library',
  title: 'cron, node-schedule, croner and toad-scheduler jobs',
  docs: 'https://github.com/kelektiv/node-cron#readme',
  language: 'typescript',
  technologies: ['cron-library'],
  packages: ['cron', 'node-schedule', 'croner', 'toad-scheduler'],
  imports: ['cron', 'node-schedule', 'croner', 'toad-scheduler'],
  prefilter: ['cron', 'node-schedule', 'croner', 'toad-scheduler'],
  emits: { nodes: ['Job'], edges: ['SCHEDULES'] },
  extract,
};

const MODULES = new Set(['cron', 'node-schedule', 'croner', 'toad-scheduler']);
const TOAD_JOBS = new Set(['SimpleIntervalJob', 'LongIntervalJob', 'CronJob']);

function extract(file: TsFile): GraphRecord[] {
  const records: GraphRecord[] = [];
  const calls = [
    ...file.source.getDescendantsOfKind(SyntaxKind.NewExpression),
    ...file.source.getDescendantsOfKind(SyntaxKind.CallExpression),
  ];
  for (const call of calls) {
    const origin = file.resolver.traceOrigin(call.getExpression());
    if (!origin || !MODULES.has(origin.module)) continue;
    const tokens = originTokens(origin).join(' ');
    const isNew = Node.isNewExpression(call);
    if (origin.module === 'cron') records.push(...cronJob(file, call, tokens, isNew));
    else if (origin.module === 'node-schedule' && tokens === 'scheduleJob' && !isNew)
      records.push(...scheduleJob(file, call));
    else if (origin.module === 'croner' && (tokens === 'Cron' || tokens === ''))
      records.push(...croner(file, call));
    else if (origin.module === 'toad-scheduler' && isNew && TOAD_JOBS.has(tokens))
      records.push(...toadJob(file, call, tokens));
  }
  debug('%s: %d records', file.input.path, records.length);
  return records;
}

/** A cron expression as written, or a date (a Date, a luxon DateTime, an ISO string). */
function cronOrDate(file: TsFile, node: Node, scheduler: string): Schedule {
  const resolved = file.resolver.resolveName(node);
  const constant = strip(file.resolver.constantNode(node));
  const isDate =
    Node.isNewExpression(constant) ||
    Node.isNumericLiteral(constant) ||
    (!resolved.dynamic && !looksLikeCron(resolved.name));
  const schedule = resolved.dynamic ? compactText(node) : resolved.name;
  return { schedule, scheduleKind: isDate ? 'date' : 'cron', scheduler };
}

function timezoneOf(file: TsFile, node: Node | undefined): string | undefined {
  const value = file.resolver.literalOf(node);
  return typeof value === 'string' ? value : undefined;
}

function withTimezone(schedule: Schedule, timezone: string | undefined): Schedule {
  return timezone === undefined ? schedule : { ...schedule, timezone };
}

// ---- cron ------------------------------------------------------------------------------

/**
 * new CronJob(cronTime, onTick, onComplete, start, timeZone), CronJob.from({ cronTime,
 * onTick, timeZone }) and the older cron.job(...) with CronJob's arguments.
 * https://github.com/kelektiv/node-cron#api
 */
function cronJob(
  file: TsFile,
  call: NewExpression | CallExpression,
  tokens: string,
  isNew: boolean,
): GraphRecord[] {
  const args = call.getArguments();
  let cronTime: Node | undefined;
  let onTick: Node | undefined;
  let timezone: Node | undefined;
  if ((isNew && tokens === 'CronJob') || (!isNew && tokens === 'job')) {
    [cronTime, onTick] = args;
    timezone = args[4];
  } else if (!isNew && tokens === 'CronJob from') {
    const fields = file.resolver.objectProperties(args[0]);
    cronTime = fields.get('cronTime');
    onTick = fields.get('onTick');
    timezone = fields.get('timeZone');
  } else {
    return [];
  }
  if (!cronTime || !onTick) return [];
  const schedule = withTimezone(cronOrDate(file, cronTime, 'cron'), timezoneOf(file, timezone));
  const name = taskName(file, call, onTick) ?? `cron ${schedule.schedule}`;
  return scheduleRecords(file, call, name, schedule);
}

// ---- node-schedule -----------------------------------------------------------------------

/**
 * scheduleJob([name,] spec, callback): spec is a cron string, a Date, an object literal of
 * recurrence fields ({ hour, minute, tz }, or { start, end, rule }) or a RecurrenceRule.
 * https://github.com/node-schedule/node-schedule#usage
 */
function scheduleJob(file: TsFile, call: CallExpression | NewExpression): GraphRecord[] {
  const args = call.getArguments();
  const named = args.length >= 3;
  const spec = named ? args[1] : args[0];
  const callback = named ? args[2] : args[1];
  if (!spec || !callback) return [];
  const given = named && args[0] ? file.resolver.literalOf(args[0]) : undefined;
  const schedule = recurrence(file, spec);
  const name =
    (typeof given === 'string' ? given : undefined) ??
    taskName(file, call, callback) ??
    `node-schedule ${schedule.schedule}`;
  return scheduleRecords(file, call, name, schedule);
}

function recurrence(file: TsFile, spec: Node): Schedule {
  const scheduler = 'node-schedule';
  const value = strip(file.resolver.constantNode(spec));
  if (Node.isObjectLiteralExpression(value)) {
    const fields = file.resolver.objectProperties(value);
    const rule = fields.get('rule');
    const timezone = timezoneOf(file, fields.get('tz'));
    if (rule) return withTimezone(recurrence(file, rule), timezone);
    return withTimezone(
      { schedule: compactText(value), scheduleKind: 'cron', scheduler },
      timezone,
    );
  }
  const origin = file.resolver.traceOrigin(spec);
  const created = origin?.module === scheduler ? originCall(origin, 'RecurrenceRule') : undefined;
  if (created && Node.isNewExpression(created)) return recurrenceRule(file, spec, created);
  return cronOrDate(file, spec, scheduler);
}

/** `const rule = new RecurrenceRule(); rule.hour = 3; rule.tz = 'UTC'`, read as written. */
function recurrenceRule(file: TsFile, spec: Node, created: NewExpression): Schedule {
  const holder = created.getFirstAncestorByKind(SyntaxKind.VariableDeclaration);
  const scope = holder?.getFirstAncestor((n) => Node.isBlock(n) || Node.isSourceFile(n));
  const fields: string[] = [];
  let timezone: string | undefined;
  for (const assignment of scope?.getDescendantsOfKind(SyntaxKind.BinaryExpression) ?? []) {
    const left = assignment.getLeft();
    if (assignment.getOperatorToken().getKind() !== SyntaxKind.EqualsToken) continue;
    if (!Node.isPropertyAccessExpression(left)) continue;
    if (left.getExpression().getText() !== holder?.getName()) continue;
    if (left.getName() === 'tz') timezone = timezoneOf(file, assignment.getRight());
    else fields.push(`${left.getName()}=${compactText(assignment.getRight())}`);
  }
  const schedule = fields.length > 0 ? `RecurrenceRule ${fields.join(', ')}` : spec.getText();
  return withTimezone({ schedule, scheduleKind: 'cron', scheduler: 'node-schedule' }, timezone);
}

// ---- croner ------------------------------------------------------------------------------

/**
 * Cron(pattern, [options], [fn]) with or without `new`. Without a function it only computes
 * run times (nextRun), so it schedules nothing. https://croner.56k.guru/usage/basics/
 */
function croner(file: TsFile, call: CallExpression | NewExpression): GraphRecord[] {
  const [pattern, second, third] = call.getArguments();
  const fn = third ?? second;
  if (!pattern || !fn || !file.resolver.functionOf(fn)) return [];
  const options = third ? file.resolver.objectProperties(second) : new Map<string, Node>();
  const given = file.resolver.literalOf(options.get('name'));
  const schedule = withTimezone(
    cronOrDate(file, pattern, 'croner'),
    timezoneOf(file, options.get('timezone')),
  );
  const name =
    (typeof given === 'string' ? given : undefined) ??
    taskName(file, call, fn) ??
    `croner ${schedule.schedule}`;
  return scheduleRecords(file, call, name, schedule);
}

// ---- toad-scheduler ----------------------------------------------------------------------

const UNIT_MS: Record<string, number> = {
  days: 86_400_000,
  hours: 3_600_000,
  minutes: 60_000,
  seconds: 1000,
  milliseconds: 1,
};

/**
 * new SimpleIntervalJob({ seconds }, task, { id }) and LongIntervalJob alike; new
 * CronJob({ cronExpression, timezone }, task, { id }). The task is new Task(id, handler) or
 * new AsyncTask(id, handler). https://github.com/kibertoad/toad-scheduler#readme
 */
function toadJob(file: TsFile, created: NewExpression, kind: string): GraphRecord[] {
  const [timing, task, options] = created.getArguments();
  if (!timing || !task) return [];
  const fields = file.resolver.objectProperties(timing);
  let schedule: Schedule;
  if (kind === 'CronJob') {
    const expression = fields.get('cronExpression');
    if (!expression) return [];
    schedule = withTimezone(
      cronOrDate(file, expression, 'toad-scheduler'),
      timezoneOf(file, fields.get('timezone')),
    );
  } else {
    schedule = {
      schedule: intervalOf(file, timing, fields),
      scheduleKind: 'interval',
      scheduler: 'toad-scheduler',
    };
  }
  const name = jobId(file, options) ?? toadTaskName(file, created, task);
  return name ? scheduleRecords(file, created, name, schedule) : [];
}

function intervalOf(file: TsFile, timing: Node, fields: Map<string, Node>): string {
  let total = 0;
  for (const [unit, ms] of Object.entries(UNIT_MS)) {
    const value = file.resolver.literalOf(fields.get(unit));
    if (value === undefined) continue;
    if (typeof value !== 'number') return compactText(timing);
    total += value * ms;
  }
  return total > 0 ? intervalText(total) : compactText(timing);
}

/** The job's id: a string third argument (older releases) or `{ id }`. */
function jobId(file: TsFile, options: Node | undefined): string | undefined {
  if (!options) return undefined;
  const direct = file.resolver.literalOf(options);
  if (typeof direct === 'string') return direct;
  const id = file.resolver.literalOf(file.resolver.objectProperties(options).get('id'));
  return typeof id === 'string' ? id : undefined;
}

/** The task's own id, else its handler's name. */
function toadTaskName(file: TsFile, created: NewExpression, task: Node): string | undefined {
  const origin = file.resolver.traceOrigin(task);
  const made =
    origin?.module === 'toad-scheduler'
      ? (originCall(origin, 'AsyncTask') ?? originCall(origin, 'Task'))
      : undefined;
  const [id, handler] = made?.getArguments() ?? [];
  const given = file.resolver.literalOf(id);
  if (typeof given === 'string') return given;
  return handler ? taskName(file, created, handler) : holderName(created);
}
