// @nestjs/microservices over RabbitMQ, Kafka, NATS, Redis and MQTT: server transports
// (createMicroservice, connectMicroservice), clients (ClientsModule.register, @Client,
// ClientProxyFactory) with their injection tokens, emit/send, and @EventPattern /
// @MessagePattern handlers. TCP and gRPC are left out.
import createDebug from 'debug';
import {
  Node,
  SyntaxKind,
  type ClassDeclaration,
  type MethodDeclaration,
  type ParameterDeclaration,
  type PropertyDeclaration,
} from 'ts-morph';
import {
  edgeRecord,
  formatEvidence,
  nodeRecord,
  ref,
  channelRecord,
  type GraphRecord,
  type NodeRef,
  type Properties,
  type ResolvedName,
} from '../../model/graph.js';
import type { Extractor } from '../contract.js';
import type { TsFile } from '../../lang/typescript/frontend.js';
import { strip } from '../../lang/typescript/resolve.js';
import {
  evidenceOf,
  HandlerNames,
  methodCalls,
  publishTargets,
} from '../../lang/typescript/sites.js';
import { bootstrapsOf, registrationsOf, topologyOf, type Topology } from './topology.js';
import {
  brokerUrl,
  consumerProperties,
  FRAMEWORK,
  patternName,
  replyAddress,
  rmqQueue,
  routeOf,
  routeRef,
  transportOf,
  type Route,
  type Transport,
} from './transport.js';

const debug = createDebug('eventgraph:extract:nestjs-microservices');

const MODULE = '@nestjs/microservices';

export const nestjsMicroservicesExtractor: Extractor<TsFile> = {
  id: 'nestjs-microservices',
  title: 'NestJS microservices: transports, clients, emit/send and pattern handlers',
  docs: 'https://docs.nestjs.com/microservices/basics',
  language: 'typescript',
  technologies: [FRAMEWORK, 'rabbitmq', 'kafka', 'nats', 'redis-pubsub', 'mqtt'],
  packages: [MODULE],
  imports: [MODULE],
  prefilter: [
    MODULE,
    'createMicroservice',
    'connectMicroservice',
    'ClientsModule',
    'ClientProxy',
    'MessagePattern',
    'EventPattern',
  ],
  emits: {
    nodes: ['Topic', 'Queue', 'Handler', 'Event'],
    edges: ['PUBLISHES', 'CONSUMES', 'DEAD_LETTERS_TO', 'CARRIES'],
  },
  extract,
};

const CLIENT_TYPES = new Set([
  'ClientProxy',
  'ClientKafka',
  'ClientRMQ',
  'ClientNats',
  'ClientRedis',
  'ClientMqtt',
]);

function extract(file: TsFile): GraphRecord[] {
  const topology = topologyOf(file);
  const records: GraphRecord[] = [];
  // Queues declared by the servers and clients configured in this file.
  for (const bootstrap of topology.bootstraps) {
    if (bootstrap.call.getSourceFile() === file.source) {
      records.push(...declaredQueue(file, bootstrap.transport));
    }
  }
  for (const registrations of topology.clients.values()) {
    for (const registration of registrations) {
      if (registration.at.getSourceFile() === file.source) {
        records.push(...declaredQueue(file, registration.transport));
      }
    }
  }

  const handlers = new Map<Node, NodeRef>();
  const names = new HandlerNames(file);
  for (const cls of file.source.getDescendantsOfKind(SyntaxKind.ClassDeclaration)) {
    for (const method of cls.getMethods()) {
      records.push(...handler(file, topology, cls, method, handlers, names));
    }
  }
  for (const call of methodCalls(file, new Set(['emit', 'send']))) {
    const transports = clientTransports(file, topology, call.object);
    if (!transports) continue;
    const patternNode = call.call.getArguments()[0];
    if (!patternNode) continue;
    for (const target of publishTargets(file, [patternNode], call.call, handlers)) {
      const pattern = patternName(file, target.expressions[0] ?? patternNode);
      for (const transport of transports) {
        const route = transport
          ? routeOf(file, transport, pattern, target.expressions[0] ?? patternNode)
          : unknownRoute(file, pattern, call.call);
        if (!route) continue;
        const properties: Properties = { pattern: pattern.name };
        if (target.via !== undefined) properties.via = target.via;
        if (transport) {
          const url = brokerUrl(file, transport);
          if (url !== undefined) properties.url = url;
        }
        // send() awaits the handler's answer; emit() is fire-and-forget.
        if (call.method === 'send' && transport) {
          properties.replyTo = replyAddress(file, transport, pattern.name);
        }
        records.push(...route.records);
        records.push(
          edgeRecord(
            'PUBLISHES',
            target.publisher,
            routeRef(route),
            { technology: FRAMEWORK, properties },
            target.evidence,
          ),
        );
        records.push(...carried(file, route, pattern, target.evidence));
      }
    }
  }
  debug('%s: %d records', file.input.path, records.length);
  return records;
}

