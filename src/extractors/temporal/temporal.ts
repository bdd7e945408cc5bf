// Temporal workflows: client.workflow.start / execute / signalWithStart put a workflow on a
// task queue, Worker.create({ taskQueue }) takes from it, client.schedule.create runs one
// on a cron or interval, and proxyActivities({ retry }) sets its activities' retry policy.
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
import type { TsFile } from '../../lang/typescript/frontend.js';
import { functionName, originTokens } from '../../lang/typescript/resolve.js';
import {
  compactText,
  evidenceOf,
  HandlerNames,
  locationOf,
  publisherOf,
} from '../../lang/typescript/sites.js';

const debug = createDebug('eventgraph:extract:temporal');

export const temporalExtractor: Extractor<TsFile> = {
  id: 'temporal',
  title: 'Temporal workflows, workers, schedules and activity retries',
  docs: 'https://docs.temporal.io/develop/typescript',
  language: 'typescript',
  technologies: ['temporal'],
  packages: ['@temporalio/client', '@temporalio/worker', '@temporalio/workflow'],
  imports: ['@temporalio/'],
  prefilter: ['@temporalio/', 'workflow.start', 'workflow.execute', 'schedule.create'],
  emits: {
    nodes: ['Queue', 'Handler', 'Job'],
    edges: ['PUBLISHES', 'CONSUMES', 'ENQUEUES', 'SCHEDULES'],
  },
  extract,
};

const TECHNOLOGY = 'temporal';
const CLIENT = '@temporalio/client';
const STARTS = new Set(['start', 'execute', 'signalWithStart']);
const CHILDREN = new Set(['startChild', 'executeChild']);

function extract(file: TsFile): GraphRecord[] {
  const records: GraphRecord[] = [];
  const workflows = new Map<Node, NodeRef>();
  records.push(...workflowDefinitions(file, workflows));
  const names = new HandlerNames(file);
  for (const call of file.source.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const origin = file.resolver.traceOrigin(call.getExpression());
    if (!origin?.module.startsWith('@temporalio/')) continue;
    const tokens = originTokens(origin);
    const method = tokens[tokens.length - 1] ?? '';
    if (origin.module === CLIENT && isWorkflowClient(tokens) && STARTS.has(method)) {
      records.push(...start(file, call, method, workflows));
    } else if (origin.module === CLIENT && tokens.includes('schedule') && method === 'create') {
      records.push(...schedule(file, call));
    } else if (origin.module === '@temporalio/worker' && tokens.join(' ') === 'Worker create') {
      records.push(...worker(file, call, names));
    } else if (origin.module === '@temporalio/workflow' && CHILDREN.has(method)) {
      records.push(...start(file, call, method, workflows));
    }
  }
  debug('%s: %d records', file.input.path, records.length);
  return records;
}

/** `client.workflow.start(...)` of a Client, or `start(...)` of the older WorkflowClient. */
function isWorkflowClient(tokens: string[]): boolean {
  return tokens.includes('workflow') || tokens[0] === 'WorkflowClient';
}

// ---- workflows -----------------------------------------------------------------------------

/**
 * A module importing @temporalio/workflow defines workflows: its exported functions. When it
 * calls proxyActivities({ retry }), that policy is each workflow's activity retry.
 */
function workflowDefinitions(file: TsFile, workflows: Map<Node, NodeRef>): GraphRecord[] {
  const imports = file.source.getImportDeclarations();
  if (!imports.some((i) => i.getModuleSpecifierValue() === '@temporalio/workflow')) return [];
  const retry = activityRetry(file);
  const records: GraphRecord[] = [];
  for (const [name, declarations] of file.source.getExportedDeclarations()) {
    const declaration = declarations[0];
    if (!declaration || declaration.getSourceFile() !== file.source) continue;
    const fn = Node.isVariableDeclaration(declaration) ? declaration.getInitializer() : declaration;
    if (
      !fn ||
      !(Node.isFunctionDeclaration(fn) || Node.isArrowFunction(fn) || Node.isFunctionExpression(fn))
    )
      continue;
    const workflowName = name === 'default' ? (functionName(fn) ?? name) : name;
    const job = jobRef(file, workflowName);
    workflows.set(fn, job);
    const properties: Properties = retry ? { retry } : {};
    records.push(
      nodeRecord(
        job,
        { name: workflowName, technology: TECHNOLOGY, properties },
        evidenceOf(file, declaration),
      ),
    );
  }
  return records;
}

/** proxyActivities({ retry: { maximumAttempts, initialInterval, backoffCoefficient } }). */
function activityRetry(file: TsFile): string | undefined {
  for (const call of file.source.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const origin = file.resolver.traceOrigin(call.getExpression());
    if (origin?.module !== '@temporalio/workflow') continue;
    if (originTokens(origin).join(' ') !== 'proxyActivities') continue;
    const options = file.resolver.objectProperties(call.getArguments()[0]);
    const policy = file.resolver.objectProperties(options.get('retry'));
    const parts = ['maximumAttempts', 'initialInterval', 'backoffCoefficient', 'maximumInterval']
      .map((key) => {
        const value = file.resolver.literalOf(policy.get(key));
        return value === undefined ? undefined : `${key}=${String(value)}`;
      })
      .filter((part) => part !== undefined);
    if (parts.length > 0) return parts.join(', ');
    // Without a retry option, Temporal still retries activities by its default policy.
    if (options.size > 0) return 'default policy';
  }
  return undefined;
}

