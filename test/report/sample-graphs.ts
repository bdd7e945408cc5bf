// Hand-built graphs for the report and export tests: each one the smallest graph that shows a
// scenario, written the way assembly would produce it (ids, services, evidence).
import type {
  EdgeType,
  Evidence,
  Graph,
  GraphEdge,
  GraphNode,
  NodeLabel,
  Properties,
} from '../../src/model/graph.js';
import type { TechnologyId } from '../../src/model/taxonomy.js';

export function at(file: string, line: number, repository = 'shop'): Evidence {
  return { repository, file, line };
}

export function node(
  id: string,
  label: NodeLabel,
  name: string,
  init: {
    technology?: TechnologyId | null;
    service?: string | null;
    properties?: Properties;
    evidence: Evidence[];
    repository?: string;
  },
): GraphNode {
  return {
    id,
    label,
    name,
    technology: init.technology ?? null,
    repository: init.repository ?? 'shop',
    service: init.service ?? null,
    properties: init.properties ?? {},
    evidence: init.evidence,
  };
}

export function edge(
  type: EdgeType,
  from: string,
  to: string,
  init: { technology?: TechnologyId | null; properties?: Properties; evidence: Evidence[] },
): GraphEdge {
  return {
    id: `${type}:${from}->${to}`,
    type,
    from,
    to,
    technology: init.technology ?? null,
    repository: 'shop',
    properties: init.properties ?? {},
    evidence: init.evidence,
  };
}

export function graphOf(
  nodes: GraphNode[],
  edges: GraphEdge[],
  commit: string | null = 'abc1234',
): Graph {
  return { repositories: [{ name: 'shop', root: '/repos/shop', commit }], nodes, edges };
}

export const EMPTY: Graph = graphOf(
  [node('service:shop:.', 'Service', 'shop', { evidence: [at('package.json', 1)] })],
  [],
);

/** A Kafka topic published by one service and consumed by two consumer groups. */
export function kafkaFanOut(): Graph {
  const service = 'service:shop:.';
  const topic = 'topic:kafka:orders.created';
  const billing = 'handler:shop:src/billing.ts:onOrderCreated';
  const audit = 'handler:shop:src/audit.ts:recordOrder';
  return graphOf(
    [
      node(service, 'Service', 'shop', {
        properties: { path: '.' },
        evidence: [at('package.json', 1)],
      }),
      node(topic, 'Topic', 'orders.created', {
        technology: 'kafka',
        properties: { kind: 'topic', partitions: 3 },
        evidence: [at('src/orders.ts', 12), at('src/billing.ts', 8), at('src/audit.ts', 5)],
      }),
      node(billing, 'Handler', 'onOrderCreated', {
        technology: 'kafka',
        service,
        properties: { group: 'billing' },
        evidence: [at('src/billing.ts', 9)],
      }),
      node(audit, 'Handler', 'recordOrder', {
        technology: 'kafka',
        service,
        properties: { group: 'audit' },
        evidence: [at('src/audit.ts', 6)],
      }),
    ],
    [
      edge('PUBLISHES', service, topic, {
        technology: 'kafka',
        properties: { key: 'order.id' },
        evidence: [at('src/orders.ts', 14)],
      }),
      edge('CONSUMES', billing, topic, {
        technology: 'kafka',
        properties: { group: 'billing', fromBeginning: true },
        evidence: [at('src/billing.ts', 8)],
      }),
      edge('CONSUMES', audit, topic, {
        technology: 'kafka',
        properties: { group: 'audit', autoCommit: false },
        evidence: [at('src/audit.ts', 5)],
      }),
      edge('CONTAINS', service, billing, { evidence: [at('src/billing.ts', 9)] }),
      edge('CONTAINS', service, audit, { evidence: [at('src/audit.ts', 6)] }),
    ],
  );
}

/** A RabbitMQ work queue bound to an exchange, with a dead-letter queue. */
export function rabbitWithDeadLetter(): Graph {
  const service = 'service:shop:.';
  const exchange = 'topic:rabbitmq:orders';
  const queue = 'queue:rabbitmq:order_queue';
  const dlq = 'queue:rabbitmq:order_queue.dlq';
  const handler = 'handler:shop:src/worker.ts:handleOrder';
  return graphOf(
    [
      node(service, 'Service', 'shop', {
        properties: { path: '.' },
        evidence: [at('package.json', 1)],
      }),
      node(exchange, 'Topic', 'orders', {
        technology: 'rabbitmq',
        properties: { kind: 'exchange', exchangeType: 'topic', durable: true },
        evidence: [at('src/amqp.ts', 4)],
      }),
      node(queue, 'Queue', 'order_queue', {
        technology: 'rabbitmq',
        properties: { kind: 'queue', durable: true, messageTtlMs: 60000 },
        evidence: [at('src/amqp.ts', 6)],
      }),
      node(dlq, 'Queue', 'order_queue.dlq', {
        technology: 'rabbitmq',
        properties: { kind: 'queue', durable: true },
        evidence: [at('src/amqp.ts', 9)],
      }),
      node(handler, 'Handler', 'handleOrder', {
        technology: 'rabbitmq',
        service,
        properties: { ack: 'manual', prefetch: 10 },
        evidence: [at('src/worker.ts', 3)],
      }),
    ],
    [
      edge('PUBLISHES', service, exchange, {
        technology: 'rabbitmq',
        properties: { routingKey: 'order.created', persistent: true },
        evidence: [at('src/orders.ts', 20)],
      }),
      edge('ROUTES_TO', exchange, queue, {
        technology: 'rabbitmq',
        properties: { routingKey: 'order.*' },
        evidence: [at('src/amqp.ts', 7)],
      }),
      edge('DEAD_LETTERS_TO', queue, dlq, {
        technology: 'rabbitmq',
        evidence: [at('src/amqp.ts', 6)],
      }),
      edge('CONSUMES', handler, queue, {
        technology: 'rabbitmq',
        evidence: [at('src/worker.ts', 5)],
      }),
      edge('CONTAINS', service, handler, { evidence: [at('src/worker.ts', 3)] }),
    ],
  );
}

