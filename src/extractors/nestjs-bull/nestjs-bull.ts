// @nestjs/bull and @nestjs/bullmq: BullModule.registerQueue, @InjectQueue(name) queues and
// the jobs added to them, @Processor(queue) classes with @Process(name) methods (bull) or a
// process() method (bullmq). Adds to a bullmq Queue are the bullmq extractor's; it asks
// injectedQueueName for the queue's name.
import createDebug from 'debug';
import { Node, SyntaxKind, type CallExpression, type ClassDeclaration } from 'ts-morph';
import {
  channelRecord,
  edgeRecord,
  formatEvidence,
  nodeRecord,
  ref,
  type GraphRecord,
  type NodeRef,
  type Properties,
  type ResolvedName,
} from '../../model/graph.js';
import type { TechnologyId } from '../../model/taxonomy.js';
import type { Extractor } from '../contract.js';
import type { TsFile } from '../../lang/typescript/frontend.js';
import { originTokens, strip } from '../../lang/typescript/resolve.js';
import {
  evidenceOf,
  HandlerNames,
  methodCalls,
  publishTargets,
} from '../../lang/typescript/sites.js';

const debug = createDebug('eventgraph:extract:nestjs-bull');

const MODULES: Readonly<Record<string, 'bull' | 'bullmq'>> = {
  '@nestjs/bull': 'bull',
  '@nestjs/bullmq': 'bullmq',
};

export const nestjsBullExtractor: Extractor<TsFile> = {
  id: 'nestjs-bull',
  title: '@nestjs/bull and @nestjs/bullmq queues, processors and jobs',
  docs: 'https://docs.nestjs.com/techniques/queues',
  language: 'typescript',
  technologies: ['bull', 'bullmq'],
  packages: Object.keys(MODULES),
  imports: Object.keys(MODULES),
  prefilter: Object.keys(MODULES),
  emits: { nodes: ['Queue', 'Job', 'Handler'], edges: ['PUBLISHES', 'ENQUEUES', 'CONSUMES'] },
  extract,
};

/** The decorator or class `callee` names in @nestjs/bull(mq), with the package's technology. */
function nestBull(
  file: TsFile,
  callee: Node | undefined,
): { name: string; technology: 'bull' | 'bullmq' } | undefined {
  if (!callee) return undefined;
  const origin = file.resolver.traceOrigin(callee);
  const technology = origin ? MODULES[origin.module] : undefined;
  if (!origin || !technology) return undefined;
  return { name: originTokens(origin).join(' '), technology };
}

function extract(file: TsFile): GraphRecord[] {
  const records: GraphRecord[] = [];
  const handlers = new Map<Node, NodeRef>();
  const names = new HandlerNames(file);
  for (const call of methodCalls(file, new Set(['registerQueue', 'registerQueueAsync']))) {
    const module = nestBull(file, call.object);
    if (module?.name !== 'BullModule') continue;
    for (const argument of call.call.getArguments()) {
      const nameNode = file.resolver.objectProperties(argument).get('name');
      if (!nameNode) continue;
      const queue = file.resolver.resolveName(nameNode);
      records.push(
        channelRecord('Queue', 'queue', module.technology, queue, evidenceOf(file, argument)),
      );
    }
  }
  for (const cls of file.source.getDescendantsOfKind(SyntaxKind.ClassDeclaration)) {
    records.push(...processor(file, cls, handlers, names));
  }
  for (const call of methodCalls(file, new Set(['add', 'addBulk']))) {
    const injected = injectedQueue(file, call.object);
    // A bullmq Queue's adds are read by the bullmq extractor.
    if (injected?.technology !== 'bull') continue;
    records.push(...bullAdd(file, call.call, call.method, injected.queue, handlers));
  }
  debug('%s: %d records', file.input.path, records.length);
  return records;
}

// ---- queues ------------------------------------------------------------------------------

