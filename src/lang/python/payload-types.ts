// Event types of Python code: the project class a message is an instance of (a dataclass,
// pydantic model, attrs class, TypedDict or NamedTuple), found from what is published or from
// the parameter a handler declares, with its fields as payload and its metadata fields apart.
import {
  edgeRecord,
  nodeRecord,
  ref,
  type Evidence,
  type GraphRecord,
  type NodeRef,
  type Properties,
} from '../../model/graph.js';
import type { TechnologyId } from '../../model/taxonomy.js';
import { categoryOf } from '../typescript/payload-types.js';
import { evidenceOf } from './call-sites.js';
import type { PyFile } from './frontend.js';
import type { PyModule } from './module-index.js';
import { annotatedType, unwrap, type Located, type Resolver } from './resolve.js';
import { argument, functionName, parametersOf, scalarLiteral, stringLiteral } from './syntax.js';
import type { SyntaxNode } from './tree-sitter.js';

export type ClassShape = 'dataclass' | 'pydantic' | 'attrs' | 'typeddict' | 'namedtuple' | 'class';

export interface PyEventType {
  name: string;
  declaration: Located;
  shape: ClassShape;
  fields: string[];
  metadataFields: string[];
  version?: string | number;
  category?: 'command' | 'domain';
}

const METADATA_FIELDS = new Set(
  [
    'id',
    'event_id',
    'message_id',
    'timestamp',
    'occurred_at',
    'occurred_on',
    'created_at',
    'emitted_at',
    'correlation_id',
    'causation_id',
    'trace_id',
    'version',
    'schema_version',
    'source',
    'type',
    'event_type',
    'metadata',
  ].map(normalized),
);
const VERSION_FIELDS = new Set(['version', 'schemaversion']);

const DATACLASS_DECORATORS = /^(dataclasses\.dataclass|pydantic\.dataclasses\.dataclass)$/;
const ATTRS_DECORATORS = /^(attr|attrs)\.(s|attrs|define|frozen|mutable)$/;
const PYDANTIC_BASES = /^(pydantic|pydantic\.main|pydantic\.v1)\.BaseModel$/;
const TYPED_DICT = /^(typing|typing_extensions)\.TypedDict$/;
const NAMED_TUPLE = /^typing\.NamedTuple$/;
const ATTRS_FIELDS = /^(attr|attrs)\.(ib|attrib|field)$|^dataclasses\.field$/;

/** A project class described as a message type; undefined for anything else. */
export function eventTypeOfClass(
  resolver: Resolver,
  module: PyModule,
  cls: SyntaxNode,
  seen: Set<number> = new Set(),
): PyEventType | undefined {
  if (cls.type !== 'class_definition' || seen.has(cls.id)) return undefined;
  seen.add(cls.id);
  const bases = baseClasses(cls).map((base) => ({ base, bound: resolver.bind(module, base) }));
  const inherited: string[] = [];
  let shape = classShape(resolver, module, cls);
  for (const { base, bound } of bases) {
    if (bound?.kind === 'class') {
      const parent = eventTypeOfClass(resolver, bound.module, bound.node, seen);
      if (parent) {
        inherited.push(...parent.fields);
        if (shape === 'class') shape = parent.shape;
      }
      continue;
    }
    const origin = resolver.origin(module, base) ?? '';
    if (PYDANTIC_BASES.test(origin)) shape = 'pydantic';
    else if (TYPED_DICT.test(origin)) shape = 'typeddict';
    else if (NAMED_TUPLE.test(origin)) shape = 'namedtuple';
  }
  const own = shape === 'class' ? initParameters(cls) : classFields(resolver, module, cls);
  const fields = [...new Set([...inherited, ...own.map((f) => f.name)])];
  const name = functionName(cls);
  const event: PyEventType = {
    name,
    declaration: { module, node: cls },
    shape,
    fields,
    metadataFields: fields.filter((field) => METADATA_FIELDS.has(normalized(field))),
  };
  const version = own.find((f) => VERSION_FIELDS.has(normalized(f.name)))?.defaultValue;
  const literal = version ? (stringLiteral(version) ?? scalarLiteral(version)) : undefined;
  if (typeof literal === 'string' || typeof literal === 'number') event.version = literal;
  const category = categoryOf(name) ?? categoryOfBases(bases.map((b) => b.base.text));
  if (category) event.category = category;
  return event;
}

// `class Allocate(Command)` and `class Allocated(DomainEvent)` say what they are.
function categoryOfBases(bases: readonly string[]): 'command' | 'domain' | undefined {
  const names = bases.map((base) => base.split('.').pop() ?? base);
  if (names.some((name) => /Command$/.test(name))) return 'command';
  if (names.some((name) => /Event$/.test(name))) return 'domain';
  return undefined;
}

/** The shape a class declares itself with: its decorator or its library base class. */
function classShape(resolver: Resolver, module: PyModule, cls: SyntaxNode): ClassShape {
  const decorated = cls.parent?.type === 'decorated_definition' ? cls.parent : undefined;
  for (const decorator of decorated?.namedChildren ?? []) {
    if (decorator.type !== 'decorator') continue;
    let expression = decorator.namedChild(0);
    if (expression?.type === 'call') expression = expression.childForFieldName('function');
    const origin = expression ? (resolver.origin(module, expression) ?? '') : '';
    if (DATACLASS_DECORATORS.test(origin)) return 'dataclass';
    if (ATTRS_DECORATORS.test(origin)) return 'attrs';
  }
  return 'class';
}

