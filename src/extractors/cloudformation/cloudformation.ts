// CloudFormation, SAM and serverless.yml: SQS queues (redrive policy, FIFO, timeouts), SNS
// topics and subscriptions, EventBridge buses and rules, Kinesis streams, and the functions
// they trigger (SAM `Events`, serverless `events`: sqs, sns, stream, schedule, eventBridge) as
// CONSUMES and SCHEDULES edges to the function's handler. Intrinsics (!Ref, !GetAtt, Fn::GetAtt)
// resolve to the resources of the same template.
// Docs: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sqs-queue.html
//       https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-eventsource.html
//       https://www.serverless.com/framework/docs/providers/aws/guide/events
import createDebug from 'debug';
import type { GraphRecord, Properties, ResolvedName } from '../../model/graph.js';
import type { Extractor } from '../contract.js';
import type { ConfigFile } from '../../lang/config/frontend.js';
import { CloudRecords, isScheduleExpression, type Target } from '../../lang/config/cloud.js';
import {
  entries,
  field,
  items,
  keyLine,
  num,
  text,
  type Located,
} from '../../lang/config/yaml-tree.js';

const debug = createDebug('eventgraph:extract:cloudformation');

export const cloudformationExtractor: Extractor<ConfigFile> = {
  id: 'cloudformation',
  title: 'CloudFormation, SAM and serverless.yml messaging resources and function events',
  docs: 'https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-eventsource.html',
  language: 'config',
  technologies: ['sqs', 'sns', 'eventbridge', 'kinesis', 'serverless-schedule'],
  packages: [],
  imports: ['Resources', 'functions'],
  prefilter: ['Resources', 'functions'],
  emits: {
    nodes: ['Topic', 'Queue', 'Handler', 'Job'],
    edges: ['CONSUMES', 'ROUTES_TO', 'DEAD_LETTERS_TO', 'SCHEDULES'],
  },
  extract,
};

const QUEUE = { label: 'Queue', kind: 'queue', technology: 'sqs' } as const;
const TOPIC = { label: 'Topic', kind: 'topic', technology: 'sns' } as const;
const STREAM = { label: 'Topic', kind: 'stream', technology: 'kinesis' } as const;
const BUS = { label: 'Topic', kind: 'topic', technology: 'eventbridge' } as const;
const DEFAULT_BUS: Target = { arn: 'arn:aws:events:::event-bus/default' };

function extract(file: ConfigFile): GraphRecord[] {
  if (file.dialect !== 'cloudformation' && file.dialect !== 'serverless') return [];
  const location = { repository: file.input.repository, file: file.input.path };
  const cloud = new CloudRecords(location);
  for (const document of file.documents) {
    const resources = field(document, 'Resources') ?? field(document, 'resources', 'Resources');
    for (const [id, resource] of entries(resources)) declare(cloud, id, resource);
    for (const [id, resource] of entries(resources)) link(cloud, id, resource, resources);
    if (file.dialect === 'serverless')
      for (const [name, fn] of entries(field(document, 'functions')))
        serverlessFunction(cloud, name, fn);
  }
  const records = cloud.finish();
  debug('%s: %d records', file.input.path, records.length);
  return records;
}

/** A logical id a value points to: !Ref X, !GetAtt X.Arn, {Ref: X}, {Fn::GetAtt: [X, Arn]}. */
function logicalId(value: Located | undefined): string | undefined {
  if (!value) return undefined;
  if (value.kind === 'scalar' && (value.tag === '!Ref' || value.tag === '!GetAtt'))
    return text(value)?.split('.')[0];
  if (value.kind === 'seq' && value.tag === '!GetAtt') return text(value.items[0]);
  const ref = text(field(value, 'Ref'));
  if (ref) return ref;
  const getAtt = field(value, 'Fn::GetAtt');
  return getAtt?.kind === 'seq' ? text(getAtt.items[0]) : text(getAtt)?.split('.')[0];
}

function targetOf(value: Located | undefined): Target | undefined {
  const id = logicalId(value);
  if (id) return { address: id };
  const written = text(value);
  return written?.startsWith('arn:') && !value?.tag ? { arn: written } : undefined;
}

/** A name property: literal, or kept as its expression (!Sub, ${...}) with `dynamic`. */
function nameOf(value: Located | undefined, id: string): ResolvedName {
  const written = text(value);
  if (written !== undefined && !value?.tag && !written.includes('${'))
    return { name: written, dynamic: false };
  const expression = written ?? (value ? describe(value) : id);
  return { name: expression, dynamic: true, expression };
}

function describe(value: Located): string {
  if (value.kind === 'scalar') return `${value.tag ?? ''} ${String(value.value)}`.trim();
  if (value.kind === 'seq') return `[${value.items.map(describe).join(', ')}]`;
  return `{${[...value.entries].map(([k, v]) => `${k}: ${describe(v)}`).join(', ')}}`;
}

