// Event types: which type of the project a message body holds, at a publish site or where a
// handler parses what it consumed. Only a type the code names (an interface, a class or a type
// alias of an object type declared in the scanned files) or an object literal that names itself
// (`type: 'OrderShipped'`) makes an Event; `any`, primitives and library types make none.
import {
  Node,
  SyntaxKind,
  VariableDeclarationKind,
  type CallExpression,
  type Type,
  type TypeNode,
} from 'ts-morph';
import {
  edgeRecord,
  evidenceAt,
  nodeRecord,
  ref,
  type Evidence,
  type GraphRecord,
  type NodeRef,
  type Properties,
} from '../../model/graph.js';
import type { TechnologyId } from '../../model/taxonomy.js';
import type { TsFile } from './frontend.js';
import { strip, VIRTUAL_ROOT } from './resolve.js';
import { evidenceOf, lineOf, locationOf, type PublishTarget } from './sites.js';

export interface EventType {
  name: string;
  /** Where the type is declared, or the property of an object literal that names it. */
  declaration: Node;
  fields: string[];
  metadataFields: string[];
  version?: string | number;
  category?: 'command' | 'domain';
}

/** An event type seen on a channel, with the line that shows it. */
export interface CarriedEvent {
  event: EventType;
  evidence: Evidence;
}

const METADATA_FIELDS = new Set(
  [
    'id',
    'eventId',
    'messageId',
    'timestamp',
    'occurredAt',
    'createdAt',
    'emittedAt',
    'correlationId',
    'causationId',
    'traceId',
    'version',
    'schemaVersion',
    'source',
    'type',
    'eventType',
    'metadata',
  ].map(normalized),
);
const VERSION_FIELDS = ['version', 'schemaVersion'];
/** Properties of an object literal that name the event it is, most telling first. */
const DISCRIMINATORS = ['type', 'eventType', 'event', 'name'];

// ---- publish side ------------------------------------------------------------------------

/** The value a message body serializes: `x` in `JSON.stringify(x)` or `Buffer.from(...)`. */
export function serializedValue(file: TsFile, expression: Node): Node {
  let current = expression;
  for (let depth = 0; depth < 4; depth += 1) {
    // The value keeps its own annotation (`x satisfies OrderCreated`), so it is not stripped.
    const inner = unwrapped(file, strip(current));
    if (!inner) return current;
    current = inner;
  }
  return current;
}

function unwrapped(file: TsFile, node: Node): Node | undefined {
  if (Node.isCallExpression(node) || Node.isNewExpression(node)) {
    const callee = node.getExpression().getText();
    const first = node.getArguments()[0];
    const serializer =
      callee === 'JSON.stringify' || callee === 'Buffer.from' || callee === 'Buffer';
    return serializer ? first : undefined;
  }
  // `const body = JSON.stringify(event)` then `value: body`.
  if (Node.isIdentifier(node)) {
    const definition = file.resolver.definitionOf(node);
    if (!Node.isVariableDeclaration(definition)) return undefined;
    if (definition.getVariableStatement()?.getDeclarationKind() !== VariableDeclarationKind.Const)
      return undefined;
    const initializer = definition.getInitializer();
    return initializer && unwrapped(file, strip(initializer)) ? initializer : undefined;
  }
  return undefined;
}

/**
 * Event types a publish carries. When the payload is a parameter of the wrapper the channel
 * name came through, each caller's argument decides, with the caller as evidence.
 */
export function publishedEvents(
  file: TsFile,
  payload: Node | undefined,
  target: PublishTarget,
): CarriedEvent[] {
  if (!payload) return [];
  return payloadSites(file, serializedValue(file, payload), target.calls ?? []).flatMap(
    ({ expression, site }) => {
      const event = eventOfExpression(file, serializedValue(file, expression), site);
      if (!event) return [];
      return [{ event, evidence: site ? evidenceOf(file, site) : target.evidence }];
    },
  );
}

/** The payload as the caller that supplied it wrote it, following the channel's wrappers. */
function payloadSites(
  file: TsFile,
  payload: Node,
  calls: readonly CallExpression[],
): { expression: Node; site?: CallExpression }[] {
  let expression = payload;
  let site: CallExpression | undefined;
  for (const call of calls) {
    const parameter = file.resolver.parameterOf(expression);
    if (!parameter) break;
    const fn = parameter.declaration.getParent();
    if (!file.resolver.callSitesOf(fn).includes(call)) break;
    const argument = call.getArguments()[parameter.index];
    if (!argument) return [];
    expression = argument;
    site = call;
  }
  if (!file.resolver.parameterOf(expression)) return [{ expression, site }];
  // The channel is fixed but the payload comes from the callers of this function.
  return file.resolver.nameSites([expression]).flatMap((found) => {
    const written = found.expressions[0];
    return written ? [{ expression: written, site: found.site ?? site }] : [];
  });
}

