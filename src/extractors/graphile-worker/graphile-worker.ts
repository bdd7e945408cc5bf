// Graphile Worker tasks: run({ taskList, crontab }) defines tasks and their cron schedules;
// addJob(identifier, payload, spec), quickAddJob(options, identifier, payload, spec) and
// SQL graphile_worker.add_job('identifier', ...) enqueue them.
// Not read yet: a task directory's files (taskDirectory) and crontab or .sql files.
import createDebug from 'debug';
import { Node, SyntaxKind, type CallExpression, type VariableDeclaration } from 'ts-morph';
import {
  edgeRecord,
  evidenceAt,
  nodeRecord,
  ref,
  type Evidence,
  type GraphRecord,
  type NodeRef,
  type Properties,
  type ResolvedName,
} from '../../model/graph.js';
import type { Extractor } from '../contract.js';
import type { TsFile } from '../../lang/typescript/frontend.js';
import { originTokens } from '../../lang/typescript/resolve.js';
import {
  compactText,
  evidenceOf,
  locationOf,
  publisherOf,
  publishTargets,
} from '../../lang/typescript/sites.js';

const debug = createDebug('eventgraph:extract:graphile-worker');

export const graphileWorkerExtractor: Extractor<TsFile> = {
  id: 'graphile-worker',
  title: 'Graphile Worker tasks, jobs and crontab',
  docs: 'https://worker.graphile.org/docs',
  language: 'typescript',
  technologies: ['graphile-worker'],
  packages: ['graphile-worker'],
  imports: ['graphile-worker'],
  prefilter: ['graphile-worker', 'graphile_worker', 'addJob', 'quickAddJob'],
  emits: { nodes: ['Job'], edges: ['SCHEDULES', 'ENQUEUES'] },
  extract,
};

const TECHNOLOGY = 'graphile-worker';
const RUNNERS = new Set(['run', 'runOnce', 'runMigrations']);
const SQL_ADD_JOB = /graphile_worker\.add_job\(\s*'([^']+)'/g;

function extract(file: TsFile): GraphRecord[] {
  const records: GraphRecord[] = [];
  const tasks = new Map<Node, NodeRef>();
  records.push(...taskFile(file, tasks));
  const calls = file.source.getDescendantsOfKind(SyntaxKind.CallExpression);
  const adds: CallExpression[] = [];
  for (const call of calls) {
    const origin = file.resolver.traceOrigin(call.getExpression());
    const tokens = origin?.module === TECHNOLOGY ? originTokens(origin) : undefined;
    const callee = tokens?.[tokens.length - 1];
    if (tokens?.length === 1 && callee !== undefined && RUNNERS.has(callee)) {
      records.push(...runner(file, call, tasks));
    } else if (callee === 'parseCrontab' && tokens?.length === 1) {
      records.push(...crontab(file, call.getArguments()[0]));
    } else if (callee === 'quickAddJob' && tokens?.length === 1) {
      adds.push(call);
    } else if (callee === 'addJob' || calleeName(call) === 'addJob') {
      adds.push(call);
    }
  }
  for (const call of adds) {
    const origin = file.resolver.traceOrigin(call.getExpression());
    if (origin?.module === TECHNOLOGY || isHelpersAddJob(file, call, tasks))
      records.push(...addJob(file, call, tasks));
  }
  records.push(...sqlAddJobs(file, tasks));
  debug('%s: %d records', file.input.path, records.length);
  return records;
}

/** run({ taskList: { identifier: task }, crontab }): each key is a task. */
function runner(file: TsFile, call: CallExpression, tasks: Map<Node, NodeRef>): GraphRecord[] {
  const options = file.resolver.objectProperties(call.getArguments()[0]);
  const records: GraphRecord[] = [];
  const list = options.get('taskList');
  const listNode = list ? file.resolver.constantNode(list) : undefined;
  if (listNode && Node.isObjectLiteralExpression(listNode)) {
    for (const [identifier, value] of file.resolver.objectProperties(listNode)) {
      const job = jobRef(file, identifier);
      const fn = file.resolver.functionOf(value);
      if (fn) tasks.set(fn, job);
      records.push(
        nodeRecord(job, { name: identifier, technology: TECHNOLOGY }, evidenceOf(file, value)),
      );
    }
  }
  records.push(...crontab(file, options.get('crontab')));
  return records;
}