/** Compact JSON of a policy or pattern as written. */
function json(value: Located): string {
  const plain = (node: Located): unknown =>
    node.kind === 'scalar'
      ? node.value
      : node.kind === 'seq'
        ? node.items.map(plain)
        : Object.fromEntries([...node.entries].map(([k, v]) => [k, plain(v)]));
  return JSON.stringify(plain(value));
}

function declare(cloud: CloudRecords, id: string, resource: Located): void {
  const type = text(field(resource, 'Type'));
  const props = field(resource, 'Properties');
  const nameKey = { 'AWS::SQS::Queue': 'QueueName', 'AWS::SNS::Topic': 'TopicName' }[type ?? ''];
  const line = field(props, nameKey ?? 'Name')?.line ?? resource.line;
  switch (type) {
    case 'AWS::SQS::Queue': {
      const properties: Properties = {};
      const visibility = num(field(props, 'VisibilityTimeout'));
      if (visibility !== undefined) properties.visibilityTimeoutSeconds = visibility;
      const retention = num(field(props, 'MessageRetentionPeriod'));
      if (retention !== undefined) properties.retentionMs = retention * 1000;
      if (text(field(props, 'FifoQueue')) === 'true') properties.fifo = true;
      cloud.channel(id, QUEUE, nameOf(field(props, 'QueueName'), id), line, properties);
      break;
    }
    case 'AWS::SNS::Topic': {
      const properties: Properties =
        text(field(props, 'FifoTopic')) === 'true' ? { fifo: true } : {};
      cloud.channel(id, TOPIC, nameOf(field(props, 'TopicName'), id), line, properties);
      break;
    }
    case 'AWS::Kinesis::Stream': {
      const shards = num(field(props, 'ShardCount'));
      cloud.channel(id, STREAM, nameOf(field(props, 'Name'), id), line, shards ? { shards } : {});
      break;
    }
    case 'AWS::Events::EventBus':
      cloud.channel(id, BUS, nameOf(field(props, 'Name'), id), line);
      break;
    default:
      break;
  }
}

function link(cloud: CloudRecords, id: string, resource: Located, all: Located | undefined): void {
  const type = text(field(resource, 'Type'));
  const props = field(resource, 'Properties');
  switch (type) {
    case 'AWS::SQS::Queue': {
      const redrive = field(props, 'RedrivePolicy');
      const dlq = targetOf(field(redrive, 'deadLetterTargetArn'));
      const max = num(field(redrive, 'maxReceiveCount'));
      if (dlq && redrive)
        cloud.link(
          'DEAD_LETTERS_TO',
          { address: id },
          dlq,
          redrive.line,
          max ? { maxReceiveCount: max } : {},
        );
      break;
    }
    case 'AWS::SNS::Topic':
      for (const subscription of items(field(props, 'Subscription')))
        subscribe(cloud, { address: id }, subscription, subscription.line, all);
      break;
    case 'AWS::SNS::Subscription': {
      const topic = targetOf(field(props, 'TopicArn'));
      if (topic) subscribe(cloud, topic, props, resource.line, all);
      break;
    }
    case 'AWS::Lambda::EventSourceMapping': {
      const source = targetOf(field(props, 'EventSourceArn'));
      const fn = logicalId(field(props, 'FunctionName'));
      const batch = num(field(props, 'BatchSize'));
      if (source)
        cloud.consumer(
          handlerOf(fn, all) ?? fn ?? id,
          source,
          resource.line,
          batch && batch > 1 ? { batch } : {},
        );
      break;
    }
    case 'AWS::Events::Rule':
      rule(cloud, id, props, resource.line, all);
      break;
    case 'AWS::Serverless::Function':
      samFunction(cloud, id, props);
      break;
    default:
      break;
  }
}

function subscribe(
  cloud: CloudRecords,
  topic: Target,
  subscription: Located | undefined,
  line: number,
  all: Located | undefined,
): void {
  const protocol = text(field(subscription, 'Protocol'));
  const endpoint = targetOf(field(subscription, 'Endpoint'));
  if (!endpoint) return;
  const properties: Properties = {};
  const filter = field(subscription, 'FilterPolicy');
  if (filter) properties.filterPolicy = json(filter);
  if (protocol === 'sqs') cloud.link('ROUTES_TO', topic, endpoint, line, properties);
  if (protocol === 'lambda' && 'address' in endpoint)
    cloud.consumer(handlerOf(endpoint.address, all) ?? endpoint.address, topic, line, properties);
}

function rule(
  cloud: CloudRecords,
  id: string,
  props: Located | undefined,
  line: number,
  all: Located | undefined,
): void {
  const schedule = text(field(props, 'ScheduleExpression'));
  const targets = items(field(props, 'Targets')).map((t) => targetOf(field(t, 'Arn')));
  if (schedule && isScheduleExpression(schedule)) {
    for (const target of targets) {
      const fn = target && 'address' in target ? target.address : undefined;
      cloud.schedule(
        handlerOf(fn, all) ?? fn ?? id,
        schedule,
        keyLine(props, 'ScheduleExpression'),
        'serverless-schedule',
      );
    }
    return;
  }
  const bus = targetOf(field(props, 'EventBusName')) ?? DEFAULT_BUS;
  const pattern = field(props, 'EventPattern');
  const properties: Properties = { rule: id, ...(pattern ? { eventPattern: json(pattern) } : {}) };
  for (const target of targets) {
    if (!target) continue;
    const fn = 'address' in target ? handlerOf(target.address, all) : undefined;
    if (fn) cloud.consumer(fn, bus, line, properties);
    else cloud.link('ROUTES_TO', bus, target, line, properties);
  }
}

