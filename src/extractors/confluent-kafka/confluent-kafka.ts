// confluent-kafka: Producer.produce with idempotence and transactions, Consumer subscriptions,
// poll and consume loops, manual commits. Configuration is a dict of librdkafka properties.
import createDebug from 'debug';
import type { Extractor } from '../contract.js';
import type { PyFile } from '../../lang/python/frontend.js';
import type { Located } from '../../lang/python/resolve.js';
import { argument } from '../../lang/python/syntax.js';
import { extractKafka, type KafkaDialect } from '../kafka-python/kafka-clients.js';

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
    const records = extractKafka(file, dialect);
    debug('%s: %d records', file.input.path, records.length);
    return records;
  },
};

const dialect: KafkaDialect = {
  producer: /^confluent_kafka(\.avro)?\.(Producer|SerializingProducer|AvroProducer)$/,
  consumer: /^confluent_kafka(\.avro)?\.(Consumer|DeserializingConsumer|AvroConsumer)$/,
  produce: { method: 'produce', topic: [0, 'topic'], key: [2, 'key'] },
  polls: { poll: undefined, consume: [0, 'num_messages'] },
  constructorTopics: false,
  keys: {
    group: 'group.id',
    autoCommit: 'enable.auto.commit',
    offsetReset: 'auto.offset.reset',
    idempotence: 'enable.idempotence',
    transactionalId: 'transactional.id',
    retries: 'retries',
    acks: 'acks',
  },
  config(file: PyFile, client: Located) {
    const conf = argument(client.node.childForFieldName('arguments'), 0, 'config');
    return (conf ? file.resolver.dict(client.module, conf) : undefined) ?? new Map();
  },
};
