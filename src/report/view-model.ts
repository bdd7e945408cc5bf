// The report's view model: everything the templates show, already chosen, sorted, grouped,
// redacted and escaped. Templates only loop and branch over it. A block appears only when the
// graph or a finding supports at least one item, and every item carries its evidence.
import { verdictOf, type Verdict } from '../export/graph-json.js';
import { documentedOnly } from '../model/contract.js';
import {
  formatEvidence,
  type EdgeType,
  type Evidence,
  type GapFinding,
  type Graph,
  type GraphEdge,
  type GraphNode,
  type PatternFinding,
  type Properties,
  type PropertyValue,
} from '../model/graph.js';
import { TECHNOLOGIES, isTechnologyId, type PatternId } from '../model/taxonomy.js';
import { code, mermaidLabel, text } from './markdown.js';
import { compareText, uniqueSortedEvidence } from './order.js';
import { redactDeep } from './redact.js';
import { systemBlocks } from './system.js';
import type { ServiceFlow } from '../patterns/flows.js';

export interface ReportTable {
  headers: string[];
  rows: string[][];
}

/** A `###` block: a table or a list, never empty. */
export interface ReportBlock {
  title: string;
  table: ReportTable | null;
  items: string[] | null;
  /** Mermaid flowchart statements, without the `flowchart LR` header. */
  diagram?: string[];
}

export interface ReportSection {
  title: string;
  blocks: ReportBlock[];
}

export interface ReportView {
  verdict: Verdict;
  title: string;
  summary: string;
  /** Mermaid flowchart statements, without the `flowchart LR` header. */
  diagram: string[];
  sections: ReportSection[];
  scan: string;
  /** Relative path from the report to the self-contained viewer, when one was written. */
  viewer: string | null;
}

export interface ViewModelOptions {
  /** How many evidence locations an item lists before "and N more". */
  evidenceLimit?: number;
  /** Path of the self-contained viewer relative to the report's folder, with '/'. */
  viewerLink?: string;
  /** The report's title; else the repositories' names. */
  title?: string;
  /** Flows between services, from cypher/system. */
  flows?: readonly ServiceFlow[];
}

const STREAM_KINDS = new Set(['topic', 'stream']);
const PUBSUB_KINDS = new Set(['subject', 'channel']);

export function buildViewModel(
  graph: Graph,
  patterns: readonly PatternFinding[],
  gaps: readonly GapFinding[],
  options: ViewModelOptions = {},
): ReportView {
  const sorted: Graph = {
    repositories: graph.repositories,
    nodes: [...graph.nodes].sort((a, b) => compareText(a.id, b.id)),
    edges: [...graph.edges].sort((a, b) => compareText(a.id, b.id)),
  };
  const context = new ReportContext(
    redactDeep(sorted),
    redactDeep([...patterns]),
    redactDeep([...gaps]),
    options.evidenceLimit ?? 3,
  );
  const flows = redactDeep([...(options.flows ?? [])]);
  const sections: ReportSection[] = [
    section('Services and flows', systemBlocks(context.graph, flows, context)),
    section('Message brokers and queues', brokerBlocks(context)),
    section('Event patterns', eventBlocks(context)),
    section('Messaging patterns', messagingBlocks(context)),
    section('Background jobs', jobBlocks(context)),
    section('Event store and CQRS', eventStoreBlocks(context)),
    section('Gaps', gapBlocks(context)),
  ].filter((s): s is ReportSection => s !== null);

  return {
    verdict: verdictOf(context.graph),
    title: text(options.title ?? context.graph.repositories.map((r) => r.name).join(', ')),
    summary: summaryOf(context),
    diagram: diagramOf(context),
    sections,
    scan: scanOf(context),
    viewer: options.viewerLink === undefined ? null : markdownLink(options.viewerLink),
  };
}

// ---- lookups shared by every block -------------------------------------------------------

class ReportContext {
  private readonly byId: Map<string, GraphNode>;
  private readonly multiRepository: boolean;

  constructor(
    readonly graph: Graph,
    readonly patterns: readonly PatternFinding[],
    readonly gaps: readonly GapFinding[],
    private readonly evidenceLimit: number,
  ) {
    this.byId = new Map(graph.nodes.map((n) => [n.id, n]));
    this.multiRepository = graph.repositories.length > 1;
  }

  node(id: string): GraphNode | undefined {
    return this.byId.get(id);
  }

  /** Nodes code implements; those documented only in contracts are listed on their own. */
  nodes(...labels: GraphNode['label'][]): GraphNode[] {
    return this.graph.nodes
      .filter((n) => labels.includes(n.label) && !documentedOnly(n))
      .sort(byName);
  }

  edges(type: EdgeType): GraphEdge[] {
    return this.graph.edges.filter((e) => e.type === type);
  }

