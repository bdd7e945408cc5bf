// Nameko services over RabbitMQ, named as Nameko names them: an event is published to the
// `<service>.events` exchange with the event type as routing key, and each
// `@event_handler(source, type)` reads its own queue `evt-<source>-<type>--<service>.<method>`
// bound to that exchange; `@rpc` methods read `rpc-<service>`, bound to the `nameko-rpc`
// exchange, and an RpcProxy call publishes there with `<service>.<method>` as routing key.
// https://nameko.readthedocs.io/en/stable/built_in_extensions.html
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
  type ResolvedName,
} from '../../model/graph.js';
import { callsIn, evidenceOf, locationOf } from '../../lang/python/call-sites.js';
import type { PyFile } from '../../lang/python/frontend.js';
import { argument, enclosingFunction, functionName } from '../../lang/python/syntax.js';
import type { SyntaxNode } from '../../lang/python/tree-sitter.js';

const debug = createDebug('eventgraph:extract:nameko');

export const namekoExtractor: Extractor<PyFile> = {
  id: 'nameko',
  title: 'Nameko',
  docs: 'https://nameko.readthedocs.io/en/stable/built_in_extensions.html',
  language: 'python',
  technologies: ['nameko', 'rabbitmq'],
  packages: ['nameko'],
  imports: ['nameko'],
  prefilter: ['nameko', 'event_handler', 'EventDispatcher', 'RpcProxy', '@rpc'],
  emits: {
    nodes: ['Topic', 'Queue', 'Handler'],
    edges: ['PUBLISHES', 'CONSUMES', 'ROUTES_TO'],
  },
  extract(file) {
    const records = new NamekoFile(file).extract();
    debug('%s: %d records', file.input.path, records.length);
    return records;
  },
};

const RPC_EXCHANGE = 'nameko-rpc';

interface Service {
  name: string;
  cls: SyntaxNode;
  /** Class attributes holding an EventDispatcher, and RpcProxy targets by attribute. */
  dispatchers: Set<string>;
  proxies: Map<string, string>;
}

class NamekoFile {
  private readonly records: GraphRecord[] = [];

  constructor(private readonly file: PyFile) {}

  extract(): GraphRecord[] {
    for (const cls of this.file.module.root.descendantsOfType('class_definition')) {
      const service = this.service(cls);
      if (!service) continue;
      const handlers = new Map<number, NodeRef>();
      for (const method of cls.childForFieldName('body')?.namedChildren ?? []) {
        if (method.type !== 'decorated_definition') continue;
        const fn = method.childForFieldName('definition');
        if (fn?.type !== 'function_definition') continue;
        for (const decorator of method.namedChildren.filter((c) => c.type === 'decorator')) {
          const handler = this.decorated(service, fn, decorator);
          if (handler) handlers.set(fn.startIndex, handler);
        }
      }
      this.sends(service, handlers);
    }
    return this.records;
  }

  private origin(node: SyntaxNode): string {
    return this.file.resolver.origin(this.file.module, node) ?? '';
  }

  /** A class with `name = "..."` in its body is a Nameko service. */
  private service(cls: SyntaxNode): Service | undefined {
    let name: string | undefined;
    const dispatchers = new Set<string>();
    const proxies = new Map<string, string>();
    for (const statement of cls.childForFieldName('body')?.namedChildren ?? []) {
      const assignment = statement.namedChildren[0];
      if (statement.type !== 'expression_statement' || assignment?.type !== 'assignment') continue;
      const left = assignment.childForFieldName('left');
      const right = assignment.childForFieldName('right');
      if (left?.type !== 'identifier' || !right) continue;
      if (left.text === 'name') {
        const literal = this.file.resolver.literal(this.file.module, right);
        if (typeof literal === 'string') name = literal;
        continue;
      }
      if (right.type !== 'call') continue;
      const callee = right.childForFieldName('function');
      const origin = callee ? this.origin(callee) : '';
      if (/^nameko\.(events|standalone\.events)\.EventDispatcher$/.test(origin))
        dispatchers.add(left.text);
      if (/^nameko\.rpc\.(RpcProxy|ServiceRpc)$/.test(origin)) {
        const target = argument(right.childForFieldName('arguments'), 0, 'target_service');
        const literal = target ? this.file.resolver.literal(this.file.module, target) : undefined;
        if (typeof literal === 'string') proxies.set(left.text, literal);
      }
    }
    return name ? { name, cls, dispatchers, proxies } : undefined;
  }