/** `this.queue` declared with `@InjectQueue(name)`: its name and package. */
function injectedQueue(
  file: TsFile,
  object: Node,
): { queue: ResolvedName; technology: 'bull' | 'bullmq' } | undefined {
  const node = strip(object);
  if (!Node.isPropertyAccessExpression(node)) return undefined;
  if (node.getExpression().getKind() !== SyntaxKind.ThisKeyword) return undefined;
  const cls = node.getFirstAncestorByKind(SyntaxKind.ClassDeclaration);
  if (!cls) return undefined;
  const key = node.getName();
  const members = [cls.getProperty(key), ...cls.getConstructors().map((c) => c.getParameter(key))];
  for (const member of members) {
    if (!member) continue;
    for (const decorator of member.getDecorators()) {
      const module = nestBull(file, decorator.getCallExpression()?.getExpression());
      if (module?.name !== 'InjectQueue') continue;
      const argument = decorator.getArguments()[0];
      // @InjectQueue() with no name is Nest's default queue.
      const queue = argument
        ? file.resolver.resolveName(argument)
        : { name: 'default', dynamic: false };
      return { queue, technology: module.technology };
    }
  }
  return undefined;
}

/** The name of a queue injected with @InjectQueue, for the bullmq extractor. */
export function injectedQueueName(file: TsFile, object: Node): ResolvedName | undefined {
  return injectedQueue(file, object)?.queue;
}

// ---- producing (bull) --------------------------------------------------------------------

/** bull's add([name,] data, [options]): without a name the job is '__default__'. */
function bullAdd(
  file: TsFile,
  call: CallExpression,
  method: string,
  queue: ResolvedName,
  handlers: ReadonlyMap<Node, NodeRef>,
): GraphRecord[] {
  const args = call.getArguments();
  const items =
    method === 'addBulk'
      ? (() => {
          const list = args[0] ? strip(args[0]) : undefined;
          return list && Node.isArrayLiteralExpression(list)
            ? list.getElements().map((item) => file.resolver.objectProperties(item).get('name'))
            : [];
        })()
      : [namedJob(file, args) ? args[0] : undefined];
  const options = method === 'add' ? args[namedJob(file, args) ? 2 : 1] : undefined;
  return items.flatMap((nameNode) => {
    const targets = nameNode
      ? publishTargets(file, [nameNode], call, handlers)
      : publishTargets(file, [], call, handlers);
    return targets.flatMap((target) => {
      const job = target.names[0] ?? { name: '__default__', dynamic: false };
      const jobRef = ref.job(file.input.repository, 'bull', job.name);
      const jobProperties: Properties = { queue: queue.name };
      if (job.dynamic) Object.assign(jobProperties, { dynamic: true, expression: job.name });
      const publish: Properties = { jobName: job.name, ...sendOptions(file, options) };
      if (target.via !== undefined) publish.via = target.via;
      return [
        channelRecord('Queue', 'queue', 'bull', queue, target.evidence),
        nodeRecord(
          jobRef,
          { name: job.name, technology: 'bull', properties: jobProperties },
          target.evidence,
        ),
        edgeRecord(
          'PUBLISHES',
          target.publisher,
          ref.channel('Queue', 'bull', queue.name),
          { technology: 'bull', properties: publish },
          target.evidence,
        ),
        edgeRecord(
          'ENQUEUES',
          target.publisher,
          jobRef,
          { technology: 'bull', properties: { queue: queue.name } },
          target.evidence,
        ),
      ];
    });
  });
}

/** delay, attempts and backoff of one add(). */
function sendOptions(file: TsFile, options: Node | undefined): Properties {
  const fields = file.resolver.objectProperties(options);
  const properties: Properties = {};
  const delay = file.resolver.literalOf(fields.get('delay'));
  if (typeof delay === 'number') properties.delayMs = delay;
  const attempts = file.resolver.literalOf(fields.get('attempts'));
  if (typeof attempts === 'number') {
    properties.attempts = attempts;
    properties.retry = `attempts=${String(attempts)}`;
  }
  return properties;
}

