// What BullMQ and its predecessor Bull share: job options of one add(), repeat options, the
// records of one enqueued job, and a processor consuming a queue. Bull's options are BullMQ's
// (attempts, backoff, delay, priority, jobId, repeat), so both extractors read them here.
import type { Node } from 'ts-morph';
import {
  channelRecord,
  edgeRecord,
  nodeRecord,
  ref,
  type Evidence,
  type GraphRecord,
  type NodeRef,
  type Properties,
  type ResolvedName,
} from '../../model/graph.js';
import type { TechnologyId } from '../../model/taxonomy.js';
import type { TsFile } from '../../lang/typescript/frontend.js';
import { compactText, type PublishTarget } from '../../lang/typescript/sites.js';
import {
  carriesRecords,
  distinctEvents,
  type CarriedEvent,
} from '../../lang/typescript/payload-types.js';

export type JobQueueTechnology = Extract<TechnologyId, 'bullmq' | 'bull'>;

export function queueRef(technology: JobQueueTechnology, queue: ResolvedName): NodeRef {
  return ref.channel('Queue', technology, queue.name);
}

export function jobRef(file: TsFile, technology: JobQueueTechnology, name: ResolvedName): NodeRef {
  return ref.job(file.input.repository, technology, name.name);
}

export function carries(
  file: TsFile,
  technology: JobQueueTechnology,
  queue: ResolvedName,
  events: CarriedEvent[],
): GraphRecord[] {
  return distinctEvents(events).flatMap((carried) =>
    carriesRecords(file, queueRef(technology, queue), carried, technology),
  );
}

/**
 * PUBLISHES to the queue, the Job node, and ENQUEUES of the job. The options of the call go
 * on its two edges only: other calls may add a job of the same name with other options, and
 * the Job node merges them all. Without a job name (Bull's unnamed jobs) only PUBLISHES.
 */
export function produce(
  file: TsFile,
  technology: JobQueueTechnology,
  target: PublishTarget,
  queue: ResolvedName,
  name: ResolvedName | undefined,
  sent: SendOptions,
  enqueued: Properties = {},
): GraphRecord[] {
  const publishProperties: Properties = { ...sent.publish };
  if (name) publishProperties.jobName = name.name;
  if (target.via !== undefined) publishProperties.via = target.via;
  const records: GraphRecord[] = [
    channelRecord('Queue', 'queue', technology, queue, target.evidence),
    edgeRecord(
      'PUBLISHES',
      target.publisher,
      queueRef(technology, queue),
      { technology, properties: publishProperties },
      target.evidence,
    ),
  ];
  if (name) records.push(...enqueue(file, technology, target, queue, name, sent, enqueued));
  return records;
}

/** The Job node and the ENQUEUES edge of one job added to a queue. */
export function enqueue(
  file: TsFile,
  technology: JobQueueTechnology,
  target: PublishTarget,
  queue: ResolvedName,
  name: ResolvedName,
  sent: SendOptions,
  enqueued: Properties = {},
): GraphRecord[] {
  const enqueueProperties: Properties = { queue: queue.name, ...sent.enqueue, ...enqueued };
  const jobProperties: Properties = { queue: queue.name };
  if (name.dynamic)
    Object.assign(jobProperties, { dynamic: true, expression: name.expression ?? name.name });
  return [
    nodeRecord(
      jobRef(file, technology, name),
      { name: name.name, technology, properties: jobProperties },
      target.evidence,
    ),
    edgeRecord(
      'ENQUEUES',
      target.publisher,
      jobRef(file, technology, name),
      { technology, properties: enqueueProperties },
      target.evidence,
    ),
  ];
}

/** What one call's job options put on its PUBLISHES and its ENQUEUES edge. */
export interface SendOptions {
  publish: Properties;
  enqueue: Properties;
}

/** `opts` of one add(): delay, priority, attempts, backoff and the jobId that dedups. */
export function sendOptions(file: TsFile, fields: Map<string, Node>): SendOptions {
  const publish: Properties = {};
  const enqueue: Properties = {};
  const delay = file.resolver.literalOf(fields.get('delay'));
  if (typeof delay === 'number') publish.delayMs = enqueue.delayMs = delay;
  const priority = file.resolver.literalOf(fields.get('priority'));
  if (typeof priority === 'number') publish.priority = priority;
  const attempts = file.resolver.literalOf(fields.get('attempts'));
  if (typeof attempts === 'number') publish.attempts = attempts;
  const backoff = backoffOf(file, fields.get('backoff'));
  if (backoff !== undefined) publish.backoff = backoff;

  const retry = [
    typeof attempts === 'number' ? `attempts=${String(attempts)}` : undefined,
    backoff !== undefined ? `backoff=${backoff}` : undefined,
  ].filter((part) => part !== undefined);
  if (retry.length > 0) publish.retry = enqueue.retry = retry.join(', ');
  const jobId = fields.get('jobId');
  if (jobId) enqueue.dedupKey = compactText(jobId);
  return { publish, enqueue };
}

/** `backoff: 1000` is a fixed delay; `{ type: 'exponential', delay: 1000 }` names its type. */
function backoffOf(file: TsFile, backoff: Node | undefined): string | undefined {
  if (!backoff) return undefined;
  const fixed = file.resolver.literalOf(backoff);
  if (typeof fixed === 'number') return `fixed ${String(fixed)}ms`;
  const fields = file.resolver.objectProperties(backoff);
  const type = file.resolver.literalOf(fields.get('type'));
  const delay = file.resolver.literalOf(fields.get('delay'));
  if (type === undefined) return undefined;
  return typeof delay === 'number' ? `${String(type)} ${String(delay)}ms` : String(type);
}

/** `{ pattern }` (or the older `cron`) is a cron expression; `{ every }` an interval. */
export function scheduleOf(
  file: TsFile,
  technology: JobQueueTechnology,
  repeat: Map<string, Node>,
): Properties | undefined {
  const schedule = scheduleProperties(file, technology, repeat);
  const tz = file.resolver.literalOf(repeat.get('tz'));
  if (schedule && typeof tz === 'string') schedule.timezone = tz;
  return schedule;
}

function scheduleProperties(
  file: TsFile,
  technology: JobQueueTechnology,
  repeat: Map<string, Node>,
): Properties | undefined {
  const pattern = file.resolver.literalOf(repeat.get('pattern') ?? repeat.get('cron'));
  if (typeof pattern === 'string')
    return { schedule: pattern, scheduleKind: 'cron', scheduler: technology };
  const every = file.resolver.literalOf(repeat.get('every'));
  if (typeof every === 'number') {
    return {
      schedule: `every ${String(every)}ms`,
      scheduleKind: 'interval',
      scheduler: technology,
    };
  }
  return undefined;
}

/** SCHEDULES from the Service of a call to the job its repeat options make recurring. */
export function schedules(
  file: TsFile,
  technology: JobQueueTechnology,
  service: NodeRef,
  name: ResolvedName,
  schedule: Properties,
  evidence: Evidence,
): GraphRecord {
  return edgeRecord(
    'SCHEDULES',
    service,
    jobRef(file, technology, name),
    { technology, properties: schedule },
    evidence,
  );
}
