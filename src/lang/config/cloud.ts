// Cloud messaging resources declared in Terraform, CloudFormation / SAM or serverless.yml,
// turned into records the same way: queues, topics, buses and streams; dead-letter routes;
// subscriptions (a topic routing to a queue); functions consuming from an event source; and
// schedules. Links name resources by their address in the file (aws_sqs_queue.dlq, DLQ) or by
// ARN; they are resolved once every resource of the module is known.
import {
  channelRecord,
  edgeRecord,
  evidenceAt,
  nodeRecord,
  ref,
  type ChannelKind,
  type ChannelLabel,
  type GraphRecord,
  type NodeRecord,
  type NodeRef,
  type Properties,
  type ResolvedName,
  type SourceLocation,
} from '../../model/graph.js';
import type { TechnologyId } from '../../model/taxonomy.js';

/** A resource by its address in the configuration, a channel by its ARN, or by its name. */
export type Target =
  | { address: string }
  | { arn: string }
  | {
      named: { label: ChannelLabel; kind: ChannelKind; technology: TechnologyId };
      name: ResolvedName;
    };

interface Link {
  type: 'DEAD_LETTERS_TO' | 'ROUTES_TO';
  from: Target;
  to: Target;
  line: number;
  properties: Properties;
}

interface Consumer {
  handler: string;
  source: Target;
  line: number;
  properties: Properties;
}

export class CloudRecords {
  private readonly channels = new Map<string, NodeRecord>();
  private readonly links: Link[] = [];
  private readonly consumers: Consumer[] = [];
  private readonly records: GraphRecord[] = [];

  constructor(private readonly location: SourceLocation) {}

  channel(
    address: string,
    shape: { label: ChannelLabel; kind: ChannelKind; technology: TechnologyId },
    name: ResolvedName,
    line: number,
    properties: Properties = {},
  ): void {
    const record = channelRecord(
      shape.label,
      shape.kind,
      shape.technology,
      name,
      evidenceAt(this.location, line),
      properties,
    );
    this.channels.set(address, record);
    this.records.push(record);
  }

  /** A channel declared in another file of the module: known for links, recorded there. */
  known(address: string, record: NodeRecord): void {
    if (!this.channels.has(address)) this.channels.set(address, record);
  }

  link(type: Link['type'], from: Target, to: Target, line: number, properties: Properties = {}) {
    this.links.push({ type, from, to, line, properties });
  }

  consumer(handler: string, source: Target, line: number, properties: Properties = {}): void {
    this.consumers.push({ handler, source, line, properties });
  }

  /** A function run on a schedule: a Job the platform's scheduler starts. */
  schedule(job: string, schedule: string, line: number, technology: TechnologyId): void {
    const evidence = evidenceAt(this.location, line);
    const jobRef = ref.job(this.location.repository, technology, job);
    const kind = /^rate\(/i.test(schedule) ? 'interval' : 'cron';
    this.records.push(
      nodeRecord(jobRef, { name: job, technology }, evidence),
      edgeRecord(
        'SCHEDULES',
        ref.serviceOf(this.location),
        jobRef,
        { technology, properties: { schedule, scheduleKind: kind, scheduler: technology } },
        evidence,
      ),
    );
  }

  finish(): GraphRecord[] {
    for (const link of this.links) {
      const from = this.resolve(link.from);
      const to = this.resolve(link.to);
      if (!from || !to) continue;
      this.records.push(
        edgeRecord(
          link.type,
          from.ref,
          to.ref,
          { technology: from.technology, properties: link.properties },
          evidenceAt(this.location, link.line),
        ),
      );
    }
    for (const consumer of this.consumers) {
      const source = this.resolve(consumer.source);
      if (!source) continue;
      const evidence = evidenceAt(this.location, consumer.line);
      const handler = ref.handler(this.location, consumer.handler);
      this.records.push(
        nodeRecord(handler, { name: consumer.handler, technology: source.technology }, evidence),
        edgeRecord(
          'CONSUMES',
          handler,
          source.ref,
          { technology: source.technology, properties: consumer.properties },
          evidence,
        ),
      );
    }
    return this.records;
  }

  /** The channel a target names; an ARN of an undeclared channel is recorded here. */
  private resolve(target: Target): { ref: NodeRef; technology: TechnologyId | null } | undefined {
    if ('address' in target) {
      const record = this.channels.get(target.address);
      return record && { ref: record.ref, technology: record.technology };
    }
    const shape =
      'arn' in target
        ? channelOfArn(target.arn)
        : { ...target.named, name: target.name.name, resolved: target.name };
    if (!shape) return undefined;
    const line = this.links.find((l) => l.to === target || l.from === target)?.line;
    const consumer = this.consumers.find((c) => c.source === target)?.line;
    const record = channelRecord(
      shape.label,
      shape.kind,
      shape.technology,
      'resolved' in shape ? shape.resolved : { name: shape.name, dynamic: false },
      evidenceAt(this.location, line ?? consumer ?? 1),
    );
    this.records.push(record);
    return { ref: record.ref, technology: record.technology };
  }
}

/** The channel an ARN names, when it is a literal ARN of a messaging service. */
export function channelOfArn(
  arn: string,
): { label: ChannelLabel; kind: ChannelKind; technology: TechnologyId; name: string } | undefined {
  const parts = arn.split(':');
  if (parts[0] !== 'arn' || parts.length < 6 || arn.includes('${')) return undefined;
  const service = parts[2];
  const resource = parts.slice(5).join(':');
  if (!resource) return undefined;
  if (service === 'sqs')
    return { label: 'Queue', kind: 'queue', technology: 'sqs', name: resource };
  if (service === 'sns')
    return { label: 'Topic', kind: 'topic', technology: 'sns', name: resource };
  if (service === 'kinesis' && resource.startsWith('stream/'))
    return { label: 'Topic', kind: 'stream', technology: 'kinesis', name: resource.slice(7) };
  if (service === 'events' && resource.startsWith('event-bus/'))
    return { label: 'Topic', kind: 'topic', technology: 'eventbridge', name: resource.slice(10) };
  return undefined;
}

/** `rate(5 minutes)` or `cron(0 12 * * ? *)`, as EventBridge writes schedules. */
export function isScheduleExpression(text: string): boolean {
  return /^(rate|cron|at)\(.+\)$/i.test(text.trim());
}