/** add('name', data) names its job; add(data) does not. */
function namedJob(file: TsFile, args: Node[]): boolean {
  const [first, second] = args;
  if (!first || !second) return false;
  const value = file.resolver.constantNode(first);
  if (Node.isObjectLiteralExpression(value) || Node.isArrayLiteralExpression(value)) return false;
  return !file.resolver.resolveName(first).dynamic || Node.isTemplateExpression(value);
}

// ---- consuming ---------------------------------------------------------------------------

/** @Processor(name | { name }) with @Process([name | { name, concurrency }]) or process(). */
function processor(
  file: TsFile,
  cls: ClassDeclaration,
  handlers: Map<Node, NodeRef>,
  names: HandlerNames,
): GraphRecord[] {
  for (const decorator of cls.getDecorators()) {
    const module = nestBull(file, decorator.getCallExpression()?.getExpression());
    if (module?.name !== 'Processor') continue;
    const [first, options] = decorator.getArguments();
    if (!first) continue;
    const fields = file.resolver.objectProperties(first);
    const nameNode = fields.get('name') ?? (fields.size === 0 ? first : undefined);
    if (!nameNode) continue;
    const queue = file.resolver.resolveName(nameNode);
    const technology = module.technology;
    const records: GraphRecord[] = [
      channelRecord('Queue', 'queue', technology, queue, evidenceOf(file, decorator)),
    ];
    if (technology === 'bull') {
      for (const method of cls.getMethods()) {
        for (const process of method.getDecorators()) {
          if (nestBull(file, process.getCallExpression()?.getExpression())?.name !== 'Process')
            continue;
          // One worker takes the queue's jobs and hands each to the method named for it.
          const properties: Properties = {
            dispatcher: formatEvidence(evidenceOf(file, decorator)),
            ...processOptions(file, process.getArguments()[0]),
          };
          if (typeof properties.jobName === 'string') properties.pattern = properties.jobName;
          records.push(
            ...consume(
              file,
              method,
              method.getName(),
              queue,
              technology,
              properties,
              handlers,
              names,
            ),
          );
        }
      }
    } else {
      const method = cls.getInstanceMethod('process');
      if (!method) continue;
      const properties: Properties = {};
      const concurrency = file.resolver.literalOf(
        file.resolver.objectProperties(options).get('concurrency'),
      );
      if (typeof concurrency === 'number') properties.concurrency = concurrency;
      const given = `${cls.getName() ?? queue.name}.process`;
      records.push(...consume(file, method, given, queue, technology, properties, handlers, names));
    }
    return records;
  }
  return [];
}

/** @Process('name') or @Process({ name, concurrency }). */
function processOptions(file: TsFile, argument: Node | undefined): Properties {
  const properties: Properties = {};
  if (!argument) return properties;
  const fields = file.resolver.objectProperties(argument);
  const nameNode = fields.size === 0 ? argument : fields.get('name');
  if (nameNode) properties.jobName = file.resolver.resolveName(nameNode).name;
  const concurrency = file.resolver.literalOf(fields.get('concurrency'));
  if (typeof concurrency === 'number') properties.concurrency = concurrency;
  return properties;
}

function consume(
  file: TsFile,
  method: Node,
  given: string,
  queue: ResolvedName,
  technology: TechnologyId,
  properties: Properties,
  handlers: Map<Node, NodeRef>,
  names: HandlerNames,
): GraphRecord[] {
  const { ref: handler, name } = names.handler(method, method, given);
  handlers.set(method, handler);
  const handlerProperties: Properties = {};
  if (properties.concurrency !== undefined) handlerProperties.concurrency = properties.concurrency;
  const evidence = evidenceOf(file, method);
  return [
    nodeRecord(handler, { name, technology, properties: handlerProperties }, evidence),
    edgeRecord(
      'CONSUMES',
      handler,
      ref.channel('Queue', technology, queue.name),
      { technology, properties },
      evidence,
    ),
  ];
}
