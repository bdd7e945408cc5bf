// nats.js core (publish, request, subscribe with queue groups) and JetStream (streams,
// durable consumers, js.publish, js.subscribe, js.consumers.get().consume()).
import createDebug from 'debug';
import { Node, SyntaxKind, type CallExpression } from 'ts-morph';
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
import { functionName, originTokens, strip, type Origin } from '../../lang/typescript/resolve.js';
import {
  compactText,
  evidenceOf,
  HandlerNames,
  loopOver,
  methodCalls,
  publishTargets,
  type MethodCall,
} from '../../lang/typescript/sites.js';
import {
  carriesRecords,
  distinctEvents,
  parsedEvents,
  publishedEvents,
} from '../../lang/typescript/payload-types.js';

const debug = createDebug('eventgraph:extract:nats');

export const natsExtractor: Extractor<TsFile> = {
  id: 'nats',
  title: 'NATS core subjects and JetStream streams and consumers',
  docs: 'https://github.com/nats-io/nats.js',
  language: 'typescript',
  technologies: ['nats'],
  packages: ['nats', '@nats-io/transport-node', '@nats-io/jetstream'],
  imports: ['nats', '@nats-io/'],
  prefilter: ['nats', '.publish(', '.request(', '.subscribe(', 'jetstream', '.consume('],
  emits: { nodes: ['Topic', 'Handler', 'Event'], edges: ['PUBLISHES', 'CONSUMES', 'CARRIES'] },
  extract,
};

const TECHNOLOGY = 'nats';
const METHODS = new Set(['publish', 'request', 'subscribe', 'pullSubscribe', 'add', 'consume']);
/** nats.js answers a request on an inbox subject it makes: `_INBOX.<id>`. */
const INBOX = '_INBOX';

type Role = 'connection' | 'jetstream' | 'streams' | 'consumers' | 'consumer';

function isNats(module: string): boolean {
  return module === 'nats' || module.startsWith('@nats-io/');
}

function roleOf(origin: Origin): Role | undefined {
  // `connect().catch(...)` still resolves to the connection.
  const tokens = originTokens(origin)
    .join(' ')
    .replace(/ (catch|finally) \(\)/g, '');
  if (/(^| )jetstreamManager \(\) streams$/.test(tokens)) return 'streams';
  if (/(^| )jetstreamManager \(\) consumers$/.test(tokens)) return 'consumers';
  if (/(^| )consumers get \(\)$/.test(tokens) || tokens.endsWith('type Consumer'))
    return 'consumer';
  if (/(^| )jetstream \(\)$/.test(tokens) || tokens.endsWith('type JetStreamClient'))
    return 'jetstream';
  if (/(^| )connect \(\)$/.test(tokens) || tokens.endsWith('type NatsConnection'))
    return 'connection';
  return undefined;
}

function extract(file: TsFile): GraphRecord[] {
  const calls = methodCalls(file, METHODS).flatMap((call) => {
    const origin = file.resolver.traceOrigin(call.object);
    const role = origin && isNats(origin.module) ? roleOf(origin) : undefined;
    return role ? [{ call, role }] : [];
  });
  if (calls.length === 0) return [];

  const records: GraphRecord[] = [];
  const handlers = new Map<Node, NodeRef>();
  const names = new HandlerNames(file);
  // Handlers first, so that a publish inside one is the handler's.
  for (const { call, role } of calls) {
    if (call.method === 'subscribe' || call.method === 'pullSubscribe') {
      if (role === 'connection' || role === 'jetstream')
        records.push(...subscribe(file, call, role, handlers, names));
    } else if (call.method === 'consume' && role === 'consumer') {
      records.push(...consume(file, call, handlers, names));
    }
  }
  for (const { call, role } of calls) {
    if (call.method === 'publish' && (role === 'connection' || role === 'jetstream'))
      records.push(...publish(file, call.call, role, handlers));
    else if (call.method === 'request' && role === 'connection')
      records.push(...publish(file, call.call, role, handlers, true));
    else if (call.method === 'add' && role === 'streams') records.push(...addStream(file, call));
    else if (call.method === 'add' && role === 'consumers')
      records.push(...addConsumer(file, call));
  }
  debug('%s: %d records', file.input.path, records.length);
  return records;
}

