// sqs-consumer: `Consumer.create({ queueUrl, handleMessage | handleMessageBatch, batchSize })`
// or `new Consumer({...})` polls one queue (or `queueUrls`) and calls the handler.
// https://github.com/bbc/sqs-consumer#usage
import { Node, SyntaxKind } from 'ts-morph';
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
import type { TsFile } from '../../lang/typescript/frontend.js';
import { functionName, originTokens } from '../../lang/typescript/resolve.js';
import { evidenceOf, HandlerNames } from '../../lang/typescript/sites.js';
import {
  carriesRecords,
  distinctEvents,
  parsedEvents,
} from '../../lang/typescript/payload-types.js';
import { resourceTargets } from './resource-names.js';

export function sqsConsumers(
  file: TsFile,
  handlers: Map<Node, NodeRef>,
  names: HandlerNames,
): GraphRecord[] {
  const records: GraphRecord[] = [];
  const creations = [
    ...file.source.getDescendantsOfKind(SyntaxKind.CallExpression),
    ...file.source.getDescendantsOfKind(SyntaxKind.NewExpression),
  ];
  for (const creation of creations) {
    const callee = creation.getExpression();
    if (!/(^|\.)(create|Consumer)$/.test(callee.getText())) continue;
    const origin = file.resolver.traceOrigin(callee);
    if (origin?.module !== 'sqs-consumer') continue;
    const tokens = originTokens(origin).join(' ');
    const made = Node.isNewExpression(creation)
      ? tokens === 'Consumer'
      : /^(Consumer )?create$/.test(tokens);
    if (made) records.push(...consumer(file, creation, handlers, names));
  }
  return records;
}

function consumer(
  file: TsFile,
  creation: Node & { getArguments(): Node[] },
  handlers: Map<Node, NodeRef>,
  names: HandlerNames,
): GraphRecord[] {
  const options = file.resolver.objectProperties(creation.getArguments()[0]);
  const processor = options.get('handleMessageBatch') ?? options.get('handleMessage');
  if (!processor) return [];
  const size = file.resolver.literalOf(options.get('batchSize'));
  const batch = options.has('handleMessageBatch') || (typeof size === 'number' && size > 1);
  const fn = file.resolver.functionOf(processor);
  const declared = fn ? functionName(fn) : undefined;

  const urls = options.get('queueUrls');
  const list = urls ? file.resolver.constantNode(urls) : undefined;
  const queues =
    list && Node.isArrayLiteralExpression(list)
      ? list.getElements()
      : [options.get('queueUrl')].filter((n): n is Node => n !== undefined);

  const records: GraphRecord[] = [];
  for (const url of queues) {
    for (const target of resourceTargets(file, url, url, new Map())) {
      const given =
        declared !== undefined && declared !== 'handleMessage' && declared !== 'handleMessageBatch'
          ? declared
          : `${target.name.name} ${batch ? 'handleMessageBatch' : 'handleMessage'}`;
      const { ref: handler, name } = names.handler(creation, fn ?? creation, given);
      if (fn) handlers.set(fn, handler);
      const properties: Properties = { batch };
      if (typeof size === 'number') properties.prefetch = size;
      records.push(
        nodeRecord(
          handler,
          { name, technology: 'sqs', properties: { batch } },
          evidenceOf(file, fn ?? creation),
        ),
        channelRecord('Queue', 'queue', 'sqs', target.name, target.evidence),
        edgeRecord(
          'CONSUMES',
          handler,
          queueRef(target.name),
          { technology: 'sqs', properties },
          target.evidence,
        ),
      );
      if (fn && queues.length === 1) {
        for (const carried of distinctEvents(parsedEvents(file, fn)))
          records.push(...carriesRecords(file, queueRef(target.name), carried, 'sqs'));
      }
    }
  }
  return records;
}

function queueRef(name: ResolvedName): NodeRef {
  return ref.channel('Queue', 'sqs', name.name);
}
