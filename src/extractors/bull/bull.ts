// Bull (the predecessor of BullMQ): queues, named and unnamed jobs, repeatable jobs and
// processors registered with queue.process(). Job options and records are BullMQ's.
import createDebug from 'debug';
import { Node, SyntaxKind, type CallExpression } from 'ts-morph';
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
import type { Extractor } from '../contract.js';
import { injectedQueueName } from '../nestjs-bull/nestjs-bull.js';
import type { TsFile } from '../../lang/typescript/frontend.js';
import { functionName, originTokens, type Origin } from '../../lang/typescript/resolve.js';
import {
  evidenceOf,
  HandlerNames,
  locationOf,
  methodCalls,
  publishTargets,
  type MethodCall,
  type PublishTarget,
} from '../../lang/typescript/sites.js';
import { parsedEvents, publishedEvents } from '../../lang/typescript/payload-types.js';
import {
  carries,
  enqueue,
  produce,
  queueRef,
  scheduleOf,
  schedules,
  sendOptions,
} from '../bullmq/jobs.js';
import { classNameTargets, projectClass } from './class-names.js';

const debug = createDebug('eventgraph:extract:bull');

export const bullExtractor: Extractor<TsFile> = {
  id: 'bull',
  title: 'Bull queues, jobs, repeatable jobs and processors',
  docs: 'https://github.com/OptimalBits/bull/blob/develop/REFERENCE.md',
  language: 'typescript',
  technologies: ['bull'],
  packages: ['bull'],
  imports: ['bull'],
  prefilter: ['bull', '.add(', '.process('],
  emits: {
    nodes: ['Queue', 'Job', 'Handler', 'Event'],
    edges: ['PUBLISHES', 'ENQUEUES', 'SCHEDULES', 'CONSUMES', 'CARRIES'],
  },
  extract,
};

const TECHNOLOGY = 'bull';

function extract(file: TsFile): GraphRecord[] {
  const records: GraphRecord[] = [];
  const handlers = new Map<Node, NodeRef>();
  const names = new HandlerNames(file);
  const calls = methodCalls(file, new Set(['add', 'process']))
    .map((call) => ({ call, queue: bullQueue(file, call) }))
    .filter((c): c is { call: MethodCall; queue: BullQueue } => c.queue !== undefined);

  // Processors first, so that what they add is published by their Handler.
  for (const { call, queue } of calls) {
    if (call.method === 'process')
      records.push(...processor(file, call.call, queue, handlers, names));
  }
  for (const { call, queue } of calls) {
    if (call.method === 'add') records.push(...addJob(file, call.call, queue, handlers));
  }
  debug('%s: %d records', file.input.path, records.length);
  return records;
}

interface BullQueue {
  name: ResolvedName;
  /** `defaultJobOptions` given where the queue was created. */
  defaults: Map<string, Node>;
}

/** The queue a call is made on: `new Queue(name)`, `Queue(name)` or a value typed Queue. */
function bullQueue(file: TsFile, call: MethodCall): BullQueue | undefined {
  const origin = file.resolver.traceOrigin(call.object);
  if (origin?.module !== 'bull') return undefined;
  // A queue Nest injects with @InjectQueue(name) is the nestjs-bull extractor's, by name.
  if (injectedQueueName(file, call.object)) return undefined;
  const tokens = originTokens(origin).join(' ');
  if (tokens !== 'new' && tokens !== '()' && tokens !== 'type Queue') return undefined;
  const creation = origin.steps[0];
  const args =
    creation && (creation.kind === 'new' || creation.kind === 'call')
      ? creation.node.getArguments()
      : [];
  const [nameNode, ...rest] = args;
  const text = call.object.getText();
  const name = nameNode
    ? file.resolver.resolveNameThrough(nameNode, origin)
    : { name: text, dynamic: true, expression: text };
  return { name, defaults: queueDefaults(file, rest, origin) };
}