// ---- publishing --------------------------------------------------------------------------

function publish(
  file: TsFile,
  call: CallExpression,
  role: Role,
  handlers: ReadonlyMap<Node, NodeRef>,
  request = false,
): GraphRecord[] {
  const [subject, payload, options] = call.getArguments();
  if (!subject) return [];
  const fields = file.resolver.objectProperties(options);
  const properties: Properties = {};
  if (request) properties.replyTo = INBOX;
  const reply = fields.get('reply');
  if (reply) properties.replyTo = file.resolver.resolveName(reply).name;
  // JetStream drops a second message with the same id inside the stream's duplicate window.
  if (role === 'jetstream' && fields.has('msgID')) properties.idempotent = true;

  return publishTargets(file, [subject], call, handlers).flatMap((target) => {
    const [resolved] = target.names as [ResolvedName];
    const edgeProperties: Properties = { ...properties };
    if (target.via !== undefined) edgeProperties.via = target.via;
    const to = subjectRef(resolved);
    return [
      subjectRecord(resolved, target.evidence),
      edgeRecord(
        'PUBLISHES',
        target.publisher,
        to,
        { technology: TECHNOLOGY, properties: edgeProperties },
        target.evidence,
      ),
      ...distinctEvents(publishedEvents(file, payload, target)).flatMap((carried) =>
        carriesRecords(file, to, carried, TECHNOLOGY),
      ),
    ];
  });
}

// ---- subscribing -------------------------------------------------------------------------

interface ConsumerSettings {
  group?: string;
  durable?: string;
  retry?: string;
  ack?: 'manual' | 'auto';
}

function subscribe(
  file: TsFile,
  { call }: MethodCall,
  role: Role,
  handlers: Map<Node, NodeRef>,
  names: HandlerNames,
): GraphRecord[] {
  const [subject, options] = call.getArguments();
  if (!subject) return [];
  const fields = file.resolver.objectProperties(options);
  const settings =
    role === 'jetstream'
      ? jetStreamSettings(file, options)
      : groupOnly(file.resolver.literalOf(fields.get('queue')));
  const resolved = file.resolver.resolveName(subject);
  return consumeRecords(file, call, fields.get('callback'), subjectRef(resolved), settings, {
    handlers,
    names,
    label: `${resolved.name} subscriber`,
    channel: subjectRecord(resolved, evidenceOf(file, call)),
  });
}

function groupOnly(queue: string | number | boolean | undefined): ConsumerSettings {
  return typeof queue === 'string' ? { group: queue } : {};
}

/** `js.consumers.get(stream, durable)` then `.consume()`: reads the stream as that durable. */
function consume(
  file: TsFile,
  { call, object }: MethodCall,
  handlers: Map<Node, NodeRef>,
  names: HandlerNames,
): GraphRecord[] {
  const get = consumerGet(file, object);
  const [streamNode, durableNode] = get?.getArguments() ?? [];
  if (!streamNode) return [];
  const stream = file.resolver.resolveName(streamNode);
  const durable = durableNode ? file.resolver.resolveName(durableNode).name : undefined;
  const settings: ConsumerSettings = {};
  if (durable !== undefined) {
    settings.group = durable;
    settings.durable = durable;
    const config = consumerConfigs(file).get(`${stream.name}\0${durable}`);
    if (config) Object.assign(settings, configSettings(file, config), { group: durable });
  }
  const callback = file.resolver.objectProperties(call.getArguments()[0]).get('callback');
  return consumeRecords(file, call, callback, streamRef(stream), settings, {
    handlers,
    names,
    label: `${durable ?? stream.name} consumer`,
    channel: channelRecord('Topic', 'stream', TECHNOLOGY, stream, evidenceOf(file, call)),
  });
}

function consumerGet(file: TsFile, object: Node): CallExpression | undefined {
  const node = strip(object);
  if (Node.isCallExpression(node)) return node;
  const definition = Node.isIdentifier(node) ? file.resolver.definitionOf(node) : undefined;
  const initializer = Node.isVariableDeclaration(definition)
    ? definition.getInitializer()
    : undefined;
  const made = initializer ? strip(initializer) : undefined;
  return made && Node.isCallExpression(made) ? made : undefined;
}

