// Agenda jobs: define(name, options, handler) defines a job; every(interval, name),
// schedule(when, name) and now(name) run it, repeatedly, once later or at once.
import createDebug from 'debug';
import { Node, type CallExpression } from 'ts-morph';
import {
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
import { compactText, evidenceOf, methodCalls, publisherOf } from '../../lang/typescript/sites.js';
import { looksLikeCron } from '../cron-library/schedules.js';

const debug = createDebug('eventgraph:extract:agenda');

export const agendaExtractor: Extractor<TsFile> = {
  id: 'agenda',
  title: 'Agenda job definitions and schedules',
  docs: 'https://github.com/agenda/agenda#readme',
  language: 'typescript',
  technologies: ['agenda'],
  packages: ['agenda', '@hokify/agenda'],
  imports: ['agenda'],
  prefilter: ['agenda', '.define(', '.every(', '.schedule(', '.now('],
  emits: { nodes: ['Job'], edges: ['SCHEDULES', 'ENQUEUES'] },
  extract,
};

const TECHNOLOGY = 'agenda';
const MODULES = new Set(['agenda', '@hokify/agenda']);
const METHODS = new Set(['define', 'every', 'schedule', 'now']);

function extract(file: TsFile): GraphRecord[] {
  const records: GraphRecord[] = [];
  const jobs = new Map<Node, NodeRef>();
  const calls = methodCalls(file, METHODS).filter((c) => isAgenda(file, c.object));
  for (const { call } of calls.filter((c) => c.method === 'define')) {
    records.push(...define(file, call, jobs));
  }
  for (const { call, method } of calls.filter((c) => c.method !== 'define')) {
    records.push(...run(file, call, method, jobs));
  }
  debug('%s: %d records', file.input.path, records.length);
  return records;
}

/** An Agenda instance: made by `new Agenda()` or typed `Agenda`. */
function isAgenda(file: TsFile, object: Node): boolean {
  const origin = file.resolver.traceOrigin(object);
  return origin !== undefined && MODULES.has(origin.module);
}

/** define(name, [options], handler): options carry concurrency, priority, lockLifetime. */
function define(file: TsFile, call: CallExpression, jobs: Map<Node, NodeRef>): GraphRecord[] {
  const args = call.getArguments();
  const [nameNode] = args;
  const handler = args[args.length - 1];
  if (!nameNode || !handler || args.length < 2) return [];
  const name = file.resolver.resolveName(nameNode);
  const properties: Properties = nameProperties(name);
  const options = args.length >= 3 ? file.resolver.objectProperties(args[1]) : new Map();
  for (const key of ['concurrency', 'lockLimit', 'lockLifetime', 'priority']) {
    const value = file.resolver.literalOf(options.get(key) as Node | undefined);
    if (value !== undefined) properties[key] = value;
  }
  const job = jobRef(file, name);
  const fn = file.resolver.functionOf(handler);
  if (fn) jobs.set(fn, job);
  return [
    nodeRecord(
      job,
      { name: name.name, technology: TECHNOLOGY, properties },
      evidenceOf(file, call),
    ),
  ];
}

/**
 * every(interval, names, data, { timezone }) schedules; schedule(when, names) and
 * now(names) enqueue once. Names may be one name or a list.
 */
function run(
  file: TsFile,
  call: CallExpression,
  method: string,
  jobs: ReadonlyMap<Node, NodeRef>,
): GraphRecord[] {
  const args = call.getArguments();
  const [first, second] = args;
  const namesNode = method === 'now' ? first : second;
  if (!namesNode) return [];
  const evidence = evidenceOf(file, call);
  const from = publisherOf(file, call, jobs);
  return namesOf(file, namesNode).flatMap((name) => {
    const job = jobRef(file, name);
    const records: GraphRecord[] = [
      nodeRecord(
        job,
        { name: name.name, technology: TECHNOLOGY, properties: nameProperties(name) },
        evidence,
      ),
    ];
    if (method === 'every' && first) {
      const interval = file.resolver.resolveName(first);
      const written = interval.dynamic ? compactText(first) : interval.name;
      const properties: Properties = {
        schedule: written,
        scheduleKind: looksLikeCron(written) ? 'cron' : 'interval',
        scheduler: 'agenda',
      };
      const options = file.resolver.objectProperties(args[3]);
      const timezone = file.resolver.literalOf(options.get('timezone'));
      if (typeof timezone === 'string') properties.timezone = timezone;
      const service = ref.serviceOf({ repository: evidence.repository, file: evidence.file });
      records.push(
        edgeRecord('SCHEDULES', service, job, { technology: TECHNOLOGY, properties }, evidence),
      );
    } else {
      const properties: Properties = { via: method };
      if (method === 'schedule' && first) {
        const when = file.resolver.resolveName(first);
        properties.eta = when.dynamic ? compactText(first) : when.name;
      }
      records.push(
        edgeRecord('ENQUEUES', from, job, { technology: TECHNOLOGY, properties }, evidence),
      );
    }
    return records;
  });
}

function namesOf(file: TsFile, node: Node): ResolvedName[] {
  const value = file.resolver.constantNode(node);
  if (Node.isArrayLiteralExpression(value))
    return value.getElements().map((element) => file.resolver.resolveName(element));
  return [file.resolver.resolveName(node)];
}

function nameProperties(name: ResolvedName): Properties {
  return name.dynamic ? { dynamic: true, expression: name.expression ?? name.name } : {};
}

function jobRef(file: TsFile, name: ResolvedName): NodeRef {
  return ref.job(file.input.repository, TECHNOLOGY, name.name);
}
