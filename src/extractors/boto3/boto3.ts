// boto3: SQS, SNS, EventBridge and Kinesis through `boto3.client(...)` and
// `boto3.resource(...)`. Queues, topics, buses and streams are named by the last segment of
// their URL or ARN, as the aws-sdk extractor names them.
import createDebug from 'debug';
import type { Extractor } from '../contract.js';
import {
  channelRecord,
  edgeRecord,
  nodeRecord,
  ref,
  type ChannelKind,
  type ChannelLabel,
  type GraphRecord,
  type NodeRef,
  type Properties,
  type ResolvedName,
} from '../../model/graph.js';
import type { TechnologyId } from '../../model/taxonomy.js';
import {
  callsIn,
  enclosingName,
  evidenceOf,
  expandWrapper,
  locationOf,
} from '../../lang/python/call-sites.js';
import type { PyFile } from '../../lang/python/frontend.js';
import { unwrap, type Located } from '../../lang/python/resolve.js';
import { argument, enclosingFunction } from '../../lang/python/syntax.js';
import type { SyntaxNode } from '../../lang/python/tree-sitter.js';
import { resourceName } from '../aws-sdk/resource-names.js';

const debug = createDebug('eventgraph:extract:boto3');

export const boto3Extractor: Extractor<PyFile> = {
  id: 'boto3',
  title: 'boto3 (SQS, SNS, EventBridge, Kinesis)',
  docs: 'https://boto3.amazonaws.com/v1/documentation/api/latest/reference/services/index.html',
  language: 'python',
  technologies: ['sqs', 'sns', 'eventbridge', 'kinesis'],
  packages: ['boto3', 'aioboto3'],
  imports: ['boto3', 'aioboto3'],
  prefilter: ['sqs', 'sns', 'events', 'kinesis'],
  emits: {
    nodes: ['Topic', 'Queue', 'Handler'],
    edges: ['PUBLISHES', 'CONSUMES', 'ROUTES_TO', 'DEAD_LETTERS_TO'],
  },
  extract(file) {
    const records = new Boto3File(file).extract();
    debug('%s: %d records', file.input.path, records.length);
    return records;
  },
};

type Service = 'sqs' | 'sns' | 'events' | 'kinesis';

interface Channel {
  label: ChannelLabel;
  kind: ChannelKind;
  technology: TechnologyId;
}

const CHANNEL: Record<Service, Channel> = {
  sqs: { label: 'Queue', kind: 'queue', technology: 'sqs' },
  sns: { label: 'Topic', kind: 'topic', technology: 'sns' },
  events: { label: 'Topic', kind: 'topic', technology: 'eventbridge' },
  kinesis: { label: 'Topic', kind: 'stream', technology: 'kinesis' },
};

const FACTORY = /^a?i?o?boto3(\.session)?(\.Session\(\))?\.(client|resource)$/;

/** What a receiver holds: a service client or resource, or one queue or topic resource. */
type Target =
  | { kind: 'client' | 'resource'; service: Service }
  | { kind: 'queue' | 'topic'; service: Service; name: Located };

interface Use {
  target: Target;
  method: string;
  call: SyntaxNode;
  args: SyntaxNode | undefined;
}

class Boto3File {
  private readonly records: GraphRecord[] = [];
  /** Receiving functions by their start, so that what they send is theirs. */
  private readonly handlers = new Map<number, NodeRef>();

  constructor(private readonly file: PyFile) {}

  extract(): GraphRecord[] {
    const uses: Use[] = [];
    for (const call of callsIn(this.file.module)) {
      if (!call.receiver || !call.method || !call.call) continue;
      const target = this.targetOf(this.file.module, call.receiver);
      if (target)
        uses.push({ target, method: call.method.text, call: call.call, args: call.arguments });
    }
    // Consumers first, so that a send inside a receiving function is that handler's.
    for (const use of uses) this.consume(use);
    for (const use of uses) this.produce(use);
    return this.records;
  }

  // ---- what a receiver is --------------------------------------------------------------