function consumeRecords(
  file: TsFile,
  call: CallExpression,
  callback: Node | undefined,
  channel: NodeRef,
  settings: ConsumerSettings,
  context: {
    handlers: Map<Node, NodeRef>;
    names: HandlerNames;
    label: string;
    channel: GraphRecord;
  },
): GraphRecord[] {
  // A callback option, or a `for await` loop over what the call returned.
  const fn = callback ? file.resolver.functionOf(callback) : undefined;
  const loop = fn ? undefined : loopOver(file, call);
  const body = fn ?? loop;
  const enclosing = call.getFirstAncestor((a) => Node.isFunctionLikeDeclaration(a));
  const declared = fn ? functionName(fn) : enclosing && loop ? functionName(enclosing) : undefined;
  const { ref: handler, name } = context.names.handler(
    call,
    body ?? call,
    declared ?? context.label,
  );
  if (body) context.handlers.set(body, handler);

  const properties: Properties = {};
  if (settings.group !== undefined) properties.group = settings.group;
  if (settings.durable !== undefined) properties.durable = settings.durable;
  if (settings.ack !== undefined) properties.ack = settings.ack;
  const handlerProperties: Properties = { ...properties };
  const retry = [settings.retry, body && naks(body) ? 'nak redelivers' : undefined].filter(
    (part) => part !== undefined,
  );
  if (retry.length > 0) handlerProperties.retry = retry.join(', ');

  const evidence = evidenceOf(file, call);
  const events = fn ? distinctEvents(parsedEvents(file, fn)) : [];
  return [
    nodeRecord(
      handler,
      { name, technology: TECHNOLOGY, properties: handlerProperties },
      evidenceOf(file, body ?? call),
    ),
    context.channel,
    edgeRecord('CONSUMES', handler, channel, { technology: TECHNOLOGY, properties }, evidence),
    ...events.flatMap((carried) => carriesRecords(file, channel, carried, TECHNOLOGY)),
  ];
}

/** `m.nak()` asks JetStream to deliver the message again. */
function naks(body: Node): boolean {
  return body.getDescendantsOfKind(SyntaxKind.CallExpression).some((c) => {
    const callee = c.getExpression();
    return Node.isPropertyAccessExpression(callee) && callee.getName() === 'nak';
  });
}

/**
 * JetStream subscription options: an object `{ queue, config: { durable_name, ... } }` or a
 * `consumerOpts()` builder configured by calls such as `opts.durable('x')`.
 */
function jetStreamSettings(file: TsFile, options: Node | undefined): ConsumerSettings {
  if (!options) return {};
  const builder = builderCalls(file, options);
  if (builder.length > 0) {
    const settings: ConsumerSettings = {};
    const retry: string[] = [];
    for (const { call: step, value } of builder) {
      const method = (step.getExpression() as { getName?: () => string }).getName?.();
      if (method === 'durable' && typeof value === 'string') settings.durable = value;
      if ((method === 'queue' || method === 'deliverGroup') && typeof value === 'string')
        settings.group = value;
      if (method === 'maxDeliver' && value !== undefined)
        retry.push(`max_deliver=${String(value)}`);
      if (method === 'manualAck' || method === 'ackExplicit') settings.ack = 'manual';
      if (method === 'ackNone') settings.ack = 'auto';
    }
    if (retry.length > 0) settings.retry = retry.join(', ');
    settings.group ??= settings.durable;
    return settings;
  }
  const fields = file.resolver.objectProperties(options);
  const settings = configSettings(file, fields.get('config'));
  const queue = file.resolver.literalOf(fields.get('queue'));
  if (typeof queue === 'string') settings.group = queue;
  if (file.resolver.literalOf(fields.get('mack')) === true) settings.ack = 'manual';
  return settings;
}

