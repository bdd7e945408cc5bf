// confluent-kafka: Producer.produce with idempotence and transactions, Consumer subscriptions,
// poll and consume loops, manual commits. Configuration is a dict of librdkafka properties.
import createDebug from 'debug';
import type { Extractor } from '../contract.js';
import type { PyFile } from '../../lang/python/frontend.js';
import { extractKafka } from '../kafka-python/kafka-clients.js';
import { confluentDialect } from './dialect.js';

const debug = createDebug('eventgraph:extract:confluent-kafka');

export const confluentKafkaExtractor: Extractor<PyFile> = {
  id: 'confluent-kafka',
  title: 'confluent-kafka',
  docs: 'https://docs.confluent.io/platform/current/clients/confluent-kafka-python/html/index.html',
  language: 'python',
  technologies: ['kafka'],
  packages: ['confluent-kafka'],
  imports: ['confluent_kafka'],
  prefilter: ['confluent_kafka', '.produce(', '.poll(', '.consume(', '.subscribe('],
  emits: { nodes: ['Topic', 'Handler'], edges: ['PUBLISHES', 'CONSUMES'] },
  extract(file) {
    const records = extractKafka(file, confluentDialect);
    debug('%s: %d records', file.input.path, records.length);
    return records;
  },
};