  outgoing(id: string, type: EdgeType): GraphEdge[] {
    return this.graph.edges.filter((e) => e.type === type && e.from === id);
  }

  incoming(id: string, type: EdgeType): GraphEdge[] {
    return this.graph.edges.filter((e) => e.type === type && e.to === id);
  }

  findings(id: PatternId): PatternFinding[] {
    return this.patterns.filter((p) => p.id === id);
  }

  /** The Service that owns a Handler or Job, else the node itself. */
  owner(node: GraphNode): GraphNode {
    if (node.label === 'Service') return node;
    const serviceId = node.service ?? this.incoming(node.id, 'CONTAINS')[0]?.from;
    return (serviceId !== undefined ? this.node(serviceId) : undefined) ?? node;
  }

  /** A node's name; one known only at run time says so, so nobody takes it for a literal. */
  name(id: string): string {
    const node = this.node(id);
    if (!node) return code(id);
    return node.properties.dynamic === true
      ? `${code(node.name)} (set at run time)`
      : code(node.name);
  }

  /** A node named with what it is: "`shop` service", "`onOrder` handler". */
  actor(id: string): string {
    const node = this.node(id);
    return node ? `${code(node.name)} ${node.label.toLowerCase()}` : code(id);
  }

  /** One list item: what, a detail when there is one, and where. */
  item(subject: string, detail: string, evidence: readonly Evidence[]): string {
    const shown = detail === '' || detail === '—' ? '' : `: ${detail}`;
    return `${subject}${shown} — ${this.evidence(evidence)}`;
  }

  /** Locations as `file:line`, with the repository first when more than one is in view. */
  evidence(evidence: readonly Evidence[], qualified = this.multiRepository): string {
    const sorted = uniqueSortedEvidence(evidence);
    const shown = sorted.slice(0, this.evidenceLimit).map((e) => {
      const location = qualified ? `${e.repository}:${formatEvidence(e)}` : formatEvidence(e);
      return code(location);
    });
    const more = sorted.length - shown.length;
    return more > 0 ? `${shown.join(', ')} and ${String(more)} more` : shown.join(', ');
  }
}

// ---- section 1: brokers, streams, publish/subscribe ---------------------------------------

function brokerBlocks(context: ReportContext): ReportBlock[] {
  const channels = context.nodes('Topic', 'Queue');
  const queues = channels.filter((n) => n.label === 'Queue');
  const streams = channels.filter(
    (n) => n.label === 'Topic' && kindsOf(n).some((k) => STREAM_KINDS.has(k)),
  );
  const exchanges = channels.filter((n) => kindsOf(n).includes('exchange'));
  const consumes = context.edges('CONSUMES');

  return [
    table('Providers', ['Technology', 'Kind', 'Seen in', 'Evidence'], providerRows(context)),
    table(
      'Queues',
      ['Queue', 'Technology', 'Configuration', 'Evidence'],
      queues.map((q) => [
        context.name(q.id),
        technologyOf(q),
        settings({ ...q.properties, ...consumerSettings(context, q) }, QUEUE_KEYS),
        context.evidence(q.evidence),
      ]),
    ),
    list(
      'Dead-letter queues',
      sortedEdges(context, context.edges('DEAD_LETTERS_TO')).map((e) =>
        context.item(
          `${context.name(e.from)} → ${context.name(e.to)}`,
          settings(e.properties, ['routingKey']),
          e.evidence,
        ),
      ),
    ),
    list(
      'TTL and retention',
      channels
        .filter((n) => hasAny(n.properties, RETENTION_KEYS))
        .map((n) =>
          context.item(context.name(n.id), settings(n.properties, RETENTION_KEYS), n.evidence),
        ),
    ),
    table(
      'Topics and partitions',
      ['Topic', 'Technology', 'Configuration', 'Evidence'],
      streams.map((t) => [
        context.name(t.id),
        technologyOf(t),
        settings(t.properties, TOPIC_KEYS),
        context.evidence(t.evidence),
      ]),
    ),
    table(
      'Consumer groups',
      ['Channel', 'Group', 'Consumer', 'Evidence'],
      sortedEdges(context, consumes)
        .filter((e) => valueOf(context, e, 'group') !== undefined)
        .map((e) => [
          context.name(e.to),
          value(valueOf(context, e, 'group') ?? null),
          context.actor(e.from),
          context.evidence(e.evidence),
        ]),
    ),
    list(
      'Offset management',
      sortedEdges(context, consumes)
        .filter((e) => isStream(context.node(e.to)))
        .flatMap((e) => {
          const offsets = settings(mergedConsumerProperties(context, e), OFFSET_KEYS);
          if (offsets === '—') return [];
          return [
            context.item(`${context.actor(e.from)} on ${context.name(e.to)}`, offsets, e.evidence),
          ];
        }),
    ),
    table(
      'Exchanges',
      ['Exchange', 'Type', 'Technology', 'Evidence'],
      exchanges.map((x) => [
        context.name(x.id),
        value(x.properties.exchangeType ?? null),
        technologyOf(x),
        context.evidence(x.evidence),
      ]),
    ),
    table(
      'Bindings',
      ['Exchange', 'Queue', 'Routing key', 'Evidence'],
      sortedEdges(context, context.edges('ROUTES_TO')).map((e) => [
        context.name(e.from),
        context.name(e.to),
        value(e.properties.routingKey ?? null),
        context.evidence(e.evidence),
      ]),
    ),
    table(
      'Subscriptions',
      ['Channel', 'Subscriber', 'Technology', 'Evidence'],
      sortedEdges(context, consumes)
        .filter((e) => kindsOf(context.node(e.to)).some((k) => PUBSUB_KINDS.has(k)))
        .map((e) => [
          context.name(e.to),
          context.actor(e.from),
          technologyOf(context.node(e.to)),
          context.evidence(e.evidence),
        ]),
    ),
    findingList(context, 'Fan-out', 'fan-out'),
  ].filter(isBlock);
}

