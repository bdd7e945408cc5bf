// Terraform: queues, topics, streams and buses of AWS, Azure and Google Cloud, their
// dead-letter routes and subscriptions, and the functions they trigger. References between
// resources (aws_sqs_queue.dlq.arn) are resolved within the module (the folder's .tf files).
// A cluster (aws_msk_cluster, a Service Bus namespace) alone is infrastructure: a note.
// Docs: https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/sqs_queue
//       https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/pubsub_subscription
//       https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/servicebus_queue
import createDebug from 'debug';
import {
  channelRecord,
  evidenceAt,
  type ChannelKind,
  type ChannelLabel,
  type Properties,
  type ResolvedName,
  type GraphRecord,
} from '../../model/graph.js';
import type { TechnologyId } from '../../model/taxonomy.js';
import type { Extractor, ExtractContext } from '../contract.js';
import type { ConfigFile, TerraformResource } from '../../lang/config/frontend.js';
import { describeValue, type HclBlock, type HclValue } from '../../lang/config/hcl.js';
import { CloudRecords, isScheduleExpression, type Target } from '../../lang/config/cloud.js';

const debug = createDebug('eventgraph:extract:terraform');

export const terraformExtractor: Extractor<ConfigFile> = {
  id: 'terraform',
  title: 'Terraform messaging resources',
  docs: 'https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/sqs_queue',
  language: 'config',
  technologies: [
    'sqs',
    'sns',
    'eventbridge',
    'kinesis',
    'azure-service-bus',
    'azure-event-hubs',
    'gcp-pubsub',
    'serverless-schedule',
  ],
  packages: [],
  imports: ['resource'],
  prefilter: ['resource'],
  emits: {
    nodes: ['Topic', 'Queue', 'Handler', 'Job'],
    edges: ['CONSUMES', 'ROUTES_TO', 'DEAD_LETTERS_TO', 'SCHEDULES'],
  },
  extract,
};

interface Shape {
  label: ChannelLabel;
  kind: ChannelKind;
  technology: TechnologyId;
  /** The attribute holding the channel's name. */
  nameAttribute: string;
}

const CHANNELS: Record<string, Shape> = {
  aws_sqs_queue: { label: 'Queue', kind: 'queue', technology: 'sqs', nameAttribute: 'name' },
  aws_sns_topic: { label: 'Topic', kind: 'topic', technology: 'sns', nameAttribute: 'name' },
  aws_kinesis_stream: {
    label: 'Topic',
    kind: 'stream',
    technology: 'kinesis',
    nameAttribute: 'name',
  },
  aws_cloudwatch_event_bus: {
    label: 'Topic',
    kind: 'topic',
    technology: 'eventbridge',
    nameAttribute: 'name',
  },
  azurerm_servicebus_queue: {
    label: 'Queue',
    kind: 'queue',
    technology: 'azure-service-bus',
    nameAttribute: 'name',
  },
  azurerm_servicebus_topic: {
    label: 'Topic',
    kind: 'topic',
    technology: 'azure-service-bus',
    nameAttribute: 'name',
  },
  azurerm_servicebus_subscription: {
    label: 'Queue',
    kind: 'queue',
    technology: 'azure-service-bus',
    nameAttribute: 'name',
  },
  azurerm_eventhub: {
    label: 'Topic',
    kind: 'topic',
    technology: 'azure-event-hubs',
    nameAttribute: 'name',
  },
  google_pubsub_topic: {
    label: 'Topic',
    kind: 'topic',
    technology: 'gcp-pubsub',
    nameAttribute: 'name',
  },
  google_pubsub_subscription: {
    label: 'Queue',
    kind: 'queue',
    technology: 'gcp-pubsub',
    nameAttribute: 'name',
  },
};