/** A BullMQ queue with a repeatable job and a worker pool. */
export function bullmqRepeat(): Graph {
  const service = 'service:shop:.';
  const queue = 'queue:bullmq:reports';
  const job = 'job:shop:bullmq:nightly-report';
  const worker = 'handler:shop:src/worker.ts:reportWorker';
  return graphOf(
    [
      node(service, 'Service', 'shop', {
        properties: { path: '.' },
        evidence: [at('package.json', 1)],
      }),
      node(queue, 'Queue', 'reports', {
        technology: 'bullmq',
        properties: { kind: 'queue' },
        evidence: [at('src/queue.ts', 3)],
      }),
      node(job, 'Job', 'nightly-report', {
        technology: 'bullmq',
        properties: { queue: 'reports' },
        evidence: [at('src/queue.ts', 6)],
      }),
      node(worker, 'Handler', 'reportWorker', {
        technology: 'bullmq',
        service,
        properties: { concurrency: 5 },
        evidence: [at('src/worker.ts', 4)],
      }),
    ],
    [
      edge('PUBLISHES', service, queue, {
        technology: 'bullmq',
        properties: { jobName: 'nightly-report', repeat: '0 3 * * *', attempts: 3 },
        evidence: [at('src/queue.ts', 6)],
      }),
      edge('SCHEDULES', service, job, {
        technology: 'bullmq',
        properties: { schedule: '0 3 * * *', scheduleKind: 'cron', scheduler: 'bullmq' },
        evidence: [at('src/queue.ts', 6)],
      }),
      edge('CONSUMES', worker, queue, { technology: 'bullmq', evidence: [at('src/worker.ts', 4)] }),
      edge('CONTAINS', service, worker, { evidence: [at('src/worker.ts', 4)] }),
      edge('CONTAINS', service, job, { evidence: [at('src/queue.ts', 6)] }),
    ],
  );
}

/**
 * One BullMQ `queue.add('reminder', data, { delay, priority })`: the extractor writes an
 * ENQUEUES of the job and a PUBLISHES to the queue, both citing the same line.
 */
export function bullmqDelayed(): Graph {
  const service = 'service:shop:.';
  const queue = 'queue:bullmq:emails';
  const job = 'job:shop:bullmq:reminder';
  const call = [at('src/reminders.ts', 8)];
  return graphOf(
    [
      node(service, 'Service', 'shop', {
        properties: { path: '.' },
        evidence: [at('package.json', 1)],
      }),
      node(queue, 'Queue', 'emails', {
        technology: 'bullmq',
        properties: { kind: 'queue' },
        evidence: call,
      }),
      node(job, 'Job', 'reminder', {
        technology: 'bullmq',
        properties: { queue: 'emails' },
        evidence: call,
      }),
    ],
    [
      edge('PUBLISHES', service, queue, {
        technology: 'bullmq',
        properties: { jobName: 'reminder', delayMs: 60000, priority: 2 },
        evidence: call,
      }),
      edge('ENQUEUES', service, job, {
        technology: 'bullmq',
        properties: { queue: 'emails', delayMs: 60000 },
        evidence: call,
      }),
      edge('CONTAINS', service, job, { evidence: call }),
    ],
  );
}

/** A Celery task run by beat every night and retried on failure. */
export function celeryBeat(): Graph {
  const service = 'service:shop:.';
  const job = 'job:shop:celery:tasks.cleanup';
  return graphOf(
    [
      node(service, 'Service', 'shop', {
        properties: { path: '.' },
        evidence: [at('pyproject.toml', 1)],
      }),
      node(job, 'Job', 'tasks.cleanup', {
        technology: 'celery',
        properties: { queue: 'maintenance', maxRetries: 3, acksLate: true },
        evidence: [at('app/tasks.py', 10)],
      }),
    ],
    [
      edge('SCHEDULES', service, job, {
        technology: 'celery-beat',
        properties: {
          schedule: 'crontab(hour=3, minute=0)',
          scheduleKind: 'cron',
          scheduler: 'celery-beat',
        },
        evidence: [at('app/celery.py', 14)],
      }),
      edge('CONTAINS', service, job, { evidence: [at('app/tasks.py', 10)] }),
    ],
  );
}
