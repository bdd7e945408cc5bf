// AsyncAPI 2.x and 3.x documents: channels named on the broker the servers' protocol says,
// the messages each carries (payload and header fields, through local `$ref`s) as Events with
// CARRIES, and the operations written for each channel. A contract documents an intent: it
// never creates a producer or consumer; every node keeps `contract` and `contractFile`, so
// what code does not implement is reported as documented only.
// Docs: https://www.asyncapi.com/docs/reference/specification/v2.6.0
//       https://www.asyncapi.com/docs/reference/specification/v3.0.0
import createDebug from 'debug';
import {
  channelRecord,
  edgeRecord,
  evidenceAt,
  nodeRecord,
  ref,
  type ChannelKind,
  type ChannelLabel,
  type GraphRecord,
  type NodeRef,
  type Properties,
  type SourceLocation,
} from '../../model/graph.js';
import type { TechnologyId } from '../../model/taxonomy.js';
import { contractProperties } from '../../model/contract.js';
import type { ExtractContext, Extractor } from '../contract.js';
import type { ConfigFile } from '../../lang/config/frontend.js';
import { entries, field, items, keyLine, text, type Located } from '../../lang/config/yaml-tree.js';
import { Refs, versionOf } from './schema.js';

const debug = createDebug('eventgraph:extract:asyncapi');

export const asyncapiExtractor: Extractor<ConfigFile> = {
  id: 'asyncapi',
  title: 'AsyncAPI 2.x and 3.x contracts: channels, operations and message payloads',
  docs: 'https://www.asyncapi.com/docs/reference/specification/v3.0.0',
  language: 'config',
  technologies: [
    'kafka',
    'rabbitmq',
    'mqtt',
    'nats',
    'sqs',
    'sns',
    'gcp-pubsub',
    'redis-pubsub',
    'activemq',
  ],
  packages: [],
  imports: ['asyncapi'],
  prefilter: ['asyncapi'],
  emits: { nodes: ['Topic', 'Queue', 'Event'], edges: ['CARRIES'] },
  extract,
};

interface Broker {
  label: ChannelLabel;
  kind: ChannelKind;
  technology: TechnologyId;
}

const BROKERS: Record<string, Broker> = {
  kafka: { label: 'Topic', kind: 'topic', technology: 'kafka' },
  'kafka-secure': { label: 'Topic', kind: 'topic', technology: 'kafka' },
  amqp: { label: 'Topic', kind: 'exchange', technology: 'rabbitmq' },
  amqps: { label: 'Topic', kind: 'exchange', technology: 'rabbitmq' },
  mqtt: { label: 'Topic', kind: 'topic', technology: 'mqtt' },
  'secure-mqtt': { label: 'Topic', kind: 'topic', technology: 'mqtt' },
  mqtts: { label: 'Topic', kind: 'topic', technology: 'mqtt' },
  nats: { label: 'Topic', kind: 'subject', technology: 'nats' },
  sqs: { label: 'Queue', kind: 'queue', technology: 'sqs' },
  sns: { label: 'Topic', kind: 'topic', technology: 'sns' },
  googlepubsub: { label: 'Topic', kind: 'topic', technology: 'gcp-pubsub' },
  redis: { label: 'Topic', kind: 'channel', technology: 'redis-pubsub' },
  ibmmq: { label: 'Queue', kind: 'queue', technology: 'activemq' },
  jms: { label: 'Queue', kind: 'queue', technology: 'activemq' },
};

const CONTRACT = 'asyncapi';

function extract(file: ConfigFile, context: ExtractContext): GraphRecord[] {
  if (file.dialect !== 'asyncapi') return [];
  const location = { repository: file.input.repository, file: file.input.path };
  const records: GraphRecord[] = [];
  for (const document of file.documents) {
    const version = text(field(document, 'asyncapi')) ?? '';
    const refs = new Refs(document);
    const reader = new Reader(document, refs, location, version.startsWith('3.'));
    records.push(...reader.read(context));
    for (const problem of refs.problems)
      context.report({ severity: 'note', line: problem.line, message: problem.message });
  }
  debug('%s: %d records', file.input.path, records.length);
  return records;
}

interface Channel {
  key: string;
  node: Located;
  name: string;
  line: number;
}

interface Carrier {
  ref: NodeRef;
  technology: TechnologyId;
}

class Reader {
  private readonly records: GraphRecord[] = [];
  private readonly servers: Map<string, Broker | undefined>;

  constructor(
    private readonly document: Located,
    private readonly refs: Refs,
    private readonly location: SourceLocation,
    private readonly v3: boolean,
  ) {
    this.servers = new Map(
      entries(field(document, 'servers')).map(([name, server]) => [
        name,
        BROKERS[(text(field(refs.resolve(server), 'protocol')) ?? '').toLowerCase()],
      ]),
    );
  }