const INFRASTRUCTURE: Record<string, string> = {
  aws_msk_cluster: 'an MSK (Kafka) cluster',
  aws_msk_serverless_cluster: 'an MSK Serverless (Kafka) cluster',
  azurerm_servicebus_namespace: 'a Service Bus namespace',
  azurerm_eventhub_namespace: 'an Event Hubs namespace',
};

function extract(file: ConfigFile, context: ExtractContext): GraphRecord[] {
  if (file.dialect !== 'terraform' || !file.terraform) return [];
  const location = { repository: file.input.repository, file: file.input.path };
  const module = file.terraformModule ?? new Map<string, TerraformResource>();
  const cloud = new CloudRecords(location);

  for (const resource of module.values()) {
    const shape = CHANNELS[resource.type];
    if (!shape) continue;
    const name = channelName(resource, shape, module);
    const properties = channelProperties(resource);
    const line = attribute(resource.block, shape.nameAttribute)?.line ?? resource.block.line;
    const address = `${resource.type}.${resource.name}`;
    if (resource.file === file.input.path) cloud.channel(address, shape, name, line, properties);
    else
      cloud.known(
        address,
        channelRecord(shape.label, shape.kind, shape.technology, name, evidenceAt(location, 1)),
      );
  }

  for (const block of file.terraform.blocks) {
    const [type, label] = block.labels;
    if (block.type !== 'resource' || !type || !label) continue;
    const note = INFRASTRUCTURE[type];
    if (note)
      context.report({
        severity: 'note',
        line: block.line,
        message: `${type}.${label} declares ${note}; infrastructure alone is not a finding`,
      });
    links(cloud, type, block, module);
  }
  const records = cloud.finish();
  debug('%s: %d records', file.input.path, records.length);
  return records;
}

function attribute(block: HclBlock, name: string): HclValue | undefined {
  return block.body.attributes.get(name);
}

function nested(block: HclBlock, type: string): HclBlock | undefined {
  return block.body.blocks.find((b) => b.type === type);
}

function literal(value: HclValue | undefined): string | number | boolean | undefined {
  if (!value) return undefined;
  if (value.kind === 'string' && !value.template) return value.value;
  if (value.kind === 'number' || value.kind === 'bool') return value.value;
  return undefined;
}

function numberOf(value: HclValue | undefined): number | undefined {
  const written = literal(value);
  if (typeof written === 'number') return written;
  return typeof written === 'string' && /^\d+$/.test(written) ? Number(written) : undefined;
}

/** `86400s` (Google durations) in milliseconds. */
function durationMs(value: HclValue | undefined): number | undefined {
  const written = literal(value);
  const match = typeof written === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(written) : null;
  return match?.[1] ? Math.round(Number(match[1]) * 1000) : undefined;
}

/** A name attribute: a literal, or its expression kept with `dynamic`. */
function channelName(
  resource: TerraformResource,
  shape: Shape,
  module: ReadonlyMap<string, TerraformResource>,
): ResolvedName {
  const value = attribute(resource.block, shape.nameAttribute);
  const written = literal(value);
  const expression = value?.kind === 'string' ? value.value : value && describeValue(value);
  const base: ResolvedName =
    typeof written === 'string'
      ? { name: written, dynamic: false }
      : expression !== undefined
        ? { name: expression, dynamic: true, expression }
        : // Without a name the provider makes one up: the resource address is all there is.
          {
            name: `${resource.type}.${resource.name}`,
            dynamic: true,
            expression: `${resource.type}.${resource.name}`,
          };
  // A Service Bus subscription is addressed under its topic.
  if (resource.type === 'azurerm_servicebus_subscription') {
    const topic = targetOf(attribute(resource.block, 'topic_id'));
    const parent = topic && 'address' in topic ? module.get(topic.address) : undefined;
    const topicName = parent && literal(attribute(parent.block, 'name'));
    if (typeof topicName === 'string')
      return { ...base, name: `${topicName}/Subscriptions/${base.name}` };
  }
  return base;
}