/** `new Queue(name, url?, { defaultJobOptions })`: the options every add() starts from. */
function queueDefaults(file: TsFile, args: Node[], origin: Origin): Map<string, Node> {
  for (const arg of args) {
    const options = file.resolver.objectProperties(arg, origin);
    const defaults = options.get('defaultJobOptions');
    if (defaults) return file.resolver.objectProperties(defaults, origin);
  }
  return new Map();
}

// ---- producing ---------------------------------------------------------------------------

/**
 * queue.add(name?, data, opts?). Without a name Bull files the job under `__default__`; such a
 * job is told apart by the `name` its data carries when that names a class: the class whose
 * instance enqueues it (`this.constructor.name`), or one of the project written out.
 */
function addJob(
  file: TsFile,
  call: CallExpression,
  queue: BullQueue,
  handlers: ReadonlyMap<Node, NodeRef>,
): GraphRecord[] {
  const args = call.getArguments();
  const named = isJobName(file, args);
  const [nameNode, data, options] = named ? args : [undefined, ...args];
  const fields = new Map([...queue.defaults, ...file.resolver.objectProperties(options)]);
  const sent = sendOptions(file, fields);
  const repeat = file.resolver.objectProperties(fields.get('repeat'));
  const dataName = named ? undefined : file.resolver.objectProperties(data).get('name');

  const targets: { target: PublishTarget; name: ResolvedName | undefined }[] = [];
  const records: GraphRecord[] = [];
  if (nameNode) {
    for (const target of publishTargets(file, [nameNode], call, handlers)) {
      targets.push({ target, name: target.names[0] });
    }
  } else if (dataName && isClassName(dataName)) {
    // The add() publishes to the queue; each caller enqueues the job of its class.
    for (const target of publishTargets(file, [], call, handlers)) {
      targets.push({ target, name: undefined });
    }
    for (const { target, name, caller, method } of classNameTargets(
      file,
      dataName,
      call,
      handlers,
    )) {
      // Options the caller passes to the method: `task.schedule(props, { jobId })`.
      const through = { module: TECHNOLOGY, steps: [], through: [{ call: caller, fn: method }] };
      const given = file.resolver.objectProperties(options, through);
      const callerSent = sendOptions(file, new Map([...queue.defaults, ...given]));
      records.push(...enqueue(file, TECHNOLOGY, target, queue.name, name, callerSent));
      records.push(...scheduled(file, call, name, repeat, target));
    }
  } else {
    const name = dataName ? file.resolver.resolveName(dataName) : undefined;
    const known = name && !name.dynamic && projectClass(file, name.name) ? name : undefined;
    for (const target of publishTargets(file, [], call, handlers)) {
      targets.push({ target, name: known });
    }
  }

  for (const { target, name } of targets) {
    records.push(...produce(file, TECHNOLOGY, target, queue.name, name, sent));
    // Data whose `name` names the job's class is that job's envelope, not an event named so.
    const events = dataName && name ? [] : publishedEvents(file, data, target);
    records.push(...carries(file, TECHNOLOGY, queue.name, events));
    if (name) records.push(...scheduled(file, call, name, repeat, target));
  }
  return records;
}

/** SCHEDULES of a job added with `repeat: { cron | every }`. */
function scheduled(
  file: TsFile,
  call: CallExpression,
  name: ResolvedName,
  repeat: Map<string, Node>,
  target: PublishTarget,
): GraphRecord[] {
  const schedule = scheduleOf(file, TECHNOLOGY, repeat);
  if (!schedule) return [];
  const service = ref.serviceOf(locationOf(file, call));
  return [schedules(file, TECHNOLOGY, service, name, schedule, target.evidence)];
}

/** add('name', data, opts?) rather than add(data, opts?): a string first, or three arguments. */
function isJobName(file: TsFile, args: Node[]): boolean {
  const first = args[0];
  if (!first || args.length < 2) return false;
  if (args.length >= 3) return true;
  if (file.resolver.objectProperties(first).size > 0) return false;
  const kind = first.getKind();
  if (kind === SyntaxKind.StringLiteral || kind === SyntaxKind.NoSubstitutionTemplateLiteral)
    return true;
  if (kind === SyntaxKind.TemplateExpression) return true;
  const name = file.resolver.resolveName(first);
  return !name.dynamic;
}

