// Hand-written message buses: a dict from message class to its handler (a command) or its
// list of handlers (an event), dispatched by `type(message)`. Each message class becomes a
// Topic of its own, consumed by every handler registered for it.
import {
  channelRecord,
  edgeRecord,
  nodeRecord,
  ref,
  type GraphRecord,
  type NodeRef,
  type Properties,
} from '../../model/graph.js';
import { callsIn, evidenceOf, locationOf } from '../../lang/python/call-sites.js';
import type { PyFile } from '../../lang/python/frontend.js';
import type { PyModule } from '../../lang/python/module-index.js';
import {
  eventNodeRecord,
  eventTypeOfClass,
  messageClassOf,
  type PyEventType,
} from '../../lang/python/payload-types.js';
import { annotatedType, type Located } from '../../lang/python/resolve.js';
import {
  enclosingFunction,
  functionName,
  ownDescendants,
  parametersOf,
  positionalArguments,
} from '../../lang/python/syntax.js';
import type { SyntaxNode } from '../../lang/python/tree-sitter.js';

const TECHNOLOGY = 'in-process';
// Methods a bus is handed a message with; `append` only on an aggregate's `events` list.
const SEND_METHODS = new Set([
  'handle',
  'dispatch',
  'publish',
  'send',
  'emit',
  'execute',
  'handle_command',
  'handle_event',
]);

interface Registration {
  key: Located;
  cls: Located;
  handlers: Located[];
  /** A single handler per class: a command; a list: an event with subscribers. */
  single: boolean;
  entry: SyntaxNode;
}

/** Records for every dispatch map written in this file. */
export function dispatchMapRecords(file: PyFile): GraphRecord[] {
  const records: GraphRecord[] = [];
  for (const dict of file.module.root.descendantsOfType('dictionary')) {
    const registrations = readDispatchMap(file, dict);
    if (!registrations || !dispatchesByType(file, registrations)) continue;
    const handlerFunctions = new Set(
      registrations.flatMap((r) => r.handlers.map((h) => h.node.id)),
    );
    for (const registration of registrations) {
      records.push(...registrationRecords(file, registration, handlerFunctions));
    }
  }
  return records;
}

// `{Allocated: [a, b], Allocate: c}`: every key a project class, every value a project
// function or a list of them.
function readDispatchMap(file: PyFile, dict: SyntaxNode): Registration[] | undefined {
  const registrations: Registration[] = [];
  for (const pair of dict.namedChildren) {
    if (pair.type === 'comment') continue;
    if (pair.type !== 'pair') return undefined;
    const key = pair.childForFieldName('key');
    const value = pair.childForFieldName('value');
    if (!key || !value) return undefined;
    const cls = file.resolver.bind(file.module, key);
    if (cls?.kind !== 'class') return undefined;
    const single = value.type !== 'list' && value.type !== 'tuple';
    const elements = single ? [value] : value.namedChildren.filter((c) => c.type !== 'comment');
    const handlers: Located[] = [];
    for (const element of elements) {
      const fn = file.resolver.bind(file.module, element);
      if (fn?.kind !== 'function') return undefined;
      handlers.push({ module: fn.module, node: fn.node });
    }
    registrations.push({
      key: { module: file.module, node: key },
      cls: { module: cls.module, node: cls.node },
      handlers,
      single,
      entry: pair,
    });
  }
  return registrations.length > 0 ? registrations : undefined;
}

// A handler declaring the class it is registered for, or code that looks handlers up by
// `type(message)`, shows the dict is a bus and not a table of classes to functions.
function dispatchesByType(file: PyFile, registrations: readonly Registration[]): boolean {
  const declared = registrations.some((r) =>
    r.handlers.some((h) => {
      const first = parametersOf(h.node)[0];
      const type = first?.annotation ? annotatedType(first.annotation) : undefined;
      const bound = type ? file.resolver.bind(h.module, type) : undefined;
      return bound?.kind === 'class' && bound.node.id === r.cls.node.id;
    }),
  );
  if (declared) return true;
  return file.project
    .modulesMentioning('[type(')
    .some((m) => m.root.descendantsOfType('subscript').some(isTypeLookup));
}

function isTypeLookup(subscript: SyntaxNode): boolean {
  const index = subscript.childForFieldName('subscript');
  return index?.type === 'call' && index.childForFieldName('function')?.text === 'type';
}