  private targetOf(module: Located['module'], receiver: SyntaxNode, depth = 0): Target | undefined {
    if (depth > 4) return undefined;
    const bound = this.file.resolver.bind(module, receiver);
    if (bound?.kind !== 'value' || bound.node.type !== 'call') return undefined;
    const call = bound.node;
    const callee = call.childForFieldName('function');
    const args = call.childForFieldName('arguments');
    if (!callee) return undefined;
    const origin = this.file.resolver.origin(bound.module, callee);
    const factory = origin ? FACTORY.exec(origin) : null;
    if (factory) {
      const name = argument(args, 0, 'service_name');
      const service = name ? this.file.resolver.literal(bound.module, name) : undefined;
      if (!isService(service)) return undefined;
      return { kind: factory[3] === 'resource' ? 'resource' : 'client', service };
    }
    // sqs.get_queue_by_name(QueueName=...), sqs.Queue(url), sns.Topic(arn), create_*.
    if (callee.type !== 'attribute') return undefined;
    const object = callee.childForFieldName('object');
    const method = callee.childForFieldName('attribute')?.text;
    const parent = object ? this.targetOf(bound.module, object, depth + 1) : undefined;
    if (parent?.kind !== 'resource' || !method) return undefined;
    const at = (node: SyntaxNode | undefined) =>
      node ? { module: bound.module, node } : undefined;
    if (parent.service === 'sqs') {
      const name =
        method === 'Queue'
          ? at(argument(args, 0, 'url'))
          : method === 'get_queue_by_name' || method === 'create_queue'
            ? at(argument(args, undefined, 'QueueName'))
            : undefined;
      return name ? { kind: 'queue', service: 'sqs', name } : undefined;
    }
    if (parent.service === 'sns') {
      const name =
        method === 'Topic'
          ? at(argument(args, 0, 'arn'))
          : method === 'create_topic'
            ? at(argument(args, undefined, 'Name'))
            : undefined;
      return name ? { kind: 'topic', service: 'sns', name } : undefined;
    }
    return undefined;
  }

  // ---- names -------------------------------------------------------------------------

