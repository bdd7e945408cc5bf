// Azure Event Hubs through @azure/event-hubs: EventHubProducerClient sends batches to an
// event hub, EventHubConsumerClient subscribes to one in a consumer group.
import createDebug from 'debug';
import { Node, type NewExpression } from 'ts-morph';
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
import { functionName, originTokens, type Origin } from '../../lang/typescript/resolve.js';
import {
  compactText,
  evidenceOf,
  HandlerNames,
  methodCalls,
  publishTargets,
  type MethodCall,
} from '../../lang/typescript/sites.js';
import {
  carriesRecords,
  distinctEvents,
  parsedEvents,
} from '../../lang/typescript/payload-types.js';

const debug = createDebug('eventgraph:extract:azure-event-hubs');

const EVENT_HUBS = '@azure/event-hubs';

export const azureEventHubsExtractor: Extractor<TsFile> = {
  id: 'azure-event-hubs',
  title: 'Azure Event Hubs producers and consumers',
  docs: 'https://learn.microsoft.com/javascript/api/overview/azure/event-hubs-readme',
  language: 'typescript',
  technologies: ['azure-event-hubs'],
  packages: [EVENT_HUBS],
  imports: [EVENT_HUBS],
  prefilter: [EVENT_HUBS, 'sendBatch', 'subscribe'],
  emits: {
    nodes: ['Topic', 'Handler', 'Event'],
    edges: ['PUBLISHES', 'CONSUMES', 'CARRIES'],
  },
  extract,
};

const TECHNOLOGY = 'azure-event-hubs';
/** The group every event hub has, as `EventHubConsumerClient.defaultConsumerGroupName` holds. */
const DEFAULT_GROUP = '$Default';

function extract(file: TsFile): GraphRecord[] {
  const calls = methodCalls(file, new Set(['sendBatch', 'subscribe']))
    .map((call) => ({ call, origin: file.resolver.traceOrigin(call.object) }))
    .filter((c): c is { call: MethodCall; origin: Origin } => c.origin?.module === EVENT_HUBS);
  const records: GraphRecord[] = [];
  const handlers = new Map<Node, NodeRef>();
  const names = new HandlerNames(file);
  for (const { call, origin } of calls) {
    const client = clientOf(origin, call.method === 'sendBatch' ? 'producer' : 'consumer');
    if (client && call.method === 'subscribe')
      records.push(...subscribe(file, call, client, handlers, names));
  }
  for (const { call, origin } of calls) {
    const client = clientOf(origin, 'producer');
    if (client && call.method === 'sendBatch')
      records.push(...sendBatch(file, call, client, handlers));
  }
  debug('%s: %d records', file.input.path, records.length);
  return records;
}

function clientOf(origin: Origin, role: 'producer' | 'consumer'): NewExpression | undefined {
  const tokens = originTokens(origin).join(' ');
  const name = role === 'producer' ? 'EventHubProducerClient' : 'EventHubConsumerClient';
  if (tokens !== `${name} new`) return undefined;
  const step = origin.steps.at(-1);
  return step?.kind === 'new' ? step.node : undefined;
}

/**
 * The event hub a client was made for: the argument after the connection string or
 * namespace (`(connection, hub)`, `(namespace, hub, credential)`), else the `EntityPath` of a
 * literal connection string, else the connection expression, known only at run time.
 */
function hubExpression(
  file: TsFile,
  args: Node[],
): { node: Node; entityPath?: string } | undefined {
  const [connection, hub] = args;
  if (!connection) return undefined;
  if (hub && isName(file, hub)) return { node: hub };
  const text = file.resolver.literalOf(connection);
  const entityPath = typeof text === 'string' ? /EntityPath=([^;]+)/.exec(text)?.[1] : undefined;
  return entityPath ? { node: connection, entityPath } : { node: connection };
}

/** A hub name rather than options, a credential or a checkpoint store. */
function isName(file: TsFile, node: Node): boolean {
  const value = file.resolver.constantNode(node);
  if (Node.isObjectLiteralExpression(value) || Node.isNewExpression(value)) return false;
  const resolved = file.resolver.resolveName(node);
  return !resolved.dynamic || resolved.override !== undefined;
}