/**
 * Crontab lines `<minute> <hour> <day> <month> <weekday> <identifier> [?options] [payload]`.
 * https://worker.graphile.org/docs/cron
 */
function crontab(file: TsFile, node: Node | undefined): GraphRecord[] {
  const text = file.resolver.literalOf(node);
  if (!node || typeof text !== 'string') return [];
  const startLine = evidenceOf(file, node).line;
  const location = locationOf(file, node);
  const records: GraphRecord[] = [];
  text.split('\n').forEach((line, index) => {
    const fields = line.trim().split(/\s+/);
    const identifier = fields[5];
    if (line.trim().startsWith('#') || identifier === undefined) return;
    const evidence = evidenceAt(location, startLine + index);
    const job = jobRef(file, identifier);
    const properties: Properties = {
      schedule: fields.slice(0, 5).join(' '),
      scheduleKind: 'cron',
      scheduler: TECHNOLOGY,
    };
    records.push(
      nodeRecord(job, { name: identifier, technology: TECHNOLOGY }, evidence),
      edgeRecord(
        'SCHEDULES',
        ref.serviceOf(location),
        job,
        { technology: TECHNOLOGY, properties },
        evidence,
      ),
    );
  });
  return records;
}

/** `addJob` of `helpers.addJob(...)` and of a destructured `addJob(...)`. */
function calleeName(call: CallExpression): string | undefined {
  const callee = call.getExpression();
  if (Node.isPropertyAccessExpression(callee)) return callee.getName();
  return Node.isIdentifier(callee) ? callee.getText() : undefined;
}

/**
 * `helpers.addJob(...)` or `addJob(...)` from `{ addJob }` inside a task: the helpers are
 * typed JobHelpers, or are the second parameter of a task.
 */
function isHelpersAddJob(
  file: TsFile,
  call: CallExpression,
  tasks: ReadonlyMap<Node, NodeRef>,
): boolean {
  const callee = call.getExpression();
  const object = Node.isPropertyAccessExpression(callee) ? callee.getExpression() : callee;
  let definition = Node.isIdentifier(object) ? file.resolver.definitionOf(object) : undefined;
  if (Node.isBindingElement(definition) && Node.isIdentifier(callee)) {
    definition = definition.getParent().getParent();
  } else if (!Node.isPropertyAccessExpression(callee)) {
    return false;
  }
  if (!Node.isParameterDeclaration(definition)) return false;
  if (definition.getTypeNode()?.getText() === 'JobHelpers') return true;
  const fn = definition.getParent();
  if (!Node.isArrowFunction(fn) && !Node.isFunctionExpression(fn)) return false;
  return fn.getParameters().indexOf(definition) === 1 && (isTask(file, fn) || tasks.has(fn));
}

/** A function declared as graphile-worker's `Task`: `const task: Task = async (...) => ...`. */
function isTask(file: TsFile, fn: Node): boolean {
  const holder = fn.getParent();
  const typeNode = Node.isVariableDeclaration(holder) ? holder.getTypeNode() : undefined;
  if (!typeNode || !Node.isTypeReference(typeNode)) return false;
  const typeName = typeNode.getTypeName();
  if (!Node.isIdentifier(typeName)) return false;
  const imported = file.resolver.definitionOf(typeName);
  return (
    Node.isImportSpecifier(imported) &&
    imported.getImportDeclaration().getModuleSpecifierValue() === TECHNOLOGY &&
    imported.getName() === 'Task'
  );
}

/**
 * A file of the task directory (`tasks/` by default) whose export is a Task: the task's
 * identifier is the file's name. https://worker.graphile.org/docs/tasks
 */
function taskFile(file: TsFile, tasks: Map<Node, NodeRef>): GraphRecord[] {
  const match = /(^|\/)tasks\/([^/]+)\.[cm]?[jt]s$/.exec(file.input.path);
  const identifier = match?.[2];
  if (identifier === undefined || identifier === 'index') return [];
  const records: GraphRecord[] = [];
  for (const declaration of file.source.getVariableDeclarations()) {
    const fn = declaration.getInitializer();
    if (!fn || !isTask(file, fn) || !isExported(declaration)) continue;
    const job = jobRef(file, identifier);
    tasks.set(fn, job);
    records.push(
      nodeRecord(job, { name: identifier, technology: TECHNOLOGY }, evidenceOf(file, declaration)),
    );
  }
  return records;
}

