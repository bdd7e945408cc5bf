// Files nested thousands of levels deep overflow recursive parsers and binders. Such a file
// must become a warning with its path while the scan still extracts every other file.
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOO_DEEP_MESSAGE } from '../../src/lang/too-deep.js';
import { runCli } from '../helpers/run-cli.js';
import { scanFixture } from '../helpers/scan-fixture.js';

const PRODUCER = `const { Kafka } = require('kafkajs');
const kafka = new Kafka({ clientId: 'shop', brokers: ['kafka:9092'] });
const producer = kafka.producer();
async function publish() {
  await producer.send({ topic: 'orders.created', messages: [{ value: 'x' }] });
}
module.exports = { publish };
`;

/** One level per line, so discovery does not skip the file as minified. */
function nested(open: string, depth: number, inner: string): string {
  return `${open}\n`.repeat(depth) + inner + ')\n'.repeat(depth);
}

let root: string;

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'eventgraph-deep-'));
  mkdirSync(path.join(root, 'src'));
  writeFileSync(
    path.join(root, 'package.json'),
    JSON.stringify({ name: 'shop', dependencies: { kafkajs: '2.2.4' } }),
  );
  writeFileSync(path.join(root, 'src', 'producer.js'), PRODUCER);
  writeFileSync(
    path.join(root, 'src', 'parens.js'),
    `const { Kafka } = require('kafkajs');\nconst x = ${nested('(', 3000, '1')};\n`,
  );
  writeFileSync(
    path.join(root, 'src', 'strings.js'),
    `const { Kafka } = require('kafkajs');\nconst y = ${nested('String(', 3000, "'t'")};\n`,
  );
  writeFileSync(
    path.join(root, 'app.py'),
    'from kafka import KafkaProducer\n' +
      'producer = KafkaProducer(bootstrap_servers="kafka:9092")\n' +
      'producer.send("payments.settled", b"x")\n',
  );
  writeFileSync(
    path.join(root, 'deep.py'),
    `from kafka import KafkaProducer\nx = ${nested('(', 5000, '1')}\n`,
  );
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('too deeply nested files', () => {
  it('become warnings with their paths while the other files are still extracted', async () => {
    const scan = await scanFixture(root);
    expect(scan.names('Topic').sort()).toEqual(['orders.created', 'payments.settled']);
    const tooDeep = scan.diagnostics.filter((d) => d.message === TOO_DEEP_MESSAGE);
    expect(tooDeep.map((d) => [d.severity, d.file]).sort()).toEqual([
      ['warning', 'src/parens.js'],
      ['warning', 'src/strings.js'],
    ]);
    // 5,000 nested parentheses are within what the Python parser reads: no diagnostic at all.
    expect(scan.diagnostics.filter((d) => d.file === 'deep.py')).toEqual([]);
  });

  it('do not end a CLI scan', () => {
    const out = path.join(root, '..', `${path.basename(root)}-out`);
    try {
      const run = runCli(['scan', root, '--out', out]);
      expect(run.stderr).not.toContain('unexpected failure');
      expect(run.status).toBe(0);
      const name = path.basename(root);
      expect(run.stderr).toContain(`warning: ${name}/src/parens.js: ${TOO_DEEP_MESSAGE}`);
      expect(run.stderr).toContain(`warning: ${name}/src/strings.js: ${TOO_DEEP_MESSAGE}`);
      const graph = JSON.parse(readFileSync(path.join(out, 'eventgraph-graph.json'), 'utf8')) as {
        nodes: { label: string; name: string }[];
      };
      const topics = graph.nodes.filter((n) => n.label === 'Topic').map((n) => n.name);
      expect(topics.sort()).toEqual(['orders.created', 'payments.settled']);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
