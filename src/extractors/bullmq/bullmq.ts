// BullMQ queues, jobs, repeatable jobs, job schedulers, workers and flows.
import createDebug from 'debug';
import { Node, SyntaxKind, type CallExpression, type NewExpression, type TypeNode } from 'ts-morph';
import {
  channelRecord,
  edgeRecord,
  nodeRecord,
  ref,
  type Evidence,
  type GraphRecord,
  type NodeRef,
  type Properties,
  type ResolvedName,
} from '../../model/graph.js';
import { carries, produce, queueRef, scheduleOf, schedules, sendOptions } from './jobs.js';
import type { Extractor } from '../contract.js';
import { injectedQueueName } from '../nestjs-bull/nestjs-bull.js';
import type { TsFile } from '../../lang/typescript/frontend.js';
import { functionName, originTokens, type Origin } from '../../lang/typescript/resolve.js';
import {
  evidenceOf,
  HandlerNames,
  locationOf,
  methodCalls,
  publisherOf,
  publishTargets,
  type PublishTarget,
} from '../../lang/typescript/sites.js';
import {
  eventOfTypeNode,
  publishedEvents,
  type CarriedEvent,
} from '../../lang/typescript/payload-types.js';

const debug = createDebug('eventgraph:extract:bullmq');

export const bullmqExtractor: Extractor<TsFile> = {
  id: 'bullmq',
  title: 'BullMQ queues, jobs, schedulers and workers',
  docs: 'https://docs.bullmq.io/guide/queues',
  language: 'typescript',
  technologies: ['bullmq'],
  packages: ['bullmq'],
  imports: ['bullmq'],
  prefilter: ['bullmq', '.add(', '.addBulk(', 'upsertJobScheduler'],
  emits: {
    nodes: ['Queue', 'Job', 'Handler', 'Event'],
    edges: ['PUBLISHES', 'ENQUEUES', 'SCHEDULES', 'CONSUMES', 'CARRIES'],
  },
  extract,
};

const TECHNOLOGY = 'bullmq';
const METHODS = new Set(['add', 'addBulk', 'upsertJobScheduler']);

function extract(file: TsFile): GraphRecord[] {
  const records: GraphRecord[] = [];
  const handlers = new Map<Node, NodeRef>();
  const names = new HandlerNames(file);
  for (const created of file.source.getDescendantsOfKind(SyntaxKind.NewExpression)) {
    const origin = file.resolver.traceOrigin(created.getExpression());
    if (origin?.module === 'bullmq' && originTokens(origin).join(' ') === 'Worker') {
      records.push(...worker(file, created, handlers, names));
    }
  }

  for (const call of methodCalls(file, METHODS)) {
    const origin = file.resolver.traceOrigin(call.object);
    if (origin?.module !== 'bullmq') continue;
    const tokens = originTokens(origin).join(' ');
    if (tokens === 'FlowProducer new' && call.method === 'add') {
      records.push(...flow(file, call.call, call.call.getArguments()[0], handlers));
      continue;
    }
    if (tokens !== 'Queue new' && tokens !== 'type Queue') continue;
    const queue = queueOf(file, origin, call.object);
    const declared = queueDataType(origin);
    const args = call.call.getArguments();
    if (call.method === 'add') {
      const job = { name: args[0], data: args[1], options: args[2] };
      records.push(...addJob(file, call.call, queue, job, declared, handlers));
    } else if (call.method === 'addBulk') {
      const list = args[0];
      for (const item of list && Node.isArrayLiteralExpression(list) ? list.getElements() : []) {
        const fields = file.resolver.objectProperties(item);
        const job = {
          name: fields.get('name'),
          data: fields.get('data'),
          options: fields.get('opts'),
        };
        records.push(...addJob(file, call.call, queue, job, declared, handlers));
      }
    } else {
      records.push(...jobScheduler(file, call.call, queue, args));
    }
  }
  debug('%s: %d records', file.input.path, records.length);
  return records;
}

/** The queue's name from `new Queue(name)`; a queue known only by its type stays an expression. */
function queueOf(file: TsFile, origin: Origin, object: Node): ResolvedName {
  const creation = origin.steps.find(
    (s): s is { kind: 'new'; node: NewExpression } => s.kind === 'new',
  );
  const name = creation?.node.getArguments()[0];
  if (name) return file.resolver.resolveName(name);
  const injected = injectedQueueName(file, object);
  if (injected) return injected;
  const text = object.getText();
  return { name: text, dynamic: true, expression: text };
}