/**
 * The event type an expression holds: its annotation (`as`, `satisfies`), its declared type,
 * an object literal naming itself, or the type the called wrapper declares for it.
 */
export function eventOfExpression(
  file: TsFile,
  expression: Node,
  site?: CallExpression,
): EventType | undefined {
  const annotated = annotationOf(expression);
  const fromAnnotation = annotated ? eventOfTypeNode(file, annotated, expression) : undefined;
  if (fromAnnotation) return fromAnnotation;

  const value = strip(expression);
  const declared = namedEvent(file, value.getType(), expression);
  if (declared) return declared;

  const literal = literalEvent(file, value);
  if (literal) return literal;

  // `publishEvent<OrderCreated>(topic, {...})` or `publish(topic, event: OrderCreated)`.
  return site ? parameterEvent(file, site, expression) : undefined;
}

/** The event type the called function declares (or is given) for one of its arguments. */
function parameterEvent(file: TsFile, call: CallExpression, argument: Node): EventType | undefined {
  const index = call.getArguments().findIndex((candidate) => candidate === argument);
  if (index < 0) return undefined;
  const checker = file.resolver.typeChecker();
  const parameter = checker.getResolvedSignature(call)?.getParameters()[index];
  if (!parameter) return undefined;
  return namedEvent(file, checker.getTypeOfSymbolAtLocation(parameter, call), argument);
}

function annotationOf(expression: Node): TypeNode | undefined {
  let current = expression;
  for (;;) {
    if (
      Node.isAsExpression(current) ||
      Node.isSatisfiesExpression(current) ||
      Node.isTypeAssertion(current)
    ) {
      const typeNode = current.getTypeNode();
      if (typeNode) return typeNode;
    }
    if (
      Node.isParenthesizedExpression(current) ||
      Node.isAwaitExpression(current) ||
      Node.isNonNullExpression(current)
    ) {
      current = current.getExpression();
      continue;
    }
    return undefined;
  }
}

/** `{ type: 'OrderShipped', ... }` names its event; fields are the literal's properties. */
function literalEvent(file: TsFile, value: Node): EventType | undefined {
  const literal = file.resolver.constantNode(value);
  if (!Node.isObjectLiteralExpression(literal)) return undefined;
  const properties = file.resolver.objectProperties(literal);
  for (const key of DISCRIMINATORS) {
    const named = properties.get(key);
    const name = file.resolver.literalOf(named);
    if (!named || typeof name !== 'string' || !looksLikeEventName(name, key)) continue;
    const fields = [...properties]
      .filter(([, node]) => !Node.isMethodDeclaration(node))
      .map(([field]) => field);
    const event = describe(name, named, fields);
    const version = literalVersion(file, properties);
    if (version !== undefined) event.version = version;
    return event;
  }
  return undefined;
}

/**
 * `name` is also a person's or a job's name, so it names an event only when it reads like
 * one: several words (`OrderShipped`) or a dotted or underscored key (`order.shipped`).
 */
function looksLikeEventName(name: string, key: string): boolean {
  if (!/^[A-Za-z][\w.:-]*$/.test(name)) return false;
  return key !== 'name' || /[._:-]/.test(name) || words(name).length > 1;
}

// ---- consumer side -----------------------------------------------------------------------

/**
 * Event types a handler reads: `JSON.parse(message...) as OrderCreated`, a variable declared
 * `: OrderCreated` holding the parse, or the parse passed to a function taking an OrderCreated.
 * Only a parse of what the handler received counts.
 */
export function parsedEvents(file: TsFile, handler: Node): CarriedEvent[] {
  const found: CarriedEvent[] = [];
  for (const call of handler.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    if (call.getExpression().getText() !== 'JSON.parse') continue;
    const argument = call.getArguments()[0];
    if (!argument || !derivesFromParameters(file, argument, handler, 0)) continue;
    const event = parsedType(file, call);
    if (event) found.push({ event, evidence: evidenceOf(file, call) });
  }
  return found;
}

