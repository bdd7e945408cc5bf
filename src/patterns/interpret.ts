// One interpreter per query file: rows in, findings with a one-line summary out. The query
// already decided what qualifies; an interpreter only names, groups and words it.
import type { Evidence, GapFinding, PatternFinding } from '../model/graph.js';
import type { StoreRow } from '../store/store.js';
import {
  displayName,
  evidenceOf,
  numberOf,
  strings,
  subjects,
  text,
  uniqueEvidence,
} from './rows.js';

export interface Interpreted {
  patterns: PatternFinding[];
  gaps: GapFinding[];
}

export type Interpreter = (rows: readonly StoreRow[]) => Interpreted;

const sorted = (values: string[]): string[] => [...values].sort();
const list = (values: string[]): string => sorted(values).join(', ');
const plural = (count: number, one: string, many: string): string =>
  `${String(count)} ${count === 1 ? one : many}`;

function patternsOnly(
  id: PatternFinding['id'],
  summarize: (row: StoreRow) => string,
  subjectColumn = 'subjects',
  evidenceColumns: string[] = ['evidence'],
): Interpreter {
  return (rows) => ({
    patterns: rows.map((row) => ({
      id,
      subjects: subjects(strings(row, subjectColumn)),
      summary: summarize(row),
      evidence: evidenceOf(row, ...evidenceColumns),
    })),
    gaps: [],
  });
}

const fanOut = patternsOnly('fan-out', (row) => {
  const name = text(row, 'channelName') ?? '';
  const parts: string[] = [];
  const audiences = numberOf(row, 'audienceCount');
  if (audiences >= 2) {
    const groupsOnly = strings(row, 'groups').length === audiences;
    const kind = groupsOnly ? 'consumer groups' : 'independent consumers';
    const names = strings(row, 'audiences').map(displayName);
    parts.push(`${name} is consumed by ${String(audiences)} ${kind}: ${list(names)}`);
  }
  const queues = numberOf(row, 'queueCount');
  if (queues >= 2) {
    const queueNames = list(strings(row, 'queueNames'));
    const routes = `routes to ${String(queues)} consumed queues: ${queueNames}`;
    parts.push(parts.length === 0 ? `${name} ${routes}` : routes);
  }
  return parts.join('; ');
});

const competingConsumers = patternsOnly('competing-consumers', (row) => {
  const channel = text(row, 'channelName') ?? '';
  const count = numberOf(row, 'consumerCount');
  const names = list(strings(row, 'consumerNames'));
  const concurrency = numberOf(row, 'maxConcurrency');
  const group = text(row, 'consumerGroup');
  const share = text(row, 'share') ?? '';
  const withConcurrency = concurrency > 1 ? ` (concurrency up to ${String(concurrency)})` : '';
  if (count < 2) return `${names} consumes ${channel} with concurrency ${String(concurrency)}`;
  if (share.startsWith('group:') && group !== null) {
    const shared = `${String(count)} consumers share group ${group} on ${channel}`;
    return `${shared}: ${names}${withConcurrency}`;
  }
  const competing = `${channel} is taken from by ${String(count)} competing consumers`;
  return `${competing}: ${names}${withConcurrency}`;
});

const deadLetter: Interpreter = (rows) => {
  const routes = new Map<string, { row: StoreRow; consumers: string[]; evidence: Evidence[] }>();
  const uncovered = new Map<string, { name: string; consumers: string[]; evidence: Evidence[] }>();
  for (const row of rows) {
    const channelId = text(row, 'channelId') ?? '';
    const consumerId = text(row, 'consumerId');
    const deadLetterId = text(row, 'deadLetterId');
    const evidence = evidenceOf(row, 'evidence');
    if (deadLetterId !== null) {
      const key = `${channelId}\u0000${deadLetterId}`;
      const entry = routes.get(key) ?? { row, consumers: [], evidence: [] };
      if (consumerId !== null) entry.consumers.push(consumerId);
      entry.evidence.push(...evidence);
      routes.set(key, entry);
    } else if (
      consumerId !== null &&
      row.isDeadLetterChannel !== true &&
      row.routeUnknown !== true
    ) {
      const entry = uncovered.get(channelId) ?? {
        name: text(row, 'channelName') ?? channelId,
        consumers: [],
        evidence: [],
      };
      entry.consumers.push(consumerId);
      entry.evidence.push(...evidence);
      uncovered.set(channelId, entry);
    }
  }
  const patterns: PatternFinding[] = [...routes.values()].map(({ row, consumers, evidence }) => ({
    id: 'dead-letter',
    subjects: subjects(text(row, 'channelId'), text(row, 'deadLetterId'), consumers),
    summary:
      row.parkedByConsumer === true
        ? `${text(row, 'channelName') ?? ''}: its consumer's code publishes failed messages to ` +
          (text(row, 'deadLetterName') ?? '')
        : `${text(row, 'channelName') ?? ''} dead-letters to ` +
          (text(row, 'deadLetterName') ?? ''),
    evidence: uniqueEvidence(evidence),
  }));
  const gaps: GapFinding[] = [...uncovered.entries()].map(([channelId, entry]) => ({
    id: 'no-dead-letter-route',
    subjects: subjects(channelId, entry.consumers),
    summary:
      `${entry.name} has no dead-letter route; consumed by ` +
      list(entry.consumers.map((c) => c.split(':').pop() ?? c)),
    evidence: uniqueEvidence(entry.evidence),
  }));
  return { patterns, gaps };
};

