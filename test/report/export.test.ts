import { describe, expect, test } from 'vitest';
import { buildExport, serializeExport } from '../../src/export/graph-json.js';
import type { Graph } from '../../src/model/graph.js';
import { EMPTY, at, celeryBeat, edge, graphOf, kafkaFanOut, node } from './sample-graphs.js';

describe('buildExport', () => {
  test('has the versioned contract fields the evaluation reads', () => {
    const data = buildExport(
      kafkaFanOut(),
      [
        {
          id: 'fan-out',
          subjects: ['topic:kafka:orders.created'],
          summary: 'two groups',
          evidence: [at('src/a.ts', 1)],
        },
      ],
      [
        {
          id: 'no-dead-letter-route',
          subjects: ['handler:shop:src/audit.ts:recordOrder'],
          summary: 'no DLQ',
          evidence: [],
        },
      ],
    );
    expect(Object.keys(data)).toEqual([
      'schemaVersion',
      'verdict',
      'repositories',
      'technologies',
      'counts',
      'nodes',
      'edges',
      'patterns',
      'findings',
    ]);
    expect(data.schemaVersion).toBe(1);
    expect(data.verdict).toBe('event-driven');
    expect(data.repositories).toEqual([{ name: 'shop', root: '/repos/shop', commit: 'abc1234' }]);
    expect(data.technologies).toEqual([{ id: 'kafka', kind: 'broker', title: 'Apache Kafka' }]);
    expect(data.counts).toEqual({
      nodes: { Handler: 2, Service: 1, Topic: 1 },
      edges: { CONSUMES: 2, CONTAINS: 2, PUBLISHES: 1 },
    });
    expect(data.nodes.find((n) => n.label === 'Topic')).toEqual({
      id: 'topic:kafka:orders.created',
      label: 'Topic',
      name: 'orders.created',
      technology: 'kafka',
      repository: 'shop',
      service: null,
      properties: { kind: 'topic', partitions: 3 },
      evidence: [
        { repository: 'shop', file: 'src/audit.ts', line: 5 },
        { repository: 'shop', file: 'src/billing.ts', line: 8 },
        { repository: 'shop', file: 'src/orders.ts', line: 12 },
      ],
    });
    expect(data.nodes.find((n) => n.name === 'recordOrder')?.service).toBe('service:shop:.');
    expect(data.edges.find((e) => e.type === 'PUBLISHES')).toEqual({
      id: 'PUBLISHES:service:shop:.->topic:kafka:orders.created',
      type: 'PUBLISHES',
      from: 'service:shop:.',
      to: 'topic:kafka:orders.created',
      technology: 'kafka',
      repository: 'shop',
      properties: { key: 'order.id' },
      evidence: [{ repository: 'shop', file: 'src/orders.ts', line: 14 }],
    });
    expect(data.patterns).toEqual([
      {
        id: 'fan-out',
        subjects: ['topic:kafka:orders.created'],
        summary: 'two groups',
        evidence: [at('src/a.ts', 1)],
      },
    ]);
    expect(data.findings.map((f) => f.id)).toEqual(['no-dead-letter-route']);
  });

  test('verdict is none when only services were found', () => {
    expect(buildExport(EMPTY, [], []).verdict).toBe('none');
    expect(buildExport(graphOf([], []), [], []).verdict).toBe('none');
  });

  test('verdict is event-driven for any Topic, Queue, Handler, Job or Event', () => {
    expect(buildExport(celeryBeat(), [], []).verdict).toBe('event-driven');
    const onlyEvent = graphOf(
      [node('event:shop:OrderPlaced', 'Event', 'OrderPlaced', { evidence: [at('src/e.ts', 1)] })],
      [],
    );
    expect(buildExport(onlyEvent, [], []).verdict).toBe('event-driven');
  });

  test('output is sorted and byte-identical whatever the input order', () => {
    const graph = kafkaFanOut();
    const shuffled: Graph = {
      ...graph,
      nodes: [...graph.nodes].reverse().map((n) => ({ ...n, evidence: [...n.evidence].reverse() })),
      edges: [...graph.edges].reverse(),
    };
    const text = serializeExport(buildExport(graph, [], []));
    expect(serializeExport(buildExport(shuffled, [], []))).toBe(text);
    expect(text.endsWith('}\n')).toBe(true);
    const ids = buildExport(graph, [], []).nodes.map((n) => n.id);
    expect(ids).toEqual([...ids].sort());
  });

  test('credentials are redacted in every string, and the input graph is left as it was', () => {
    const service = 'service:shop:.';
    const queue = 'queue:rabbitmq:amqp://guest:s3cret@rabbit';
    const graph = graphOf(
      [
        node(service, 'Service', 'shop', { evidence: [at('package.json', 1)] }),
        node(queue, 'Queue', 'amqp://guest:s3cret@rabbit', {
          technology: 'rabbitmq',
          properties: {
            kind: 'queue',
            override: 'redis://:hunter2@cache',
            hosts: ['kafka://u:pw@h'],
          },
          evidence: [at('src/q.ts', 1)],
        }),
      ],
      [
        edge('PUBLISHES', service, queue, {
          technology: 'rabbitmq',
          properties: { url: 'x?password=xyz' },
          evidence: [at('src/q.ts', 2)],
        }),
      ],
    );
    graph.repositories[0] = { name: 'shop', root: 'amqp://root:rootpw@h', commit: null };
    const text = serializeExport(
      buildExport(
        graph,
        [{ id: 'retry', subjects: [queue], summary: 'amqp://a:topsecret@h', evidence: [] }],
        [],
      ),
    );
    for (const secret of ['s3cret', 'hunter2', ':pw@', 'xyz', 'topsecret', 'rootpw'])
      expect(text).not.toContain(secret);
    expect(text).toContain('"name": "amqp://guest:***@rabbit"');
    expect(text).toContain('"id": "queue:rabbitmq:amqp://guest:***@rabbit"');
    expect(text).toContain('"password=***"'.slice(1, -1));
    expect(graph.nodes[1]?.name).toBe('amqp://guest:s3cret@rabbit');
  });
});