function parsedType(file: TsFile, parse: CallExpression): EventType | undefined {
  let node: Node = parse;
  for (let parent = node.getParent(); parent; parent = node.getParent()) {
    if (
      Node.isAsExpression(parent) ||
      Node.isSatisfiesExpression(parent) ||
      Node.isTypeAssertion(parent)
    ) {
      const event = eventOfTypeNode(file, parent.getTypeNodeOrThrow(), parse);
      if (event) return event;
    } else if (
      !Node.isParenthesizedExpression(parent) &&
      !Node.isAwaitExpression(parent) &&
      !Node.isNonNullExpression(parent)
    ) {
      break;
    }
    node = parent;
  }
  const parent = node.getParent();
  if (Node.isVariableDeclaration(parent) && parent.getInitializer() === node) {
    const typeNode = parent.getTypeNode();
    return typeNode ? eventOfTypeNode(file, typeNode, parse) : undefined;
  }
  // `handle(JSON.parse(...))` where `handle(event: OrderCreated)`.
  return Node.isCallExpression(parent) ? parameterEvent(file, parent, node) : undefined;
}

/** Whether an expression reads a parameter of the handler, directly or through constants. */
function derivesFromParameters(
  file: TsFile,
  expression: Node,
  handler: Node,
  depth: number,
): boolean {
  if (depth > 4) return false;
  const parameters = Node.isFunctionLikeDeclaration(handler) ? handler.getParameters() : [];
  const identifiers = Node.isIdentifier(expression)
    ? [expression]
    : expression.getDescendantsOfKind(SyntaxKind.Identifier);
  return identifiers.some((identifier): boolean => {
    const definition = file.resolver.definitionOf(identifier);
    if (!definition) return false;
    if (parameters.some((p) => p === definition || contains(p, definition))) return true;
    if (!Node.isVariableDeclaration(definition) || !contains(handler, definition)) return false;
    const initializer = definition.getInitializer();
    return initializer ? derivesFromParameters(file, initializer, handler, depth + 1) : false;
  });
}

function contains(outer: Node, inner: Node): boolean {
  return (
    outer.getSourceFile() === inner.getSourceFile() &&
    outer.getPos() <= inner.getPos() &&
    inner.getEnd() <= outer.getEnd()
  );
}

// ---- types -------------------------------------------------------------------------------

/** The event a type annotation names, read where the annotation is used. */
export function eventOfTypeNode(file: TsFile, typeNode: TypeNode, at: Node): EventType | undefined {
  return namedEvent(file, typeNode.getType(), at);
}

/** An interface, class or object type alias declared in the scanned files, as an event. */
function namedEvent(file: TsFile, type: Type, at: Node): EventType | undefined {
  if (type.isAny() || type.isUnknown() || type.isTypeParameter() || type.isUnion()) {
    return undefined;
  }
  const symbol = type.getAliasSymbol() ?? type.getSymbol();
  const declaration = symbol?.getDeclarations()[0];
  if (!symbol || !declaration || !isNamedObjectType(declaration)) return undefined;
  if (!declaration.getSourceFile().getFilePath().startsWith(VIRTUAL_ROOT)) return undefined;
  // A generic envelope (`Envelope<T>`) is a wrapper, not an event type of its own.
  if (declaration.getTypeParameters().length > 0) return undefined;

  const checker = file.resolver.typeChecker();
  const fields: string[] = [];
  let version: string | number | undefined;
  for (const property of type.getProperties()) {
    const propertyDeclaration = property.getDeclarations()[0];
    if (!propertyDeclaration || !isField(propertyDeclaration)) continue;
    const field = property.getName();
    if (field.startsWith('#')) continue;
    fields.push(field);
    if (VERSION_FIELDS.includes(field)) {
      const fieldType = checker.getTypeOfSymbolAtLocation(property, at);
      const literal = fieldType.getLiteralValue();
      if (typeof literal === 'string' || typeof literal === 'number') version = literal;
    }
  }
  const event = describe(symbol.getName(), declaration, fields);
  const atPublish = literalVersion(file, file.resolver.objectProperties(strip(at)));
  const known = atPublish ?? version;
  if (known !== undefined) event.version = known;
  return event;
}

function isNamedObjectType(
  declaration: Node,
): declaration is Node & { getTypeParameters(): Node[] } {
  if (Node.isInterfaceDeclaration(declaration) || Node.isClassDeclaration(declaration)) {
    return declaration.getName() !== undefined;
  }
  if (!Node.isTypeAliasDeclaration(declaration)) return false;
  const aliased = declaration.getTypeNode();
  return Node.isTypeLiteral(aliased) || Node.isIntersectionTypeNode(aliased);
}

