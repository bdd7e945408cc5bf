// The `eventsourcing` library: aggregates whose @event methods and nested event classes are
// recorded in an event store, applications that save them and rebuild them with
// repository.get(). Each aggregate class is the stream its events are stored in.
import createDebug from 'debug';
import type { Extractor } from '../contract.js';
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
import type { Located } from '../../lang/python/resolve.js';
import { categoryOf } from '../../lang/typescript/payload-types.js';
import {
  argument,
  enclosingFunction,
  functionName,
  parametersOf,
  stringLiteral,
} from '../../lang/python/syntax.js';
import type { SyntaxNode } from '../../lang/python/tree-sitter.js';

const debug = createDebug('eventgraph:extract:eventsourcing');

export const eventsourcingExtractor: Extractor<PyFile> = {
  id: 'eventsourcing',
  title: 'eventsourcing (Python event-sourced aggregates)',
  docs: 'https://eventsourcing.readthedocs.io/en/stable/topics/domain.html',
  language: 'python',
  technologies: ['eventsourcing'],
  packages: ['eventsourcing'],
  imports: ['eventsourcing'],
  prefilter: ['eventsourcing', 'Aggregate', 'Application', 'repository.get', '.save('],
  emits: { nodes: ['Topic', 'Handler', 'Event'], edges: ['PUBLISHES', 'CONSUMES', 'CARRIES'] },
  extract: (file) => {
    const records = [...aggregateRecords(file), ...applicationRecords(file)];
    debug('%s: %d records', file.input.path, records.length);
    return records;
  },
};

const TECHNOLOGY = 'eventsourcing';
const AGGREGATE = /^eventsourcing\.domain\.(Aggregate|BaseAggregate)$/;
const APPLICATION = /^eventsourcing\.(application\.)?(Application|ProcessApplication)$/;
const EVENT_DECORATOR = /^eventsourcing\.domain\.(event|triggers)$/;
// Every stored event carries these, whatever the aggregate declares.
const LIBRARY_METADATA = ['originator_id', 'originator_version', 'timestamp'];

function classesOf(module: PyModule): SyntaxNode[] {
  return module.root.descendantsOfType('class_definition');
}

function bases(cls: SyntaxNode): SyntaxNode[] {
  const list = cls.childForFieldName('superclasses');
  return (list?.namedChildren ?? []).filter(
    (c) => c.type === 'identifier' || c.type === 'attribute',
  );
}

function derivesFrom(file: PyFile, module: PyModule, cls: SyntaxNode, origin: RegExp, depth = 0) {
  if (depth > 4) return false;
  return bases(cls).some((base): boolean => {
    if (origin.test(file.resolver.origin(module, base) ?? '')) return true;
    const bound = file.resolver.bind(module, base);
    return (
      bound?.kind === 'class' && derivesFrom(file, bound.module, bound.node, origin, depth + 1)
    );
  });
}

function aggregateRecords(file: PyFile): GraphRecord[] {
  const records: GraphRecord[] = [];
  for (const cls of classesOf(file.module)) {
    if (cls.parent?.parent?.type === 'class_definition') continue;
    if (!derivesFrom(file, file.module, cls, AGGREGATE)) continue;
    const name = functionName(cls);
    const evidence = evidenceOf(file, cls);
    const stream = ref.channel('Topic', TECHNOLOGY, name);
    records.push(
      channelRecord('Topic', 'stream', TECHNOLOGY, { name, dynamic: false }, evidence, {
        eventLog: true,
      }),
    );
    for (const event of eventsOf(file, cls)) {
      const fields = [...event.fields, ...LIBRARY_METADATA];
      const properties: Properties = { fields, metadataFields: LIBRARY_METADATA };
      const category = categoryOf(event.name);
      if (category) properties.category = category;
      const eventRef = ref.event(file.input.repository, event.name);
      const at = evidenceOf(file, event.node);
      records.push(
        nodeRecord(eventRef, { name: event.name, technology: null, properties }, at),
        edgeRecord('CARRIES', stream, eventRef, { technology: TECHNOLOGY }, at),
      );
    }
  }
  return records;
}

interface AggregateEvent {
  name: string;
  fields: string[];
  node: SyntaxNode;
}

// `@event('Registered') def __init__(self, name)`, `@event def add_trick(self, trick)` and
// nested `class TrickAdded(Aggregate.Event): trick: str`.
function eventsOf(file: PyFile, cls: SyntaxNode): AggregateEvent[] {
  const events: AggregateEvent[] = [];
  const body = cls.childForFieldName('body');
  for (const statement of body?.namedChildren ?? []) {
    const definition =
      statement.type === 'decorated_definition'
        ? statement.childForFieldName('definition')
        : statement;
    if (definition?.type === 'class_definition') {
      const nested = bases(definition).some((b) => /(^|\.)(Event|Created)$/.test(b.text));
      if (nested)
        events.push({
          name: functionName(definition),
          fields: annotated(definition),
          node: definition,
        });
      continue;
    }
    if (definition?.type !== 'function_definition' || statement.type !== 'decorated_definition')
      continue;
    for (const decorator of statement.namedChildren.filter((c) => c.type === 'decorator')) {
      const expression = decorator.namedChild(0);
      const callee =
        expression?.type === 'call' ? expression.childForFieldName('function') : expression;
      if (!callee || !EVENT_DECORATOR.test(file.resolver.origin(file.module, callee) ?? ''))
        continue;
      const given =
        expression?.type === 'call'
          ? argument(expression.childForFieldName('arguments'), 0)
          : undefined;
      const name = given
        ? (stringLiteral(given) ?? given.text.split('.').pop() ?? given.text)
        : functionName(definition);
      const fields = parametersOf(definition)
        .slice(1)
        .map((p) => p.name);
      events.push({ name, fields, node: definition });
    }
  }
  return events;
}