// ---- producing ---------------------------------------------------------------------------

/** The type a queue declares for its jobs' data: `new Queue<EmailJob>(...)`. */
function queueDataType(origin: Origin): TypeNode | undefined {
  const creation = origin.steps.find(
    (s): s is { kind: 'new'; node: NewExpression } => s.kind === 'new',
  );
  return creation?.node.getTypeArguments()[0];
}

interface JobArguments {
  name: Node | undefined;
  data: Node | undefined;
  options: Node | undefined;
}

function addJob(
  file: TsFile,
  call: CallExpression,
  queue: ResolvedName,
  { name: jobName, data, options }: JobArguments,
  declared: TypeNode | undefined,
  handlers: ReadonlyMap<Node, NodeRef>,
): GraphRecord[] {
  if (!jobName) return [];
  const fields = file.resolver.objectProperties(options);
  const sent = sendOptions(file, fields);
  const repeat = file.resolver.objectProperties(fields.get('repeat'));

  return publishTargets(file, [jobName], call, handlers).flatMap((target) => {
    const [name] = target.names as [ResolvedName];
    const records = produce(file, TECHNOLOGY, target, queue, name, sent);
    records.push(...carries(file, TECHNOLOGY, queue, jobData(file, data, declared, target)));
    const schedule = scheduleOf(file, TECHNOLOGY, repeat);
    if (schedule) {
      const service = ref.serviceOf(locationOf(file, call));
      records.push(schedules(file, TECHNOLOGY, service, name, schedule, target.evidence));
    }
    return records;
  });
}

/** Event types of a job's data; the queue's declared data type when the data has none. */
function jobData(
  file: TsFile,
  data: Node | undefined,
  declared: TypeNode | undefined,
  target: PublishTarget,
): CarriedEvent[] {
  const events = publishedEvents(file, data, target);
  if (events.length > 0 || !declared || !data) return events;
  const event = eventOfTypeNode(file, declared, data);
  return event ? [{ event, evidence: target.evidence }] : [];
}

/** queue.upsertJobScheduler(id, { pattern | every }, { name, opts }). */
function jobScheduler(
  file: TsFile,
  call: CallExpression,
  queue: ResolvedName,
  args: Node[],
): GraphRecord[] {
  const [id, repeat, template] = args;
  if (!id) return [];
  const schedule = scheduleOf(file, TECHNOLOGY, file.resolver.objectProperties(repeat));
  const fields = file.resolver.objectProperties(template);
  const name = file.resolver.resolveName(fields.get('name') ?? id);
  const sent = sendOptions(file, file.resolver.objectProperties(fields.get('opts')));
  const evidence = evidenceOf(file, call);
  const service = ref.serviceOf(locationOf(file, call));
  const target: PublishTarget = { names: [name], expressions: [id], evidence, publisher: service };
  const records = produce(file, TECHNOLOGY, target, queue, name, sent);
  if (schedule) records.push(schedules(file, TECHNOLOGY, service, name, schedule, evidence));
  return records;
}

/**
 * FlowProducer.add({ name, queueName, children }): every node of the tree is a job. A parent
 * job runs only after all its children have completed, so the parent's ENQUEUES says which
 * jobs it waits for and each child's ENQUEUES names its parent.
 * https://docs.bullmq.io/guide/flows
 */