function isField(declaration: Node): boolean {
  return (
    Node.isPropertySignature(declaration) ||
    Node.isPropertyDeclaration(declaration) ||
    Node.isParameterDeclaration(declaration) ||
    Node.isPropertyAssignment(declaration) ||
    Node.isShorthandPropertyAssignment(declaration)
  );
}

function literalVersion(file: TsFile, properties: Map<string, Node>): string | number | undefined {
  for (const field of VERSION_FIELDS) {
    const value = file.resolver.literalOf(properties.get(field));
    if (typeof value === 'string' || typeof value === 'number') return value;
  }
  return undefined;
}

function describe(name: string, declaration: Node, fields: readonly string[]): EventType {
  const sorted = [...new Set(fields)].sort();
  const event: EventType = {
    name,
    declaration,
    fields: sorted,
    metadataFields: sorted.filter((field) => METADATA_FIELDS.has(normalized(field))),
  };
  const category = categoryOf(name);
  if (category) event.category = category;
  return event;
}

// ---- categories --------------------------------------------------------------------------

const IMPERATIVE_VERBS = new Set([
  'add',
  'approve',
  'archive',
  'assign',
  'authorize',
  'book',
  'calculate',
  'cancel',
  'capture',
  'charge',
  'close',
  'complete',
  'confirm',
  'create',
  'delete',
  'deliver',
  'dispatch',
  'export',
  'fulfil',
  'fulfill',
  'generate',
  'import',
  'issue',
  'notify',
  'open',
  'pay',
  'place',
  'process',
  'publish',
  'refund',
  'register',
  'reject',
  'remove',
  'request',
  'reserve',
  'reset',
  'resend',
  'restore',
  'schedule',
  'send',
  'ship',
  'start',
  'stop',
  'submit',
  'sync',
  'update',
  'validate',
]);
/** Past participles that do not end in -ed. */
const IRREGULAR_PARTICIPLES = new Set([
  'begun',
  'built',
  'done',
  'found',
  'given',
  'held',
  'lost',
  'made',
  'paid',
  'sent',
  'sold',
  'spent',
  'taken',
  'won',
  'written',
]);
/** Words ending in -ed that are not participles. */
const NOT_PARTICIPLES = new Set(['bed', 'embed', 'feed', 'need', 'red', 'seed', 'shed', 'speed']);

/**
 * 'command' for an imperative name (CreateOrder, SendInvoiceCommand), 'domain' for something
 * that happened (OrderCreated, order.paid); undefined when the name says neither.
 */
export function categoryOf(name: string): 'command' | 'domain' | undefined {
  const parts = words(name);
  const first = parts[0];
  const last = parts.at(-1);
  if (first === undefined || last === undefined) return undefined;
  if (last === 'command') return 'command';
  if (isParticiple(last)) return 'domain';
  if (parts.length > 1 && IMPERATIVE_VERBS.has(first)) return 'command';
  return undefined;
}

function isParticiple(word: string): boolean {
  if (IRREGULAR_PARTICIPLES.has(word)) return true;
  return word.length > 3 && word.endsWith('ed') && !NOT_PARTICIPLES.has(word);
}

/** 'OrderCreated', 'order.created' and 'ORDER_CREATED' all give ['order', 'created']. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '')
    .map((word) => word.toLowerCase());
}

function normalized(field: string): string {
  return field.replace(/[_-]/g, '').toLowerCase();
}

// ---- records -----------------------------------------------------------------------------

/** The Event node (evidence at its declaration) and CARRIES from the channel (at the site). */
export function carriesRecords(
  file: TsFile,
  channel: NodeRef,
  carried: CarriedEvent,
  technology: TechnologyId,
): GraphRecord[] {
  const { event } = carried;
  const eventRef = ref.event(file.input.repository, event.name);
  const properties: Properties = {
    fields: event.fields,
    metadataFields: event.metadataFields,
  };
  if (event.version !== undefined) properties.version = event.version;
  if (event.category !== undefined) properties.category = event.category;
  const declaredAt = evidenceAt(locationOf(file, event.declaration), lineOf(event.declaration));
  return [
    nodeRecord(eventRef, { name: event.name, technology: null, properties }, declaredAt),
    edgeRecord('CARRIES', channel, eventRef, { technology }, carried.evidence),
  ];
}

/** One of each event per evidence line: a message listing the same value twice is one. */
export function distinctEvents(events: readonly CarriedEvent[]): CarriedEvent[] {
  const seen = new Set<string>();
  return events.filter((carried) => {
    const key = `${carried.event.name}@${carried.evidence.file}:${String(carried.evidence.line)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