/** The module's own export: `export default task`, `module.exports = task`, `export = task`. */
function isExported(declaration: VariableDeclaration): boolean {
  const name = declaration.getName();
  return declaration
    .getSourceFile()
    .getStatements()
    .some((statement) => {
      if (Node.isExportAssignment(statement)) return statement.getExpression().getText() === name;
      if (!Node.isExpressionStatement(statement)) return false;
      const assignment = statement.getExpression();
      return (
        Node.isBinaryExpression(assignment) &&
        /^(module\.)?exports$/.test(assignment.getLeft().getText()) &&
        assignment.getRight().getText() === name
      );
    });
}

/** addJob(identifier, payload, spec) and quickAddJob(options, identifier, payload, spec). */
function addJob(
  file: TsFile,
  call: CallExpression,
  tasks: ReadonlyMap<Node, NodeRef>,
): GraphRecord[] {
  const quick = calleeName(call) === 'quickAddJob';
  const args = call.getArguments();
  const identifier = quick ? args[1] : args[0];
  const spec = quick ? args[3] : args[2];
  if (!identifier) return [];
  const properties = specOf(file, spec);
  return publishTargets(file, [identifier], call, tasks).flatMap((target) => {
    const [name] = target.names as [ResolvedName];
    const enqueue: Properties = { ...properties, via: quick ? 'quickAddJob' : 'addJob' };
    return enqueueRecords(file, name, target.publisher, enqueue, target.evidence);
  });
}

/** jobKey dedups, maxAttempts retries, runAt delays, queueName serialises. */
function specOf(file: TsFile, spec: Node | undefined): Properties {
  const fields = file.resolver.objectProperties(spec);
  const properties: Properties = {};
  const key = fields.get('jobKey');
  if (key) properties.dedupKey = compactText(key);
  const attempts = file.resolver.literalOf(fields.get('maxAttempts'));
  if (typeof attempts === 'number') {
    properties.attempts = attempts;
    if (attempts > 1) properties.retry = `maxAttempts=${String(attempts)}`;
  }
  const runAt = fields.get('runAt');
  if (runAt) properties.eta = compactText(runAt);
  const queue = file.resolver.literalOf(fields.get('queueName'));
  if (typeof queue === 'string') properties.queue = queue;
  const priority = file.resolver.literalOf(fields.get('priority'));
  if (typeof priority === 'number') properties.priority = priority;
  return properties;
}

/** SQL in string literals: `select graphile_worker.add_job('send_email', ...)`. */
function sqlAddJobs(file: TsFile, tasks: ReadonlyMap<Node, NodeRef>): GraphRecord[] {
  if (!file.input.text.includes('graphile_worker.add_job')) return [];
  const strings = [
    ...file.source.getDescendantsOfKind(SyntaxKind.StringLiteral),
    ...file.source.getDescendantsOfKind(SyntaxKind.NoSubstitutionTemplateLiteral),
    ...file.source.getDescendantsOfKind(SyntaxKind.TemplateExpression),
  ];
  return strings.flatMap((literal) =>
    [...literal.getText().matchAll(SQL_ADD_JOB)].flatMap((match) => {
      const identifier = match[1];
      if (identifier === undefined) return [];
      const name: ResolvedName = { name: identifier, dynamic: false };
      const from = publisherOf(file, literal, tasks);
      return enqueueRecords(file, name, from, { via: 'sql' }, evidenceOf(file, literal));
    }),
  );
}

function enqueueRecords(
  file: TsFile,
  name: ResolvedName,
  from: NodeRef,
  properties: Properties,
  evidence: Evidence,
): GraphRecord[] {
  const job = jobRef(file, name.name);
  const jobProperties: Properties = name.dynamic
    ? { dynamic: true, expression: name.expression ?? name.name }
    : {};
  return [
    nodeRecord(
      job,
      { name: name.name, technology: TECHNOLOGY, properties: jobProperties },
      evidence,
    ),
    edgeRecord('ENQUEUES', from, job, { technology: TECHNOLOGY, properties }, evidence),
  ];
}

function jobRef(file: TsFile, identifier: string): NodeRef {
  return ref.job(file.input.repository, TECHNOLOGY, identifier);
}