const QUEUE_KEYS = ['durable', 'maxLength', 'prefetch', 'concurrency', 'override'];
const RETENTION_KEYS = ['messageTtlMs', 'retentionMs'];
const TOPIC_KEYS = ['partitions', 'durable', 'override'];
const OFFSET_KEYS = ['autoCommit', 'fromBeginning', 'ack'];

function providerRows(context: ReportContext): string[][] {
  const byTechnology = new Map<string, { seen: Map<string, number>; evidence: Evidence[] }>();
  const add = (technology: string | null, what: string, evidence: readonly Evidence[]) => {
    if (!technology) return;
    const entry = byTechnology.get(technology) ?? { seen: new Map<string, number>(), evidence: [] };
    entry.seen.set(what, (entry.seen.get(what) ?? 0) + 1);
    entry.evidence.push(...evidence);
    byTechnology.set(technology, entry);
  };
  for (const node of context.graph.nodes) {
    if (node.label !== 'Service' && !documentedOnly(node))
      add(node.technology, NODE_NOUNS[node.label], node.evidence);
  }
  // A technology seen only on edges (a scheduler) is counted by its edges, every one of them.
  const onNodes = new Set(byTechnology.keys());
  for (const edge of context.graph.edges) {
    if (edge.technology && !onNodes.has(edge.technology) && !fromContract(edge))
      add(edge.technology, EDGE_NOUNS[edge.type], edge.evidence);
  }
  return [...byTechnology.entries()]
    .sort(([a], [b]) => compareText(a, b))
    .map(([technology, entry]) => [
      code(technology),
      isTechnologyId(technology) ? TECHNOLOGIES[technology].kind : 'unknown',
      [...entry.seen.entries()]
        .sort(([a], [b]) => compareText(a, b))
        .map(([what, n]) => counted(n, what))
        .join(', '),
      context.evidence(entry.evidence),
    ]);
}

const NODE_NOUNS: Record<GraphNode['label'], string> = {
  Service: 'service',
  Topic: 'topic',
  Queue: 'queue',
  Handler: 'handler',
  Event: 'event type',
  Job: 'job',
};

const EDGE_NOUNS: Record<EdgeType, string> = {
  PUBLISHES: 'publish call',
  CONSUMES: 'subscription',
  SCHEDULES: 'schedule',
  ENQUEUES: 'enqueue call',
  CONTAINS: 'declaration',
  ROUTES_TO: 'binding',
  DEAD_LETTERS_TO: 'dead-letter route',
  CARRIES: 'message type',
};

/** Consumer-side settings of a queue, gathered from its consumers (edge first, then handler). */
function consumerSettings(context: ReportContext, queue: GraphNode): Properties {
  const found: Properties = {};
  for (const edge of sortedEdges(context, context.incoming(queue.id, 'CONSUMES'))) {
    const merged = mergedConsumerProperties(context, edge);
    for (const key of ['prefetch', 'concurrency']) {
      const item = merged[key];
      if (item !== undefined && item !== null && found[key] === undefined) found[key] = item;
    }
  }
  return found;
}

// ---- section 2: event types, producers, consumers -----------------------------------------

function fromContract(edge: GraphEdge): boolean {
  return edge.properties.contract !== undefined;
}

function documentedOnlyId(context: ReportContext, id: string): boolean {
  const node = context.node(id);
  return node !== undefined && documentedOnly(node);
}

