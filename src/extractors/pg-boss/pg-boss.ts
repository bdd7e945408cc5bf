// pg-boss queues in PostgreSQL: send(queue, data, options) produces, work(queue, options,
// handler) consumes, schedule(queue, cron) runs a queue's job on a cron, and a queue's
// deadLetter option names where failed jobs go.
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
import { functionName } from '../../lang/typescript/resolve.js';
import {
  compactText,
  evidenceOf,
  HandlerNames,
  locationOf,
  methodCalls,
  publishTargets,
} from '../../lang/typescript/sites.js';

const debug = createDebug('eventgraph:extract:pg-boss');

export const pgBossExtractor: Extractor<TsFile> = {
  id: 'pg-boss',
  title: 'pg-boss queues, workers and schedules',
  docs: 'https://timgit.github.io/pg-boss/',
  language: 'typescript',
  technologies: ['pg-boss'],
  packages: ['pg-boss'],
  imports: ['pg-boss'],
  prefilter: ['pg-boss', 'PgBoss', '.send(', '.work(', '.schedule(', '.createQueue('],
  emits: {
    nodes: ['Queue', 'Handler', 'Job'],
    edges: ['PUBLISHES', 'CONSUMES', 'SCHEDULES', 'DEAD_LETTERS_TO'],
  },
  extract,
};

const TECHNOLOGY = 'pg-boss';
// publish and subscribe are the names of send and work before pg-boss 5.
const SENDS = new Set(['send', 'sendAfter', 'publish', 'insert']);
const WORKS = new Set(['work', 'subscribe']);
const METHODS = new Set([...SENDS, ...WORKS, 'schedule', 'createQueue', 'updateQueue']);

function extract(file: TsFile): GraphRecord[] {
  const records: GraphRecord[] = [];
  const handlers = new Map<Node, NodeRef>();
  const names = new HandlerNames(file);
  const calls = methodCalls(file, METHODS).filter(
    (c) => file.resolver.traceOrigin(c.object)?.module === 'pg-boss',
  );
  for (const { call } of calls.filter((c) => WORKS.has(c.method))) {
    records.push(...work(file, call, handlers, names));
  }
  for (const { call, method } of calls.filter((c) => !WORKS.has(c.method))) {
    if (method === 'schedule') records.push(...schedule(file, call));
    else if (method === 'createQueue' || method === 'updateQueue')
      records.push(...queue(file, call));
    else if (method === 'insert') records.push(...insert(file, call, handlers));
    else records.push(...send(file, call, method, handlers));
  }
  debug('%s: %d records', file.input.path, records.length);
  return records;
}

// ---- producing ---------------------------------------------------------------------------

/**
 * send(name, data, options), send({ name, data, options }),
 * sendAfter(name, data, options, after).
 */
function send(
  file: TsFile,
  call: CallExpression,
  method: string,
  handlers: ReadonlyMap<Node, NodeRef>,
): GraphRecord[] {
  const args = call.getArguments();
  const [first] = args;
  if (!first || Node.isSpreadElement(first)) return [];
  const request = file.resolver.objectProperties(first);
  const nameNode = request.get('name') ?? first;
  const options = request.has('name') ? request.get('options') : args[2];
  const sent = sendOptions(file, options);
  if (method === 'sendAfter' && args[3]) sent.publish.delay = compactText(args[3]);
  return produce(file, call, nameNode, sent, handlers);
}

/** insert([{ name, data, retryLimit, ... }]): several jobs in one call. */
function insert(
  file: TsFile,
  call: CallExpression,
  handlers: ReadonlyMap<Node, NodeRef>,
): GraphRecord[] {
  const list = file.resolver.constantNode(call.getArguments()[0] ?? call);
  if (!Node.isArrayLiteralExpression(list)) return [];
  return list.getElements().flatMap((item) => {
    const fields = file.resolver.objectProperties(item);
    const nameNode = fields.get('name');
    if (!nameNode) return [];
    const sent = sendOptions(file, item);
    sent.publish.batch = true;
    return produce(file, call, nameNode, sent, handlers);
  });
}

function produce(
  file: TsFile,
  call: CallExpression,
  nameNode: Node,
  sent: Sent,
  handlers: ReadonlyMap<Node, NodeRef>,
): GraphRecord[] {
  return publishTargets(file, [nameNode], call, handlers).flatMap((target) => {
    const [queue] = target.names as [ResolvedName];
    const properties: Properties = { ...sent.publish };
    if (target.via !== undefined) properties.via = target.via;
    const records: GraphRecord[] = [
      channelRecord('Queue', 'queue', TECHNOLOGY, queue, target.evidence),
      edgeRecord(
        'PUBLISHES',
        target.publisher,
        queueRef(queue),
        { technology: TECHNOLOGY, properties },
        target.evidence,
      ),
    ];
    if (sent.deadLetter) records.push(...deadLetter(file, queue, sent.deadLetter, target.evidence));
    return records;
  });
}

interface Sent {
  publish: Properties;
  deadLetter?: Node;
}