/** A consumer configuration: durable_name, deliver_group, ack_policy, max_deliver. */
function configSettings(file: TsFile, config: Node | undefined): ConsumerSettings {
  const fields = file.resolver.objectProperties(config);
  const settings: ConsumerSettings = {};
  const durable = file.resolver.literalOf(fields.get('durable_name') ?? fields.get('name'));
  if (typeof durable === 'string') settings.durable = durable;
  const group = file.resolver.literalOf(fields.get('deliver_group'));
  if (typeof group === 'string') settings.group = group;
  else if (settings.durable !== undefined) settings.group = settings.durable;
  const ack = fields.get('ack_policy');
  if (ack) settings.ack = /none/i.test(ack.getText()) ? 'auto' : 'manual';
  const parts: string[] = [];
  const maxDeliver = file.resolver.literalOf(fields.get('max_deliver'));
  if (maxDeliver !== undefined) parts.push(`max_deliver=${String(maxDeliver)}`);
  const backoff = fields.get('backoff');
  if (backoff) parts.push(`backoff=${compactText(backoff)}`);
  if (parts.length > 0) settings.retry = parts.join(', ');
  return settings;
}

interface BuilderStep {
  call: CallExpression;
  /** The literal the step was given, taken from the factory's caller for a parameter. */
  value: string | number | boolean | undefined;
}

/**
 * The calls configuring a `consumerOpts()` builder: chained, made on its variable, or made
 * inside a function of the project that builds and returns it (`config('orders')`).
 */
function builderCalls(file: TsFile, options: Node): BuilderStep[] {
  const origin = file.resolver.traceOrigin(options);
  if (!origin || !isNats(origin.module) || !originTokens(origin).includes('consumerOpts'))
    return [];
  const literal = (call: CallExpression) => file.resolver.literalOf(call.getArguments()[0]);
  const steps: BuilderStep[] = [];
  let root = strip(options);
  for (; Node.isCallExpression(root);) {
    const callee = root.getExpression();
    if (!Node.isPropertyAccessExpression(callee)) break;
    steps.push({ call: root, value: literal(root) });
    root = strip(callee.getExpression());
  }
  if (Node.isIdentifier(root)) {
    const definition = file.resolver.definitionOf(root);
    if (definition) steps.push(...callsOn(file, file.source, definition, literal));
    return steps;
  }
  const factory = Node.isCallExpression(root)
    ? file.resolver.functionOf(root.getExpression())
    : undefined;
  if (!factory || !Node.isCallExpression(root) || !Node.isFunctionLikeDeclaration(factory))
    return steps;
  const made = root;
  const returned = factory.getDescendantsOfKind(SyntaxKind.ReturnStatement)[0]?.getExpression();
  const variable = returned ? strip(returned) : undefined;
  const definition =
    variable && Node.isIdentifier(variable) ? file.resolver.definitionOf(variable) : undefined;
  if (!definition) return steps;
  const parameters = factory.getParameters();
  const valueOf = (call: CallExpression) => {
    const argument = call.getArguments()[0];
    const parameter = argument ? file.resolver.parameterOf(argument) : undefined;
    const index = parameter ? parameters.indexOf(parameter.declaration) : -1;
    const given = index >= 0 ? made.getArguments()[index] : undefined;
    return given ? file.resolver.literalOf(given) : literal(call);
  };
  return [...steps, ...callsOn(file, factory, definition, valueOf)];
}

function callsOn(
  file: TsFile,
  scope: Node,
  definition: Node,
  valueOf: (call: CallExpression) => string | number | boolean | undefined,
): BuilderStep[] {
  const steps: BuilderStep[] = [];
  for (const call of scope.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const callee = call.getExpression();
    if (!Node.isPropertyAccessExpression(callee)) continue;
    const object = strip(callee.getExpression());
    if (Node.isIdentifier(object) && file.resolver.definitionOf(object) === definition)
      steps.push({ call, value: valueOf(call) });
  }
  return steps;
}

// ---- JetStream administration ------------------------------------------------------------