/** Channels and events a contract names and no scanned code implements. */
function documentedItems(context: ReportContext): string[] {
  return context.graph.nodes
    .filter((n) => n.label !== 'Service' && documentedOnly(n))
    .sort(byName)
    .map((n) => {
      const what = n.label === 'Event' ? 'event' : (kindsOf(n)[0] ?? n.label.toLowerCase());
      const on = n.technology ? `${n.technology} ${what}` : what;
      const fields = labelled('payload', n.properties.fields);
      const detail = [on, settings(n.properties, ['contract']), fields]
        .filter((part) => part !== '' && part !== '—')
        .join('; ');
      return `${code(n.name)} (${detail}) — ${context.evidence(n.evidence)}`;
    });
}

function eventBlocks(context: ReportContext): ReportBlock[] {
  const idempotent = new Set(context.findings('idempotent-consumer').flatMap((f) => f.subjects));
  return [
    list(
      'Event types',
      context.nodes('Event').map((event) => {
        const described = [
          settings(event.properties, ['category', 'version', 'contract']),
          labelled('payload', event.properties.fields),
          labelled('metadata', event.properties.metadataFields),
          labelled(
            'on',
            unique(
              context
                .incoming(event.id, 'CARRIES')
                .filter((e) => !documentedOnlyId(context, e.from))
                .map((e) => context.node(e.from)?.name ?? e.from),
            ),
          ),
        ].filter((part) => part !== '' && part !== '—');
        const detail = described.length > 0 ? `: ${described.join('; ')}` : '';
        return `${code(event.name)}${detail} — ${context.evidence(event.evidence)}`;
      }),
    ),
    list('Documented in contracts, not found in code', documentedItems(context)),
    table(
      'Producers',
      ['Publisher', 'Channel', 'Details', 'Evidence'],
      sortedEdges(context, context.edges('PUBLISHES'), 'to').map((e) => [
        context.actor(e.from),
        context.name(e.to),
        settings(e.properties, PRODUCER_KEYS),
        context.evidence(e.evidence),
      ]),
    ),
    findingList(context, 'Transactional outbox', 'transactional-outbox'),
    table(
      'Consumers',
      ['Consumer', 'Channel', 'Group', 'Handling', 'Evidence'],
      sortedEdges(context, context.edges('CONSUMES'), 'to').map((e) => {
        const merged = mergedConsumerProperties(context, e);
        const handling = [settings(merged, CONSUMER_KEYS)].filter((s) => s !== '—');
        if (idempotent.has(e.from)) handling.push('idempotent');
        for (const dead of context.outgoing(e.to, 'DEAD_LETTERS_TO')) {
          handling.push(`dead letters to ${context.name(dead.to)}`);
        }
        return [
          context.actor(e.from),
          context.name(e.to),
          value(merged.group ?? null),
          handling.length > 0 ? handling.join('; ') : '—',
          context.evidence(e.evidence),
        ];
      }),
    ),
  ].filter(isBlock);
}

const PRODUCER_KEYS = [
  'routingKey',
  'key',
  'jobName',
  'delayMs',
  'repeat',
  'priority',
  'attempts',
  'backoff',
  'retry',
  'idempotent',
  'transactional',
  'persistent',
  'replyTo',
  'correlationId',
];
const CONSUMER_KEYS = ['ack', 'prefetch', 'concurrency', 'batch', 'retry'];

/** A consumer's settings: the CONSUMES edge's properties over its Handler's or Job's. */
function mergedConsumerProperties(context: ReportContext, edge: GraphEdge): Properties {
  const consumer = context.node(edge.from);
  return { ...(consumer?.properties ?? {}), ...withoutNulls(edge.properties) };
}

// ---- section 3: messaging patterns --------------------------------------------------------

function messagingBlocks(context: ReportContext): ReportBlock[] {
  const consumes = sortedEdges(context, context.edges('CONSUMES'), 'to');
  const edgeItem = (e: GraphEdge, keys: string[], properties: Properties = e.properties) =>
    context.item(
      `${context.actor(e.from)} → ${context.name(e.to)}`,
      settings(properties, keys),
      e.evidence,
    );

  return [
    list('Request-reply', findingItems(context, 'request-reply')),
    list('Publish-subscribe', publishSubscribeItems(context)),
    list('Competing consumers', findingItems(context, 'competing-consumers')),
    list('Batch processing', findingItems(context, 'batch-processing')),
    list('Content-based routing', findingItems(context, 'content-based-routing')),
    list('Exactly-once and idempotent producers', findingItems(context, 'exactly-once')),
    list('Deduplication', findingItems(context, 'idempotent-consumer')),
    list(
      'Acknowledgement',
      consumes
        .filter((e) => mergedConsumerProperties(context, e).ack !== undefined)
        .map((e) => edgeItem(e, ['ack'], mergedConsumerProperties(context, e))),
    ),
    list('Retry', findingItems(context, 'retry')),
    list('Dead-letter', findingItems(context, 'dead-letter')),
    list('Saga', findingItems(context, 'saga')),
  ].filter(isBlock);
}

