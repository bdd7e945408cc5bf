// node-cron schedules: cron.schedule(expression, task, { timezone }).
import createDebug from 'debug';
import { Node, SyntaxKind, type CallExpression } from 'ts-morph';
import {
  edgeRecord,
  nodeRecord,
  ref,
  type GraphRecord,
  type Properties,
} from '../../model/graph.js';
import type { Extractor } from '../contract.js';
import type { TsFile } from '../../lang/typescript/frontend.js';
import { functionName, originTokens, strip } from '../../lang/typescript/resolve.js';
import { evidenceOf, locationOf } from '../../lang/typescript/sites.js';

const debug = createDebug('eventgraph:extract:node-cron');

export const nodeCronExtractor: Extractor<TsFile> = {
  id: 'node-cron',
  title: 'node-cron scheduled tasks',
  docs: 'https://github.com/node-cron/node-cron#readme',
  language: 'typescript',
  technologies: ['cron-library'],
  packages: ['node-cron'],
  imports: ['node-cron'],
  prefilter: ['node-cron'],
  emits: { nodes: ['Job'], edges: ['SCHEDULES'] },
  extract,
};

const TECHNOLOGY = 'cron-library';

function extract(file: TsFile): GraphRecord[] {
  const records: GraphRecord[] = [];
  for (const call of file.source.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    // Cheap test first: only `schedule(...)` or `x.schedule(...)` can be a schedule.
    if (!/(^|\.)schedule$/.test(call.getExpression().getText())) continue;
    const origin = file.resolver.traceOrigin(call.getExpression());
    if (origin?.module !== 'node-cron' || originTokens(origin).join(' ') !== 'schedule') continue;
    records.push(...schedule(file, call));
  }
  debug('%s: %d records', file.input.path, records.length);
  return records;
}

function schedule(file: TsFile, call: CallExpression): GraphRecord[] {
  const [expressionNode, task, options] = call.getArguments();
  if (!expressionNode || !task) return [];
  const expression = file.resolver.resolveName(expressionNode).name;
  const name = taskName(file, call, task) ?? `node-cron ${expression}`;

  // The same task may be scheduled more than once; each schedule and its timezone belong to
  // its own SCHEDULES edge, the Job node only to what every schedule shares.
  const properties: Properties = {
    schedule: expression,
    scheduleKind: 'cron',
    scheduler: 'node-cron',
  };
  const timezone = file.resolver.literalOf(file.resolver.objectProperties(options).get('timezone'));
  if (typeof timezone === 'string') properties.timezone = timezone;
  const evidence = evidenceOf(file, call);
  const job = ref.job(file.input.repository, TECHNOLOGY, name);
  return [
    nodeRecord(job, { name, technology: TECHNOLOGY }, evidence),
    edgeRecord(
      'SCHEDULES',
      ref.serviceOf(locationOf(file, call)),
      job,
      { technology: TECHNOLOGY, properties },
      evidence,
    ),
  ];
}

/**
 * What the task is called in code: the function passed, the one call an arrow makes
 * (`() => cleanupSessions()`), or the variable holding the scheduled task.
 */
function taskName(file: TsFile, call: CallExpression, task: Node): string | undefined {
  const node = strip(task);
  if (Node.isIdentifier(node) || Node.isPropertyAccessExpression(node)) {
    const fn = file.resolver.functionOf(node);
    return (fn ? functionName(fn) : undefined) ?? node.getText();
  }
  if (Node.isArrowFunction(node) || Node.isFunctionExpression(node)) {
    const inner = singleCall(node.getBody());
    if (inner) return inner.getExpression().getText();
    if (Node.isFunctionExpression(node) && node.getName()) return node.getName();
  }
  const holder = call.getFirstAncestorByKind(SyntaxKind.VariableDeclaration);
  return holder?.getName();
}

function singleCall(body: Node): CallExpression | undefined {
  let expression: Node | undefined = body;
  if (Node.isBlock(body)) {
    const statements = body.getStatements();
    const only = statements.length === 1 ? statements[0] : undefined;
    expression = only && Node.isExpressionStatement(only) ? only.getExpression() : undefined;
  }
  if (!expression) return undefined;
  const inner = strip(expression);
  return Node.isCallExpression(inner) ? inner : undefined;
}