function flow(
  file: TsFile,
  call: CallExpression,
  node: Node | undefined,
  handlers: ReadonlyMap<Node, NodeRef>,
  parent?: string,
): GraphRecord[] {
  const fields = file.resolver.objectProperties(node);
  const nameNode = fields.get('name');
  const queueNode = fields.get('queueName');
  if (!nameNode || !queueNode || !node) return [];
  const name = file.resolver.resolveName(nameNode);
  const queue = file.resolver.resolveName(queueNode);
  const sent = sendOptions(file, file.resolver.objectProperties(fields.get('opts')));
  const children = fields.get('children');
  const childNodes =
    children && Node.isArrayLiteralExpression(children) ? children.getElements() : [];

  const flowProperties: Properties = { via: 'flow' };
  if (parent !== undefined) flowProperties.parent = parent;
  const waitsFor = childNodes.flatMap((child) => {
    const childFields = file.resolver.objectProperties(child);
    const childName = childFields.get('name');
    if (!childName || !childFields.has('queueName')) return [];
    return [file.resolver.resolveName(childName).name];
  });
  if (waitsFor.length > 0) flowProperties.waitsFor = waitsFor;

  const evidence = evidenceOf(file, node);
  const publisher = publisherOf(file, call, handlers);
  const target: PublishTarget = { names: [name], expressions: [nameNode], evidence, publisher };
  const records = produce(file, TECHNOLOGY, target, queue, name, sent, flowProperties);
  const events = publishedEvents(file, fields.get('data'), target);
  records.push(...carries(file, TECHNOLOGY, queue, events));
  for (const child of childNodes) records.push(...flow(file, call, child, handlers, name.name));
  return records;
}

// ---- consuming ---------------------------------------------------------------------------

/** new Worker(queueName, processor, { concurrency, limiter }). */
function worker(
  file: TsFile,
  created: NewExpression,
  handlers: Map<Node, NodeRef>,
  names: HandlerNames,
): GraphRecord[] {
  const [queueNode, processor, options] = created.getArguments();
  if (!queueNode) return [];
  const queue = file.resolver.resolveName(queueNode);
  const fn = processor ? file.resolver.functionOf(processor) : undefined;
  const given = (fn ? functionName(fn) : undefined) ?? `${queue.name} worker`;
  const { ref: handler, name } = names.handler(created, fn ?? created, given);
  if (fn) handlers.set(fn, handler);

  const fields = file.resolver.objectProperties(options);
  const properties: Properties = {};
  const concurrency = file.resolver.literalOf(fields.get('concurrency'));
  if (typeof concurrency === 'number') properties.concurrency = concurrency;
  const handlerProperties: Properties = { ...properties };
  const limiter = file.resolver.objectProperties(fields.get('limiter'));
  const max = file.resolver.literalOf(limiter.get('max'));
  const duration = file.resolver.literalOf(limiter.get('duration'));
  if (typeof max === 'number' && typeof duration === 'number') {
    handlerProperties.rateLimit = `${String(max)} per ${String(duration)}ms`;
  }
  const evidence: Evidence = evidenceOf(file, created);
  const events = processedEvents(file, created, fn);
  return [
    nodeRecord(
      handler,
      { name, technology: TECHNOLOGY, properties: handlerProperties },
      fn ? evidenceOf(file, fn) : evidence,
    ),
    channelRecord('Queue', 'queue', TECHNOLOGY, queue, evidence),
    edgeRecord(
      'CONSUMES',
      handler,
      queueRef(TECHNOLOGY, queue),
      { technology: TECHNOLOGY, properties },
      evidence,
    ),
    ...carries(file, TECHNOLOGY, queue, events),
  ];
}

/** `new Worker<EmailJob>(...)` or a processor taking `job: Job<EmailJob>`. */
function processedEvents(
  file: TsFile,
  created: NewExpression,
  fn: Node | undefined,
): CarriedEvent[] {
  const parameter = fn && Node.isFunctionLikeDeclaration(fn) ? fn.getParameters()[0] : undefined;
  const typeNode = parameter?.getTypeNode();
  const jobData =
    typeNode && Node.isTypeReference(typeNode) && isBullmqJob(file, typeNode.getTypeName())
      ? typeNode.getTypeArguments()[0]
      : undefined;
  const declared = jobData ?? created.getTypeArguments()[0];
  const at = jobData && parameter ? parameter : created;
  const event = declared ? eventOfTypeNode(file, declared, at) : undefined;
  return event ? [{ event, evidence: evidenceOf(file, at) }] : [];
}

function isBullmqJob(file: TsFile, typeName: Node): boolean {
  if (!Node.isIdentifier(typeName)) return false;
  const definition = file.resolver.definitionOf(typeName);
  if (!Node.isImportSpecifier(definition)) return false;
  const module = definition.getImportDeclaration().getModuleSpecifierValue();
  return module === 'bullmq' && definition.getName() === 'Job';
}
