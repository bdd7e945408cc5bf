// aiokafka: AIOKafkaProducer.send / send_and_wait with idempotence and transactions,
// AIOKafkaConsumer topics and groups, `async for` loops, getone and getmany (a batch).
import createDebug from 'debug';
import type { Extractor } from '../contract.js';
import type { PyFile } from '../../lang/python/frontend.js';
import { extractKafka } from '../kafka-python/kafka-clients.js';
import { aiokafkaDialect } from './dialect.js';

const debug = createDebug('eventgraph:extract:aiokafka');

export const aiokafkaExtractor: Extractor<PyFile> = {
  id: 'aiokafka',
  title: 'aiokafka',
  docs: 'https://aiokafka.readthedocs.io/en/stable/api.html',
  language: 'python',
  technologies: ['kafka'],
  packages: ['aiokafka'],
  imports: ['aiokafka'],
  prefilter: ['aiokafka', 'AIOKafkaProducer', 'AIOKafkaConsumer'],
  emits: { nodes: ['Topic', 'Handler'], edges: ['PUBLISHES', 'CONSUMES'] },
  extract(file) {
    const records = extractKafka(file, aiokafkaDialect);
    debug('%s: %d records', file.input.path, records.length);
    return records;
  },
};