/** The queue an RMQ server or client asserts; other transports name no channel up front. */
function declaredQueue(file: TsFile, transport: Transport | undefined): GraphRecord[] {
  if (transport?.broker !== 'rabbitmq') return [];
  return rmqQueue(file, transport)?.records ?? [];
}

// ---- consuming ---------------------------------------------------------------------------

/** A method decorated @EventPattern or @MessagePattern, consuming over its app's transports. */
function handler(
  file: TsFile,
  topology: Topology,
  cls: ClassDeclaration,
  method: MethodDeclaration,
  handlers: Map<Node, NodeRef>,
  names: HandlerNames,
): GraphRecord[] {
  const records: GraphRecord[] = [];
  for (const decorator of method.getDecorators()) {
    const kind = decoratorKind(file, decorator.getCallExpression()?.getExpression());
    if (!kind) continue;
    const [patternNode, transportNode] = decorator.getArguments();
    if (!patternNode) continue;
    const pattern = patternName(file, patternNode);
    // A second argument restricts the handler to one transport of a hybrid app.
    const only = transportNode ? strip(transportNode).getText().split('.').pop() : undefined;
    const bootstraps = bootstrapsOf(file, topology, cls);
    const routes: [Route, Properties][] = bootstraps.flatMap(({ transport, call }) => {
      if (!transport || (only !== undefined && brokerKey(transport) !== only)) return [];
      const route = routeOf(file, transport, pattern, patternNode);
      if (!route) return [];
      // One server subscription dispatches to every handler of the app by pattern.
      const dispatcher = formatEvidence(evidenceOf(file, call));
      const properties: Properties = { dispatcher, ...consumerProperties(file, transport) };
      const url = brokerUrl(file, transport);
      if (url !== undefined) properties.url = url;
      return [[route, properties]];
    });
    // An app served only over TCP or gRPC is left out; one whose bootstrap is not in the
    // scanned code still consumes the pattern, over a transport nobody can tell.
    if (routes.length === 0 && bootstraps.length === 0) {
      routes.push([unknownRoute(file, pattern, decorator), {}]);
    }
    if (routes.length === 0) continue;
    const { ref: handlerRef, name } = names.handler(method, method, method.getName());
    handlers.set(method, handlerRef);
    const evidence = evidenceOf(file, decorator);
    records.push(
      nodeRecord(
        handlerRef,
        { name, technology: FRAMEWORK, properties: { pattern: pattern.name, decorator: kind } },
        evidenceOf(file, method),
      ),
    );
    for (const [route, properties] of routes) {
      records.push(...route.records);
      records.push(
        edgeRecord(
          'CONSUMES',
          handlerRef,
          routeRef(route),
          { technology: FRAMEWORK, properties: { pattern: pattern.name, ...properties } },
          evidence,
        ),
      );
      records.push(...carried(file, route, pattern, evidence));
    }
  }
  return records;
}