/** The handler of a function resource of the template, when the id names one. */
function handlerOf(id: string | undefined, all: Located | undefined): string | undefined {
  if (!id) return undefined;
  const resource = field(all, id);
  const type = text(field(resource, 'Type'));
  if (type !== 'AWS::Serverless::Function' && type !== 'AWS::Lambda::Function') return undefined;
  return text(field(resource, 'Properties', 'Handler')) ?? id;
}

function samFunction(cloud: CloudRecords, id: string, props: Located | undefined): void {
  const handler = text(field(props, 'Handler')) ?? id;
  for (const [, event] of entries(field(props, 'Events'))) {
    const type = text(field(event, 'Type'));
    const eventProps = field(event, 'Properties');
    const batch = num(field(eventProps, 'BatchSize'));
    const batchProps: Properties = batch && batch > 1 ? { batch } : {};
    const line = event.line;
    if (type === 'SQS') {
      const queue = targetOf(field(eventProps, 'Queue'));
      if (queue) cloud.consumer(handler, queue, line, batchProps);
    } else if (type === 'SNS') {
      const topic = targetOf(field(eventProps, 'Topic'));
      const filter = field(eventProps, 'FilterPolicy');
      if (topic) cloud.consumer(handler, topic, line, filter ? { filterPolicy: json(filter) } : {});
    } else if (type === 'Kinesis') {
      const stream = targetOf(field(eventProps, 'Stream'));
      if (stream) cloud.consumer(handler, stream, line, batchProps);
    } else if (type === 'Schedule' || type === 'ScheduleV2') {
      const schedule =
        text(field(eventProps, 'Schedule')) ?? text(field(eventProps, 'ScheduleExpression'));
      if (schedule) cloud.schedule(handler, schedule, line, 'serverless-schedule');
    } else if (type === 'EventBridgeRule' || type === 'CloudWatchEvent') {
      const bus = targetOf(field(eventProps, 'EventBusName')) ?? DEFAULT_BUS;
      const pattern = field(eventProps, 'Pattern');
      cloud.consumer(handler, bus, line, pattern ? { eventPattern: json(pattern) } : {});
    }
  }
}

/** serverless.yml `functions:` and their `events:`. */
function serverlessFunction(cloud: CloudRecords, name: string, fn: Located): void {
  const handler = text(field(fn, 'handler')) ?? name;
  for (const event of items(field(fn, 'events'))) {
    for (const [type, spec] of entries(event)) {
      const line = event.line;
      const batch = num(field(spec, 'batchSize'));
      const batchProps: Properties = batch && batch > 1 ? { batch } : {};
      if (type === 'sqs') {
        const queue = targetOf(field(spec, 'arn')) ?? targetOf(spec);
        if (queue) cloud.consumer(handler, queue, line, batchProps);
      } else if (type === 'sns') {
        const topic = snsTopic(spec);
        const filter = field(spec, 'filterPolicy');
        if (topic)
          cloud.consumer(handler, topic, line, filter ? { filterPolicy: json(filter) } : {});
      } else if (type === 'stream') {
        const arnNode = field(spec, 'arn') ?? spec;
        const kind = text(field(spec, 'type'));
        const stream = targetOf(arnNode);
        if (stream && kind !== 'dynamodb') cloud.consumer(handler, stream, line, batchProps);
      } else if (type === 'schedule') {
        const rates = field(spec, 'rate') ?? spec;
        for (const rate of rates.kind === 'seq' ? rates.items : [rates]) {
          const schedule = text(rate);
          if (schedule) cloud.schedule(handler, schedule, rate.line, 'serverless-schedule');
        }
      } else if (type === 'eventBridge') {
        const schedule = text(field(spec, 'schedule'));
        if (schedule) {
          cloud.schedule(handler, schedule, line, 'serverless-schedule');
          continue;
        }
        const busName = field(spec, 'eventBus');
        const bus =
          targetOf(busName) ??
          (text(busName) ? { named: BUS, name: nameOf(busName, 'eventBus') } : DEFAULT_BUS);
        const pattern = field(spec, 'pattern');
        cloud.consumer(handler, bus, line, pattern ? { eventPattern: json(pattern) } : {});
      }
    }
  }
}

/** `sns: orders` (a topic the framework creates), `sns: arn:...`, or `{ arn, topicName }`. */
function snsTopic(spec: Located): Target | undefined {
  const arn = targetOf(field(spec, 'arn')) ?? targetOf(spec);
  if (arn) return arn;
  const name = field(spec, 'topicName') ?? (spec.kind === 'scalar' ? spec : undefined);
  return name && text(name) ? { named: TOPIC, name: nameOf(name, 'sns') } : undefined;
}