function hubNames(file: TsFile, hub: { node: Node; entityPath?: string }): ResolvedName {
  // A literal connection string also holds a key: only its entity path is kept.
  if (hub.entityPath) return { name: hub.entityPath, dynamic: false };
  return file.resolver.resolveName(hub.node);
}

function sendBatch(
  file: TsFile,
  call: MethodCall,
  client: NewExpression,
  handlers: ReadonlyMap<Node, NodeRef>,
): GraphRecord[] {
  const hub = hubExpression(file, client.getArguments());
  if (!hub) return [];
  const properties: Properties = { batch: true };
  const [events, options] = call.call.getArguments();
  const batchOptions = batchCreation(file, events);
  const key =
    file.resolver.objectProperties(options).get('partitionKey') ??
    file.resolver.objectProperties(batchOptions).get('partitionKey');
  if (key) properties.key = compactText(key);

  const targets = hub.entityPath
    ? publishTargets(file, [call.call], call.call, handlers)
    : publishTargets(file, [hub.node], call.call, handlers);
  return targets.flatMap((target) => {
    const name = hub.entityPath
      ? hubNames(file, hub)
      : (target.names[0] ?? file.resolver.resolveName(hub.node));
    const to = ref.channel('Topic', TECHNOLOGY, name.name);
    const edgeProperties: Properties = { ...properties };
    if (target.via !== undefined) edgeProperties.via = target.via;
    const evidence = target.evidence;
    return [
      channelRecord('Topic', 'topic', TECHNOLOGY, name, evidence),
      edgeRecord(
        'PUBLISHES',
        target.publisher,
        to,
        { technology: TECHNOLOGY, properties: edgeProperties },
        evidence,
      ),
    ];
  });
}

/** The options of `producer.createBatch(options)` that made a batch. */
function batchCreation(file: TsFile, batch: Node | undefined): Node | undefined {
  const origin = batch ? file.resolver.traceOrigin(batch) : undefined;
  const step = origin?.steps.at(-1);
  if (step?.kind !== 'call') return undefined;
  const callee = step.node.getExpression();
  return Node.isPropertyAccessExpression(callee) && callee.getName() === 'createBatch'
    ? step.node.getArguments()[0]
    : undefined;
}

function subscribe(
  file: TsFile,
  call: MethodCall,
  client: NewExpression,
  handlers: Map<Node, NodeRef>,
  names: HandlerNames,
): GraphRecord[] {
  const [groupNode, ...rest] = client.getArguments();
  const hub = hubExpression(file, rest);
  if (!groupNode || !hub) return [];
  const group = groupNode.getText().endsWith('defaultConsumerGroupName')
    ? DEFAULT_GROUP
    : file.resolver.resolveName(groupNode).name;
  const name = hubNames(file, hub);

  // subscribe(handlers, options) or subscribe(partitionId, handlers, options).
  const args = call.call.getArguments();
  const handlersArgument = args.find((a) => file.resolver.objectProperties(a).has('processEvents'));
  const processor = file.resolver.objectProperties(handlersArgument).get('processEvents');
  const fn = processor ? file.resolver.functionOf(processor) : undefined;
  const declared = fn ? functionName(fn) : undefined;
  const given =
    declared !== undefined && declared !== 'processEvents' ? declared : `${group} processEvents`;
  const { ref: handler, name: handlerName } = names.handler(call.call, fn ?? call.call, given);
  if (fn) handlers.set(fn, handler);

  const properties: Properties = { group, batch: true };
  const options = file.resolver.objectProperties(args[args.indexOf(handlersArgument as Node) + 1]);
  const size = file.resolver.literalOf(options.get('maxBatchSize'));
  if (typeof size === 'number') properties.prefetch = size;
  const evidence = evidenceOf(file, call.call);
  const to = ref.channel('Topic', TECHNOLOGY, name.name);
  const records: GraphRecord[] = [
    nodeRecord(
      handler,
      { name: handlerName, technology: TECHNOLOGY, properties: { group, batch: true } },
      evidenceOf(file, fn ?? call.call),
    ),
    channelRecord('Topic', 'topic', TECHNOLOGY, name, evidence),
    edgeRecord('CONSUMES', handler, to, { technology: TECHNOLOGY, properties }, evidence),
  ];
  if (fn) {
    for (const carried of distinctEvents(parsedEvents(file, fn)))
      records.push(...carriesRecords(file, to, carried, TECHNOLOGY));
  }
  return records;
}