interface RetrySend {
  siteId: string;
  siteName: string;
  policy: string;
  evidence: Evidence[];
  enqueued?: { id: string | null; name: string };
  published?: { id: string | null; name: string };
}

/**
 * One finding per node with a policy and one per send. A BullMQ add() is both a PUBLISHES
 * to its queue and an ENQUEUES of its job with the same policy and evidence: that call site
 * becomes one finding naming the job and the queue.
 */
const retry: Interpreter = (rows) => {
  const patterns = new Map<string, PatternFinding>();
  const sends = new Map<string, RetrySend>();
  for (const row of rows) {
    const siteId = text(row, 'siteId') ?? '';
    const siteRetry = text(row, 'siteRetry');
    const siteName = text(row, 'siteName') ?? siteId;
    if (siteRetry !== null && !patterns.has(siteId)) {
      patterns.set(siteId, {
        id: 'retry',
        subjects: [siteId],
        summary: `${text(row, 'siteLabel') ?? ''} ${siteName} retries: ${siteRetry}`,
        evidence: evidenceOf(row, 'siteEvidence'),
      });
    }
    const sendId = text(row, 'sendId');
    if (sendId === null) continue;
    const policy = text(row, 'sendRetry') ?? `attempts=${String(numberOf(row, 'sendAttempts'))}`;
    const evidence = evidenceOf(row, 'sendEvidence');
    const target = { id: text(row, 'targetId'), name: text(row, 'targetName') ?? '' };
    const side = text(row, 'sendKind') === 'ENQUEUES' ? 'enqueued' : 'published';
    const key = [siteId, policy, JSON.stringify(evidence)].join('\u0000');
    const shared = sends.get(key);
    if (shared && shared[side] === undefined) shared[side] = target;
    else sends.set(shared ? sendId : key, { siteId, siteName, policy, evidence, [side]: target });
  }
  for (const [key, send] of sends) patterns.set(key, retrySendFinding(send));
  return { patterns: [...patterns.values()], gaps: [] };
};

function retrySendFinding(send: RetrySend): PatternFinding {
  const { enqueued, published } = send;
  const what =
    enqueued && published
      ? `enqueues job ${enqueued.name} on queue ${published.name}`
      : enqueued
        ? `enqueues ${enqueued.name}`
        : `publishes to ${published?.name ?? ''}`;
  return {
    id: 'retry',
    subjects: subjects(send.siteId, enqueued?.id ?? null, published?.id ?? null),
    summary: `${send.siteName} ${what} with retry: ${send.policy}`,
    evidence: send.evidence,
  };
}

const orphanChannels: Interpreter = (rows) => ({
  patterns: [],
  gaps: rows.map((row) => {
    const side =
      row.published !== true
        ? 'consumed but never published'
        : row.deadLetterTarget === true
          ? 'a dead-letter destination never consumed'
          : 'published but never consumed';
    const dynamic = row.dynamic === true ? ' (name known only at run time)' : '';
    return {
      id: 'orphan-channel',
      subjects: subjects(strings(row, 'subjects')),
      summary: `${text(row, 'channelName') ?? ''} is ${side} in the scanned code${dynamic}`,
      evidence: evidenceOf(row, 'evidence'),
    };
  }),
});

const batchProcessing = patternsOnly('batch-processing', (row) => {
  const verb = text(row, 'direction') === 'PUBLISHES' ? 'publishes to' : 'consumes';
  return `${text(row, 'partyName') ?? ''} ${verb} ${text(row, 'channelName') ?? ''} in batches`;
});

const exactlyOnce = patternsOnly('exactly-once', (row) => {
  const ways = [
    row.idempotent === true ? 'idempotent' : null,
    row.transactional === true ? 'transactional' : null,
  ].filter((w): w is string => w !== null);
  const producer = text(row, 'producerName') ?? '';
  const channel = text(row, 'channelName') ?? '';
  return `${producer} publishes to ${channel} as ${ways.join(' and ')} producer`;
});