function addStream(file: TsFile, { call }: MethodCall): GraphRecord[] {
  const { resolver } = file;
  const fields = resolver.objectProperties(call.getArguments()[0]);
  const nameNode = fields.get('name');
  if (!nameNode) return [];
  const stream = resolver.resolveName(nameNode);
  const evidence = evidenceOf(file, call);
  const subjectsNode = fields.get('subjects');
  const subjects =
    subjectsNode && Node.isArrayLiteralExpression(subjectsNode)
      ? subjectsNode.getElements().map((s) => resolver.resolveName(s))
      : [];
  const properties: Properties = {};
  if (subjects.length > 0) properties.subjects = subjects.map((s) => s.name);
  const retention = fields.get('retention');
  if (retention) properties.retention = retentionPolicy(resolver.literalOf(retention), retention);
  const maxAge = maxAgeMs(file, fields.get('max_age'));
  if (maxAge !== undefined) properties.retentionMs = maxAge;
  return [
    channelRecord('Topic', 'stream', TECHNOLOGY, stream, evidence, properties),
    ...subjects.map((subject) => subjectRecord(subject, evidence, { stream: stream.name })),
  ];
}

function retentionPolicy(literal: string | number | boolean | undefined, node: Node): string {
  if (typeof literal === 'string') return literal;
  return (node.getText().split('.').at(-1) ?? node.getText()).toLowerCase();
}

/** JetStream counts max_age in nanoseconds; `nanos(ms)` converts from milliseconds. */
function maxAgeMs(file: TsFile, node: Node | undefined): number | undefined {
  if (!node) return undefined;
  const value = strip(node);
  if (Node.isCallExpression(value) && /(^|\.)nanos$/.test(value.getExpression().getText())) {
    const ms = file.resolver.literalOf(value.getArguments()[0]);
    return typeof ms === 'number' ? ms : undefined;
  }
  const nanos = file.resolver.literalOf(node);
  return typeof nanos === 'number' ? nanos / 1_000_000 : undefined;
}

function addConsumer(file: TsFile, { call }: MethodCall): GraphRecord[] {
  const [streamNode] = call.getArguments();
  if (!streamNode) return [];
  return [
    channelRecord(
      'Topic',
      'stream',
      TECHNOLOGY,
      file.resolver.resolveName(streamNode),
      evidenceOf(file, call),
    ),
  ];
}

const configsByProject = new WeakMap<object, Map<string, Node>>();

/**
 * Consumer configurations added by `jsm.consumers.add(stream, config)` anywhere in the loaded
 * files, by stream and durable name, so that `js.consumers.get(stream, durable)` finds its
 * retry and ack settings.
 */
function consumerConfigs(file: TsFile): Map<string, Node> {
  const project = file.source.getProject();
  const cached = configsByProject.get(file.resolver);
  if (cached) return cached;
  const configs = new Map<string, Node>();
  configsByProject.set(file.resolver, configs);
  for (const source of project.getSourceFiles()) {
    for (const call of source.getDescendantsOfKind(SyntaxKind.CallExpression)) {
      const callee = call.getExpression();
      if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== 'add') continue;
      if (!/consumers$/.test(callee.getExpression().getText())) continue;
      const [stream, config] = call.getArguments();
      const fields = file.resolver.objectProperties(config);
      const durable = file.resolver.literalOf(fields.get('durable_name') ?? fields.get('name'));
      const streamName = file.resolver.literalOf(stream);
      if (typeof streamName === 'string' && typeof durable === 'string' && config)
        configs.set(`${streamName}\0${durable}`, config);
    }
  }
  return configs;
}

// ---- names -------------------------------------------------------------------------------

/** A subject as written; `*` and `>` tokens match other subjects and are flagged. */
function subjectRecord(
  resolved: ResolvedName,
  evidence: ReturnType<typeof evidenceOf>,
  extra: Properties = {},
): GraphRecord {
  const properties: Properties = { ...extra };
  if (!resolved.dynamic && resolved.name.split('.').some((t) => t === '*' || t === '>'))
    properties.wildcard = true;
  return channelRecord('Topic', 'subject', TECHNOLOGY, resolved, evidence, properties);
}

function subjectRef(resolved: ResolvedName): NodeRef {
  return ref.channel('Topic', TECHNOLOGY, resolved.name);
}

function streamRef(resolved: ResolvedName): NodeRef {
  return ref.channel('Topic', TECHNOLOGY, resolved.name);
}
