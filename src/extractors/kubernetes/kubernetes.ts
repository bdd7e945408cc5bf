// Kubernetes manifests: worker Deployments (a Celery/RQ/Dramatiq command and its replicas,
// channels named by container env), CronJobs (schedule and command: k8s-cronjob SCHEDULES),
// KEDA ScaledObjects (which queue or topic scales which workload) and Strimzi KafkaTopics
// (partitions, replicas, retention).
// Docs: https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/
//       https://keda.sh/docs/latest/reference/scaledobject-spec/
//       https://strimzi.io/docs/operators/latest/configuring.html#type-KafkaTopic-reference
import createDebug from 'debug';
import {
  channelRecord,
  edgeRecord,
  evidenceAt,
  nodeRecord,
  ref,
  type GraphRecord,
  type Properties,
  type SourceLocation,
} from '../../model/graph.js';
import type { TechnologyId } from '../../model/taxonomy.js';
import type { Extractor } from '../contract.js';
import type { ConfigFile } from '../../lang/config/frontend.js';
import { readWorkerCommand } from '../../lang/config/commands.js';
import { settingChannels, workerRecords, type Setting } from '../../lang/config/deployment.js';
import { field, items, keyLine, num, text, type Located } from '../../lang/config/yaml-tree.js';

const debug = createDebug('eventgraph:extract:kubernetes');

export const kubernetesExtractor: Extractor<ConfigFile> = {
  id: 'kubernetes',
  title: 'Kubernetes workloads, CronJobs, KEDA scalers and Strimzi topics',
  docs: 'https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/',
  language: 'config',
  technologies: ['k8s-cronjob', 'kafka', 'rabbitmq', 'sqs', 'celery', 'rq'],
  packages: [],
  imports: ['apiVersion'],
  prefilter: ['apiVersion'],
  emits: { nodes: ['Topic', 'Queue', 'Handler', 'Job'], edges: ['CONSUMES', 'SCHEDULES'] },
  extract,
};

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job']);

function extract(file: ConfigFile): GraphRecord[] {
  if (file.dialect !== 'kubernetes') return [];
  const location = { repository: file.input.repository, file: file.input.path };
  const records: GraphRecord[] = [];
  for (const document of file.documents) {
    const kind = text(field(document, 'kind')) ?? '';
    const apiVersion = text(field(document, 'apiVersion')) ?? '';
    if (WORKLOADS.has(kind)) records.push(...workload(location, document));
    else if (kind === 'CronJob') records.push(...cronJob(location, document));
    else if (kind === 'ScaledObject' && apiVersion.startsWith('keda.sh/'))
      records.push(...scaledObject(location, document));
    else if (kind === 'KafkaTopic' && apiVersion.startsWith('kafka.strimzi.io/'))
      records.push(...kafkaTopic(location, document));
  }
  debug('%s: %d records', file.input.path, records.length);
  return records;
}

interface Container {
  name: string;
  command: string[];
  line: number;
  settings: Setting[];
}

function containersOf(podSpec: Located | undefined): Container[] {
  return items(field(podSpec, 'containers')).map((container) => {
    const words = [...items(field(container, 'command')), ...items(field(container, 'args'))];
    const line = field(container, 'command')?.line ?? field(container, 'args')?.line;
    return {
      name: text(field(container, 'name')) ?? 'container',
      command: words.map((w) => text(w) ?? ''),
      line: line ?? container.line,
      settings: items(field(container, 'env')).flatMap((variable) => {
        const key = text(field(variable, 'name'));
        const value = text(field(variable, 'value'));
        return key && value !== undefined ? [{ key, value, line: keyLine(variable, 'value') }] : [];
      }),
    };
  });
}