/** `this.constructor.name` or `SomeClass.name`: the name of a class. */
function isClassName(expression: Node): boolean {
  return Node.isPropertyAccessExpression(expression) && expression.getName() === 'name'
    ? /^this\.constructor$/.test(expression.getExpression().getText())
    : false;
}

// ---- consuming ---------------------------------------------------------------------------

/**
 * queue.process(name?, concurrency?, processor): the processor is a function, or the path of a
 * file Bull runs in a child process. A named processor takes only jobs of that name.
 */
function processor(
  file: TsFile,
  call: CallExpression,
  queue: BullQueue,
  handlers: Map<Node, NodeRef>,
  names: HandlerNames,
): GraphRecord[] {
  const args = call.getArguments();
  const last = args[args.length - 1];
  if (!last) return [];
  const properties: Properties = {};
  const leading = args.slice(0, -1);
  let jobName: ResolvedName | undefined;
  leading.forEach((arg, index) => {
    const value = file.resolver.literalOf(arg);
    if (typeof value === 'number') properties.concurrency = value;
    else if (typeof value === 'string') jobName = { name: value, dynamic: false };
    else if (isNameArgument(arg, index, leading.length)) jobName = file.resolver.resolveName(arg);
  });
  if (jobName && !jobName.dynamic && jobName.name === '*') jobName = undefined;

  const fn = processorFunction(file, last);
  const path = fn ? undefined : processorPath(file, last);
  const given =
    (fn ? functionName(fn) : undefined) ??
    path ??
    (jobName ? `${jobName.name} processor` : `${queue.name.name} processor`);
  const { ref: handler, name } = names.handler(call, fn ?? call, given);
  if (fn) handlers.set(fn, handler);

  const evidence = evidenceOf(file, call);
  const consumeProperties: Properties = { ...properties };
  if (jobName) consumeProperties.jobName = jobName.name;
  const events = fn ? parsedEvents(file, fn) : [];
  return [
    nodeRecord(handler, { name, technology: TECHNOLOGY, properties }, evidence),
    channelRecord('Queue', 'queue', TECHNOLOGY, queue.name, evidence),
    edgeRecord(
      'CONSUMES',
      handler,
      queueRef(TECHNOLOGY, queue.name),
      { technology: TECHNOLOGY, properties: consumeProperties },
      evidence,
    ),
    ...carries(file, TECHNOLOGY, queue.name, events),
  ];
}

/**
 * Whether an argument before the processor that holds no literal is the job name: the first of
 * two, or one whose type is a string. A number-typed one is a concurrency known at run time.
 */
function isNameArgument(arg: Node, index: number, count: number): boolean {
  const type = arg.getType();
  if (type.isNumber() || type.isNumberLiteral()) return false;
  if (type.isString() || type.isStringLiteral()) return true;
  return count === 2 && index === 0;
}

/** A processor file: its path, or the file named last in `path.resolve(__dirname, 'visit.js')`. */
function processorPath(file: TsFile, argument: Node): string | undefined {
  const name = file.resolver.resolveName(argument);
  if (!name.dynamic) return name.name;
  if (!Node.isCallExpression(argument)) return undefined;
  const callee = argument.getExpression().getText();
  const last = argument.getArguments().at(-1);
  if (!/^path\.(join|resolve)$/.test(callee) || !last) return undefined;
  const base = file.resolver.resolveName(last);
  return base.dynamic ? undefined : base.name;
}

/** The processor function, also when a higher-order wrapper returns it: `trace(opts)(fn)`. */
function processorFunction(file: TsFile, argument: Node): Node | undefined {
  const fn = file.resolver.functionOf(argument);
  if (fn) return fn;
  if (!Node.isCallExpression(argument)) return undefined;
  const inner = argument.getArguments().at(-1);
  return inner ? processorFunction(file, inner) : undefined;
}