  private name(located: Located): ResolvedName {
    const resolved = this.file.resolver.string(located.module, located.node);
    if (!resolved.dynamic) return resourceName(resolved);
    // f"{BASE_URL}/orders": the literal after the last separator still names the queue.
    const tail = /[/:]([A-Za-z0-9_.-]+)["']$/.exec(located.node.text);
    if (located.node.type === 'string' && tail?.[1])
      return { name: tail[1], dynamic: false, expression: located.node.text };
    // sqs.get_queue_url(QueueName="orders")["QueueUrl"]
    const byName = this.queueUrlLookup(located);
    return byName ?? resolved;
  }

  // `sqs.get_queue_url(QueueName=...)["QueueUrl"]` or the response of create_queue, read
  // directly or through a variable holding the response.
  private queueUrlLookup(located: Located): ResolvedName | undefined {
    let current: Located = located;
    for (let step = 0; step < 4; step++) {
      const bound = this.file.resolver.bind(current.module, current.node);
      const module = bound?.kind === 'value' ? bound.module : current.module;
      let value = unwrap(bound?.kind === 'value' ? bound.node : current.node);
      if (value.type === 'subscript') value = unwrap(value.childForFieldName('value') ?? value);
      if (value.type === 'identifier' && value.id !== current.node.id) {
        current = { module, node: value };
        continue;
      }
      if (value.type !== 'call') return undefined;
      const callee = value.childForFieldName('function');
      const method =
        callee?.type === 'attribute' ? callee.childForFieldName('attribute')?.text : '';
      if (method !== 'get_queue_url' && method !== 'create_queue') return undefined;
      const queue = argument(value.childForFieldName('arguments'), undefined, 'QueueName');
      return queue ? this.file.resolver.string(module, queue) : undefined;
    }
    return undefined;
  }

  // ---- consumers -----------------------------------------------------------------------

  private consume(use: Use): void {
    const { target, method } = use;
    let queue: Located | undefined;
    let count: SyntaxNode | undefined;
    if (target.kind === 'client' && target.service === 'sqs' && method === 'receive_message') {
      const url = argument(use.args, undefined, 'QueueUrl');
      queue = url ? { module: this.file.module, node: url } : undefined;
      count = argument(use.args, undefined, 'MaxNumberOfMessages');
    } else if (target.kind === 'queue' && method === 'receive_messages') {
      queue = target.name;
      count = argument(use.args, undefined, 'MaxNumberOfMessages');
    } else if (
      target.kind === 'client' &&
      target.service === 'kinesis' &&
      method === 'get_shard_iterator'
    ) {
      const stream =
        argument(use.args, undefined, 'StreamName') ?? argument(use.args, undefined, 'StreamARN');
      if (stream) this.consumeStream(use, { module: this.file.module, node: stream });
      return;
    }
    if (!queue) return;
    const most = count ? this.file.resolver.literal(this.file.module, count) : undefined;
    const batch = typeof most === 'number' && most > 1;
    const name = this.name(queue);
    const fn = enclosingFunction(use.call);
    const handlerName = enclosingName(this.file.module, use.call);
    const handler = ref.handler(locationOf(this.file), handlerName);
    if (fn) this.handlers.set(fn.startIndex, handler);
    const evidence = evidenceOf(this.file, queue.node, queue.module);
    const properties: Properties = batch ? { batch } : {};
    this.records.push(
      nodeRecord(
        handler,
        { name: handlerName, technology: 'sqs', properties },
        evidenceOf(this.file, fn ?? use.call),
      ),
      channelRecord('Queue', 'queue', 'sqs', name, evidence),
      edgeRecord(
        'CONSUMES',
        handler,
        ref.channel('Queue', 'sqs', name.name),
        { technology: 'sqs', properties },
        evidenceOf(this.file, use.call),
      ),
    );
  }

  // get_shard_iterator(StreamName=...) followed by get_records reads the stream.
  private consumeStream(use: Use, stream: Located): void {
    const fn = enclosingFunction(use.call);
    const scope = fn ?? this.file.module.root;
    if (!scope.text.includes('.get_records(')) return;
    const name = this.name(stream);
    const handlerName = enclosingName(this.file.module, use.call);
    const handler = ref.handler(locationOf(this.file), handlerName);
    if (fn) this.handlers.set(fn.startIndex, handler);
    this.records.push(
      nodeRecord(
        handler,
        { name: handlerName, technology: 'kinesis' },
        evidenceOf(this.file, fn ?? use.call),
      ),
      channelRecord('Topic', 'stream', 'kinesis', name, evidenceOf(this.file, stream.node)),
      edgeRecord(
        'CONSUMES',
        handler,
        ref.channel('Topic', 'kinesis', name.name),
        { technology: 'kinesis' },
        evidenceOf(this.file, use.call),
      ),
    );
  }

  // ---- producers and declarations --------------------------------------------------------

  private produce(use: Use): void {
    const { target, method, args } = use;
    const kw = (key: string) => argument(args, undefined, key);
    if (target.kind === 'client') {
      switch (`${target.service}.${method}`) {
        case 'sqs.send_message': {
          this.publish(use, 'sqs', kw('QueueUrl'), messageFields(args), false);
          return;
        }
        case 'sqs.send_message_batch': {
          this.publish(use, 'sqs', kw('QueueUrl'), firstEntry(this.file, use, 'Entries'), true);
          return;
        }
        case 'sqs.create_queue': {
          this.createQueue(use, kw('QueueName'), kw('Attributes'));
          return;
        }
        case 'sns.publish': {
          this.publish(use, 'sns', kw('TopicArn'), messageFields(args), false);
          return;
        }
        case 'sns.publish_batch': {
          this.publish(
            use,
            'sns',
            kw('TopicArn'),
            firstEntry(this.file, use, 'PublishBatchRequestEntries'),
            true,
          );
          return;
        }
        case 'sns.subscribe': {
          this.subscribe(use, kw('TopicArn'), kw('Protocol'), kw('Endpoint'));
          return;
        }
        case 'sns.create_topic': {
          this.declare('sns', kw('Name'));
          return;
        }
        case 'events.put_events': {
          this.putEvents(use);
          return;
        }
        case 'kinesis.put_record': {
          this.publish(
            use,
            'kinesis',
            kw('StreamName') ?? kw('StreamARN'),
            messageFields(args),
            false,
          );
          return;
        }
        case 'kinesis.put_records': {
          this.publish(
            use,
            'kinesis',
            kw('StreamName') ?? kw('StreamARN'),
            firstEntry(this.file, use, 'Records'),
            true,
          );
          return;
        }
        case 'kinesis.create_stream': {
          this.declare('kinesis', kw('StreamName'));
          return;
        }
        default:
          return;
      }
    }
    if (target.kind === 'resource' && target.service === 'sqs' && method === 'create_queue') {
      this.createQueue(use, kw('QueueName'), kw('Attributes'));
      return;
    }
    if (target.kind === 'queue' && method === 'send_message') {
      this.publish(use, 'sqs', target.name.node, messageFields(args), false, target.name);
      return;
    }
    if (target.kind === 'queue' && method === 'send_messages') {
      this.publish(
        use,
        'sqs',
        target.name.node,
        firstEntry(this.file, use, 'Entries'),
        true,
        target.name,
      );
      return;
    }
    if (target.kind === 'topic' && method === 'publish') {
      this.publish(use, 'sns', target.name.node, messageFields(args), false, target.name);
      return;
    }
    if (target.kind === 'topic' && method === 'subscribe') {
      this.subscribe(use, target.name.node, kw('Protocol'), kw('Endpoint'), target.name);
      return;
    }
  }

  private publisher(call: SyntaxNode, view: { caller?: string; at: Located }): NodeRef {
    if (view.caller) return ref.serviceOf(locationOf(this.file, view.at.module));
    const fn = enclosingFunction(call);
    return (fn && this.handlers.get(fn.startIndex)) ?? ref.serviceOf(locationOf(this.file));
  }

  private publish(
    use: Use,
    service: Service,
    nameNode: SyntaxNode | undefined,
    fields: Map<string, SyntaxNode>,
    batch: boolean,
    resource?: Located,
  ): void {
    if (!nameNode) return;
    const channel = CHANNEL[service];
    const keyField = service === 'kinesis' ? 'PartitionKey' : 'MessageGroupId';
    const views = resource
      ? [
          {
            values: new Map([['name', resource]]),
            at: { module: this.file.module, node: use.call },
          },
        ]
      : expandWrapper(this.file, use.call, {
          name: nameNode,
          key: fields.get(keyField),
          dedup: fields.get('MessageDeduplicationId'),
        });
    for (const view of views) {
      const located = view.values.get('name');
      if (!located) continue;
      const name = this.name(located);
      const properties: Properties = {};
      const key = view.values.get('key') ?? located0(this.file, fields.get(keyField));
      if (key) properties.key = compact(key.node.text);
      const dedup =
        view.values.get('dedup') ?? located0(this.file, fields.get('MessageDeduplicationId'));
      if (dedup) {
        properties.dedupKey = compact(dedup.node.text);
        properties.idempotent = true;
      }
      const delay = fields.get('DelaySeconds');
      const seconds = delay ? this.file.resolver.literal(this.file.module, delay) : undefined;
      if (typeof seconds === 'number') properties.delayMs = seconds * 1000;
      if (batch) properties.batch = true;
      if ('caller' in view && view.caller) properties.caller = view.caller;
      const evidence = evidenceOf(this.file, view.at.node, view.at.module);
      this.records.push(
        channelRecord(channel.label, channel.kind, channel.technology, name, evidence),
        edgeRecord(
          'PUBLISHES',
          this.publisher(use.call, view),
          ref.channel(channel.label, channel.technology, name.name),
          { technology: channel.technology, properties },
          evidence,
        ),
      );
    }
  }

  private declare(service: Service, nameNode: SyntaxNode | undefined): void {
    if (!nameNode) return;
    const channel = CHANNEL[service];
    const name = this.name({ module: this.file.module, node: nameNode });
    if (name.dynamic) return;
    this.records.push(
      channelRecord(
        channel.label,
        channel.kind,
        channel.technology,
        name,
        evidenceOf(this.file, nameNode),
      ),
    );
  }

  /** CreateQueue: attributes on the Queue and its redrive policy as a dead-letter route. */
  private createQueue(
    use: Use,
    nameNode: SyntaxNode | undefined,
    attributes: SyntaxNode | undefined,
  ): void {
    if (!nameNode) return;
    const name = this.name({ module: this.file.module, node: nameNode });
    const fields = attributes
      ? (this.file.resolver.dict(this.file.module, attributes) ?? new Map<string, Located>())
      : new Map<string, Located>();
    const literal = (key: string) => {
      const value = fields.get(key);
      return value ? this.file.resolver.literal(value.module, value.node) : undefined;
    };
    const properties: Properties = {};
    const visibility = Number(literal('VisibilityTimeout'));
    if (fields.has('VisibilityTimeout') && Number.isFinite(visibility))
      properties.visibilityTimeoutMs = visibility * 1000;
    const retention = Number(literal('MessageRetentionPeriod'));
    if (fields.has('MessageRetentionPeriod') && Number.isFinite(retention))
      properties.messageTtlMs = retention * 1000;
    if (String(literal('FifoQueue')).toLowerCase() === 'true') properties.fifo = true;
    if (String(literal('ContentBasedDeduplication')).toLowerCase() === 'true')
      properties.contentDeduplication = true;
    const evidence = evidenceOf(this.file, nameNode);
    this.records.push(channelRecord('Queue', 'queue', 'sqs', name, evidence, properties));
    const policy = fields.get('RedrivePolicy');
    const redrive = policy ? this.redrive(policy) : undefined;
    if (!policy || !redrive) return;
    const edge: Properties = {};
    if (redrive.maxReceiveCount !== undefined) edge.maxReceiveCount = redrive.maxReceiveCount;
    this.records.push(
      channelRecord(
        'Queue',
        'queue',
        'sqs',
        redrive.target,
        evidenceOf(this.file, policy.node, policy.module),
      ),
      edgeRecord(
        'DEAD_LETTERS_TO',
        ref.channel('Queue', 'sqs', name.name),
        ref.channel('Queue', 'sqs', redrive.target.name),
        { technology: 'sqs', properties: edge },
        evidenceOf(this.file, policy.node, policy.module),
      ),
    );
  }

  /**
   * `json.dumps({"deadLetterTargetArn": ..., "maxReceiveCount": ...})`, or that JSON written
   * out.
   */
  private redrive(policy: Located): { target: ResolvedName; maxReceiveCount?: number } | undefined {
    const bound = this.file.resolver.bind(policy.module, policy.node);
    const node = bound?.kind === 'value' ? bound.node : policy.node;
    const module = bound?.kind === 'value' ? bound.module : policy.module;
    let target: ResolvedName | undefined;
    let count = Number.NaN;
    if (
      node.type === 'call' &&
      /(^|\.)dumps$/.test(node.childForFieldName('function')?.text ?? '')
    ) {
      const first = argument(node.childForFieldName('arguments'), 0);
      const fields = first ? this.file.resolver.dict(module, first) : undefined;
      const arn = fields?.get('deadLetterTargetArn');
      target = arn ? this.name(arn) : undefined;
      const max = fields?.get('maxReceiveCount');
      count = Number(max ? this.file.resolver.literal(max.module, max.node) : undefined);
    } else {
      const text = this.file.resolver.literal(module, node);
      if (typeof text === 'string') {
        try {
          const parsed = JSON.parse(text) as Record<string, unknown>;
          if (typeof parsed.deadLetterTargetArn === 'string')
            target = resourceName({ name: parsed.deadLetterTargetArn, dynamic: false });
          count = Number(parsed.maxReceiveCount);
        } catch {
          return undefined;
        }
      }
    }
    if (!target) return undefined;
    return Number.isFinite(count) ? { target, maxReceiveCount: count } : { target };
  }

  /** SNS → SQS subscription: the topic copies every message into the queue. */
  private subscribe(
    use: Use,
    topicNode: SyntaxNode | undefined,
    protocol: SyntaxNode | undefined,
    endpoint: SyntaxNode | undefined,
    resource?: Located,
  ): void {
    if (!topicNode || !endpoint || !protocol) return;
    if (this.file.resolver.literal(this.file.module, protocol) !== 'sqs') return;
    const topic = this.name(resource ?? { module: this.file.module, node: topicNode });
    const queue = this.name({ module: this.file.module, node: endpoint });
    const evidence = evidenceOf(this.file, use.call);
    this.records.push(
      channelRecord('Topic', 'topic', 'sns', topic, evidence),
      channelRecord('Queue', 'queue', 'sqs', queue, evidence),
      edgeRecord(
        'ROUTES_TO',
        ref.channel('Topic', 'sns', topic.name),
        ref.channel('Queue', 'sqs', queue.name),
        { technology: 'sns' },
        evidence,
      ),
    );
  }

  /** PutEvents: each entry goes to its bus, the account's `default` bus when none is named. */
  private putEvents(use: Use): void {
    const list = argument(use.args, undefined, 'Entries');
    const elements = list ? (this.file.resolver.sequence(this.file.module, list) ?? []) : [];
    for (const element of elements) {
      const entry = this.file.resolver.dict(element.module, element.node);
      if (!entry) continue;
      const bus = entry.get('EventBusName');
      const name: ResolvedName = bus ? this.name(bus) : { name: 'default', dynamic: false };
      const properties: Properties = {};
      const source = entry.get('Source');
      if (source) properties.source = this.file.resolver.string(source.module, source.node).name;
      const detailType = entry.get('DetailType');
      if (detailType)
        properties.detailType = this.file.resolver.string(detailType.module, detailType.node).name;
      const evidence = evidenceOf(this.file, element.node, element.module);
      this.records.push(
        channelRecord('Topic', 'topic', 'eventbridge', name, evidence),
        edgeRecord(
          'PUBLISHES',
          this.publisher(use.call, { at: { module: this.file.module, node: use.call } }),
          ref.channel('Topic', 'eventbridge', name.name),
          { technology: 'eventbridge', properties },
          evidence,
        ),
      );
    }
  }
}

function isService(value: unknown): value is Service {
  return value === 'sqs' || value === 'sns' || value === 'events' || value === 'kinesis';
}

/** The keyword arguments of one message: send_message(QueueUrl=..., MessageGroupId=...). */
function messageFields(args: SyntaxNode | undefined): Map<string, SyntaxNode> {
  const fields = new Map<string, SyntaxNode>();
  for (const child of args?.namedChildren ?? []) {
    const name = child.childForFieldName('name')?.text;
    const value = child.childForFieldName('value');
    if (child.type === 'keyword_argument' && name && value) fields.set(name, value);
  }
  return fields;
}

/** The fields of the first entry of a batch, as written (a dict or a comprehension's dict). */
function firstEntry(file: PyFile, use: Use, key: string): Map<string, SyntaxNode> {
  const list = argument(use.args, undefined, key);
  if (!list) return new Map();
  const bound = file.resolver.bind(file.module, list);
  const node = bound?.kind === 'value' ? bound.node : list;
  const first =
    node.type === 'list_comprehension'
      ? node.childForFieldName('body')
      : node.type === 'list'
        ? node.namedChildren[0]
        : undefined;
  const fields = new Map<string, SyntaxNode>();
  if (first?.type !== 'dictionary') return fields;
  for (const pair of first.namedChildren) {
    const k = pair.childForFieldName('key');
    const v = pair.childForFieldName('value');
    const text = k ? file.resolver.literal(file.module, k) : undefined;
    if (pair.type === 'pair' && typeof text === 'string' && v) fields.set(text, v);
  }
  return fields;
}

function located0(file: PyFile, node: SyntaxNode | undefined): Located | undefined {
  return node ? { module: file.module, node } : undefined;
}

function compact(text: string): string {
  return text.replace(/\s+/g, ' ');
}
