// How aiokafka spells producers, consumers and their configuration: kafka-python's keyword
// arguments, awaited. https://aiokafka.readthedocs.io/en/stable/api.html
import type { KafkaDialect } from '../kafka-python/kafka-clients.js';
import { kafkaPythonDialect } from '../kafka-python/dialect.js';

export const aiokafkaDialect: KafkaDialect = {
  library: 'aiokafka',
  producer: /^aiokafka(\.producer(\.producer)?)?\.AIOKafkaProducer$/,
  consumer: /^aiokafka(\.consumer(\.consumer)?)?\.AIOKafkaConsumer$/,
  produce: { methods: ['send', 'send_and_wait'], topic: [0, 'topic'], key: [2, 'key'] },
  // getmany returns a batch per partition; getone a single message.
  polls: { getone: undefined, getmany: 'batch' },
  constructorTopics: true,
  keys: {
    group: 'group_id',
    autoCommit: 'enable_auto_commit',
    offsetReset: 'auto_offset_reset',
    idempotence: 'enable_idempotence',
    transactionalId: 'transactional_id',
    retries: 'retries',
    acks: 'acks',
  },
  config: (file, client) => kafkaPythonDialect.config(file, client),
};