/** retryLimit, retryDelay, retryBackoff, startAfter, singletonKey, priority, deadLetter. */
function sendOptions(file: TsFile, options: Node | undefined): Sent {
  const fields = file.resolver.objectProperties(options);
  const publish: Properties = {};
  const limit = file.resolver.literalOf(fields.get('retryLimit'));
  const delay = file.resolver.literalOf(fields.get('retryDelay'));
  const backoff = file.resolver.literalOf(fields.get('retryBackoff'));
  const retry = [
    typeof limit === 'number' ? `retryLimit=${String(limit)}` : undefined,
    typeof delay === 'number' ? `retryDelay=${String(delay)}s` : undefined,
    backoff === true ? 'backoff=exponential' : undefined,
  ].filter((part) => part !== undefined);
  if (typeof limit === 'number') publish.attempts = limit + 1;
  if (retry.length > 0) publish.retry = retry.join(', ');
  const startAfter = fields.get('startAfter');
  const seconds = file.resolver.literalOf(startAfter);
  if (typeof seconds === 'number') publish.delayMs = seconds * 1000;
  else if (startAfter) publish.delay = compactText(startAfter);
  const priority = file.resolver.literalOf(fields.get('priority'));
  if (typeof priority === 'number') publish.priority = priority;
  const key = fields.get('singletonKey');
  if (key) publish.dedupKey = compactText(key);
  const deadLetter = fields.get('deadLetter');
  return deadLetter ? { publish, deadLetter } : { publish };
}

function deadLetter(
  file: TsFile,
  queue: ResolvedName,
  target: Node,
  evidence: ReturnType<typeof evidenceOf>,
): GraphRecord[] {
  const parked = file.resolver.resolveName(target);
  return [
    channelRecord('Queue', 'queue', TECHNOLOGY, parked, evidence),
    edgeRecord(
      'DEAD_LETTERS_TO',
      queueRef(queue),
      queueRef(parked),
      { technology: TECHNOLOGY },
      evidence,
    ),
  ];
}

/** createQueue(name, { retryLimit, deadLetter, policy }): the queue and its dead-letter queue. */
function queue(file: TsFile, call: CallExpression): GraphRecord[] {
  const [nameNode, options] = call.getArguments();
  if (!nameNode || Node.isSpreadElement(nameNode)) return [];
  const name = file.resolver.resolveName(nameNode);
  const evidence = evidenceOf(file, call);
  const fields = file.resolver.objectProperties(options);
  const properties: Properties = {};
  const policy = file.resolver.literalOf(fields.get('policy'));
  if (typeof policy === 'string') properties.policy = policy;
  const records: GraphRecord[] = [
    channelRecord('Queue', 'queue', TECHNOLOGY, name, evidence, properties),
  ];
  const parked = fields.get('deadLetter');
  if (parked) records.push(...deadLetter(file, name, parked, evidence));
  return records;
}

/** schedule(name, cron, data, { tz }): a job of the queue on a cron. */
function schedule(file: TsFile, call: CallExpression): GraphRecord[] {
  const [nameNode, cronNode, , options] = call.getArguments();
  if (!nameNode || !cronNode || Node.isSpreadElement(nameNode)) return [];
  const name = file.resolver.resolveName(nameNode);
  const cron = file.resolver.resolveName(cronNode);
  const evidence = evidenceOf(file, call);
  const properties: Properties = {
    schedule: cron.dynamic ? compactText(cronNode) : cron.name,
    scheduleKind: 'cron',
    scheduler: 'pg-boss',
  };
  const tz = file.resolver.literalOf(file.resolver.objectProperties(options).get('tz'));
  if (typeof tz === 'string') properties.timezone = tz;
  const job = ref.job(file.input.repository, TECHNOLOGY, name.name);
  return [
    channelRecord('Queue', 'queue', TECHNOLOGY, name, evidence),
    nodeRecord(
      job,
      { name: name.name, technology: TECHNOLOGY, properties: { queue: name.name } },
      evidence,
    ),
    edgeRecord(
      'SCHEDULES',
      ref.serviceOf(locationOf(file, call)),
      job,
      { technology: TECHNOLOGY, properties },
      evidence,
    ),
    edgeRecord(
      'PUBLISHES',
      job,
      queueRef(name),
      { technology: TECHNOLOGY, properties: { via: 'schedule' } },
      evidence,
    ),
  ];
}

// ---- consuming ---------------------------------------------------------------------------

/** work(name, [options], handler): batchSize > 1 hands the handler a batch of jobs. */
function work(
  file: TsFile,
  call: CallExpression,
  handlers: Map<Node, NodeRef>,
  names: HandlerNames,
): GraphRecord[] {
  const args = call.getArguments();
  const [nameNode] = args;
  const handler = args[args.length - 1];
  if (!nameNode || !handler || args.length < 2 || Node.isSpreadElement(nameNode)) return [];
  const queue = file.resolver.resolveName(nameNode);
  const fields =
    args.length >= 3 ? file.resolver.objectProperties(args[1]) : new Map<string, Node>();
  const fn = file.resolver.functionOf(handler);
  const given = (fn ? functionName(fn) : undefined) ?? `${queue.name} worker`;
  const { ref: handlerRef, name } = names.handler(call, fn ?? call, given);
  if (fn) handlers.set(fn, handlerRef);

  const properties: Properties = {};
  const batchSize = file.resolver.literalOf(fields.get('batchSize'));
  if (typeof batchSize === 'number') {
    properties.batchSize = batchSize;
    if (batchSize > 1) properties.batch = true;
  }
  const concurrency = file.resolver.literalOf(
    fields.get('localConcurrency') ?? fields.get('teamConcurrency'),
  );
  if (typeof concurrency === 'number') properties.concurrency = concurrency;
  const evidence = evidenceOf(file, call);
  return [
    nodeRecord(
      handlerRef,
      { name, technology: TECHNOLOGY, properties },
      fn ? evidenceOf(file, fn) : evidence,
    ),
    channelRecord('Queue', 'queue', TECHNOLOGY, queue, evidence),
    edgeRecord(
      'CONSUMES',
      handlerRef,
      queueRef(queue),
      { technology: TECHNOLOGY, properties },
      evidence,
    ),
  ];
}

function queueRef(queue: ResolvedName): NodeRef {
  return ref.channel('Queue', TECHNOLOGY, queue.name);
}
