// @nestjs/cqrs: command, query and event handlers, sagas, the buses that dispatch to them
// and AggregateRoot.apply. Each message class is an in-process channel named after it.
import createDebug from 'debug';
import {
  Node,
  SyntaxKind,
  type ClassDeclaration,
  type Decorator,
  type PropertyDeclaration,
} from 'ts-morph';
import {
  channelRecord,
  edgeRecord,
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
import { originTokens, strip } from '../../lang/typescript/resolve.js';
import { evidenceOf, HandlerNames, methodCalls, publisherOf } from '../../lang/typescript/sites.js';

const debug = createDebug('eventgraph:extract:nestjs-cqrs');

export const nestjsCqrsExtractor: Extractor<TsFile> = {
  id: 'nestjs-cqrs',
  title: '@nestjs/cqrs commands, queries, events and sagas',
  docs: 'https://docs.nestjs.com/recipes/cqrs',
  language: 'typescript',
  technologies: ['nestjs-cqrs', 'in-process'],
  packages: ['@nestjs/cqrs'],
  imports: ['@nestjs/cqrs'],
  prefilter: ['@nestjs/cqrs'],
  emits: { nodes: ['Topic', 'Handler'], edges: ['PUBLISHES', 'CONSUMES'] },
  extract,
};

const FRAMEWORK = 'nestjs-cqrs';
const CHANNEL = 'in-process';
const MODULE = '@nestjs/cqrs';

type Bus = 'command' | 'query' | 'event';

const HANDLER_DECORATORS: Readonly<Record<string, Bus>> = {
  CommandHandler: 'command',
  QueryHandler: 'query',
  EventsHandler: 'event',
};

const BUSES: Readonly<Record<string, Bus>> = {
  CommandBus: 'command',
  QueryBus: 'query',
  EventBus: 'event',
};

function extract(file: TsFile): GraphRecord[] {
  const records: GraphRecord[] = [];
  const handlers = new Map<Node, NodeRef>();
  const names = new HandlerNames(file);
  for (const cls of file.source.getDescendantsOfKind(SyntaxKind.ClassDeclaration)) {
    for (const decorator of cls.getDecorators()) {
      const bus = HANDLER_DECORATORS[fromCqrs(file, decorator) ?? ''];
      if (bus) records.push(...messageHandler(file, cls, decorator, bus, handlers, names));
    }
    for (const property of cls.getProperties()) {
      const saga = property.getDecorators().find((d) => fromCqrs(file, d) === 'Saga');
      if (saga) records.push(...sagaOf(file, cls, property, saga, handlers, names));
    }
  }
  for (const call of methodCalls(file, new Set(['execute', 'publish', 'publishAll']))) {
    const origin = file.resolver.traceOrigin(call.object);
    if (origin?.module !== MODULE) continue;
    const type = origin.steps.at(-1);
    const bus = type?.kind === 'type' ? BUSES[type.name] : undefined;
    if (!bus) continue;
    const [argument] = call.call.getArguments();
    if (!argument) continue;
    const messages = call.method === 'publishAll' ? elementsOf(argument) : [argument];
    const publisher = publisherOf(file, call.call, handlers);
    for (const message of messages) {
      records.push(...dispatch(file, publisher, message, bus, evidenceOf(file, call.call), {}));
    }
  }
  records.push(...applied(file, handlers));
  debug('%s: %d records', file.input.path, records.length);
  return records;
}

function fromCqrs(file: TsFile, decorator: Decorator): string | undefined {
  const callee = decorator.getCallExpression()?.getExpression();
  const origin = callee ? file.resolver.traceOrigin(callee) : undefined;
  if (origin?.module !== MODULE) return undefined;
  return originTokens(origin).join(' ');
}

/** @CommandHandler(C), @QueryHandler(Q), @EventsHandler(A, B): the class handles each. */
function messageHandler(
  file: TsFile,
  cls: ClassDeclaration,
  decorator: Decorator,
  bus: Bus,
  handlers: Map<Node, NodeRef>,
  names: HandlerNames,
): GraphRecord[] {
  const given = cls.getName() ?? `${bus} handler`;
  const { ref: handler, name } = names.handler(cls, cls, given);
  handlers.set(cls, handler);
  const evidence = evidenceOf(file, decorator);
  const records: GraphRecord[] = [
    nodeRecord(handler, { name, technology: FRAMEWORK, properties: { role: bus } }, evidence),
  ];
  for (const argument of decorator.getArguments()) {
    records.push(...consume(handler, messageName(file, argument), bus, evidence));
  }
  return records;
}

/**
 * @Saga() name = (events$) => events$.pipe(ofType(A), map(() => new SomeCommand())): consumes
 * the events it filters on and dispatches the commands it creates.
 */
function sagaOf(
  file: TsFile,
  cls: ClassDeclaration,
  property: PropertyDeclaration,
  decorator: Decorator,
  handlers: Map<Node, NodeRef>,
  names: HandlerNames,
): GraphRecord[] {
  const initializer = property.getInitializer();
  if (!initializer) return [];
  const owner = cls.getName();
  const given = owner === undefined ? property.getName() : `${owner}.${property.getName()}`;
  const { ref: handler, name } = names.handler(property, property, given);
  handlers.set(initializer, handler);
  const evidence = evidenceOf(file, decorator);
  const records: GraphRecord[] = [
    nodeRecord(handler, { name, technology: FRAMEWORK, properties: { role: 'saga' } }, evidence),
  ];
  for (const call of initializer.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    if (strip(call.getExpression()).getText() !== 'ofType') continue;
    for (const argument of call.getArguments()) {
      records.push(
        ...consume(handler, messageName(file, argument), 'event', evidenceOf(file, call)),
      );
    }
  }
  for (const created of initializer.getDescendantsOfKind(SyntaxKind.NewExpression)) {
    const made = file.resolver.constantNode(created.getExpression());
    if (!Node.isClassDeclaration(made)) continue;
    records.push(...dispatch(file, handler, created, 'command', evidenceOf(file, created), {}));
  }
  return records;
}

/** `this.apply(new OrderPlaced())` in a class extending AggregateRoot. */
function applied(file: TsFile, handlers: ReadonlyMap<Node, NodeRef>): GraphRecord[] {
  const records: GraphRecord[] = [];
  for (const call of methodCalls(file, new Set(['apply']))) {
    if (call.object.getKind() !== SyntaxKind.ThisKeyword) continue;
    const cls = call.call.getFirstAncestorByKind(SyntaxKind.ClassDeclaration);
    const base = cls?.getExtends()?.getExpression();
    const origin = base ? file.resolver.traceOrigin(base) : undefined;
    if (origin?.module !== MODULE || originTokens(origin).join(' ') !== 'AggregateRoot') continue;
    const [argument] = call.call.getArguments();
    if (!argument) continue;
    const publisher = publisherOf(file, call.call, handlers);
    records.push(
      ...dispatch(file, publisher, argument, 'event', evidenceOf(file, call.call), {
        via: 'AggregateRoot.apply',
      }),
    );
  }
  return records;
}

// ---- shared ------------------------------------------------------------------------------

function consume(
  handler: NodeRef,
  message: ResolvedName,
  bus: Bus,
  evidence: Evidence,
): GraphRecord[] {
  return [
    channel(message, bus, evidence),
    edgeRecord('CONSUMES', handler, channelRef(message), { technology: FRAMEWORK }, evidence),
  ];
}

function dispatch(
  file: TsFile,
  publisher: NodeRef,
  message: Node,
  bus: Bus,
  evidence: Evidence,
  properties: Properties,
): GraphRecord[] {
  const name = messageName(file, message);
  return [
    channel(name, bus, evidence),
    edgeRecord(
      'PUBLISHES',
      publisher,
      channelRef(name),
      { technology: FRAMEWORK, properties },
      evidence,
    ),
  ];
}

/** The class of a message: `new X()`, a class named directly, or a variable or parameter's type. */
function messageName(file: TsFile, node: Node): ResolvedName {
  let value = strip(node);
  if (Node.isIdentifier(value)) {
    const definition = file.resolver.definitionOf(value);
    if (Node.isClassDeclaration(definition) || Node.isImportSpecifier(definition)) {
      return { name: value.getText(), dynamic: false };
    }
    if (Node.isVariableDeclaration(definition) || Node.isParameterDeclaration(definition)) {
      const initializer = Node.isVariableDeclaration(definition)
        ? definition.getInitializer()
        : undefined;
      const typeNode = definition.getTypeNode();
      if (initializer) value = strip(initializer);
      else if (typeNode && Node.isTypeReference(typeNode)) {
        return { name: typeNode.getTypeName().getText(), dynamic: false };
      }
    }
  }
  if (Node.isNewExpression(value)) {
    const callee = strip(value.getExpression());
    if (Node.isIdentifier(callee) || Node.isPropertyAccessExpression(callee)) {
      return { name: callee.getText(), dynamic: false };
    }
  }
  const text = node.getText();
  return { name: text, dynamic: true, expression: text };
}

function elementsOf(node: Node): Node[] {
  const value = strip(node);
  return Node.isArrayLiteralExpression(value) ? value.getElements() : [];
}

function channel(name: ResolvedName, bus: Bus, evidence: Evidence): GraphRecord {
  return channelRecord('Topic', 'channel', CHANNEL, name, evidence, { bus });
}

function channelRef(name: ResolvedName): NodeRef {
  return ref.channel('Topic', CHANNEL, name.name);
}