/** Topics (not queues) that the graph shows both published to and consumed from. */
function publishSubscribeItems(context: ReportContext): string[] {
  return context.nodes('Topic').flatMap((topic) => {
    const publishers = context.incoming(topic.id, 'PUBLISHES');
    const subscribers = context.incoming(topic.id, 'CONSUMES');
    if (publishers.length === 0 || subscribers.length === 0) return [];
    const names = (edges: GraphEdge[]) =>
      unique(edges.map((e) => context.actor(e.from))).join(', ');
    const evidence = [...publishers, ...subscribers].flatMap((e) => e.evidence);
    return [
      `${code(topic.name)}: published by ${names(publishers)}; consumed by ${names(subscribers)}` +
        ` — ${context.evidence(evidence)}`,
    ];
  });
}

// ---- section 4: background jobs ------------------------------------------------------------

function jobBlocks(context: ReportContext): ReportBlock[] {
  const jobs = context.nodes('Job');
  const calls = sortedEdges(context, callSites(context), 'to');
  const callItem = (e: GraphEdge, keys: string[]) =>
    context.item(
      `${context.actor(e.from)} → ${context.name(e.to)}`,
      settings(e.properties, keys),
      e.evidence,
    );
  const nodeItem = (n: GraphNode, keys: string[]) =>
    `${code(n.name)}: ${settings(n.properties, keys)} — ${context.evidence(n.evidence)}`;

  return [
    table(
      'Schedulers',
      ['Job', 'Schedule', 'Scheduler', 'Evidence'],
      sortedEdges(context, context.edges('SCHEDULES'), 'to').map((e) => [
        context.name(e.to),
        scheduleOf(e),
        value(e.properties.scheduler ?? e.technology),
        context.evidence(e.evidence),
      ]),
    ),
    table(
      'Jobs',
      ['Job', 'Technology', 'Queue', 'Settings', 'Evidence'],
      jobs.map((job) => [
        code(job.name),
        technologyOf(job),
        jobQueue(context, job),
        settings(job.properties, JOB_KEYS),
        context.evidence(job.evidence),
      ]),
    ),
    list(
      'Who enqueues each job',
      sortedEdges(context, context.edges('ENQUEUES'), 'to').map((e) =>
        callItem(e, ['via', 'queue']),
      ),
    ),
    list(
      'Delayed and recurring jobs',
      calls
        .filter((e) => hasAny(e.properties, DELAY_KEYS))
        .map((e) => callItem(e, ['queue', ...DELAY_KEYS])),
    ),
    list('Worker pools', workerPoolItems(context)),
    list('Priorities', [
      ...jobs
        .filter((n) => hasAny(n.properties, ['priority']))
        .map((n) => nodeItem(n, ['priority'])),
      ...calls
        .filter((e) => hasAny(e.properties, ['priority']))
        .map((e) => callItem(e, ['priority'])),
    ]),
    list('Dependencies', [
      ...jobs
        .filter((n) => hasAny(n.properties, DEPENDENCY_KEYS))
        .map((n) => nodeItem(n, DEPENDENCY_KEYS)),
      ...calls
        .filter((e) => hasAny(e.properties, DEPENDENCY_KEYS) || isChain(e.properties.via))
        .map((e) => callItem(e, ['via', ...DEPENDENCY_KEYS])),
    ]),
    list('Progress tracking', [
      ...jobs
        .filter((n) => hasAny(n.properties, ['progress']))
        .map((n) => nodeItem(n, ['progress'])),
      ...calls
        .filter((e) => hasAny(e.properties, ['progress']))
        .map((e) => callItem(e, ['progress'])),
    ]),
  ].filter(isBlock);
}

/** Order between jobs: a chord body runs after its header, a flow parent waits for children. */
const DEPENDENCY_KEYS = ['after', 'waitsFor', 'parent', 'dependsOn'];

const JOB_KEYS = [
  'retry',
  'maxRetries',
  'acksLate',
  'bind',
  'autoretryFor',
  'rateLimit',
  'priority',
  'concurrency',
];
/**
 * ENQUEUES and PUBLISHES edges, one per call site: a BullMQ add() writes both an ENQUEUES of
 * its job and a PUBLISHES to its queue with the same evidence. The ENQUEUES edge, which names
 * the job and keeps the queue in `queue`, stands for both and takes the settings (priority,
 * via) only its PUBLISHES twin carries.
 */