  read(context: ExtractContext): GraphRecord[] {
    const operations = this.v3 ? this.operationsByChannel() : new Map<string, string[]>();
    const channels = field(this.document, 'channels');
    for (const [key, written] of entries(channels)) {
      const node = this.refs.resolve(written);
      if (!node) continue;
      const address = this.v3 ? field(node, 'address') : undefined;
      // A 3.x channel without an address is named at run time: its key is only an id.
      const name = this.v3 ? text(address) : key;
      if (name === undefined) {
        context.report({
          severity: 'note',
          line: keyLine(channels, key),
          message: `channel ${key} has no address; not recorded`,
        });
        continue;
      }
      const channel = { key, node, name, line: address?.line ?? keyLine(channels, key) };
      const brokers = this.brokersOf(node);
      if (brokers.length === 0)
        context.report({
          severity: 'note',
          line: channel.line,
          message:
            `channel ${name}: no server protocol eventgraph knows; ` +
            'messages kept, channel not recorded',
        });
      const documented = this.v3 ? (operations.get(key) ?? []) : this.operationsOf2(node);
      const refsOut = brokers.map((broker) => this.channel(channel, broker, documented));
      for (const [message, messageName] of this.messagesOf(node, context))
        this.event(message, messageName, refsOut);
    }
    return this.records;
  }

  /** The brokers of a channel: its own `servers`, or every server of the document. */
  private brokersOf(channel: Located): Broker[] {
    const named = items(field(channel, 'servers'));
    const names =
      named.length > 0
        ? named.map((s) => text(s) ?? this.refs.refName(s) ?? '')
        : [...this.servers.keys()];
    const found = new Map<string, Broker>();
    for (const name of names) {
      const broker = this.servers.get(name);
      if (broker) found.set(`${broker.technology}:${broker.kind}`, broker);
    }
    return [...found.values()];
  }

  private channel(channel: Channel, broker: Broker, operations: string[]): Carrier {
    const amqp = field(channel.node, 'bindings', 'amqp');
    let { label, kind } = broker;
    let name = channel.name;
    if (broker.technology === 'rabbitmq') {
      const isQueue = text(field(amqp, 'is')) === 'queue';
      if (isQueue) [label, kind] = ['Queue', 'queue'];
      name = text(field(amqp, isQueue ? 'queue' : 'exchange', 'name')) ?? name;
    }
    const properties: Properties = contractProperties(CONTRACT, this.location.file);
    if (operations.length > 0) properties.documentedOperations = operations;
    const parameter = /\{[^}]+\}/.test(name);
    const resolved = parameter
      ? { name, dynamic: true, expression: name }
      : { name, dynamic: false };
    const evidence = evidenceAt(this.location, channel.line);
    this.records.push(
      channelRecord(label, kind, broker.technology, resolved, evidence, properties),
    );
    return { ref: ref.channel(label, broker.technology, name), technology: broker.technology };
  }

  /** 2.x: `publish` and `subscribe` written on the channel, with their operationId. */
  private operationsOf2(channel: Located): string[] {
    return ['publish', 'subscribe'].flatMap((action) => {
      const operation = field(channel, action);
      if (!operation) return [];
      const id = text(field(operation, 'operationId'));
      return [id ? `${action} ${id}` : action];
    });
  }

  /** 3.x: operations name their channel by `$ref`; keyed by the channel's key. */
  private operationsByChannel(): Map<string, string[]> {
    const byChannel = new Map<string, string[]>();
    for (const [id, written] of entries(field(this.document, 'operations'))) {
      const operation = this.refs.resolve(written);
      const action = text(field(operation, 'action'));
      const channelKey = this.refs.refName(field(operation, 'channel'));
      if (!action || !channelKey) continue;
      const list = byChannel.get(channelKey) ?? [];
      list.push(`${action} ${id}`);
      byChannel.set(channelKey, list);
    }
    return byChannel;
  }

  /** The messages of a channel with their names: 3.x `messages`, 2.x operations' `message`. */
  private messagesOf(channel: Located, context: ExtractContext): [Located, string][] {
    const written: [Located, string | undefined][] = this.v3
      ? entries(field(channel, 'messages')).map(([key, m]) => [m, key])
      : ['publish', 'subscribe'].flatMap((action) => {
          const message = field(channel, action, 'message');
          const oneOf = items(field(this.refs.resolve(message), 'oneOf'));
          const all = oneOf.length > 0 ? oneOf : message ? [message] : [];
          return all.map((m): [Located, string | undefined] => [m, undefined]);
        });
    const found = new Map<string, Located>();
    for (const [node, key] of written) {
      const message = this.refs.resolve(node);
      if (!message) continue;
      const name =
        text(field(message, 'name')) ??
        text(field(message, 'messageId')) ??
        this.refs.refName(node) ??
        key ??
        text(field(message, 'title'));
      if (name === undefined) {
        context.report({
          severity: 'note',
          line: message.line,
          message: 'message without a name, messageId or component key; not recorded',
        });
        continue;
      }
      if (!found.has(name)) found.set(name, message);
    }
    return [...found].map(([name, message]) => [message, name]);
  }

  private event(message: Located, name: string, channels: Carrier[]): void {
    const payload = this.refs.resolve(field(message, 'payload'));
    const properties: Properties = {
      fields: this.refs.fields(payload),
      metadataFields: this.refs.fields(field(message, 'headers')),
      ...contractProperties(CONTRACT, this.location.file),
    };
    const version = versionOf(message, payload);
    if (version !== undefined) properties.version = version;
    const eventRef = ref.event(this.location.repository, name);
    const evidence = evidenceAt(this.location, message.line);
    this.records.push(nodeRecord(eventRef, { name, technology: null, properties }, evidence));
    for (const channel of channels)
      this.records.push(
        edgeRecord(
          'CARRIES',
          channel.ref,
          eventRef,
          { technology: channel.technology, properties: { contract: CONTRACT } },
          evidence,
        ),
      );
  }
}
