// In-process event buses: one EventEmitter (node:events) or EventEmitter2 shared between
// modules, with named events emitted in one place and listened to in another.
// Only an emitter made once at the top of a module and exported (or used from another
// module) is a bus: process, streams, sockets, requests, servers and an emitter kept inside
// one object have events of their own, not an application's.
import createDebug from 'debug';
import { Node, SyntaxKind, type NewExpression, type VariableDeclaration } from 'ts-morph';
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
import { functionName, originTokens } from '../../lang/typescript/resolve.js';
import {
  evidenceOf,
  HandlerNames,
  methodCalls,
  publishTargets,
  type MethodCall,
} from '../../lang/typescript/sites.js';

const debug = createDebug('eventgraph:extract:event-emitter');

export const eventEmitterExtractor: Extractor<TsFile> = {
  id: 'event-emitter',
  title: 'EventEmitter and EventEmitter2 application buses',
  docs: 'https://nodejs.org/api/events.html',
  language: 'typescript',
  technologies: ['in-process'],
  packages: ['eventemitter2'],
  imports: ['events', 'eventemitter2'],
  prefilter: ['.emit(', '.emitAsync(', '.on(', '.once(', '.addListener(', '.many('],
  emits: { nodes: ['Topic', 'Handler'], edges: ['PUBLISHES', 'CONSUMES'] },
  extract,
};

const TECHNOLOGY = 'in-process';
const MODULES = new Set(['events', 'node:events', 'eventemitter2']);
const EMITTERS = new Set(['EventEmitter', 'EventEmitter2', 'default', '']);
const EMITS = new Set(['emit', 'emitAsync']);
const LISTENS = new Set(['on', 'once', 'addListener', 'prependListener', 'many']);
/** Events every emitter raises about its own listeners. */
const BOOKKEEPING = new Set(['newListener', 'removeListener']);
const MAX_CLASS_DEPTH = 4;

function extract(file: TsFile): GraphRecord[] {
  const records: GraphRecord[] = [];
  const handlers = new Map<Node, NodeRef>();
  const names = new HandlerNames(file);
  const calls = methodCalls(file, new Set([...EMITS, ...LISTENS]));
  // Listeners first, so that an emit inside a listener is published by that listener.
  for (const call of calls.filter((c) => LISTENS.has(c.method))) {
    if (isBus(file, call)) records.push(...listen(file, call, handlers, names));
  }
  for (const call of calls.filter((c) => EMITS.has(c.method))) {
    if (isBus(file, call)) records.push(...emit(file, call, handlers));
  }
  debug('%s: %d records', file.input.path, records.length);
  return records;
}

function listen(
  file: TsFile,
  { call, method }: MethodCall,
  handlers: Map<Node, NodeRef>,
  names: HandlerNames,
): GraphRecord[] {
  const args = call.getArguments();
  const [eventNode] = args;
  const listener = method === 'many' ? args[2] : args[1];
  if (!eventNode || !listener) return [];
  const event = file.resolver.resolveName(eventNode);
  if (BOOKKEEPING.has(event.name)) return [];
  const fn = file.resolver.functionOf(listener);
  const given = (fn ? functionName(fn) : undefined) ?? `${event.name} listener`;
  const { ref: handler, name } = names.handler(call, fn ?? call, given);
  if (fn) handlers.set(fn, handler);
  const evidence = evidenceOf(file, call);
  return [
    nodeRecord(handler, { name, technology: TECHNOLOGY }, fn ? evidenceOf(file, fn) : evidence),
    channelRecord('Topic', 'topic', TECHNOLOGY, event, evidence),
    edgeRecord('CONSUMES', handler, topicRef(event), { technology: TECHNOLOGY }, evidence),
  ];
}

function emit(
  file: TsFile,
  { call }: MethodCall,
  handlers: ReadonlyMap<Node, NodeRef>,
): GraphRecord[] {
  const [eventNode] = call.getArguments();
  if (!eventNode) return [];
  return publishTargets(file, [eventNode], call, handlers).flatMap((target) => {
    const [event] = target.names as [ResolvedName];
    if (BOOKKEEPING.has(event.name)) return [];
    const properties: Properties = target.via === undefined ? {} : { via: target.via };
    return [
      channelRecord('Topic', 'topic', TECHNOLOGY, event, target.evidence),
      edgeRecord(
        'PUBLISHES',
        target.publisher,
        topicRef(event),
        { technology: TECHNOLOGY, properties },
        target.evidence,
      ),
    ];
  });
}