function callSites(context: ReportContext): GraphEdge[] {
  const siteKey = (e: GraphEdge) =>
    [e.from, e.technology ?? '', JSON.stringify(uniqueSortedEvidence(e.evidence))].join('\u0000');
  const twins = new Map<string, GraphEdge>();
  for (const e of context.edges('PUBLISHES')) if (!twins.has(siteKey(e))) twins.set(siteKey(e), e);
  const merged = new Set<GraphEdge>();
  const enqueues = context.edges('ENQUEUES').map((e) => {
    const twin = twins.get(siteKey(e));
    if (!twin) return e;
    merged.add(twin);
    const queue = context.node(twin.to)?.name ?? null;
    return { ...e, properties: { ...twin.properties, queue, ...e.properties } };
  });
  return [...enqueues, ...context.edges('PUBLISHES').filter((e) => !merged.has(e))];
}

const DELAY_KEYS = ['delayMs', 'countdown', 'eta', 'repeat'];
const CHAIN_VIAS = new Set(['chain', 'group', 'chord', 'flow', 'link']);

function isChain(via: PropertyValue | undefined): boolean {
  const values = Array.isArray(via) ? via : via === undefined || via === null ? [] : [String(via)];
  return values.some((v) => CHAIN_VIAS.has(v));
}

function scheduleOf(edge: GraphEdge): string {
  const schedule = edge.properties.schedule;
  const kind = edge.properties.scheduleKind;
  const written = schedule === undefined || schedule === null ? '—' : value(schedule);
  const fallback = edge.properties.scheduleDefault;
  const shown =
    fallback === undefined || fallback === null
      ? written
      : `${written} (default ${value(fallback)})`;
  return kind === undefined || kind === null ? shown : `${text(String(kind))} ${shown}`;
}

function jobQueue(context: ReportContext, job: GraphNode): string {
  const consumed = context
    .outgoing(job.id, 'CONSUMES')
    .map((e) => context.node(e.to)?.name ?? e.to);
  const declared = job.properties.queue;
  const names = unique([...asStrings(declared), ...consumed]);
  return names.length > 0 ? names.map(code).join(', ') : '—';
}

/** Consumers of job queues, and jobs, that declare how many run at once. */
function workerPoolItems(context: ReportContext): string[] {
  const fromConsumers = sortedEdges(context, context.edges('CONSUMES'), 'to').flatMap((e) => {
    const queue = context.node(e.to);
    const technology = queue?.technology;
    if (!technology || !isTechnologyId(technology) || TECHNOLOGIES[technology].kind !== 'job-queue')
      return [];
    const merged = mergedConsumerProperties(context, e);
    if (merged.concurrency === undefined || merged.concurrency === null) return [];
    return [
      `${context.actor(e.from)} on ${context.name(e.to)}: ${settings(merged, ['concurrency'])}` +
        ` — ${context.evidence(e.evidence)}`,
    ];
  });
  const fromJobs = context
    .nodes('Job')
    .filter((n) => hasAny(n.properties, ['concurrency']))
    .map((n) => context.item(code(n.name), settings(n.properties, ['concurrency']), n.evidence));
  return [...fromConsumers, ...fromJobs];
}

// ---- section 5 and gaps ---------------------------------------------------------------------

function eventStoreBlocks(context: ReportContext): ReportBlock[] {
  return [
    findingList(context, 'Event sourcing', 'event-sourcing'),
    findingList(context, 'CQRS', 'cqrs'),
  ].filter(isBlock);
}

const GAP_TITLES: Record<GapFinding['id'], string> = {
  'orphan-channel': 'Orphan channels',
  'no-dead-letter-route': 'Consumers without a dead-letter route',
};

function gapBlocks(context: ReportContext): ReportBlock[] {
  return (Object.keys(GAP_TITLES) as GapFinding['id'][])
    .map((id) =>
      list(
        GAP_TITLES[id],
        sortedFindings(context.gaps.filter((g) => g.id === id)).map((g) => findingItem(context, g)),
      ),
    )
    .filter(isBlock);
}

function findingList(context: ReportContext, title: string, id: PatternId): ReportBlock | null {
  return list(title, findingItems(context, id));
}

function findingItems(context: ReportContext, id: PatternId): string[] {
  return sortedFindings(context.findings(id)).map((f) => findingItem(context, f));
}

function findingItem(context: ReportContext, finding: PatternFinding | GapFinding): string {
  const evidence =
    finding.evidence.length > 0 ? finding.evidence : subjectEvidence(context, finding.subjects);
  return `${text(finding.summary)} — ${context.evidence(evidence)}`;
}

function subjectEvidence(context: ReportContext, subjects: readonly string[]): Evidence[] {
  return subjects.flatMap((id) => context.node(id)?.evidence ?? []);
}

function sortedFindings<T extends PatternFinding | GapFinding>(findings: readonly T[]): T[] {
  return [...findings].sort(
    (a, b) =>
      compareText(a.subjects.join('\n'), b.subjects.join('\n')) ||
      compareText(a.summary, b.summary),
  );
}

