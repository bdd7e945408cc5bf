// What compose services, Kubernetes containers and Procfile processes have in common: the
// broker an image runs, the channels environment settings name, and worker processes with
// the queues they take from. Extractors turn these into records with the same rules.
import {
  channelRecord,
  edgeRecord,
  evidenceAt,
  nodeRecord,
  ref,
  type ChannelKind,
  type ChannelLabel,
  type GraphRecord,
  type Properties,
  type ResolvedName,
  type SourceLocation,
} from '../../model/graph.js';
import type { TechnologyId } from '../../model/taxonomy.js';
import { shellName, type WorkerCommand } from './commands.js';

export interface BrokerImage {
  /** The technology whose channels the broker carries; null when the image serves several. */
  technology: TechnologyId | null;
  /** How the note names the broker. */
  title: string;
}

/** Broker images by the last segment of their repository name. */
const BROKER_IMAGES: [RegExp, BrokerImage][] = [
  [/^(kafka|cp-kafka|cp-server|kafka-native)$/, { technology: 'kafka', title: 'Kafka' }],
  [/^redpanda$/, { technology: 'kafka', title: 'Redpanda (Kafka API)' }],
  [/^rabbitmq$/, { technology: 'rabbitmq', title: 'RabbitMQ' }],
  [/^(nats|nats-streaming)$/, { technology: 'nats', title: 'NATS' }],
  [
    /^(activemq|activemq-artemis|artemis|activemq-classic)$/,
    { technology: 'activemq', title: 'ActiveMQ' },
  ],
  [/^(pulsar|pulsar-all)$/, { technology: 'pulsar', title: 'Pulsar' }],
  [
    /^(emqx|eclipse-mosquitto|mosquitto|hivemq4|hivemq-ce|vernemq)$/,
    { technology: 'mqtt', title: 'MQTT' },
  ],
  // Redis carries pub/sub, streams and job queues alike; the image alone cannot tell which.
  [/^(redis|redis-stack|redis-stack-server|valkey|keydb)$/, { technology: null, title: 'Redis' }],
  // LocalStack emulates SQS, SNS, Kinesis, EventBridge...: the image alone names none of them.
  [/^localstack(-pro)?$/, { technology: null, title: 'LocalStack (AWS emulator)' }],
];

export function brokerOfImage(image: string): BrokerImage | undefined {
  const withoutTag = image.replace(/@.*$/, '').replace(/:[^/]*$/, '');
  const last = withoutTag.split('/').at(-1)?.toLowerCase() ?? '';
  return BROKER_IMAGES.find(([pattern]) => pattern.test(last))?.[1];
}

/** Setting names that hold a channel name: QUEUE_NAME, SRC_QUEUE_NAME, KAFKA_TOPIC, ... */
const CHANNEL_SETTING = /(^|_)(QUEUE|TOPIC|EXCHANGE|SUBJECT|STREAM)S?(_NAMES?)?$/i;

/** Technologies a setting's own name points to. */
const SETTING_PREFIXES: [RegExp, TechnologyId][] = [
  [/^KAFKA_/i, 'kafka'],
  [/^(RABBIT(MQ)?|AMQP)_/i, 'rabbitmq'],
  [/^NATS_/i, 'nats'],
  [/^SQS_/i, 'sqs'],
  [/^SNS_/i, 'sns'],
  [/^KINESIS_/i, 'kinesis'],
  [/^(PUBSUB|GCP_PUBSUB)_/i, 'gcp-pubsub'],
  [/^MQTT_/i, 'mqtt'],
  [/^PULSAR_/i, 'pulsar'],
  [/^CELERY_/i, 'celery'],
];

