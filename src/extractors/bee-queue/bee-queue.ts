// Bee-Queue: jobs made with queue.createJob(data), configured by chained calls
// (.retries(n).backoff(strategy, ms)) and sent by .save(); workers by queue.process().
// Bee-Queue jobs have no names, so a job is a message on its queue, not a Job node.
import createDebug from 'debug';
import { Node, type CallExpression } from 'ts-morph';
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
import type { TsFile } from '../../lang/typescript/frontend.js';
import { functionName, originTokens } from '../../lang/typescript/resolve.js';
import {
  evidenceOf,
  HandlerNames,
  methodCalls,
  publishTargets,
  type MethodCall,
} from '../../lang/typescript/sites.js';
import {
  carriesRecords,
  distinctEvents,
  publishedEvents,
} from '../../lang/typescript/payload-types.js';

const debug = createDebug('eventgraph:extract:bee-queue');

export const beeQueueExtractor: Extractor<TsFile> = {
  id: 'bee-queue',
  title: 'Bee-Queue jobs and workers',
  docs: 'https://github.com/bee-queue/bee-queue#readme',
  language: 'typescript',
  technologies: ['bee-queue'],
  packages: ['bee-queue'],
  imports: ['bee-queue'],
  prefilter: ['createJob', '.process('],
  emits: { nodes: ['Queue', 'Handler', 'Event'], edges: ['PUBLISHES', 'CONSUMES', 'CARRIES'] },
  extract,
};

const TECHNOLOGY = 'bee-queue';

function extract(file: TsFile): GraphRecord[] {
  const records: GraphRecord[] = [];
  const handlers = new Map<Node, NodeRef>();
  const names = new HandlerNames(file);
  const calls = methodCalls(file, new Set(['createJob', 'process']))
    .map((call) => ({ call, queue: queueOf(file, call) }))
    .filter((c): c is { call: MethodCall; queue: ResolvedName } => c.queue !== undefined);
  for (const { call, queue } of calls) {
    if (call.method === 'process') records.push(...worker(file, call.call, queue, handlers, names));
  }
  for (const { call, queue } of calls) {
    if (call.method === 'createJob') records.push(...createJob(file, call.call, queue, handlers));
  }
  debug('%s: %d records', file.input.path, records.length);
  return records;
}

/** The name of the queue a call is made on: `new Queue(name)` of bee-queue. */
function queueOf(file: TsFile, call: MethodCall): ResolvedName | undefined {
  const origin = file.resolver.traceOrigin(call.object);
  if (origin?.module !== 'bee-queue' || originTokens(origin).join(' ') !== 'new') return undefined;
  const creation = origin.steps[0];
  const name = creation?.kind === 'new' ? creation.node.getArguments()[0] : undefined;
  return name ? file.resolver.resolveNameThrough(name, origin) : undefined;
}

// ---- producing ---------------------------------------------------------------------------

/**
 * queue.createJob(data) sends only when saved: `.save()` chained to it, or called on the
 * variable holding the job, or the job handed to queue.saveAll().
 */