// ---- what is a bus -----------------------------------------------------------------------

/** The object of `x.emit(...)` is an emitter made once at the top of a module and shared. */
function isBus(file: TsFile, { object }: MethodCall): boolean {
  const created = creationOf(file, object);
  return created !== undefined && isShared(created, object);
}

/** `new EventEmitter()`, or `new Bus()` of a project class extending it, that `object` holds. */
function creationOf(file: TsFile, object: Node): NewExpression | undefined {
  const origin = file.resolver.traceOrigin(object);
  if (origin) {
    if (!MODULES.has(origin.module)) return undefined;
    const steps = origin.steps;
    const last = steps[steps.length - 1];
    const tokens = originTokens(origin).slice(0, -1).join(' ');
    return last?.kind === 'new' && EMITTERS.has(tokens) ? last.node : undefined;
  }
  const value = file.resolver.constantNode(object);
  if (!Node.isNewExpression(value)) return undefined;
  return extendsEmitter(file, value.getExpression(), 0) ? value : undefined;
}

function extendsEmitter(file: TsFile, classExpression: Node, depth: number): boolean {
  if (depth > MAX_CLASS_DEPTH) return false;
  const origin = file.resolver.traceOrigin(classExpression);
  if (origin) return MODULES.has(origin.module) && EMITTERS.has(originTokens(origin).join(' '));
  const declaration = file.resolver.constantNode(classExpression);
  if (!Node.isClassDeclaration(declaration) && !Node.isClassExpression(declaration)) return false;
  const base = declaration.getExtends()?.getExpression();
  return base !== undefined && extendsEmitter(file, base, depth + 1);
}

/**
 * Made at the top of a module (`export const bus = new EventEmitter()`, `export default new
 * Bus()`, `module.exports = new Bus()`) and exported, or used from another module.
 */
function isShared(created: NewExpression, object: Node): boolean {
  const top = created.getFirstAncestor((n) => Node.isSourceFile(n.getParent()));
  const parent = created.getParent();
  if (Node.isExportAssignment(top)) return parent === top;
  if (Node.isExpressionStatement(top)) {
    // module.exports = new Bus(), exports.bus = new EventEmitter()
    return (
      Node.isBinaryExpression(parent) &&
      parent.getParent() === top &&
      /^(module\.)?exports\b/.test(parent.getLeft().getText())
    );
  }
  // Only a variable's own initializer: an emitter made inside a function is made per call.
  if (!Node.isVariableStatement(top) || parent.getParent() !== top.getDeclarationList())
    return false;
  if (top.isExported() || created.getSourceFile() !== object.getSourceFile()) return true;
  const declaration = parent;
  return Node.isVariableDeclaration(declaration) && isExportedLater(declaration);
}

/** `export { bus }`, `export default bus`, `module.exports = { bus }`, `exports.bus = bus`. */
function isExportedLater(declaration: VariableDeclaration): boolean {
  const source = declaration.getSourceFile();
  for (const exported of source.getExportedDeclarations().values()) {
    if (exported.includes(declaration)) return true;
  }
  const name = declaration.getName();
  return source.getStatements().some((statement) => {
    if (!Node.isExpressionStatement(statement)) return false;
    const assignment = statement.getExpression();
    if (!Node.isBinaryExpression(assignment)) return false;
    if (!/^(module\.)?exports\b/.test(assignment.getLeft().getText())) return false;
    const right = assignment.getRight();
    return (
      (Node.isIdentifier(right) && right.getText() === name) ||
      right.getDescendantsOfKind(SyntaxKind.Identifier).some((id) => id.getText() === name)
    );
  });
}

function topicRef(event: ResolvedName): NodeRef {
  return ref.channel('Topic', TECHNOLOGY, event.name);
}
