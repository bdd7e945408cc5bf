// How confluent-kafka spells producers, consumers and their configuration: a dict of
// librdkafka properties.
// https://docs.confluent.io/platform/current/clients/confluent-kafka-python/html/index.html
import type { PyFile } from '../../lang/python/frontend.js';
import type { Located } from '../../lang/python/resolve.js';
import { argument } from '../../lang/python/syntax.js';
import type { KafkaDialect } from '../kafka-python/kafka-clients.js';

export const confluentDialect: KafkaDialect = {
  library: 'confluent-kafka',
  producer: /^confluent_kafka(\.avro)?\.(Producer|SerializingProducer|AvroProducer)$/,
  consumer: /^confluent_kafka(\.avro)?\.(Consumer|DeserializingConsumer|AvroConsumer)$/,
  produce: { methods: ['produce'], topic: [0, 'topic'], key: [2, 'key'] },
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
