// Named in-process signals: Django `Signal()` objects, blinker `signal('name')` and pyee
// emitters. Sends publish to the signal, receivers consume it. Django's built-in signals
// (post_save, request_finished...) are framework hooks: a receiver of one is reported only
// when it hands work to a queue or a broker, and the call that does so is named.
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
import { callsIn, evidenceOf, locationOf } from '../../lang/python/call-sites.js';
import type { PyFile } from '../../lang/python/frontend.js';
import type { Located } from '../../lang/python/resolve.js';
import { argument, functionName, ownDescendants } from '../../lang/python/syntax.js';
import { runQuery, type SyntaxNode } from '../../lang/python/tree-sitter.js';

const TECHNOLOGY = 'in-process';

type SignalKind = 'django' | 'django-builtin' | 'blinker' | 'pyee';

interface SignalTarget {
  kind: SignalKind;
  name: ResolvedName;
}

const DJANGO_SIGNAL = /^django\.dispatch(\.dispatcher)?\.Signal\(\)$/;
const DJANGO_BUILTIN = /^django\.(db\.models\.signals|core\.signals|test\.signals)\.(\w+)$/;
const BLINKER_SIGNAL = /^blinker(\.base)?\.(signal|Namespace\(\)\.signal|NamedSignal|Signal)\(\)$/;
const PYEE_EMITTER = /^pyee(\.\w+)*\.\w*EventEmitter\(\)$/;
// Calls in a receiver that hand work to something outside the process.
const ASYNC_WORK_METHODS = [
  'delay',
  'apply_async',
  'send_task',
  'enqueue',
  'enqueue_call',
  'enqueue_in',
  'publish',
  'basic_publish',
  'produce',
  'send_message',
  'xadd',
  'kiq',
  'defer',
];
const ASYNC_WORK = new RegExp(`\\.(${ASYNC_WORK_METHODS.join('|')})$`);

export function signalRecords(file: PyFile): GraphRecord[] {
  const records: GraphRecord[] = [];
  for (const call of callsIn(file.module)) {
    const method = call.method?.text;
    if (!call.call || !call.receiver || !method) continue;
    if (method === 'send' || method === 'send_robust' || method === 'emit') {
      const target = signalOf(file, call.receiver, call.arguments, method === 'emit');
      if (
        target &&
        target.kind !== 'django-builtin' &&
        (method === 'emit') === (target.kind === 'pyee')
      ) {
        records.push(...publish(file, target, call.call));
      }
    } else if (method === 'connect' || method === 'on' || method === 'add_listener') {
      const pyee = method !== 'connect';
      const target = signalOf(file, call.receiver, call.arguments, pyee);
      const handler = argument(call.arguments, pyee ? 1 : 0, pyee ? 'f' : 'receiver');
      if (target && handler && (target.kind === 'pyee') === pyee) {
        const sender = pyee ? undefined : argument(call.arguments, undefined, 'sender');
        records.push(
          ...consume(file, target, { module: file.module, node: handler }, call.call, sender),
        );
      }
    }
  }
  for (const match of runQuery('decorated-functions', file.module.root)) {
    const decorator = match.decorator?.namedChild(0);
    const fn = match.function;
    if (!decorator || !fn) continue;
    if (decorator.type === 'call') records.push(...decoratedReceiver(file, decorator, fn));
    // `@order_placed.connect`: blinker's decorator form.
    const object = decorator.type === 'attribute' ? decorator.childForFieldName('object') : null;
    if (object && decorator.childForFieldName('attribute')?.text === 'connect') {
      const target = signalOf(file, object, undefined, false);
      const handler = { module: file.module, node: fn.childForFieldName('name') ?? fn };
      if (target?.kind === 'blinker') records.push(...consume(file, target, handler, decorator));
    }
  }
  return records;
}

/** What a receiver expression is: a signal object, a blinker signal or a pyee emitter. */
function signalOf(
  file: PyFile,
  receiver: SyntaxNode,
  args: SyntaxNode | undefined,
  byEventName: boolean,
): SignalTarget | undefined {
  const origin = file.resolver.origin(file.module, receiver) ?? '';
  const written = receiver.text.split('.').pop() ?? receiver.text;
  if (DJANGO_SIGNAL.test(origin))
    return { kind: 'django', name: { name: written, dynamic: false } };
  const builtin = DJANGO_BUILTIN.exec(origin);
  if (builtin?.[2]) return { kind: 'django-builtin', name: { name: builtin[2], dynamic: false } };
  if (BLINKER_SIGNAL.test(origin)) {
    const name = blinkerName(file, receiver);
    return name ? { kind: 'blinker', name } : undefined;
  }
  if (byEventName && PYEE_EMITTER.test(origin)) {
    const event = argument(args, 0, 'event');
    return event ? { kind: 'pyee', name: file.resolver.string(file.module, event) } : undefined;
  }
  return undefined;
}