function channelProperties(resource: TerraformResource): Properties {
  const block = resource.block;
  const properties: Properties = {};
  const put = (key: string, value: string | number | boolean | undefined) => {
    if (value !== undefined) properties[key] = value;
  };
  switch (resource.type) {
    case 'aws_sqs_queue': {
      put('visibilityTimeoutSeconds', numberOf(attribute(block, 'visibility_timeout_seconds')));
      const retention = numberOf(attribute(block, 'message_retention_seconds'));
      put('retentionMs', retention === undefined ? undefined : retention * 1000);
      const delay = numberOf(attribute(block, 'delay_seconds'));
      put('delayMs', delay === undefined ? undefined : delay * 1000);
      const fifo = literal(attribute(block, 'fifo_queue'));
      if (fifo === true) properties.fifo = true;
      if (literal(attribute(block, 'content_based_deduplication')) === true)
        properties.contentBasedDeduplication = true;
      break;
    }
    case 'aws_sns_topic':
      if (literal(attribute(block, 'fifo_topic')) === true) properties.fifo = true;
      break;
    case 'aws_kinesis_stream': {
      put('shards', numberOf(attribute(block, 'shard_count')));
      const hours = numberOf(attribute(block, 'retention_period'));
      put('retentionMs', hours === undefined ? undefined : hours * 3_600_000);
      break;
    }
    case 'azurerm_servicebus_queue':
    case 'azurerm_servicebus_subscription':
      put('maxDeliveryCount', numberOf(attribute(block, 'max_delivery_count')));
      if (literal(attribute(block, 'requires_session')) === true) properties.ordering = 'session';
      if (literal(attribute(block, 'dead_lettering_on_message_expiration')) === true)
        properties.deadLetteringOnExpiration = true;
      break;
    case 'azurerm_eventhub': {
      put('partitions', numberOf(attribute(block, 'partition_count')));
      const days = numberOf(attribute(block, 'message_retention'));
      put('retentionMs', days === undefined ? undefined : days * 86_400_000);
      break;
    }
    case 'google_pubsub_topic':
      put('retentionMs', durationMs(attribute(block, 'message_retention_duration')));
      break;
    case 'google_pubsub_subscription': {
      put('retentionMs', durationMs(attribute(block, 'message_retention_duration')));
      put('ackDeadlineSeconds', numberOf(attribute(block, 'ack_deadline_seconds')));
      if (literal(attribute(block, 'enable_message_ordering')) === true)
        properties.ordering = 'ordering key';
      if (literal(attribute(block, 'enable_exactly_once_delivery')) === true)
        properties.exactlyOnce = true;
      const filter = literal(attribute(block, 'filter'));
      if (typeof filter === 'string') properties.filter = filter;
      break;
    }
    default:
      break;
  }
  return properties;
}

/** A reference (aws_sqs_queue.dlq.arn, "${aws_sqs_queue.dlq.arn}") or a literal ARN. */
function targetOf(value: HclValue | undefined): Target | undefined {
  if (!value) return undefined;
  if (value.kind === 'ref' && value.path.length >= 2)
    return { address: `${value.path[0] ?? ''}.${value.path[1] ?? ''}` };
  if (value.kind === 'string') {
    const interpolated = /^\$\{([\w-]+)\.([\w-]+)(\.[\w.[\]*-]+)?\}$/.exec(value.value);
    if (interpolated) return { address: `${interpolated[1] ?? ''}.${interpolated[2] ?? ''}` };
    if (!value.template && value.value.startsWith('arn:')) return { arn: value.value };
  }
  return undefined;
}

