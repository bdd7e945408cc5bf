// node-cron schedules: cron.schedule(expression, task, { timezone }).
import createDebug from 'debug';
import { SyntaxKind, type CallExpression } from 'ts-morph';
import type { GraphRecord } from '../../model/graph.js';
import type { Extractor } from '../contract.js';
import type { TsFile } from '../../lang/typescript/frontend.js';
import { originTokens } from '../../lang/typescript/resolve.js';
import { scheduleRecords, taskName, type Schedule } from '../cron-library/schedules.js';

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
  const found: Schedule = { schedule: expression, scheduleKind: 'cron', scheduler: 'node-cron' };
  const timezone = file.resolver.literalOf(file.resolver.objectProperties(options).get('timezone'));
  if (typeof timezone === 'string') found.timezone = timezone;
  return scheduleRecords(file, call, name, found);
}