function baseClasses(cls: SyntaxNode): SyntaxNode[] {
  const list = cls.childForFieldName('superclasses');
  return (list?.namedChildren ?? []).filter(
    (c) => c.type === 'identifier' || c.type === 'attribute',
  );
}

interface Field {
  name: string;
  defaultValue?: SyntaxNode;
}

// `name: type [= default]` in the class body (ClassVar excluded), and attrs' `name = attr.ib()`.
function classFields(resolver: Resolver, module: PyModule, cls: SyntaxNode): Field[] {
  const body = cls.childForFieldName('body');
  const fields: Field[] = [];
  for (const statement of body?.namedChildren ?? []) {
    const assignment = statement.type === 'expression_statement' ? statement.namedChild(0) : null;
    if (assignment?.type !== 'assignment') continue;
    const left = assignment.childForFieldName('left');
    if (left?.type !== 'identifier' || left.text.startsWith('__')) continue;
    const type = assignment.childForFieldName('type');
    const value = assignment.childForFieldName('right') ?? undefined;
    if (type) {
      if (/\bClassVar\b/.test(type.text)) continue;
      fields.push({ name: left.text, defaultValue: value });
      continue;
    }
    const callee = value?.type === 'call' ? value.childForFieldName('function') : null;
    if (callee && ATTRS_FIELDS.test(resolver.origin(module, callee) ?? '')) {
      const given = argument(value?.childForFieldName('arguments'), undefined, 'default');
      fields.push({ name: left.text, defaultValue: given });
    }
  }
  return fields;
}

function initParameters(cls: SyntaxNode): Field[] {
  const body = cls.childForFieldName('body');
  for (const statement of body?.namedChildren ?? []) {
    const fn =
      statement.type === 'decorated_definition'
        ? statement.childForFieldName('definition')
        : statement;
    if (fn?.type !== 'function_definition' || functionName(fn) !== '__init__') continue;
    return parametersOf(fn)
      .slice(1)
      .filter(
        (p) => p.node.type !== 'list_splat_pattern' && p.node.type !== 'dictionary_splat_pattern',
      )
      .map((p) => ({ name: p.name, defaultValue: p.defaultValue }));
  }
  return [];
}

// Calls that serialize a message without changing what it is.
const SERIALIZERS = /^(json\.dumps|dataclasses\.asdict|attr\.asdict|attrs\.asdict|pickle\.dumps)$/;
const SERIALIZING_METHODS = new Set(['json', 'dict', 'model_dump', 'model_dump_json', 'to_json']);

/** The value a message serializes: `x` in `json.dumps(asdict(x))` or `x.model_dump_json()`. */
export function messageValueOf(resolver: Resolver, located: Located, depth = 0): Located {
  const node = unwrap(located.node);
  if (node.type !== 'call' || depth > 6) return located;
  const callee = node.childForFieldName('function');
  if (!callee) return located;
  const method = callee.type === 'attribute' ? callee.childForFieldName('attribute') : null;
  const object = callee.type === 'attribute' ? callee.childForFieldName('object') : null;
  if (method && object && SERIALIZING_METHODS.has(method.text)) {
    return messageValueOf(resolver, { module: located.module, node: object }, depth + 1);
  }
  const first = argument(node.childForFieldName('arguments'), 0);
  if (first && SERIALIZERS.test(resolver.origin(located.module, callee) ?? '')) {
    return messageValueOf(resolver, { module: located.module, node: first }, depth + 1);
  }
  return located;
}

/**
 * The project class of a value sent as a message: a constructor call, a variable holding
 * one, or a parameter annotated with the class, seen through serializing calls.
 */
export function messageClassOf(resolver: Resolver, located: Located): Located | undefined {
  const value = messageValueOf(resolver, located);
  const bound = resolver.bind(value.module, value.node);
  if (bound?.kind === 'instance') return { module: bound.module, node: bound.node };
  if (bound?.kind === 'parameter' && bound.parameter.annotation) {
    const type = annotatedType(bound.parameter.annotation);
    const cls = type ? resolver.bind(bound.module, type) : undefined;
    if (cls?.kind === 'class') return { module: cls.module, node: cls.node };
  }
  return undefined;
}

/** The Event node (evidence at the class) and CARRIES from the channel (at the site). */
export function carriesRecords(
  file: PyFile,
  channel: NodeRef,
  event: PyEventType,
  technology: TechnologyId,
  evidence: Evidence,
): GraphRecord[] {
  const eventRef = ref.event(file.input.repository, event.name);
  return [
    eventNodeRecord(file, event),
    edgeRecord('CARRIES', channel, eventRef, { technology }, evidence),
  ];
}

export function eventNodeRecord(file: PyFile, event: PyEventType): GraphRecord {
  const properties: Properties = {
    fields: event.fields,
    metadataFields: event.metadataFields,
    shape: event.shape,
  };
  if (event.version !== undefined) properties.version = event.version;
  if (event.category !== undefined) properties.category = event.category;
  const declaredAt = evidenceOf(file, event.declaration.node, event.declaration.module);
  return nodeRecord(
    ref.event(file.input.repository, event.name),
    { name: event.name, technology: null, properties },
    declaredAt,
  );
}

function normalized(field: string): string {
  return field.replace(/[_-]/g, '').toLowerCase();
}
