import { describe, expect, it } from 'vitest';
import { assembleGraph } from '../../src/graph/assemble.js';
import type { Manifest } from '../../src/extractors/manifests/manifests.js';
import { channelRecord, edgeRecord, evidenceAt, nodeRecord, ref } from '../../src/model/graph.js';

const repo = 'shop';
const at = (file: string, line: number) => evidenceAt({ repository: repo, file }, line);
const manifest = (path: string, name: string | null): Manifest => ({
  path,
  directory: path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '',
  name,
  dependencies: ['kafkajs'],
  dependencyLines: { kafkajs: 3 },
});

describe('assembleGraph', () => {
  const orders = { repository: repo, file: 'services/orders/src/publish.ts' };
  const billing = { repository: repo, file: 'services/billing/src/consume.ts' };
  const topic = ref.channel('Topic', 'kafka', 'orders.created');
  const records = [
    channelRecord(
      'Topic',
      'topic',
      'kafka',
      { name: 'orders.created', dynamic: false },
      at(orders.file, 4),
    ),
    edgeRecord(
      'PUBLISHES',
      ref.serviceOf(orders),
      topic,
      { technology: 'kafka', properties: { key: 'orderId' } },
      at(orders.file, 9),
    ),
    edgeRecord(
      'PUBLISHES',
      ref.serviceOf(orders),
      topic,
      { technology: 'kafka', properties: { key: 'customerId' } },
      at(orders.file, 20),
    ),
    edgeRecord(
      'PUBLISHES',
      ref.serviceOf(orders),
      topic,
      { technology: 'kafka', properties: { key: 'orderId' } },
      at(orders.file, 31),
    ),
    nodeRecord(
      ref.handler(billing, 'onOrder'),
      { name: 'onOrder', technology: 'kafka' },
      at(billing.file, 5),
    ),
    edgeRecord(
      'CONSUMES',
      ref.handler(billing, 'onOrder'),
      topic,
      { technology: 'kafka', properties: { group: 'billing' } },
      at(billing.file, 12),
    ),
  ];
  const graph = assembleGraph([
    {
      repository: { name: repo, root: '/tmp/shop', commit: null },
      records,
      manifests: [
        manifest('package.json', 'shop'),
        manifest('services/orders/package.json', '@shop/orders'),
      ],
    },
  ]);

  it('gives each file to the deepest folder with a manifest, else to the repository', () => {
    const services = graph.nodes.filter((n) => n.label === 'Service');
    expect(services.map((s) => [s.id, s.name, s.evidence])).toEqual([
      ['service:shop:.', 'shop', [{ repository: repo, file: 'package.json', line: 1 }]],
      [
        'service:shop:services/orders',
        '@shop/orders',
        [{ repository: repo, file: 'services/orders/package.json', line: 1 }],
      ],
    ]);
    const handler = graph.nodes.find((n) => n.label === 'Handler');
    expect(handler?.service).toBe('service:shop:.');
  });

  it('merges calls that say the same thing and keeps calls that differ apart', () => {
    const publishes = graph.edges
      .filter((e) => e.type === 'PUBLISHES')
      .map((e) => [e.properties.key, e.evidence.map((x) => x.line)]);
    expect(publishes.sort()).toEqual([
      ['customerId', [20]],
      ['orderId', [9, 31]],
    ]);
  });

  it('ties handlers to their service with CONTAINS', () => {
    const contains = graph.edges.filter((e) => e.type === 'CONTAINS');
    expect(contains.map((e) => [e.from, e.to])).toEqual([
      ['service:shop:.', 'handler:shop:services/billing/src/consume.ts:onOrder'],
    ]);
  });

  it('gives a job to the service whose code defines it, not to the one that enqueues it', () => {
    const tasks = { repository: repo, file: 'services/orders/tasks.py' };
    const caller = { repository: repo, file: 'api/views.py' };
    const job = ref.job(repo, 'celery', 'send_receipt');
    const jobs = assembleGraph([
      {
        repository: { name: repo, root: '/tmp/shop', commit: null },
        records: [
          nodeRecord(job, { name: 'send_receipt', technology: 'celery' }, at(tasks.file, 7)),
          edgeRecord(
            'ENQUEUES',
            ref.serviceOf(caller),
            job,
            { technology: 'celery' },
            at(caller.file, 30),
          ),
          edgeRecord(
            'ENQUEUES',
            ref.serviceOf(caller),
            ref.job(repo, 'celery', 'elsewhere'),
            { technology: 'celery' },
            at(caller.file, 31),
          ),
        ],
        manifests: [
          manifest('package.json', 'shop'),
          manifest('services/orders/package.json', 'orders'),
        ],
      },
    ]);
    const owners = jobs.edges.filter((e) => e.type === 'CONTAINS').map((e) => [e.from, e.to]);
    expect(owners).toEqual([['service:shop:services/orders', 'job:shop:celery:send_receipt']]);
  });

  it('drops services that take part in nothing', () => {
    const empty = assembleGraph([
      {
        repository: { name: repo, root: '/x', commit: null },
        records: [],
        manifests: [manifest('package.json', 'x')],
      },
    ]);
    expect(empty.nodes).toEqual([]);
  });

  it('refuses evidence that is not a 1-based line', () => {
    expect(() => at('a.ts', 0)).toThrow(RangeError);
  });
});
