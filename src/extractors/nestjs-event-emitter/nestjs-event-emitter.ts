// @nestjs/event-emitter: @OnEvent listeners and EventEmitter2.emit / emitAsync on the
// injected emitter. Events stay inside one process: channels are `in-process`.
import createDebug from 'debug';
import { Node, SyntaxKind, type MethodDeclaration } from 'ts-morph';
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
import { originTokens, strip } from '../../lang/typescript/resolve.js';
import {
  evidenceOf,
  HandlerNames,
  methodCalls,
  publishTargets,
} from '../../lang/typescript/sites.js';
import {
  carriesRecords,
  distinctEvents,
  publishedEvents,
} from '../../lang/typescript/payload-types.js';

const debug = createDebug('eventgraph:extract:nestjs-event-emitter');

export const nestjsEventEmitterExtractor: Extractor<TsFile> = {
  id: 'nestjs-event-emitter',
  title: '@nestjs/event-emitter listeners and emits',
  docs: 'https://docs.nestjs.com/techniques/events',
  language: 'typescript',
  technologies: ['in-process'],
  packages: ['@nestjs/event-emitter'],
  imports: ['@nestjs/event-emitter'],
  prefilter: ['@nestjs/event-emitter', 'OnEvent', 'EventEmitter2'],
  emits: { nodes: ['Topic', 'Handler', 'Event'], edges: ['PUBLISHES', 'CONSUMES', 'CARRIES'] },
  extract,
};

const TECHNOLOGY = 'in-process';
const MODULE = '@nestjs/event-emitter';

function extract(file: TsFile): GraphRecord[] {
  const records: GraphRecord[] = [];
  const handlers = new Map<Node, NodeRef>();
  const names = new HandlerNames(file);
  for (const cls of file.source.getDescendantsOfKind(SyntaxKind.ClassDeclaration)) {
    for (const method of cls.getMethods()) records.push(...listener(file, method, handlers, names));
  }
  for (const call of methodCalls(file, new Set(['emit', 'emitAsync']))) {
    const origin = file.resolver.traceOrigin(call.object);
    if (origin?.module !== MODULE && origin?.module !== 'eventemitter2') continue;
    if (!originTokens(origin).includes('type EventEmitter2')) continue;
    const [eventNode, payload] = call.call.getArguments();
    if (!eventNode) continue;
    for (const target of publishTargets(file, [eventNode], call.call, handlers)) {
      for (const name of eventNames(file, target.expressions[0] ?? eventNode)) {
        const properties: Properties = {};
        if (target.via !== undefined) properties.via = target.via;
        if (call.method === 'emitAsync') properties.awaited = true;
        records.push(
          channel(name, target.evidence),
          edgeRecord(
            'PUBLISHES',
            target.publisher,
            channelRef(name),
            { technology: TECHNOLOGY, properties },
            target.evidence,
          ),
          ...distinctEvents(publishedEvents(file, payload, target)).flatMap((carried) =>
            carriesRecords(file, channelRef(name), carried, TECHNOLOGY),
          ),
        );
      }
    }
  }
  debug('%s: %d records', file.input.path, records.length);
  return records;
}

/** @OnEvent(event | events[], { async, prependListener }). */
function listener(
  file: TsFile,
  method: MethodDeclaration,
  handlers: Map<Node, NodeRef>,
  names: HandlerNames,
): GraphRecord[] {
  const records: GraphRecord[] = [];
  for (const decorator of method.getDecorators()) {
    const callee = decorator.getCallExpression()?.getExpression();
    const origin = callee ? file.resolver.traceOrigin(callee) : undefined;
    if (origin?.module !== MODULE || originTokens(origin).join(' ') !== 'OnEvent') continue;
    const [eventNode, options] = decorator.getArguments();
    if (!eventNode) continue;
    const { ref: handler, name } = names.handler(method, method, method.getName());
    handlers.set(method, handler);
    const properties: Properties = {};
    const async = file.resolver.literalOf(file.resolver.objectProperties(options).get('async'));
    if (typeof async === 'boolean') properties.async = async;
    const evidence = evidenceOf(file, decorator);
    records.push(
      nodeRecord(handler, { name, technology: TECHNOLOGY, properties }, evidenceOf(file, method)),
    );
    for (const event of eventNames(file, eventNode)) {
      records.push(
        channel(event, evidence),
        edgeRecord(
          'CONSUMES',
          handler,
          channelRef(event),
          { technology: TECHNOLOGY, properties: { ...properties } },
          evidence,
        ),
      );
    }
  }
  return records;
}

/** One name, or each of an array of names; a wildcard ('order.*') stays as written. */
function eventNames(file: TsFile, node: Node): ResolvedName[] {
  const value = file.resolver.constantNode(node);
  if (Node.isArrayLiteralExpression(value)) {
    return value.getElements().map((element) => file.resolver.resolveName(element));
  }
  return [file.resolver.resolveName(strip(node))];
}

function channel(name: ResolvedName, evidence: ReturnType<typeof evidenceOf>): GraphRecord {
  const properties: Properties = {};
  if (!name.dynamic && /(^|[.:])(\*\*?)($|[.:])/.test(name.name)) properties.wildcard = true;
  return channelRecord('Topic', 'channel', TECHNOLOGY, name, evidence, properties);
}

function channelRef(name: ResolvedName): NodeRef {
  return ref.channel('Topic', TECHNOLOGY, name.name);
}
