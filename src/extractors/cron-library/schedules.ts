// What every cron library extractor shares: how a scheduled task is named and how one
// schedule becomes a Job with a SCHEDULES edge from the service, so that node-cron, cron,
// node-schedule, croner and toad-scheduler report alike.
import { Node, type CallExpression } from 'ts-morph';
import {
  edgeRecord,
  nodeRecord,
  ref,
  type GraphRecord,
  type Properties,
} from '../../model/graph.js';
import type { TsFile } from '../../lang/typescript/frontend.js';
import { functionName, strip } from '../../lang/typescript/resolve.js';
import { evidenceOf, locationOf } from '../../lang/typescript/sites.js';

const TECHNOLOGY = 'cron-library';

export interface Schedule {
  /** The schedule as written: a cron expression, `every 20s`, a date expression. */
  schedule: string;
  scheduleKind: 'cron' | 'interval' | 'date';
  /** The library: node-cron, cron, node-schedule, croner, toad-scheduler. */
  scheduler: string;
  timezone?: string;
}

/**
 * The Job and its SCHEDULES edge for one schedule at `at`. The same task may be scheduled
 * more than once; each schedule and its timezone belong to its own edge, the Job node only
 * to what every schedule shares.
 */
export function scheduleRecords(
  file: TsFile,
  at: Node,
  name: string,
  schedule: Schedule,
): GraphRecord[] {
  const properties: Properties = {
    schedule: schedule.schedule,
    scheduleKind: schedule.scheduleKind,
    scheduler: schedule.scheduler,
  };
  if (schedule.timezone !== undefined) properties.timezone = schedule.timezone;
  const evidence = evidenceOf(file, at);
  const job = ref.job(file.input.repository, TECHNOLOGY, name);
  return [
    nodeRecord(job, { name, technology: TECHNOLOGY }, evidence),
    edgeRecord(
      'SCHEDULES',
      ref.serviceOf(locationOf(file, at)),
      job,
      { technology: TECHNOLOGY, properties },
      evidence,
    ),
  ];
}

/**
 * What a task is called in code: the function passed, the one call an arrow makes
 * (`() => cleanupSessions()`), or the variable holding what the scheduling call returns.
 */
export function taskName(file: TsFile, at: Node, task: Node | undefined): string | undefined {
  const node = task ? strip(task) : undefined;
  if (node && (Node.isIdentifier(node) || Node.isPropertyAccessExpression(node))) {
    const fn = file.resolver.functionOf(node);
    return (fn ? functionName(fn) : undefined) ?? node.getText();
  }
  if (node && (Node.isArrowFunction(node) || Node.isFunctionExpression(node))) {
    const inner = singleCall(node.getBody());
    if (inner) return inner.getExpression().getText();
    if (Node.isFunctionExpression(node) && node.getName()) return node.getName();
  }
  return holderName(at);
}

/** The variable or class property a scheduling call's result is stored in. */
export function holderName(at: Node): string | undefined {
  const holder = at.getFirstAncestor(
    (n) => Node.isVariableDeclaration(n) || Node.isPropertyDeclaration(n),
  );
  if (holder && (Node.isVariableDeclaration(holder) || Node.isPropertyDeclaration(holder)))
    return holder.getName();
  return undefined;
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

/** `every 20s` for whole seconds, `every 1500ms` otherwise. */
export function intervalText(milliseconds: number): string {
  return milliseconds % 1000 === 0
    ? `every ${String(milliseconds / 1000)}s`
    : `every ${String(milliseconds)}ms`;
}

/** A cron expression has five or six fields; anything else in a cron slot is a date. */
export function looksLikeCron(text: string): boolean {
  const fields = text.trim().split(/\s+/);
  return (fields.length >= 5 && fields.length <= 7) || text.trim().startsWith('@');
}