// ---- title, summary, diagram, scan ------------------------------------------------------------

function summaryOf(context: ReportContext): string {
  const nodes = context.graph.nodes.filter((n) => !documentedOnly(n));
  const count = (label: GraphNode['label']) => nodes.filter((n) => n.label === label).length;
  const channels = nodes.filter((n) => n.label === 'Topic' || n.label === 'Queue');
  const kinds = new Map<string, number>();
  for (const channel of channels) {
    const kind = kindsOf(channel)[0] ?? channel.label.toLowerCase();
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  const kindText = [...kinds.entries()]
    .sort(([a], [b]) => compareText(a, b))
    .map(([k, n]) => counted(n, k));
  const parts = [
    channels.length > 0 ? `${counted(channels.length, 'channel')} (${kindText.join(', ')})` : '',
    count('Handler') > 0 ? counted(count('Handler'), 'handler') : '',
    count('Job') > 0 ? counted(count('Job'), 'job') : '',
    count('Event') > 0 ? counted(count('Event'), 'event type') : '',
  ].filter((p) => p !== '');
  const services = count('Service');
  const technologies = unique(
    [...nodes, ...context.graph.edges.filter((e) => !fromContract(e))].flatMap((i) =>
      i.technology ? [i.technology] : [],
    ),
  ).sort(compareText);

  const sentences = [
    `Found ${joinWords(parts)}${services > 0 ? ` across ${counted(services, 'service')}` : ''}.`,
    technologies.length > 0 ? `Technologies: ${technologies.map(code).join(', ')}.` : '',
    findingsSentence(context.patterns.length, context.gaps.length),
  ];
  return sentences.filter((s) => s !== '').join(' ');
}

function findingsSentence(patterns: number, gaps: number): string {
  const parts = [
    patterns > 0 ? counted(patterns, 'pattern finding') : '',
    gaps > 0 ? counted(gaps, 'gap') : '',
  ].filter((p) => p !== '');
  return parts.length > 0 ? `Listed below: ${joinWords(parts)}.` : '';
}

/** Services → channels → consuming services, exchanges → queues, schedules → jobs. */
function diagramOf(context: ReportContext): string[] {
  const ids = new Map<string, string>();
  const used = new Map<string, GraphNode>();
  const idOf = (node: GraphNode) => {
    used.set(node.id, node);
    return node.id;
  };
  const links: { from: string; to: string; label: string | null; dotted: boolean }[] = [];
  const link = (from: GraphNode, to: GraphNode, label: string | null = null, dotted = false) => {
    if (from.id !== to.id) links.push({ from: idOf(from), to: idOf(to), label, dotted });
  };

  for (const edge of context.graph.edges) {
    const from = context.node(edge.from);
    const to = context.node(edge.to);
    if (!from || !to) continue;
    if (edge.type === 'PUBLISHES' && isChannel(to)) link(context.owner(from), to);
    if (edge.type === 'CONSUMES' && isChannel(to))
      link(to, context.owner(from), groupLabel(context, edge));
    if (edge.type === 'ROUTES_TO') link(from, to, stringOrNull(edge.properties.routingKey));
    if (edge.type === 'DEAD_LETTERS_TO') link(from, to, 'dead letter', true);
    if (edge.type === 'SCHEDULES') link(context.owner(from), to, scheduleLabel(edge));
    if (edge.type === 'ENQUEUES' && to.label === 'Job') link(context.owner(from), to, 'enqueues');
  }
  if (links.length === 0) return [];

  const ordered = [...used.values()].sort((a, b) => compareText(a.id, b.id));
  ordered.forEach((node, index) => ids.set(node.id, `n${String(index + 1)}`));
  const declarations = ordered.map((node) => `${ids.get(node.id) ?? ''}${shape(node)}`);
  const statements = links.map(({ from, to, label, dotted }) => {
    const arrow = dotted
      ? label === null
        ? '-.->'
        : `-. ${mermaidLabel(label)} .->`
      : label === null
        ? '-->'
        : `-- ${mermaidLabel(label)} -->`;
    return `${ids.get(from) ?? ''} ${arrow} ${ids.get(to) ?? ''}`;
  });
  return [...declarations, ...unique(statements)];
}

function shape(node: GraphNode): string {
  const channelName = node.technology ? `${node.name} (${node.technology})` : node.name;
  switch (node.label) {
    case 'Topic':
      return `{{${mermaidLabel(channelName)}}}`;
    case 'Queue':
      return `[(${mermaidLabel(channelName)})]`;
    case 'Job':
      return `([${mermaidLabel(node.name)}])`;
    case 'Handler':
    case 'Event':
      return `(${mermaidLabel(node.name)})`;
    case 'Service':
      return `[${mermaidLabel(node.name)}]`;
  }
}

function groupLabel(context: ReportContext, edge: GraphEdge): string | null {
  const group = mergedConsumerProperties(context, edge).group;
  return group === undefined || group === null ? null : `group ${asStrings(group).join(', ')}`;
}

function scheduleLabel(edge: GraphEdge): string | null {
  const schedule = edge.properties.schedule;
  if (schedule === undefined || schedule === null) return null;
  const kind = stringOrNull(edge.properties.scheduleKind);
  const written = asStrings(schedule).join(', ');
  return kind === null ? written : `${kind} ${written}`;
}

function scanOf(context: ReportContext): string {
  const repositories = context.graph.repositories.map((r) =>
    r.commit
      ? `${code(r.name)} at commit ${code(r.commit)}`
      : `${code(r.name)} (no commit recorded)`,
  );
  return `Scan: ${repositories.join('; ')}.`;
}

function markdownLink(file: string): string {
  const label = file.replaceAll(/[[\]\\]/g, '\\$&');
  return `[${label}](<${file.replaceAll(/[<>]/g, encodeURIComponent)}>)`;
}

// ---- small helpers ---------------------------------------------------------------------------

function section(title: string, blocks: ReportBlock[]): ReportSection | null {
  return blocks.length > 0 ? { title, blocks } : null;
}

function table(title: string, headers: string[], rows: string[][]): ReportBlock | null {
  return rows.length > 0 ? { title, table: { headers, rows }, items: null } : null;
}

function list(title: string, items: string[]): ReportBlock | null {
  return items.length > 0 ? { title, table: null, items: unique(items) } : null;
}

function isBlock(block: ReportBlock | null): block is ReportBlock {
  return block !== null;
}

/** `key=value; ...` for the keys present, values escaped; '—' when none is. */
function settings(properties: Properties, keys: readonly string[]): string {
  const parts = keys.flatMap((key) => {
    const item = properties[key];
    return item === undefined || item === null ? [] : [`${key}=${value(item)}`];
  });
  return parts.length > 0 ? parts.join('; ') : '—';
}

function value(item: PropertyValue): string {
  if (item === null) return '—';
  if (typeof item === 'number' || typeof item === 'boolean') return String(item);
  if (Array.isArray(item)) return item.length > 0 ? item.map(code).join(', ') : '—';
  return code(item);
}

function labelled(label: string, item: PropertyValue | string[] | undefined): string {
  const values = asStrings(item ?? null);
  return values.length > 0 ? `${label} ${values.map(code).join(', ')}` : '';
}

function valueOf(context: ReportContext, edge: GraphEdge, key: string): PropertyValue | undefined {
  const item = mergedConsumerProperties(context, edge)[key];
  return item === null ? undefined : item;
}

function hasAny(properties: Properties, keys: readonly string[]): boolean {
  return keys.some((key) => properties[key] !== undefined && properties[key] !== null);
}

function withoutNulls(properties: Properties): Properties {
  return Object.fromEntries(Object.entries(properties).filter(([, v]) => v !== null));
}

function asStrings(item: PropertyValue | undefined): string[] {
  if (item === undefined || item === null) return [];
  return Array.isArray(item) ? item : [String(item)];
}

function stringOrNull(item: PropertyValue | undefined): string | null {
  const values = asStrings(item);
  return values.length > 0 ? values.join(', ') : null;
}

function kindsOf(node: GraphNode | undefined): string[] {
  return node ? asStrings(node.properties.kind) : [];
}

function isChannel(node: GraphNode): boolean {
  return node.label === 'Topic' || node.label === 'Queue';
}

function isStream(node: GraphNode | undefined): boolean {
  return node?.label === 'Topic' && kindsOf(node).some((k) => STREAM_KINDS.has(k));
}

function technologyOf(node: GraphNode | undefined): string {
  return node?.technology ? code(node.technology) : '—';
}

function sortedEdges(
  context: ReportContext,
  edges: readonly GraphEdge[],
  first: 'from' | 'to' = 'from',
): GraphEdge[] {
  const second = first === 'from' ? 'to' : 'from';
  const nameOf = (id: string) => context.node(id)?.name ?? id;
  return [...edges].sort(
    (a, b) =>
      compareText(nameOf(a[first]), nameOf(b[first])) ||
      compareText(nameOf(a[second]), nameOf(b[second])) ||
      compareText(a.id, b.id),
  );
}

function byName(a: GraphNode, b: GraphNode): number {
  return compareText(a.name, b.name) || compareText(a.id, b.id);
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

function counted(n: number, noun: string): string {
  return `${String(n)} ${noun}${n === 1 ? '' : 's'}`;
}

function joinWords(parts: readonly string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1] ?? ''}`;
}