function registrationRecords(
  file: PyFile,
  registration: Registration,
  handlerFunctions: ReadonlySet<number>,
): GraphRecord[] {
  const { cls, entry } = registration;
  const event = eventTypeOfClass(file.resolver, cls.module, cls.node);
  if (!event) return [];
  if (event.category === undefined) event.category = registration.single ? 'command' : 'domain';
  const evidence = evidenceOf(file, entry);
  const topic = ref.channel('Topic', TECHNOLOGY, event.name);
  const records: GraphRecord[] = [
    eventNodeRecord(file, event),
    channelRecord('Topic', 'topic', TECHNOLOGY, { name: event.name, dynamic: false }, evidence, {
      dispatch: 'message-type',
    }),
    edgeRecord(
      'CARRIES',
      topic,
      ref.event(file.input.repository, event.name),
      { technology: TECHNOLOGY },
      evidence,
    ),
  ];
  for (const handler of registration.handlers) {
    const name = functionName(handler.node);
    const handlerRef = ref.handler(locationOf(file, handler.module), name);
    const properties: Properties = { role: registration.single ? 'command' : 'event' };
    const projection = registration.single
      ? undefined
      : projectionOf(file, handler, handlerFunctions);
    if (projection) properties.projection = projection;
    records.push(
      nodeRecord(
        handlerRef,
        { name, technology: TECHNOLOGY, properties },
        evidenceOf(file, handler.node, handler.module),
      ),
      // Every handler of an in-process bus receives each message: its own subscription.
      edgeRecord(
        'CONSUMES',
        handlerRef,
        topic,
        { technology: TECHNOLOGY, properties: { group: name } },
        evidence,
      ),
    );
  }
  records.push(...publishRecords(file, event, topic, handlerFunctions));
  return records;
}

const WRITES = /\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+["`]?(\w+)/gi;
const READS = /\b(?:FROM|JOIN)\s+["`]?(\w+)/gi;

/**
 * A read model: a table an event handler writes with SQL and that code outside the bus's
 * handlers reads, as a query or a view does.
 */
function projectionOf(
  file: PyFile,
  handler: Located,
  handlerFunctions: ReadonlySet<number>,
): string | undefined {
  const tables = new Set<string>();
  for (const string of ownDescendants(handler.node, 'string')) {
    for (const match of string.text.matchAll(WRITES)) if (match[1]) tables.add(match[1]);
  }
  for (const table of tables) {
    for (const module of file.project.modulesMentioning(table)) {
      const readers = module.root
        .descendantsOfType('string')
        .filter((s) => /\bSELECT\b/i.test(s.text))
        .filter((s) => [...s.text.matchAll(READS)].some((m) => m[1] === table))
        .map((s) => enclosingFunction(s));
      if (readers.some((fn) => fn && !handlerFunctions.has(fn.id))) return table;
    }
  }
  return undefined;
}

// `bus.handle(commands.Allocate(...))` and `self.events.append(events.Allocated(...))`: the
// code that hands a message of this class to the bus or collects it for the bus.
function publishRecords(
  file: PyFile,
  event: PyEventType,
  topic: NodeRef,
  handlerFunctions: ReadonlySet<number>,
): GraphRecord[] {
  const records: GraphRecord[] = [];
  for (const module of file.project.modulesMentioning(event.name)) {
    if (isTestModule(module)) continue;
    for (const call of callsIn(module)) {
      const method = call.method?.text;
      if (!call.call || !method) continue;
      const collected = method === 'append' && /(^|\.)(_?events)$/.test(call.receiver?.text ?? '');
      if (!collected && !SEND_METHODS.has(method)) continue;
      const [message] = positionalArguments(call.arguments);
      if (!message) continue;
      const cls = messageClassOf(file.resolver, { module, node: message });
      if (!cls || functionName(cls.node) !== event.name) continue;
      if (cls.node.id !== event.declaration.node.id) continue;
      const fn = enclosingFunction(call.call);
      const from =
        fn && handlerFunctions.has(fn.id)
          ? ref.handler(locationOf(file, module), functionName(fn))
          : ref.serviceOf(locationOf(file, module));
      const properties: Properties = collected ? { collected: true } : {};
      records.push(
        edgeRecord(
          'PUBLISHES',
          from,
          topic,
          { technology: TECHNOLOGY, properties },
          evidenceOf(file, call.call, module),
        ),
      );
    }
  }
  return records;
}

function isTestModule(module: PyModule): boolean {
  return /(^|\/)(tests?|testing)\/|(^|\/)test_[^/]*\.py$|_test\.py$|conftest\.py$/.test(
    module.path,
  );
}