function decoratorKind(file: TsFile, callee: Node | undefined): string | undefined {
  if (!callee) return undefined;
  const origin = file.resolver.traceOrigin(callee);
  if (origin?.module !== MODULE || origin.steps.length !== 1) return undefined;
  const step = origin.steps[0];
  if (step?.kind !== 'member') return undefined;
  return step.name === 'EventPattern' || step.name === 'MessagePattern' ? step.name : undefined;
}

function brokerKey(transport: Transport): string {
  return strip(transport.at).getText().split('.').pop() ?? '';
}

// ---- producing ---------------------------------------------------------------------------

/**
 * The transports a client object sends over: an injected `@Inject(TOKEN)` client registered
 * with ClientsModule or a factory provider, a `@Client(options)` property, or a
 * ClientProxyFactory.create(options) value. A Nest client whose registration is not in the
 * scanned code gives `[undefined]` (transport unknown); anything else is not a client.
 */
function clientTransports(
  file: TsFile,
  topology: Topology,
  object: Node,
): (Transport | undefined)[] | undefined {
  const node = strip(object);
  const member =
    Node.isPropertyAccessExpression(node) &&
    node.getExpression().getKind() === SyntaxKind.ThisKeyword
      ? injectedMember(node)
      : undefined;
  if (member) {
    for (const decorator of member.getDecorators()) {
      const argument = decorator.getArguments()[0];
      if (!argument) continue;
      if (decorator.getName() === 'Client') {
        const transport = transportOf(file, argument);
        return transport ? [transport] : [];
      }
      if (decorator.getName() === 'Inject') {
        const token = file.resolver.resolveName(argument).name;
        const registrations = registrationsOf(file, topology, token, object);
        if (registrations.length > 0) {
          return registrations.map((r) => r.transport).filter((t) => t !== undefined);
        }
      }
    }
  }
  const origin = file.resolver.traceOrigin(node);
  if (origin?.module === MODULE) {
    const creation = origin.steps.find((s) => s.kind === 'call');
    const tokens = origin.steps.map((s) => (s.kind === 'member' ? s.name : s.kind));
    if (tokens[0] === 'ClientProxyFactory' && tokens[1] === 'create' && creation) {
      const transport = transportOf(file, creation.node.getArguments()[0]);
      return transport ? [transport] : [];
    }
    const type = origin.steps.at(-1);
    if (type?.kind === 'type' && CLIENT_TYPES.has(type.name)) return [undefined];
  }
  return undefined;
}

/** The constructor parameter or property `this.name` refers to. */
function injectedMember(access: Node): PropertyDeclaration | ParameterDeclaration | undefined {
  if (!Node.isPropertyAccessExpression(access)) return undefined;
  const cls = access.getFirstAncestorByKind(SyntaxKind.ClassDeclaration);
  if (!cls) return undefined;
  const name = access.getName();
  const property = cls.getProperty(name);
  if (property) return property;
  for (const constructor of cls.getConstructors()) {
    const parameter = constructor.getParameter(name);
    if (parameter?.isParameterProperty()) return parameter;
  }
  return undefined;
}

// ---- shared --------------------------------------------------------------------------------

/** The pattern as an Event carried by the channel, when it rides inside the messages. */
function carried(
  file: TsFile,
  route: Route,
  pattern: ResolvedName,
  evidence: ReturnType<typeof evidenceOf>,
): GraphRecord[] {
  if (!route.patternInside || pattern.dynamic) return [];
  const event = ref.event(file.input.repository, pattern.name);
  return [
    nodeRecord(event, { name: pattern.name, technology: FRAMEWORK }, evidence),
    edgeRecord('CARRIES', routeRef(route), event, { technology: FRAMEWORK }, evidence),
  ];
}

/** A pattern sent or consumed over a transport the scanned code does not configure. */
function unknownRoute(file: TsFile, pattern: ResolvedName, at: Node): Route {
  return {
    technology: FRAMEWORK,
    label: 'Topic',
    kind: 'channel',
    channel: pattern,
    records: [
      channelRecord('Topic', 'channel', FRAMEWORK, pattern, evidenceOf(file, at), {
        transport: 'unknown',
      }),
    ],
    patternInside: false,
  };
}