const requestReply = patternsOnly('request-reply', (row) => {
  const replyTo = text(row, 'replyTo');
  const correlation = text(row, 'correlationId');
  const details = [
    replyTo !== null ? `reply to ${replyTo}` : null,
    correlation !== null ? `correlation id ${correlation}` : null,
  ].filter((d): d is string => d !== null);
  const requester = text(row, 'requesterName') ?? '';
  const channel = text(row, 'channelName') ?? '';
  return `${requester} sends to ${channel} awaiting a reply (${details.join(', ')})`;
});

const contentBasedRouting = patternsOnly('content-based-routing', (row) => {
  const keys = strings(row, 'routingKeys');
  const queues = strings(row, 'queueNames');
  const patterns = keys.some((key) => key.includes('*') || key.includes('#'));
  const by = patterns
    ? plural(keys.length, 'key pattern', 'key patterns')
    : plural(keys.length, 'key', 'keys');
  return `${text(row, 'exchangeName') ?? ''} routes by ${by} (${list(keys)}) to ${list(queues)}`;
});

const messageDispatch = patternsOnly('content-based-routing', (row) => {
  const patterns = strings(row, 'patterns');
  const by = plural(patterns.length, 'message pattern', 'message patterns');
  return `${text(row, 'queueName') ?? ''} is dispatched to handlers by ${by} (${list(patterns)})`;
});

const cqrs = patternsOnly('cqrs', (row) => {
  const commands = list(strings(row, 'commandHandlers'));
  const queries = list(strings(row, 'queryHandlers'));
  const service = displayName(text(row, 'serviceId') ?? '');
  return `${service} handles commands (${commands}) apart from queries (${queries})`;
});

const saga = patternsOnly('saga', (row) => {
  const events = list(strings(row, 'events'));
  const commands = list(strings(row, 'commands'));
  return `${text(row, 'sagaName') ?? ''} reacts to ${events} by dispatching ${commands}`;
});

const messageTypeDispatch = patternsOnly('content-based-routing', (row) => {
  const types = list(strings(row, 'typeNames'));
  const handlers = plural(numberOf(row, 'handlerCount'), 'handler', 'handlers');
  return `messages are dispatched by type to ${handlers}: ${types}`;
});

const cqrsReadModels = patternsOnly('cqrs', (row) => {
  const projector = text(row, 'projectorName') ?? '';
  const table = text(row, 'readModel') ?? '';
  const events = list(strings(row, 'eventNames'));
  const commands = plural(
    numberOf(row, 'commandHandlerCount'),
    'command handler',
    'command handlers',
  );
  return `${projector} projects ${events} into the read model ${table}, apart from ${commands}`;
});

const eventSourcing = patternsOnly('event-sourcing', (row) => {
  const stream = text(row, 'streamName') ?? '';
  const events = strings(row, 'eventNames');
  const readers = strings(row, 'readerNames');
  const stored = events.length > 0 ? ` of ${list(events)}` : '';
  const replay = readers.length > 0 ? `; ${list(readers)} rebuilds state from it` : '';
  return `${stream} is an append-only event log${stored}${replay}`;
});

const transactionalOutbox = patternsOnly('transactional-outbox', (row) => {
  const outbox = text(row, 'outboxName') ?? '';
  const relays = list(strings(row, 'relayNames'));
  return `${outbox} is written in the state's transaction and relayed by ${relays}`;
});

const idempotentConsumer = patternsOnly('idempotent-consumer', (row) => {
  const target = text(row, 'targetName') ?? '';
  const keys = list(strings(row, 'keys'));
  return text(row, 'targetKind') === 'Job'
    ? `job ${target} runs once per deduplication key (${keys})`
    : `messages to ${target} are taken once per deduplication key (${keys})`;
});

/** Keyed by query file id (the file name without `.cypher`). */
export const interpreters: Readonly<Record<string, Interpreter>> = {
  'fan-out': fanOut,
  'competing-consumers': competingConsumers,
  'dead-letter': deadLetter,
  retry,
  'orphan-channels': orphanChannels,
  'batch-processing': batchProcessing,
  'exactly-once': exactlyOnce,
  'idempotent-consumer': idempotentConsumer,
  'request-reply': requestReply,
  'content-based-routing': contentBasedRouting,
  'message-dispatch': messageDispatch,
  cqrs,
  saga,
  'message-type-dispatch': messageTypeDispatch,
  'read-models': cqrsReadModels,
  'event-sourcing': eventSourcing,
  'transactional-outbox': transactionalOutbox,
};