/** The JSON object a policy attribute holds: jsonencode({...}) or a JSON string. */
function policyObject(value: HclValue | undefined): Map<string, HclValue> | undefined {
  if (value?.kind === 'call' && value.name === 'jsonencode' && value.args[0]?.kind === 'object')
    return value.args[0].entries;
  if (value?.kind !== 'string') return undefined;
  // "${aws_sqs_queue.dlq.arn}" inside a heredoc is a reference written as a string.
  try {
    const parsed = JSON.parse(value.value) as unknown;
    if (!parsed || typeof parsed !== 'object') return undefined;
    const entries = new Map<string, HclValue>();
    for (const [key, item] of Object.entries(parsed as Record<string, unknown>)) {
      if (typeof item === 'string')
        entries.set(key, {
          kind: 'string',
          value: item,
          line: value.line,
          template: item.includes('${'),
        });
      else if (typeof item === 'number')
        entries.set(key, { kind: 'number', value: item, line: value.line });
    }
    return entries;
  } catch {
    return undefined;
  }
}

function links(
  cloud: CloudRecords,
  type: string,
  block: HclBlock,
  module: ReadonlyMap<string, TerraformResource>,
): void {
  const self = (): Target => ({ address: `${type}.${block.labels[1] ?? ''}` });
  switch (type) {
    case 'aws_sqs_queue': {
      const policy = policyObject(attribute(block, 'redrive_policy'));
      const dlq = targetOf(policy?.get('deadLetterTargetArn'));
      const maxReceiveCount = numberOf(policy?.get('maxReceiveCount'));
      const line = attribute(block, 'redrive_policy')?.line ?? block.line;
      if (dlq)
        cloud.link(
          'DEAD_LETTERS_TO',
          self(),
          dlq,
          line,
          maxReceiveCount === undefined ? {} : { maxReceiveCount },
        );
      break;
    }
    case 'aws_sns_topic_subscription': {
      const topic = targetOf(attribute(block, 'topic_arn'));
      const endpoint = targetOf(attribute(block, 'endpoint'));
      const protocol = literal(attribute(block, 'protocol'));
      if (!topic || !endpoint) break;
      const properties: Properties = {};
      const filter = attribute(block, 'filter_policy');
      if (filter) properties.filterPolicy = filterText(filter);
      if (literal(attribute(block, 'raw_message_delivery')) === true)
        properties.rawMessageDelivery = true;
      if (protocol === 'sqs') cloud.link('ROUTES_TO', topic, endpoint, block.line, properties);
      else if (protocol === 'lambda' && 'address' in endpoint)
        cloud.consumer(functionName(endpoint.address, module), topic, block.line, properties);
      break;
    }
    case 'aws_lambda_event_source_mapping': {
      const source = targetOf(attribute(block, 'event_source_arn'));
      const fn = targetOf(attribute(block, 'function_name'));
      if (!source) break;
      const properties: Properties = {};
      const batch = numberOf(attribute(block, 'batch_size'));
      if (batch !== undefined && batch > 1) properties.batch = batch;
      const handler =
        fn && 'address' in fn
          ? functionName(fn.address, module)
          : String(literal(attribute(block, 'function_name')) ?? block.labels[1]);
      cloud.consumer(handler, source, block.line, properties);
      break;
    }
    case 'aws_cloudwatch_event_rule': {
      const schedule = literal(attribute(block, 'schedule_expression'));
      if (typeof schedule === 'string' && isScheduleExpression(schedule)) {
        const target = ruleTarget(module, `${type}.${block.labels[1] ?? ''}`);
        const job = target ? functionName(target, module) : `${type}.${block.labels[1] ?? ''}`;
        cloud.schedule(
          job,
          schedule,
          attribute(block, 'schedule_expression')?.line ?? block.line,
          'serverless-schedule',
        );
      }
      break;
    }
    case 'aws_cloudwatch_event_target': {
      const rule = targetOf(attribute(block, 'rule'));
      const arn = targetOf(attribute(block, 'arn'));
      const ruleResource = rule && 'address' in rule ? module.get(rule.address) : undefined;
      if (!ruleResource || !arn) break;
      if (literal(attribute(ruleResource.block, 'schedule_expression')) !== undefined) break;
      const bus = targetOf(attribute(ruleResource.block, 'event_bus_name'));
      const pattern = attribute(ruleResource.block, 'event_pattern');
      const properties: Properties = { rule: ruleResource.name };
      if (pattern) properties.eventPattern = filterText(pattern);
      const from: Target = bus ?? { arn: 'arn:aws:events:::event-bus/default' };
      if ('address' in arn && arn.address.startsWith('aws_lambda_function.'))
        cloud.consumer(functionName(arn.address, module), from, block.line, properties);
      else cloud.link('ROUTES_TO', from, arn, block.line, properties);
      break;
    }
    case 'google_pubsub_subscription': {
      const topic = targetOf(attribute(block, 'topic'));
      const properties: Properties = {};
      const filter = literal(attribute(block, 'filter'));
      if (typeof filter === 'string') properties.filter = filter;
      if (topic) cloud.link('ROUTES_TO', topic, self(), block.line, properties);
      const deadLetter = nested(block, 'dead_letter_policy');
      const dlq = deadLetter && targetOf(attribute(deadLetter, 'dead_letter_topic'));
      const attempts = deadLetter && numberOf(attribute(deadLetter, 'max_delivery_attempts'));
      if (dlq)
        cloud.link(
          'DEAD_LETTERS_TO',
          self(),
          dlq,
          deadLetter.line,
          attempts === undefined ? {} : { maxDeliveryAttempts: attempts },
        );
      break;
    }
    case 'azurerm_servicebus_subscription': {
      const topic = targetOf(attribute(block, 'topic_id'));
      if (topic) cloud.link('ROUTES_TO', topic, self(), block.line);
      forwards(cloud, block, self());
      break;
    }
    case 'azurerm_servicebus_queue':
      forwards(cloud, block, self());
      break;
    default:
      break;
  }
}