/** Technologies a container's settings point to by URL scheme. */
function wiredBySettings(settings: readonly Setting[]): TechnologyId[] {
  const wired: TechnologyId[] = [];
  for (const { value } of settings) {
    if (/^amqps?:\/\//.test(value)) wired.push('rabbitmq');
    if (/^nats:\/\//.test(value)) wired.push('nats');
    if (/^mqtts?:\/\//.test(value)) wired.push('mqtt');
    if (/^pulsar(\+ssl)?:\/\//.test(value)) wired.push('pulsar');
  }
  return wired;
}

function workload(location: SourceLocation, document: Located): GraphRecord[] {
  const name = text(field(document, 'metadata', 'name')) ?? 'workload';
  const replicas = num(field(document, 'spec', 'replicas'));
  const records: GraphRecord[] = [];
  for (const container of containersOf(field(document, 'spec', 'template', 'spec'))) {
    records.push(
      ...settingChannels(location, container.settings, wiredBySettings(container.settings)),
    );
    const worker = container.command.length ? readWorkerCommand(container.command) : undefined;
    if (worker) records.push(...workerRecords(location, name, worker, container.line, replicas));
  }
  return records;
}

function cronJob(location: SourceLocation, document: Located): GraphRecord[] {
  const name = text(field(document, 'metadata', 'name'));
  const spec = field(document, 'spec');
  const schedule = text(field(spec, 'schedule'));
  if (!name || !schedule) return [];
  const podSpec = field(spec, 'jobTemplate', 'spec', 'template', 'spec');
  const containers = containersOf(podSpec);
  const command = containers.map((c) => c.command.join(' ')).filter(Boolean);
  const evidence = evidenceAt(location, keyLine(spec, 'schedule'));
  const job = ref.job(location.repository, 'k8s-cronjob', name);
  const jobProperties: Properties = command.length ? { command: command.join('; ') } : {};
  const scheduleProperties: Properties = {
    schedule,
    scheduleKind: 'cron',
    scheduler: 'k8s-cronjob',
  };
  const timezone = text(field(spec, 'timeZone'));
  if (timezone) scheduleProperties.timezone = timezone;
  const policy = text(field(spec, 'concurrencyPolicy'));
  if (policy) scheduleProperties.concurrencyPolicy = policy;
  const records: GraphRecord[] = [
    nodeRecord(
      job,
      { name, technology: 'k8s-cronjob', properties: jobProperties },
      evidenceAt(location, keyLine(field(document, 'metadata'), 'name')),
    ),
    edgeRecord(
      'SCHEDULES',
      ref.serviceOf(location),
      job,
      { technology: 'k8s-cronjob', properties: scheduleProperties },
      evidence,
    ),
  ];
  for (const container of containers)
    records.push(
      ...settingChannels(location, container.settings, wiredBySettings(container.settings)),
    );
  return records;
}

/** KEDA trigger types and where each names its channel. */
const KEDA_TRIGGERS: Record<
  string,
  { technology: TechnologyId; label: 'Topic' | 'Queue'; keys: string[] }
> = {
  kafka: { technology: 'kafka', label: 'Topic', keys: ['topic'] },
  'apache-kafka': { technology: 'kafka', label: 'Topic', keys: ['topic'] },
  rabbitmq: { technology: 'rabbitmq', label: 'Queue', keys: ['queueName'] },
  'aws-sqs-queue': { technology: 'sqs', label: 'Queue', keys: ['queueURL', 'queueName'] },
  'aws-kinesis-stream': { technology: 'kinesis', label: 'Topic', keys: ['streamName'] },
  // A Pub/Sub subscription holds messages for its consumers like a queue.
  'gcp-pubsub': { technology: 'gcp-pubsub', label: 'Queue', keys: ['subscriptionName'] },
  'azure-servicebus': {
    technology: 'azure-service-bus',
    label: 'Queue',
    keys: ['queueName', 'topicName'],
  },
  'azure-eventhub': { technology: 'azure-event-hubs', label: 'Topic', keys: ['eventHubName'] },
  'nats-jetstream': { technology: 'nats', label: 'Topic', keys: ['stream'] },
  'redis-streams': { technology: 'redis-streams', label: 'Topic', keys: ['stream'] },
  pulsar: { technology: 'pulsar', label: 'Topic', keys: ['topic'] },
};

function scaledObject(location: SourceLocation, document: Located): GraphRecord[] {
  const spec = field(document, 'spec');
  const target = text(field(spec, 'scaleTargetRef', 'name'));
  if (!target) return [];
  const records: GraphRecord[] = [];
  for (const trigger of items(field(spec, 'triggers'))) {
    const shape = KEDA_TRIGGERS[text(field(trigger, 'type')) ?? ''];
    const metadata = field(trigger, 'metadata');
    if (!shape) continue;
    for (const key of shape.keys) {
      const written = text(field(metadata, key));
      if (!written) continue;
      // An SQS queue URL ends in the queue's name.
      const name = key === 'queueURL' ? (written.split('/').at(-1) ?? written) : written;
      const properties: Properties = { scaledWorkload: target };
      const max = num(field(spec, 'maxReplicaCount'));
      if (max !== undefined) properties.maxReplicas = max;
      const group = text(field(metadata, 'consumerGroup'));
      if (group) properties.consumerGroup = group;
      const kind =
        shape.label === 'Queue' ? 'queue' : shape.technology === 'kinesis' ? 'stream' : 'topic';
      records.push(
        channelRecord(
          shape.label,
          key === 'topicName' ? 'topic' : kind,
          shape.technology,
          { name, dynamic: false },
          evidenceAt(location, keyLine(metadata, key)),
          properties,
        ),
      );
    }
  }
  return records;
}

function kafkaTopic(location: SourceLocation, document: Located): GraphRecord[] {
  const spec = field(document, 'spec');
  const name = text(field(spec, 'topicName')) ?? text(field(document, 'metadata', 'name'));
  if (!name) return [];
  const properties: Properties = {};
  const partitions = num(field(spec, 'partitions'));
  if (partitions !== undefined) properties.partitions = partitions;
  const replicas = num(field(spec, 'replicas'));
  if (replicas !== undefined) properties.replicas = replicas;
  const config = field(spec, 'config');
  const retention = num(field(config, 'retention.ms'));
  if (retention !== undefined) properties.retentionMs = retention;
  const cleanup = text(field(config, 'cleanup.policy'));
  if (cleanup) properties.cleanupPolicy = cleanup;
  const line = keyLine(field(document, 'metadata'), 'name');
  return [
    channelRecord(
      'Topic',
      'topic',
      'kafka',
      { name, dynamic: false },
      evidenceAt(location, line),
      properties,
    ),
  ];
}