/** The workflow a start names: a function (its name) or a workflow type string. */
function workflowName(file: TsFile, node: Node): ResolvedName {
  const fn = file.resolver.functionOf(node);
  const named = fn ? functionName(fn) : undefined;
  if (named) return { name: named, dynamic: false };
  if (Node.isIdentifier(node) || Node.isPropertyAccessExpression(node)) {
    const resolved = file.resolver.resolveName(node);
    return resolved.dynamic ? { name: node.getText(), dynamic: false } : resolved;
  }
  return file.resolver.resolveName(node);
}

/** workflow.start(workflow, { taskQueue, workflowId, args }), and child workflows. */
function start(
  file: TsFile,
  call: CallExpression,
  method: string,
  workflows: ReadonlyMap<Node, NodeRef>,
): GraphRecord[] {
  const [workflowNode, optionsNode] = call.getArguments();
  if (!workflowNode) return [];
  const workflow = workflowName(file, workflowNode);
  const options = file.resolver.objectProperties(optionsNode);
  const evidence = evidenceOf(file, call);
  const from = publisherOf(file, call, workflows);
  const enqueue: Properties = { via: method };
  const workflowId = options.get('workflowId');
  if (workflowId) enqueue.dedupKey = compactText(workflowId);
  const job = jobRef(file, workflow.name);
  const records: GraphRecord[] = [
    nodeRecord(
      job,
      { name: workflow.name, technology: TECHNOLOGY, properties: nameProps(workflow) },
      evidence,
    ),
  ];
  const queueNode = options.get('taskQueue');
  if (queueNode) {
    const queue = file.resolver.resolveName(queueNode);
    enqueue.queue = queue.name;
    records.push(
      channelRecord('Queue', 'queue', TECHNOLOGY, queue, evidence),
      edgeRecord(
        'PUBLISHES',
        from,
        queueRef(queue),
        { technology: TECHNOLOGY, properties: { jobName: workflow.name } },
        evidence,
      ),
    );
  }
  records.push(
    edgeRecord('ENQUEUES', from, job, { technology: TECHNOLOGY, properties: enqueue }, evidence),
  );
  return records;
}

/**
 * client.schedule.create({ spec: { cronExpressions, intervals: [{ every }], timezone },
 * action: { type: 'startWorkflow', workflowType, taskQueue } }).
 */
function schedule(file: TsFile, call: CallExpression): GraphRecord[] {
  const options = file.resolver.objectProperties(call.getArguments()[0]);
  const spec = file.resolver.objectProperties(options.get('spec'));
  const action = file.resolver.objectProperties(options.get('action'));
  const type = action.get('workflowType');
  if (!type) return [];
  const workflow = workflowName(file, type);
  const evidence = evidenceOf(file, call);
  const job = jobRef(file, workflow.name);
  const timezone = file.resolver.literalOf(spec.get('timezone'));
  const found: Properties[] = [];
  for (const [key, kind] of [
    ['cronExpressions', 'cron'],
    ['intervals', 'interval'],
  ] as const) {
    const list = spec.get(key);
    const value = list ? file.resolver.constantNode(list) : undefined;
    for (const item of value && Node.isArrayLiteralExpression(value) ? value.getElements() : []) {
      const every = kind === 'interval' ? file.resolver.objectProperties(item).get('every') : item;
      const text = every ? file.resolver.literalOf(every) : undefined;
      const written = text === undefined ? compactText(item) : String(text);
      found.push({
        schedule: kind === 'interval' ? `every ${written}` : written,
        scheduleKind: kind,
        scheduler: TECHNOLOGY,
      });
    }
  }
  if (found.length === 0)
    found.push({
      schedule: compactText(options.get('spec') ?? call),
      scheduleKind: 'cron',
      scheduler: TECHNOLOGY,
    });
  const service = ref.serviceOf(locationOf(file, call));
  return [
    nodeRecord(
      job,
      { name: workflow.name, technology: TECHNOLOGY, properties: nameProps(workflow) },
      evidence,
    ),
    ...found.map((properties) => {
      if (typeof timezone === 'string') properties.timezone = timezone;
      return edgeRecord(
        'SCHEDULES',
        service,
        job,
        { technology: TECHNOLOGY, properties },
        evidence,
      );
    }),
  ];
}

// ---- workers -------------------------------------------------------------------------------

/** Worker.create({ taskQueue, workflowsPath, activities, maxConcurrent... }). */
function worker(file: TsFile, call: CallExpression, names: HandlerNames): GraphRecord[] {
  const options = file.resolver.objectProperties(call.getArguments()[0]);
  const queueNode = options.get('taskQueue');
  if (!queueNode) return [];
  const queue = file.resolver.resolveName(queueNode);
  const { ref: handler, name } = names.handler(call, call, `${queue.name} worker`);
  const properties: Properties = {};
  for (const key of [
    'maxConcurrentActivityTaskExecutions',
    'maxConcurrentWorkflowTaskExecutions',
  ]) {
    const value = file.resolver.literalOf(options.get(key));
    if (typeof value === 'number')
      properties.concurrency = Math.max(value, Number(properties.concurrency ?? 0));
  }
  const evidence = evidenceOf(file, call);
  return [
    nodeRecord(handler, { name, technology: TECHNOLOGY, properties }, evidence),
    channelRecord('Queue', 'queue', TECHNOLOGY, queue, evidence),
    edgeRecord(
      'CONSUMES',
      handler,
      queueRef(queue),
      { technology: TECHNOLOGY, properties },
      evidence,
    ),
  ];
}

function nameProps(name: ResolvedName): Properties {
  return name.dynamic ? { dynamic: true, expression: name.expression ?? name.name } : {};
}

function queueRef(queue: ResolvedName): NodeRef {
  return ref.channel('Queue', TECHNOLOGY, queue.name);
}

function jobRef(file: TsFile, name: string): NodeRef {
  return ref.job(file.input.repository, TECHNOLOGY, name);
}
