// What job-queue extractors record when a job is sent onto its queue, written once.
import {
  channelRecord,
  edgeRecord,
  ref,
  type Evidence,
  type GraphRecord,
  type NodeRef,
  type Properties,
  type ResolvedName,
} from '../model/graph.js';
import type { TechnologyId } from '../model/taxonomy.js';

/**
 * The queue a job goes onto, and the sender publishing there: the edge carries the job's name
 * and those of the send's options named in `carried`.
 */
export function jobOntoQueue(
  technology: TechnologyId,
  from: NodeRef,
  send: { jobName: string; queue: ResolvedName; options: Properties; carried: readonly string[] },
  evidence: Evidence,
): GraphRecord[] {
  const published: Properties = { jobName: send.jobName };
  for (const key of send.carried) {
    if (send.options[key] !== undefined) published[key] = send.options[key];
  }
  return [
    channelRecord('Queue', 'queue', technology, send.queue, evidence),
    edgeRecord(
      'PUBLISHES',
      from,
      ref.channel('Queue', technology, send.queue.name),
      { technology, properties: published },
      evidence,
    ),
  ];
}