function createJob(
  file: TsFile,
  call: CallExpression,
  queue: ResolvedName,
  handlers: ReadonlyMap<Node, NodeRef>,
): GraphRecord[] {
  const configured = [...chainedCalls(call), ...variableCalls(file, call)];
  const saved =
    configured.some((c) => c.method === 'save') ||
    call.getFirstAncestor(
      (a) => Node.isCallExpression(a) && /\.saveAll$/.test(a.getExpression().getText()),
    ) !== undefined;
  if (!saved) return [];

  const properties: Properties = {};
  const retries = configured.find((c) => c.method === 'retries');
  const count = retries ? file.resolver.literalOf(retries.args[0]) : undefined;
  const backoff = configured.find((c) => c.method === 'backoff');
  const strategy = backoff ? file.resolver.literalOf(backoff.args[0]) : undefined;
  const delay = backoff ? file.resolver.literalOf(backoff.args[1]) : undefined;
  if (typeof count === 'number') properties.attempts = count + 1;
  if (typeof strategy === 'string') {
    properties.backoff = typeof delay === 'number' ? `${strategy} ${String(delay)}ms` : strategy;
  }
  const retry = [
    typeof count === 'number' ? `retries=${String(count)}` : undefined,
    typeof properties.backoff === 'string' ? `backoff=${properties.backoff}` : undefined,
  ].filter((part) => part !== undefined);
  if (retry.length > 0) properties.retry = retry.join(', ');

  const data = call.getArguments()[0];
  const queueNode = ref.channel('Queue', TECHNOLOGY, queue.name);
  return publishTargets(file, [], call, handlers).flatMap((target) => {
    const records: GraphRecord[] = [
      channelRecord('Queue', 'queue', TECHNOLOGY, queue, target.evidence),
      edgeRecord(
        'PUBLISHES',
        target.publisher,
        queueNode,
        { technology: TECHNOLOGY, properties },
        target.evidence,
      ),
    ];
    const events = data ? publishedEvents(file, data, target) : [];
    for (const carried of distinctEvents(events))
      records.push(...carriesRecords(file, queueNode, carried, TECHNOLOGY));
    return records;
  });
}

interface JobCall {
  method: string;
  args: Node[];
}

/** `.retries(2).backoff('fixed', 1000).save()` chained to the createJob() call. */
function chainedCalls(call: CallExpression): JobCall[] {
  const found: JobCall[] = [];
  let current: Node = call;
  for (;;) {
    const access = current.getParent();
    const next = access?.getParent();
    if (!Node.isPropertyAccessExpression(access) || !Node.isCallExpression(next)) return found;
    if (next.getExpression() !== access) return found;
    found.push({ method: access.getName(), args: next.getArguments() });
    current = next;
  }
}

/** `const job = queue.createJob(data); job.retries(3); await job.save();` in one function. */
function variableCalls(file: TsFile, call: CallExpression): JobCall[] {
  const declaration = call.getParent();
  if (!Node.isVariableDeclaration(declaration)) return [];
  const scope = declaration.getFirstAncestor((a) => Node.isBlock(a) || Node.isSourceFile(a));
  if (!scope) return [];
  const name = declaration.getName();
  return methodCalls(file, new Set(['retries', 'backoff', 'save', 'timeout', 'setId']))
    .filter(
      (c) => c.object.getText() === name && scope.containsRange(c.call.getPos(), c.call.getEnd()),
    )
    .map((c) => ({ method: c.method, args: c.call.getArguments() }));
}

// ---- consuming ---------------------------------------------------------------------------

/** queue.process(concurrency?, handler). */
function worker(
  file: TsFile,
  call: CallExpression,
  queue: ResolvedName,
  handlers: Map<Node, NodeRef>,
  names: HandlerNames,
): GraphRecord[] {
  const args = call.getArguments();
  const last = args.at(-1);
  if (!last) return [];
  const fn = file.resolver.functionOf(last);
  const properties: Properties = {};
  const concurrency = args.length > 1 ? file.resolver.literalOf(args[0]) : undefined;
  if (typeof concurrency === 'number') properties.concurrency = concurrency;
  const given = (fn ? functionName(fn) : undefined) ?? `${queue.name} worker`;
  const { ref: handler, name } = names.handler(call, fn ?? call, given);
  if (fn) handlers.set(fn, handler);
  const evidence = evidenceOf(file, call);
  return [
    nodeRecord(handler, { name, technology: TECHNOLOGY, properties }, evidence),
    channelRecord('Queue', 'queue', TECHNOLOGY, queue, evidence),
    edgeRecord(
      'CONSUMES',
      handler,
      ref.channel('Queue', TECHNOLOGY, queue.name),
      { technology: TECHNOLOGY, properties },
      evidence,
    ),
  ];
}