/** Service Bus forwarding of dead-lettered messages to another queue or topic. */
function forwards(cloud: CloudRecords, block: HclBlock, self: Target): void {
  const target = targetOf(attribute(block, 'forward_dead_lettered_messages_to'));
  if (target) cloud.link('DEAD_LETTERS_TO', self, target, block.line);
}

/** A policy or pattern as compact JSON: jsonencode({...}) or the JSON string as written. */
function filterText(value: HclValue): string {
  if (value.kind === 'string') return value.value.replace(/\s+/g, ' ').trim();
  if (value.kind === 'call' && value.name === 'jsonencode' && value.args[0])
    return JSON.stringify(asJson(value.args[0]));
  return describeValue(value);
}

function asJson(value: HclValue): unknown {
  switch (value.kind) {
    case 'object':
      return Object.fromEntries([...value.entries].map(([k, v]) => [k, asJson(v)]));
    case 'tuple':
      return value.items.map(asJson);
    case 'string':
    case 'number':
    case 'bool':
      return value.value;
    case 'null':
      return null;
    default:
      return describeValue(value);
  }
}

/** The function a resource address names: its function_name when written, else the address. */
function functionName(address: string, module: ReadonlyMap<string, TerraformResource>): string {
  const resource = module.get(address);
  const written = resource && literal(attribute(resource.block, 'function_name'));
  return typeof written === 'string' ? written : address;
}

/** The function an EventBridge rule targets, through its aws_cloudwatch_event_target. */
function ruleTarget(
  module: ReadonlyMap<string, TerraformResource>,
  ruleAddress: string,
): string | undefined {
  for (const resource of module.values()) {
    if (resource.type !== 'aws_cloudwatch_event_target') continue;
    const rule = targetOf(attribute(resource.block, 'rule'));
    const arn = targetOf(attribute(resource.block, 'arn'));
    if (rule && 'address' in rule && rule.address === ruleAddress && arn && 'address' in arn)
      return arn.address;
  }
  return undefined;
}