  private decorated(service: Service, fn: SyntaxNode, decorator: SyntaxNode): NodeRef | undefined {
    const expression = decorator.namedChildren[0];
    if (!expression) return undefined;
    const callee =
      expression.type === 'call' ? expression.childForFieldName('function') : expression;
    const origin = callee ? this.origin(callee) : '';
    const method = functionName(fn);
    const name = `${service.name}.${method}`;
    const handler = ref.handler(locationOf(this.file), name);
    const evidence = evidenceOf(this.file, decorator);
    if (/^nameko\.rpc\.rpc$/.test(origin)) {
      const queue: ResolvedName = { name: `rpc-${service.name}`, dynamic: false };
      this.consume(
        handler,
        name,
        fn,
        queue,
        RPC_EXCHANGE,
        `${service.name}.*`,
        {
          group: service.name,
        },
        evidence,
      );
      return handler;
    }
    if (/^nameko\.events\.event_handler$/.test(origin) && expression.type === 'call') {
      const args = expression.childForFieldName('arguments');
      const sourceNode = argument(args, 0, 'source_service');
      const typeNode = argument(args, 1, 'event_type');
      const source = sourceNode
        ? this.file.resolver.literal(this.file.module, sourceNode)
        : undefined;
      const type = typeNode ? this.file.resolver.literal(this.file.module, typeNode) : undefined;
      if (typeof source !== 'string' || typeof type !== 'string') return undefined;
      // BROADCAST and SINGLETON handlers are not shared among a service's instances.
      const handlerType = argument(args, undefined, 'handler_type');
      const pooled = !handlerType || /SERVICE_POOL$/.test(handlerType.text);
      const queue: ResolvedName = {
        name: `evt-${source}-${type}--${name}`,
        dynamic: false,
      };
      this.consume(
        handler,
        name,
        fn,
        queue,
        `${source}.events`,
        type,
        pooled ? { group: service.name } : {},
        evidence,
      );
      return handler;
    }
    return undefined;
  }

  private consume(
    handler: NodeRef,
    name: string,
    fn: SyntaxNode,
    queue: ResolvedName,
    exchange: string,
    routingKey: string,
    properties: Properties,
    evidence: ReturnType<typeof evidenceOf>,
  ): void {
    const exchangeName: ResolvedName = { name: exchange, dynamic: false };
    this.records.push(
      nodeRecord(handler, { name, technology: 'nameko', properties }, evidenceOf(this.file, fn)),
      channelRecord('Topic', 'exchange', 'rabbitmq', exchangeName, evidence, {
        exchangeType: 'topic',
      }),
      channelRecord('Queue', 'queue', 'rabbitmq', queue, evidence),
      edgeRecord(
        'ROUTES_TO',
        ref.channel('Topic', 'rabbitmq', exchange),
        ref.channel('Queue', 'rabbitmq', queue.name),
        { technology: 'rabbitmq', properties: { routingKey } },
        evidence,
      ),
      edgeRecord(
        'CONSUMES',
        handler,
        ref.channel('Queue', 'rabbitmq', queue.name),
        { technology: 'nameko', properties },
        evidence,
      ),
    );
  }

  /** `self.dispatch("type", payload)` and `self.payments.take(...)` in the service's methods. */
  private sends(service: Service, handlers: Map<number, NodeRef>): void {
    for (const call of callsIn(this.file.module)) {
      if (!call.call || !call.receiver || !call.method) continue;
      if (
        call.call.startIndex < service.cls.startIndex ||
        call.call.endIndex > service.cls.endIndex
      )
        continue;
      const fn = enclosingFunction(call.call);
      const from = (fn && handlers.get(fn.startIndex)) ?? ref.serviceOf(locationOf(this.file));
      const evidence = evidenceOf(this.file, call.call);
      // self.dispatch(...)
      if (call.receiver.text === 'self' && service.dispatchers.has(call.method.text)) {
        const typeNode = argument(call.arguments, 0, 'event_type');
        if (!typeNode) continue;
        const type = this.file.resolver.string(this.file.module, typeNode);
        this.publish(from, `${service.name}.events`, { routingKey: type.name }, evidence);
        continue;
      }
      // self.payments.take(...) or self.payments.take.call_async(...)
      const proxied = this.proxyCall(service, call.receiver, call.method.text);
      if (proxied)
        this.publish(
          from,
          RPC_EXCHANGE,
          { routingKey: proxied, replyTo: `rpc.reply-${service.name}-{uuid}` },
          evidence,
        );
    }
  }

  private proxyCall(service: Service, receiver: SyntaxNode, method: string): string | undefined {
    const attribute = (node: SyntaxNode) =>
      node.type === 'attribute' && node.childForFieldName('object')?.text === 'self'
        ? service.proxies.get(node.childForFieldName('attribute')?.text ?? '')
        : undefined;
    const direct = attribute(receiver);
    if (direct) return `${direct}.${method}`;
    if (method === 'call_async' && receiver.type === 'attribute') {
      const object = receiver.childForFieldName('object');
      const target = object ? attribute(object) : undefined;
      const called = receiver.childForFieldName('attribute')?.text;
      if (target && called) return `${target}.${called}`;
    }
    return undefined;
  }

  private publish(
    from: NodeRef,
    exchange: string,
    properties: Properties,
    evidence: ReturnType<typeof evidenceOf>,
  ): void {
    this.records.push(
      channelRecord('Topic', 'exchange', 'rabbitmq', { name: exchange, dynamic: false }, evidence, {
        exchangeType: 'topic',
      }),
      edgeRecord(
        'PUBLISHES',
        from,
        ref.channel('Topic', 'rabbitmq', exchange),
        { technology: 'nameko', properties },
        evidence,
      ),
    );
  }
}