// `order_placed = signal('order-placed')`: the name the signal is registered under.
function blinkerName(file: PyFile, receiver: SyntaxNode): ResolvedName | undefined {
  const bound = file.resolver.bind(file.module, receiver);
  if (bound?.kind !== 'value' || bound.node.type !== 'call') return undefined;
  const name = argument(bound.node.childForFieldName('arguments'), 0, 'name');
  return name ? file.resolver.string(bound.module, name) : undefined;
}

function topicRecord(target: SignalTarget, evidence: Evidence): GraphRecord {
  return channelRecord('Topic', 'topic', TECHNOLOGY, target.name, evidence, {
    signal: target.kind === 'django-builtin' ? 'django' : target.kind,
  });
}

function publish(file: PyFile, target: SignalTarget, call: SyntaxNode): GraphRecord[] {
  const evidence = evidenceOf(file, call);
  const topic = ref.channel('Topic', TECHNOLOGY, target.name.name);
  const properties: Properties = {};
  if (call.childForFieldName('function')?.text.endsWith('send_robust')) properties.robust = true;
  return [
    topicRecord(target, evidence),
    edgeRecord(
      'PUBLISHES',
      ref.serviceOf(locationOf(file)),
      topic,
      { technology: TECHNOLOGY, properties },
      evidence,
    ),
  ];
}

function consume(
  file: PyFile,
  target: SignalTarget,
  handler: Located,
  at: SyntaxNode,
  sender?: SyntaxNode,
): GraphRecord[] {
  const bound = file.resolver.bind(handler.module, handler.node);
  const fn = bound?.kind === 'function' ? bound : undefined;
  const properties: Properties = {};
  if (fn) {
    const work = asyncWorkIn(fn.node);
    if (work) properties.drives = work;
  }
  // A framework hook is a finding only when its receiver starts work elsewhere.
  if (target.kind === 'django-builtin' && properties.drives === undefined) return [];
  const name = fn ? functionName(fn.node) : handler.node.text;
  const handlerRef: NodeRef = ref.handler(locationOf(file, fn?.module ?? handler.module), name);
  const evidence = evidenceOf(file, at);
  const edge: Properties = { group: name };
  if (sender) edge.sender = sender.text;
  return [
    topicRecord(target, evidence),
    nodeRecord(
      handlerRef,
      { name, technology: TECHNOLOGY, properties },
      fn ? evidenceOf(file, fn.node, fn.module) : evidence,
    ),
    edgeRecord(
      'CONSUMES',
      handlerRef,
      ref.channel('Topic', TECHNOLOGY, target.name.name),
      { technology: TECHNOLOGY, properties: edge },
      evidence,
    ),
  ];
}

// `@receiver(order_paid)`, `@receiver([a, b], sender=Order)`, `@order_placed.connect`
// (without a call, not handled here), `@emitter.on('name')`.
function decoratedReceiver(file: PyFile, decorator: SyntaxNode, fn: SyntaxNode): GraphRecord[] {
  const callee = decorator.childForFieldName('function');
  const args = decorator.childForFieldName('arguments') ?? undefined;
  if (!callee) return [];
  const handler = { module: file.module, node: fn.childForFieldName('name') ?? fn };
  const origin = file.resolver.origin(file.module, callee) ?? '';
  if (/^django\.dispatch(\.dispatcher)?\.receiver$/.test(origin)) {
    const first = argument(args, 0, 'signal');
    if (!first) return [];
    const signals =
      first.type === 'list' || first.type === 'tuple'
        ? first.namedChildren.filter((c) => c.type !== 'comment')
        : [first];
    const sender = argument(args, undefined, 'sender');
    return signals.flatMap((signal) => {
      const target = signalOf(file, signal, undefined, false);
      return target ? consume(file, target, handler, decorator, sender) : [];
    });
  }
  if (callee.type === 'attribute' && callee.childForFieldName('attribute')?.text === 'on') {
    const emitter = callee.childForFieldName('object');
    const target = emitter ? signalOf(file, emitter, args, true) : undefined;
    if (target?.kind === 'pyee') return consume(file, target, handler, decorator);
  }
  if (
    callee.type === 'attribute' &&
    callee.childForFieldName('attribute')?.text === 'connect_via'
  ) {
    const signal = callee.childForFieldName('object');
    const target = signal ? signalOf(file, signal, undefined, false) : undefined;
    if (target?.kind === 'blinker') return consume(file, target, handler, decorator);
  }
  return [];
}

/** The first call in a function that hands work to a queue or broker, as written. */
function asyncWorkIn(fn: SyntaxNode): string | undefined {
  for (const call of ownDescendants(fn, 'call')) {
    const callee = call.childForFieldName('function')?.text ?? '';
    if (ASYNC_WORK.test(callee)) return callee;
  }
  return undefined;
}