/** Label and kind of a channel of a technology named by a setting's keyword. */
function channelShape(technology: TechnologyId, keyword: string): [ChannelLabel, ChannelKind] {
  const word = keyword.toUpperCase();
  if (word === 'EXCHANGE') return ['Topic', 'exchange'];
  if (['kafka', 'pulsar', 'sns', 'gcp-pubsub', 'mqtt'].includes(technology))
    return ['Topic', 'topic'];
  if (technology === 'kinesis') return ['Topic', 'stream'];
  if (technology === 'nats') return ['Topic', 'subject'];
  if (word === 'TOPIC') return ['Topic', 'topic'];
  if (word === 'STREAM') return ['Topic', 'stream'];
  if (word === 'SUBJECT') return ['Topic', 'subject'];
  return ['Queue', 'queue'];
}

export interface Setting {
  key: string;
  value: string;
  line: number;
}

/**
 * Channels named by settings. The technology comes from the setting's prefix, else from the
 * one broker technology the process is wired to; with none or several it stays unknown and
 * the setting gives nothing.
 */
export function settingChannels(
  location: SourceLocation,
  settings: readonly Setting[],
  wiredTo: readonly TechnologyId[],
): GraphRecord[] {
  const records: GraphRecord[] = [];
  const wired = [...new Set(wiredTo)];
  for (const setting of settings) {
    const match = CHANNEL_SETTING.exec(setting.key);
    if (!match?.[2]) continue;
    const byPrefix = SETTING_PREFIXES.find(([prefix]) => prefix.test(setting.key))?.[1];
    // LOG_STREAM, EVENT_STREAM...: a stream is a channel only where the setting says whose.
    if (match[2].toUpperCase() === 'STREAM' && !byPrefix) continue;
    const technology = byPrefix ?? (wired.length === 1 ? wired[0] : undefined);
    if (!technology) continue;
    const [label, kind] = channelShape(technology, match[2]);
    for (const part of setting.value.split(',')) {
      const resolved = shellName(part.trim());
      if (!resolved || resolved.dynamic || looksLikeAddress(resolved.name)) continue;
      records.push(
        channelRecord(
          label,
          kind,
          technology,
          asResolved(resolved),
          evidenceAt(location, setting.line),
          { env: [setting.key] },
        ),
      );
    }
  }
  return records;
}

function looksLikeAddress(value: string): boolean {
  return /^[a-z][\w+.-]*:\/\//i.test(value) || /^\d+$/.test(value) || value.includes('/');
}

function asResolved(name: ReturnType<typeof shellName> & object): ResolvedName {
  return {
    name: name.name,
    dynamic: name.dynamic,
    ...(name.override === undefined ? {} : { override: name.override }),
    ...(name.expression === undefined ? {} : { expression: name.expression }),
  };
}

/**
 * A worker process: a Handler named after the process, consuming each queue its command
 * names. Replicas multiply the worker's own concurrency: that many consumers compete.
 */
export function workerRecords(
  location: SourceLocation,
  processName: string,
  worker: WorkerCommand,
  line: number,
  replicas?: number,
): GraphRecord[] {
  if (worker.queues.length === 0) return [];
  const evidence = evidenceAt(location, line);
  const handler = ref.handler(location, processName);
  const properties: Properties = { command: worker.command };
  if (replicas !== undefined) properties.replicas = replicas;
  const total = (worker.concurrency ?? 1) * (replicas ?? 1);
  if (worker.concurrency !== undefined || (replicas ?? 1) > 1) properties.concurrency = total;
  const records: GraphRecord[] = [
    nodeRecord(handler, { name: processName, technology: worker.technology, properties }, evidence),
  ];
  for (const queue of worker.queues) {
    const resolved = shellName(queue);
    if (!resolved) continue;
    const name = asResolved(resolved);
    const channel = channelRecord('Queue', 'queue', worker.technology, name, evidence);
    const edgeProperties: Properties = total > 1 ? { concurrency: total } : {};
    records.push(
      channel,
      edgeRecord(
        'CONSUMES',
        handler,
        channel.ref,
        { technology: worker.technology, properties: edgeProperties },
        evidence,
      ),
    );
  }
  return records;
}