function annotated(cls: SyntaxNode): string[] {
  const body = cls.childForFieldName('body');
  const fields: string[] = [];
  for (const statement of body?.namedChildren ?? []) {
    const assignment = statement.type === 'expression_statement' ? statement.namedChild(0) : null;
    const left = assignment?.type === 'assignment' ? assignment.childForFieldName('left') : null;
    if (left?.type === 'identifier' && assignment?.childForFieldName('type'))
      fields.push(left.text);
  }
  return fields;
}

// In an Application: `self.save(dog)` appends the aggregate's new events to its stream;
// `self.repository.get(id)` replays them into the aggregate.
function applicationRecords(file: PyFile): GraphRecord[] {
  const records: GraphRecord[] = [];
  const applications = classesOf(file.module).filter((cls) =>
    derivesFrom(file, file.module, cls, APPLICATION),
  );
  if (applications.length === 0) return records;
  const inApplication = (node: SyntaxNode) =>
    applications.some((cls) => node.startIndex >= cls.startIndex && node.endIndex <= cls.endIndex);
  for (const call of callsIn(file.module)) {
    const method = call.method?.text;
    if (!call.call || !call.receiver || !inApplication(call.call)) continue;
    const fn = enclosingFunction(call.call);
    if (!fn) continue;
    if (method === 'save' && call.receiver.text === 'self') {
      for (const given of argumentsOf(call.arguments)) {
        const aggregate = aggregateOf(file, fn, given);
        if (!aggregate) continue;
        records.push(
          edgeRecord(
            'PUBLISHES',
            ref.serviceOf(locationOf(file)),
            streamOf(aggregate),
            { technology: TECHNOLOGY },
            evidenceOf(file, call.call),
          ),
        );
      }
    } else if (method === 'get' && call.receiver.text === 'self.repository') {
      const assigned = call.call.parent?.type === 'assignment' ? call.call.parent : undefined;
      const variable = assigned?.childForFieldName('left');
      const aggregate = variable ? aggregateOf(file, fn, variable) : undefined;
      if (!aggregate) continue;
      const name = functionName(fn);
      const handler = ref.handler(locationOf(file), name);
      records.push(
        nodeRecord(handler, { name, technology: TECHNOLOGY }, evidenceOf(file, fn)),
        edgeRecord(
          'CONSUMES',
          handler,
          streamOf(aggregate),
          { technology: TECHNOLOGY, properties: { replay: true } },
          evidenceOf(file, call.call),
        ),
      );
    }
  }
  return records;
}

function argumentsOf(args: SyntaxNode | undefined): SyntaxNode[] {
  return (args?.namedChildren ?? []).filter(
    (c) => c.type !== 'keyword_argument' && c.type !== 'comment' && c.type !== 'list_splat',
  );
}

function streamOf(aggregate: Located): NodeRef {
  return ref.channel('Topic', TECHNOLOGY, functionName(aggregate.node));
}

/**
 * The aggregate class a variable holds: the class it was constructed from, or the one
 * aggregate in the project that has every method the function calls on it.
 */
function aggregateOf(file: PyFile, fn: SyntaxNode, node: SyntaxNode): Located | undefined {
  const bound = file.resolver.bind(file.module, node);
  if (bound?.kind === 'instance' && derivesFrom(file, bound.module, bound.node, AGGREGATE))
    return { module: bound.module, node: bound.node };
  if (node.type !== 'identifier') return undefined;
  const called = callsIn(file.module)
    .filter(
      (c) => c.call && c.receiver?.text === node.text && enclosingFunction(c.call)?.id === fn.id,
    )
    .map((c) => c.method?.text ?? '');
  if (called.length === 0) return undefined;
  const candidates = projectAggregates(file).filter((agg) =>
    called.every((method) => methodsOf(agg.node).has(method)),
  );
  return candidates.length === 1 ? candidates[0] : undefined;
}

function projectAggregates(file: PyFile): Located[] {
  const found: Located[] = [];
  for (const module of file.project.modulesMentioning('Aggregate')) {
    for (const cls of classesOf(module)) {
      if (derivesFrom(file, module, cls, AGGREGATE)) found.push({ module, node: cls });
    }
  }
  return found;
}

function methodsOf(cls: SyntaxNode): Set<string> {
  const names = new Set<string>();
  for (const statement of cls.childForFieldName('body')?.namedChildren ?? []) {
    const definition =
      statement.type === 'decorated_definition'
        ? statement.childForFieldName('definition')
        : statement;
    if (definition?.type === 'function_definition') names.add(functionName(definition));
  }
  return names;
}
