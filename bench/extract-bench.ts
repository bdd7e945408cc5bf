// Extraction time of one large TypeScript file against its number of publish calls, for the
// shapes producers are written in. Time per call should stay flat as the file grows; a figure
// that grows with the size of the file means some step walks the whole file once per call.
// Figures are printed, never asserted. usage: npm run build && node dist/bench/extract-bench.js
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { extractRepository } from '../src/scan/extract.js';

const SIZES = [3_000, 6_000, 12_000];

const KAFKA = [
  "import { Kafka, type Producer } from 'kafkajs';",
  '',
  "const kafka = new Kafka({ clientId: 'bench', brokers: ['localhost:9092'] });",
];

/** Each shape: the lines before the calls, one call, the lines after. */
const SHAPES: Record<string, { head: string[]; call: (i: number) => string; tail: string[] }> = {
  'producer.send, literal topic': {
    head: [...KAFKA, 'const producer = kafka.producer();', '', 'export async function run() {'],
    call: (i) =>
      `  await producer.send({ topic: 'orders-${String(i % 400)}', messages: [{ value: 'm${String(i)}' }] });`,
    tail: ['}'],
  },
  'wrapper function per call': {
    head: [
      ...KAFKA,
      'const producer = kafka.producer();',
      '',
      'async function publish(topic: string, value: string) {',
      '  await producer.send({ topic, messages: [{ value }] });',
      '}',
      '',
      'export async function run() {',
    ],
    call: (i) => `  await publish('orders-${String(i % 400)}', 'm${String(i)}');`,
    tail: ['}'],
  },
  'client assigned later (let)': {
    head: [
      ...KAFKA,
      'let producer: Producer;',
      '',
      'export async function run() {',
      '  producer = kafka.producer();',
    ],
    call: (i) =>
      `  await producer.send({ topic: 'orders-${String(i % 400)}', messages: [{ value: 'm${String(i)}' }] });`,
    tail: ['}'],
  },
  'class field set in constructor': {
    head: [
      ...KAFKA,
      'export class Publisher {',
      '  private readonly producer: Producer;',
      '  constructor() {',
      '    this.producer = kafka.producer();',
      '  }',
      '  async run() {',
    ],
    call: (i) =>
      `    await this.producer.send({ topic: 'orders-${String(i % 400)}', messages: [{ value: 'm${String(i)}' }] });`,
    tail: ['  }', '}'],
  },
};

async function extractSeconds(work: string, shape: string, calls: number): Promise<number> {
  const { head, call, tail } = SHAPES[shape] as (typeof SHAPES)[string];
  const root = path.join(work, `${shape.replace(/\W+/g, '-')}-${String(calls)}`);
  await mkdir(path.join(root, 'src'), { recursive: true });
  await writeFile(
    path.join(root, 'package.json'),
    JSON.stringify({ name: 'bench', dependencies: { kafkajs: '2.2.4' } }),
  );
  const body = Array.from({ length: calls }, (_, i) => call(i));
  await writeFile(path.join(root, 'src', 'producer.ts'), [...head, ...body, ...tail].join('\n'));

  const started = performance.now();
  const extraction = await extractRepository({ name: 'bench', root }, { extractors: ['kafkajs'] });
  const seconds = (performance.now() - started) / 1000;
  const publishes = extraction.records.filter(
    (r) => r.record === 'edge' && r.type === 'PUBLISHES',
  ).length;
  if (publishes !== calls) throw new Error(`${shape}: ${String(publishes)} of ${String(calls)}`);
  return seconds;
}

const work = await mkdtemp(path.join(os.tmpdir(), 'eventgraph-extract-bench-'));
try {
  const lines = ['shape | calls | seconds | µs per call', '--- | --- | --- | ---'];
  for (const shape of Object.keys(SHAPES)) {
    for (const calls of SIZES) {
      const seconds = await extractSeconds(work, shape, calls);
      const perCall = ((seconds * 1e6) / calls).toFixed(0);
      lines.push(`${shape} | ${String(calls)} | ${seconds.toFixed(2)} | ${perCall}`);
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await rm(work, { recursive: true, force: true });
}
