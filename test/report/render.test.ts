import { describe, expect, test } from 'vitest';
import type { GapFinding, Graph, PatternFinding } from '../../src/model/graph.js';
import { renderReport } from '../../src/report/render.js';
import { buildViewModel } from '../../src/report/view-model.js';
import {
  EMPTY,
  at,
  bullmqDelayed,
  bullmqRepeat,
  celeryBeat,
  edge,
  graphOf,
  kafkaFanOut,
  node,
  rabbitWithDeadLetter,
} from './sample-graphs.js';

function report(graph: Graph, patterns: PatternFinding[] = [], gaps: GapFinding[] = []): string {
  return renderReport(buildViewModel(graph, patterns, gaps));
}

function lines(markdown: string): string[] {
  return markdown.split('\n');
}

/** The lines of one `###` block, up to the next heading. */
function block(markdown: string, title: string): string[] {
  const all = lines(markdown);
  const start = all.indexOf(`### ${title}`);
  if (start < 0) throw new Error(`no block ${title} in:\n${markdown}`);
  const end = all.findIndex(
    (line, i) => i > start && (line.startsWith('#') || line.startsWith('Scan: ')),
  );
  return all.slice(start + 1, end < 0 ? undefined : end).filter((line) => line !== '');
}

function headings(markdown: string): string[] {
  return lines(markdown).filter((line) => /^#{1,3} /.test(line));
}

describe('renderReport', () => {
  test('a graph without channels, handlers, jobs or events is exactly "no event-driven patterns"', () => {
    expect(report(EMPTY)).toBe('no event-driven patterns\n');
    expect(report(graphOf([], []))).toBe('no event-driven patterns\n');
  });

  test('a Celery task on a beat schedule renders exactly this report', () => {
    expect(report(celeryBeat())).toBe(
      [
        '# Event-driven architecture: shop',
        '',
        'Found 1 job across 1 service. Technologies: `celery`, `celery-beat`.',
        '',
        '```mermaid',
        'flowchart LR',
        '    n1(["tasks.cleanup"])',
        '    n2["shop"]',
        '    n2 -- "cron crontab(hour=3, minute=0)" --> n1',
        '```',
        '',
        '## Message brokers and queues',
        '',
        '### Providers',
        '',
        '| Technology | Kind | Seen in | Evidence |',
        '| --- | --- | --- | --- |',
        '| `celery` | job-queue | 1 job | `app/tasks.py:10` |',
        '| `celery-beat` | scheduler | 1 schedule | `app/celery.py:14` |',
        '',
        '## Background jobs',
        '',
        '### Schedulers',
        '',
        '| Job | Schedule | Scheduler | Evidence |',
        '| --- | --- | --- | --- |',
        '| `tasks.cleanup` | cron `crontab(hour=3, minute=0)` | `celery-beat` | `app/celery.py:14` |',
        '',
        '### Jobs',
        '',
        '| Job | Technology | Queue | Settings | Evidence |',
        '| --- | --- | --- | --- | --- |',
        '| `tasks.cleanup` | `celery` | `maintenance` | maxRetries=3; acksLate=true | `app/tasks.py:10` |',
        '',
        'Scan: `shop` at commit `abc1234`.',
        '',
      ].join('\n'),
    );
  });

  test('a Kafka topic with two consumer groups shows groups, offsets and both subscribers', () => {
    const markdown = report(kafkaFanOut(), [
      {
        id: 'fan-out',
        subjects: ['topic:kafka:orders.created'],
        summary: 'orders.created is consumed by 2 consumer groups',
        evidence: [at('src/billing.ts', 8), at('src/audit.ts', 5)],
      },
    ]);
    expect(block(markdown, 'Topics and partitions')).toContain(
      '| `orders.created` | `kafka` | partitions=3 | `src/audit.ts:5`, `src/billing.ts:8`, `src/orders.ts:12` |',
    );
    expect(block(markdown, 'Consumer groups')).toEqual([
      '| Channel | Group | Consumer | Evidence |',
      '| --- | --- | --- | --- |',
      '| `orders.created` | `billing` | `onOrderCreated` handler | `src/billing.ts:8` |',
      '| `orders.created` | `audit` | `recordOrder` handler | `src/audit.ts:5` |',
    ]);
    expect(block(markdown, 'Offset management')).toEqual([
      '- `onOrderCreated` handler on `orders.created`: fromBeginning=true — `src/billing.ts:8`',
      '- `recordOrder` handler on `orders.created`: autoCommit=false — `src/audit.ts:5`',
    ]);
    expect(block(markdown, 'Fan-out')).toEqual([
      '- orders.created is consumed by 2 consumer groups — `src/audit.ts:5`, `src/billing.ts:8`',
    ]);
    expect(block(markdown, 'Producers')).toContain(
      '| `shop` service | `orders.created` | key=`order.id` | `src/orders.ts:14` |',
    );
    expect(markdown).toContain(
      '    n2 -- "group audit" --> n1\n    n2 -- "group billing" --> n1\n',
    );
    expect(markdown).toContain('Listed below: 1 pattern finding.');
  });

  test('a RabbitMQ queue with a dead-letter queue shows bindings, DLQ, TTL and consumer handling', () => {
    const markdown = report(rabbitWithDeadLetter());
    expect(block(markdown, 'Queues')).toEqual([
      '| Queue | Technology | Configuration | Evidence |',
      '| --- | --- | --- | --- |',
      '| `order_queue` | `rabbitmq` | durable=true; prefetch=10 | `src/amqp.ts:6` |',
      '| `order_queue.dlq` | `rabbitmq` | durable=true | `src/amqp.ts:9` |',
    ]);
    expect(block(markdown, 'Dead-letter queues')).toEqual([
      '- `order_queue` → `order_queue.dlq` — `src/amqp.ts:6`',
    ]);
    expect(block(markdown, 'TTL and retention')).toEqual([
      '- `order_queue`: messageTtlMs=60000 — `src/amqp.ts:6`',
    ]);
    expect(block(markdown, 'Exchanges')).toContain(
      '| `orders` | `topic` | `rabbitmq` | `src/amqp.ts:4` |',
    );
    expect(block(markdown, 'Bindings')).toContain(
      '| `orders` | `order_queue` | `order.*` | `src/amqp.ts:7` |',
    );
    expect(block(markdown, 'Consumers')).toContain(
      '| `handleOrder` handler | `order_queue` | — | ack=`manual`; prefetch=10; dead letters to `order_queue.dlq` | `src/worker.ts:5` |',
    );
    expect(block(markdown, 'Acknowledgement')).toEqual([
      '- `handleOrder` handler → `order_queue`: ack=`manual` — `src/worker.ts:5`',
    ]);
    expect(markdown).toContain('    n1 -. "dead letter" .-> n2\n');
    expect(markdown).toContain('    n4 -- "order.*" --> n1\n');
  });

  test('a BullMQ repeatable job shows its schedule, the repeat and the worker pool', () => {
    const markdown = report(bullmqRepeat());
    expect(block(markdown, 'Schedulers')).toContain(
      '| `nightly-report` | cron `0 3 * * *` | `bullmq` | `src/queue.ts:6` |',
    );
    expect(block(markdown, 'Delayed and recurring jobs')).toEqual([
      '- `shop` service → `reports`: repeat=`0 3 * * *` — `src/queue.ts:6`',
    ]);
    expect(block(markdown, 'Worker pools')).toEqual([
      '- `reportWorker` handler on `reports`: concurrency=5 — `src/worker.ts:4`',
    ]);
    expect(block(markdown, 'Jobs')).toContain(
      '| `nightly-report` | `bullmq` | `reports` | — | `src/queue.ts:6` |',
    );
    expect(markdown).toContain('    n3 -- "cron 0 3 * * *" --> n1\n');
  });

  test('a delayed BullMQ add() is one call site: listed once, naming the job and its queue', () => {
    const markdown = report(bullmqDelayed());
    expect(block(markdown, 'Delayed and recurring jobs')).toEqual([
      '- `shop` service → `reminder`: queue=`emails`; delayMs=60000 — `src/reminders.ts:8`',
    ]);
    expect(block(markdown, 'Priorities')).toEqual([
      '- `shop` service → `reminder`: priority=2 — `src/reminders.ts:8`',
    ]);
  });

  test('sections come in the fixed order and only when something supports them', () => {
    expect(headings(report(celeryBeat()))).toEqual([
      '# Event-driven architecture: shop',
      '## Message brokers and queues',
      '### Providers',
      '## Background jobs',
      '### Schedulers',
      '### Jobs',
    ]);
    const kafka = headings(report(kafkaFanOut()));
    expect(kafka.filter((h) => h.startsWith('## '))).toEqual([
      '## Message brokers and queues',
      '## Event patterns',
      '## Messaging patterns',
    ]);
    for (const absent of [
      '### Queues',
      '### Dead-letter queues',
      '### Exchanges',
      '## Background jobs',
      '## Gaps',
    ]) {
      expect(kafka).not.toContain(absent);
    }
    expect(report(kafkaFanOut())).not.toMatch(/Event store|CQRS|Request-reply|Competing consumers/);
  });

  test('pattern findings and gaps render in their sections with evidence', () => {
    const graph = rabbitWithDeadLetter();
    const markdown = report(
      graph,
      [
        {
          id: 'cqrs',
          subjects: ['handler:shop:src/worker.ts:handleOrder'],
          summary: 'separate read model',
          evidence: [at('src/read.ts', 2)],
        },
        {
          id: 'retry',
          subjects: ['queue:rabbitmq:order_queue'],
          summary: 'attempts=5',
          evidence: [],
        },
      ],
      [
        {
          id: 'orphan-channel',
          subjects: ['queue:rabbitmq:order_queue.dlq'],
          summary: 'nobody consumes order_queue.dlq',
          evidence: [at('src/amqp.ts', 9)],
        },
      ],
    );
    expect(block(markdown, 'Retry')).toEqual(['- attempts=5 — `src/amqp.ts:6`']);
    expect(block(markdown, 'CQRS')).toEqual(['- separate read model — `src/read.ts:2`']);
    expect(block(markdown, 'Orphan channels')).toEqual([
      '- nobody consumes order_queue.dlq — `src/amqp.ts:9`',
    ]);
    expect(
      headings(markdown)
        .filter((h) => h.startsWith('## '))
        .slice(-2),
    ).toEqual(['## Event store and CQRS', '## Gaps']);
  });

  test('evidence lists are capped with "and N more"', () => {
    const graph = kafkaFanOut();
    const topic = graph.nodes.find((n) => n.label === 'Topic');
    topic?.evidence.push(at('src/z1.ts', 1), at('src/z2.ts', 2));
    expect(block(report(graph), 'Topics and partitions')).toContain(
      '| `orders.created` | `kafka` | partitions=3 | `src/audit.ts:5`, `src/billing.ts:8`, `src/orders.ts:12` and 2 more |',
    );
  });

  test('hostile names cannot break tables, code spans, headings or inject HTML', () => {
    const service = 'service:shop:.';
    const hostile = 'orders|x`y<script>alert(1)</script>\n# Pwned';
    const topic = `topic:kafka:${hostile}`;
    const handler = 'handler:shop:src/h.ts:on|Order';
    const graph = graphOf(
      [
        node(service, 'Service', 'sh|op"]', { evidence: [at('package.json', 1)] }),
        node(topic, 'Topic', hostile, {
          technology: 'kafka',
          properties: { kind: 'topic' },
          evidence: [at('src/a|b.ts', 1)],
        }),
        node(handler, 'Handler', 'on|Order', {
          technology: 'kafka',
          service,
          properties: { group: '`g`' },
          evidence: [at('src/h.ts', 2)],
        }),
      ],
      [
        edge('PUBLISHES', service, topic, {
          technology: 'kafka',
          properties: { key: '<img src=x>' },
          evidence: [at('src/p.ts', 3)],
        }),
        edge('CONSUMES', handler, topic, {
          technology: 'kafka',
          properties: { group: '`g`' },
          evidence: [at('src/h.ts', 4)],
        }),
      ],
    );
    const markdown = report(
      graph,
      [],
      [
        {
          id: 'orphan-channel',
          subjects: [topic],
          summary: '<b>bold</b> | `x`\n## Injected',
          evidence: [at('src/a.ts', 1)],
        },
      ],
    );

    expect(markdown).not.toMatch(/<[a-z/!?]/i);
    expect(markdown).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const all = lines(markdown);
    expect(all.filter((line) => /^#{1,6} /.test(line))).toEqual(headings(markdown));
    expect(all).not.toContain('# Pwned');
    expect(all.some((line) => /^#+ (Pwned|Injected)/.test(line))).toBe(false);

    const unescapedPipes = (line: string) => (line.match(/(?<!\\)\|/g) ?? []).length;
    const unescapedTicks = (line: string) => (line.match(/(?<!\\)`/g) ?? []).length;
    let columns = 0;
    for (const line of all) {
      if (line.startsWith('| --- ')) continue;
      if (line.startsWith('|')) {
        if (columns === 0 || !all[all.indexOf(line) - 1]?.startsWith('|'))
          columns = unescapedPipes(line);
        expect(unescapedPipes(line), line).toBe(columns);
      } else {
        columns = 0;
      }
      if (!line.startsWith('```')) expect(unescapedTicks(line) % 2, line).toBe(0);
    }
    const diagram = all.slice(
      all.indexOf('```mermaid') + 2,
      all.indexOf('```', all.indexOf('```mermaid') + 1),
    );
    for (const statement of diagram) expect(statement).toMatch(/^ {4}n\d+/);
    expect(diagram.join('\n').replace(/-->|\.->/g, '')).not.toMatch(/[<>`]/);
  });

  test('credentials in names and summaries are redacted in the report', () => {
    const service = 'service:shop:.';
    const queue = 'queue:rabbitmq:amqp://guest:s3cret@rabbit:5672';
    const graph = graphOf(
      [
        node(service, 'Service', 'shop', { evidence: [at('package.json', 1)] }),
        node(queue, 'Queue', 'amqp://guest:s3cret@rabbit:5672', {
          technology: 'rabbitmq',
          properties: { kind: 'queue', dynamic: true, override: 'redis://:hunter2@cache' },
          evidence: [at('src/q.ts', 1)],
        }),
      ],
      [
        edge('PUBLISHES', service, queue, {
          technology: 'rabbitmq',
          properties: { replyTo: 'kafka://u:pw@h?password=xyz' },
          evidence: [at('src/q.ts', 2)],
        }),
      ],
    );
    const markdown = report(graph, [
      {
        id: 'request-reply',
        subjects: [queue],
        summary: 'reply via amqp://a:topsecret@h',
        evidence: [at('src/q.ts', 3)],
      },
    ]);
    for (const secret of ['s3cret', 'hunter2', ':pw@', 'xyz', 'topsecret'])
      expect(markdown).not.toContain(secret);
    expect(markdown).toContain('`amqp://guest:***@rabbit:5672`');
    expect(markdown).toContain('"amqp://guest:***@rabbit:5672 (rabbitmq)"');
    expect(markdown).toContain('reply via amqp://a:\\*\\*\\*@h');
  });

  test('several repositories name the repository in each evidence location', () => {
    const graph = celeryBeat();
    graph.repositories.push({ name: 'billing', root: '/repos/billing', commit: null });
    const markdown = report(graph);
    expect(lines(markdown)[0]).toBe('# Event-driven architecture: shop, billing');
    expect(markdown).toContain('`shop:app/tasks.py:10`');
    expect(markdown).toContain('Scan: `shop` at commit `abc1234`; `billing` (no commit recorded).');
  });

  test('rendering is deterministic whatever the input order', () => {
    const graph = kafkaFanOut();
    const shuffled: Graph = {
      ...graph,
      nodes: [...graph.nodes].reverse(),
      edges: [...graph.edges].reverse(),
    };
    expect(report(shuffled)).toBe(report(graph));
  });
});

describe('event types and producers', () => {
  test('an event lists category, version, payload, metadata and the channel carrying it', () => {
    const graph = kafkaFanOut();
    const event = 'event:shop:OrderCreated';
    graph.nodes.push(
      node(event, 'Event', 'OrderCreated', {
        properties: {
          category: 'domain',
          version: 2,
          fields: ['orderId', 'total'],
          metadataFields: ['traceId'],
        },
        evidence: [at('src/events.ts', 3)],
      }),
    );
    graph.edges.push(
      edge('CARRIES', 'topic:kafka:orders.created', event, { evidence: [at('src/orders.ts', 14)] }),
    );
    const markdown = report(graph, [
      {
        id: 'transactional-outbox',
        subjects: ['service:shop:.'],
        summary: 'orders and outbox rows written in one transaction',
        evidence: [at('src/outbox.ts', 7)],
      },
    ]);
    expect(block(markdown, 'Event types')).toEqual([
      '- `OrderCreated`: category=`domain`; version=2; payload `orderId`, `total`; ' +
        'metadata `traceId`; on `orders.created` — `src/events.ts:3`',
    ]);
    expect(block(markdown, 'Transactional outbox')).toEqual([
      '- orders and outbox rows written in one transaction — `src/outbox.ts:7`',
    ]);
    expect(markdown).toContain(
      'Found 1 channel (1 topic), 2 handlers and 1 event type across 1 service.',
    );
  });

  test('the view model of an empty scan has no sections and renders the fixed sentence', () => {
    const view = buildViewModel(EMPTY, [], []);
    expect(view.verdict).toBe('none');
    expect(view.diagram).toEqual([]);
    expect(renderReport(view).trim()).toBe('no event-driven patterns');
  });
});

describe('names known only at run time', () => {
  test('say so wherever the channel is named, instead of passing for a literal', () => {
    const queue = node('queue:rabbitmq:self.queue_name', 'Queue', 'self.queue_name', {
      technology: 'rabbitmq',
      properties: { kind: 'queue', dynamic: true, expression: 'self.queue_name', durable: true },
      evidence: [at('app/queues.py', 12)],
    });
    const service = node('service:shop:.', 'Service', 'shop', { evidence: [at('setup.py', 1)] });
    const markdown = report(
      graphOf(
        [queue, service],
        [
          edge('PUBLISHES', service.id, queue.id, {
            technology: 'rabbitmq',
            evidence: [at('app/queues.py', 30)],
          }),
        ],
      ),
    );
    expect(block(markdown, 'Queues')).toEqual([
      '| Queue | Technology | Configuration | Evidence |',
      '| --- | --- | --- | --- |',
      '| `self.queue_name` (set at run time) | `rabbitmq` | durable=true | `app/queues.py:12` |',
    ]);
    expect(block(markdown, 'Producers')[2]).toBe(
      '| `shop` service | `self.queue_name` (set at run time) | — | `app/queues.py:30` |',
    );
  });
});

describe('job triggers', () => {
  test('name who enqueues each job, services and jobs alike, with the call', () => {
    const service = node('service:shop:.', 'Service', 'shop', { evidence: [at('setup.py', 1)] });
    const build = node('job:shop:celery:build', 'Job', 'build', {
      technology: 'celery',
      evidence: [at('app/tasks.py', 4)],
    });
    const mail = node('job:shop:celery:mail', 'Job', 'mail', {
      technology: 'celery',
      evidence: [at('app/tasks.py', 12)],
    });
    const markdown = report(
      graphOf(
        [service, build, mail],
        [
          edge('ENQUEUES', service.id, build.id, {
            technology: 'celery',
            properties: { via: 'delay' },
            evidence: [at('app/views.py', 30)],
          }),
          edge('ENQUEUES', build.id, mail.id, {
            technology: 'celery',
            properties: { via: 'apply_async', queue: 'mail' },
            evidence: [at('app/tasks.py', 9)],
          }),
        ],
      ),
    );
    expect(block(markdown, 'Who enqueues each job')).toEqual([
      '- `shop` service → `build`: via=`delay` — `app/views.py:30`',
      '- `build` job → `mail`: via=`apply_async`; queue=`mail` — `app/tasks.py:9`',
    ]);
  });
});

describe('schedulers seen only on edges', () => {
  test('count every schedule and show the default a schedule falls back to', () => {
    const service = node('service:shop:.', 'Service', 'shop', { evidence: [at('setup.py', 1)] });
    const jobs = ['train', 'sweep'].map((name, index) =>
      node(`job:shop:celery:${name}`, 'Job', name, {
        technology: 'celery',
        evidence: [at('app/tasks.py', 10 + index)],
      }),
    );
    const schedules = jobs.map((job, index) =>
      edge('SCHEDULES', service.id, job.id, {
        technology: 'celery-beat',
        properties: {
          schedule: 'crontab(minute, hour)',
          scheduleKind: 'cron',
          scheduler: 'celery-beat',
          ...(index === 0 ? { scheduleDefault: '5 */1 * * *' } : {}),
        },
        evidence: [at('app/settings.py', 40 + index)],
      }),
    );
    const markdown = report(graphOf([service, ...jobs], schedules));
    expect(block(markdown, 'Providers')).toContain(
      '| `celery-beat` | scheduler | 2 schedules | `app/settings.py:40`, `app/settings.py:41` |',
    );
    expect(block(markdown, 'Schedulers')).toEqual([
      '| Job | Schedule | Scheduler | Evidence |',
      '| --- | --- | --- | --- |',
      '| `sweep` | cron `crontab(minute, hour)` | `celery-beat` | `app/settings.py:41` |',
      '| `train` | cron `crontab(minute, hour)` (default `5 */1 * * *`) | `celery-beat` | `app/settings.py:40` |',
    ]);
  });
});
