// A synthetic export of a given size for the viewer benchmark, shaped like a large system:
// services holding handlers and jobs, shared topics and queues, event types they carry.
import {
  SCHEMA_VERSION,
  type ExportEdge,
  type ExportNode,
  type GraphExport,
} from '../src/export/graph-json.js';

const SHARE = { Service: 0.06, Handler: 0.35, Job: 0.15, Topic: 0.2, Queue: 0.12, Event: 0.12 };

export function generateGraph(size: number): GraphExport {
  const repository = 'generated';
  const evidence = (file: string, line: number) => [{ repository, file, line }];
  const nodes: ExportNode[] = [];
  const edges: ExportEdge[] = [];
  const count = (share: number) => Math.max(1, Math.round(size * share));
  const node = (label: ExportNode['label'], id: string, name: string, service: string | null) => {
    const technology =
      label === 'Service' || label === 'Event' ? null : label === 'Queue' ? 'rabbitmq' : 'kafka';
    nodes.push({
      id,
      label,
      name,
      technology,
      repository,
      service,
      properties: {},
      evidence: evidence(`src/${name}.ts`, 1),
    });
  };
  const edge = (type: string, from: string, to: string) => {
    edges.push({
      id: `${type}:${from}->${to}`,
      type,
      from,
      to,
      technology: null,
      repository,
      properties: {},
      evidence: evidence('src/wiring.ts', edges.length + 1),
    });
  };

  const services = Array.from(
    { length: count(SHARE.Service) },
    (_, i) => `service:g:s${String(i)}`,
  );
  services.forEach((id, i) => {
    node('Service', id, `service-${String(i)}`, null);
  });
  const topics = Array.from({ length: count(SHARE.Topic) }, (_, i) => `topic:kafka:t${String(i)}`);
  topics.forEach((id, i) => {
    node('Topic', id, `topic.${String(i)}`, null);
  });
  const queues = Array.from(
    { length: count(SHARE.Queue) },
    (_, i) => `queue:rabbitmq:q${String(i)}`,
  );
  queues.forEach((id, i) => {
    node('Queue', id, `queue.${String(i)}`, null);
  });
  const channels = [...topics, ...queues];
  const events = Array.from({ length: count(SHARE.Event) }, (_, i) => `event:g:E${String(i)}`);
  events.forEach((id, i) => {
    node('Event', id, `Event${String(i)}`, null);
  });
  events.forEach((id, i) => {
    edge('CARRIES', channels[i % channels.length] ?? '', id);
  });

  const handlers = count(SHARE.Handler);
  for (let i = 0; i < handlers; i += 1) {
    const service = services[i % services.length] ?? '';
    const id = `handler:g:h${String(i)}`;
    node('Handler', id, `handle${String(i)}`, service);
    edge('CONTAINS', service, id);
    edge('CONSUMES', id, channels[(i * 7) % channels.length] ?? '');
    if (i % 3 === 0) edge('PUBLISHES', id, channels[(i * 13 + 5) % channels.length] ?? '');
  }
  const jobs = count(SHARE.Job);
  for (let i = 0; i < jobs; i += 1) {
    const service = services[(i * 3) % services.length] ?? '';
    const id = `job:g:j${String(i)}`;
    node('Job', id, `job${String(i)}`, service);
    edge('CONTAINS', service, id);
    edge(i % 2 === 0 ? 'SCHEDULES' : 'ENQUEUES', service, id);
  }
  services.forEach((id, i) => {
    edge('PUBLISHES', id, channels[(i * 11) % channels.length] ?? '');
  });

  const counts = (items: { label?: string; type?: string }[]) => {
    const result: Record<string, number> = {};
    for (const item of items) {
      const key = item.label ?? item.type ?? '';
      result[key] = (result[key] ?? 0) + 1;
    }
    return result;
  };
  return {
    schemaVersion: SCHEMA_VERSION,
    verdict: 'event-driven',
    repositories: [{ name: repository, root: '.', commit: null }],
    technologies: [
      { id: 'kafka', kind: 'broker', title: 'Apache Kafka' },
      { id: 'rabbitmq', kind: 'broker', title: 'RabbitMQ (AMQP 0-9-1)' },
    ],
    counts: { nodes: counts(nodes), edges: counts(edges) },
    nodes,
    edges,
    patterns: [{ id: 'fan-out', subjects: [topics[0] ?? ''], summary: 'generated', evidence: [] }],
    findings: [],
  };
}
