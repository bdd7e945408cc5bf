// Inngest functions: inngest.createFunction({ id, retries }, { event } | { cron }, handler)
// runs on an event or a cron; inngest.send({ name, data }) and step.sendEvent(id, events)
// publish events.
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
import { originTokens } from '../../lang/typescript/resolve.js';
import { evidenceOf, locationOf, publisherOf } from '../../lang/typescript/sites.js';

const debug = createDebug('eventgraph:extract:inngest');

export const inngestExtractor: Extractor<TsFile> = {
  id: 'inngest',
  title: 'Inngest functions, triggers and events',
  docs: 'https://www.inngest.com/docs/reference/functions/create',
  language: 'typescript',
  technologies: ['inngest'],
  packages: ['inngest'],
  imports: ['inngest'],
  prefilter: ['inngest', 'createFunction', 'sendEvent'],
  emits: { nodes: ['Topic', 'Job'], edges: ['PUBLISHES', 'CONSUMES', 'SCHEDULES'] },
  extract,
};

const TECHNOLOGY = 'inngest';

function extract(file: TsFile): GraphRecord[] {
  const records: GraphRecord[] = [];
  const functions = new Map<Node, NodeRef>();
  const sends: CallExpression[] = [];
  for (const call of file.source.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const callee = call.getExpression();
    if (!Node.isPropertyAccessExpression(callee)) continue;
    const method = callee.getName();
    if (method === 'sendEvent' && isStepOf(call, functions)) {
      sends.push(call);
      continue;
    }
    if (method !== 'createFunction' && method !== 'send') continue;
    const origin = file.resolver.traceOrigin(callee.getExpression());
    if (origin?.module !== 'inngest' || !originTokens(origin).includes('new')) continue;
    if (method === 'createFunction') records.push(...createFunction(file, call, functions));
    else sends.push(call);
  }
  for (const call of sends) records.push(...send(file, call, functions));
  debug('%s: %d records', file.input.path, records.length);
  return records;
}

/**
 * createFunction(config, trigger, handler), or createFunction(config, handler) with
 * `triggers` in the config. A trigger is `{ event }`, `{ cron }` or a list of them.
 */
function createFunction(
  file: TsFile,
  call: CallExpression,
  functions: Map<Node, NodeRef>,
): GraphRecord[] {
  const args = call.getArguments();
  const config = file.resolver.objectProperties(args[0]);
  const handler = args[args.length - 1];
  const idNode = config.get('id') ?? config.get('name');
  if (!idNode || !handler || args.length < 2) return [];
  const id = file.resolver.resolveName(idNode);
  const job = ref.job(file.input.repository, TECHNOLOGY, id.name);
  const fn = file.resolver.functionOf(handler);
  if (fn) functions.set(fn, job);

  const properties: Properties = id.dynamic
    ? { dynamic: true, expression: id.expression ?? id.name }
    : {};
  const retries = file.resolver.literalOf(config.get('retries'));
  if (typeof retries === 'number') {
    properties.maxRetries = retries;
    if (retries > 0) properties.retry = `retries=${String(retries)}`;
  }
  const concurrency = config.get('concurrency');
  const limit =
    file.resolver.literalOf(concurrency) ??
    file.resolver.literalOf(file.resolver.objectProperties(concurrency).get('limit'));
  if (typeof limit === 'number') properties.concurrency = limit;
  const batch = config.has('batchEvents');
  if (batch) properties.batch = true;
  const evidence = evidenceOf(file, call);
  const records: GraphRecord[] = [
    nodeRecord(job, { name: id.name, technology: TECHNOLOGY, properties }, evidence),
  ];

  const trigger = args.length >= 3 ? args[1] : config.get('triggers');
  for (const item of triggersOf(file, trigger)) {
    const fields = file.resolver.objectProperties(item);
    const event = fields.get('event');
    const cron = file.resolver.literalOf(fields.get('cron'));
    if (event) {
      const name = file.resolver.resolveName(event);
      const consume: Properties = batch ? { batch: true } : {};
      records.push(
        channelRecord('Topic', 'topic', TECHNOLOGY, name, evidenceOf(file, item)),
        edgeRecord(
          'CONSUMES',
          job,
          topicRef(name),
          { technology: TECHNOLOGY, properties: consume },
          evidenceOf(file, item),
        ),
      );
    } else if (typeof cron === 'string') {
      const [timezone, expression] = splitTimezone(cron);
      const schedule: Properties = {
        schedule: expression,
        scheduleKind: 'cron',
        scheduler: TECHNOLOGY,
      };
      if (timezone !== undefined) schedule.timezone = timezone;
      records.push(
        edgeRecord(
          'SCHEDULES',
          ref.serviceOf(locationOf(file, call)),
          job,
          { technology: TECHNOLOGY, properties: schedule },
          evidenceOf(file, item),
        ),
      );
    }
  }
  return records;
}

function triggersOf(file: TsFile, trigger: Node | undefined): Node[] {
  if (!trigger) return [];
  const value = file.resolver.constantNode(trigger);
  return Node.isArrayLiteralExpression(value) ? value.getElements() : [value];
}

/** `TZ=Europe/Paris 0 12 * * 5`: Inngest's cron may start with its time zone. */
function splitTimezone(cron: string): [string | undefined, string] {
  const match = /^(?:CRON_)?TZ=(\S+)\s+(.*)$/.exec(cron.trim());
  return match?.[1] !== undefined && match[2] !== undefined
    ? [match[1], match[2]]
    : [undefined, cron];
}

/** `step.sendEvent(...)` where step is the handler's `{ step }` of a function of this file. */
function isStepOf(call: CallExpression, functions: ReadonlyMap<Node, NodeRef>): boolean {
  const callee = call.getExpression();
  if (!Node.isPropertyAccessExpression(callee) || callee.getExpression().getText() !== 'step')
    return false;
  return call.getAncestors().some((ancestor) => functions.has(ancestor));
}

/** send(event | events) and step.sendEvent(id, event | events). */
function send(
  file: TsFile,
  call: CallExpression,
  functions: ReadonlyMap<Node, NodeRef>,
): GraphRecord[] {
  const args = call.getArguments();
  const payload =
    Node.isPropertyAccessExpression(call.getExpression()) &&
    call.getExpression().getText().endsWith('sendEvent')
      ? args[1]
      : args[0];
  if (!payload) return [];
  const from = publisherOf(file, call, functions);
  const evidence = evidenceOf(file, call);
  return triggersOf(file, payload).flatMap((event) => {
    const nameNode = file.resolver.objectProperties(event).get('name');
    if (!nameNode) return [];
    const name = file.resolver.resolveName(nameNode);
    return [
      channelRecord('Topic', 'topic', TECHNOLOGY, name, evidence),
      edgeRecord('PUBLISHES', from, topicRef(name), { technology: TECHNOLOGY }, evidence),
    ];
  });
}

function topicRef(name: ResolvedName): NodeRef {
  return ref.channel('Topic', TECHNOLOGY, name.name);
}
