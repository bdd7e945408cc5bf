// How kafka-python spells producers, consumers and their configuration.
// https://kafka-python.readthedocs.io/en/master/apidoc/modules.html
import type { PyFile } from '../../lang/python/frontend.js';
import type { Located } from '../../lang/python/resolve.js';
import type { KafkaDialect } from './kafka-clients.js';

export const kafkaPythonDialect: KafkaDialect = {
  library: 'kafka-python',
  producer: /^kafka(\.producer(\.kafka)?)?\.KafkaProducer$/,
  consumer: /^kafka(\.consumer(\.group)?)?\.KafkaConsumer$/,
  produce: { methods: ['send'], topic: [0, 'topic'], key: [2, 'key'] },
  polls: { poll: [1, 'max_records'] },
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
  // KafkaProducer(**settings) and KafkaConsumer(..., group_id=...) take keyword arguments.
  config(file: PyFile, client: Located) {
    const config = new Map<string, Located>();
    for (const child of client.node.childForFieldName('arguments')?.namedChildren ?? []) {
      if (child.type === 'dictionary_splat') {
        const spread = child.namedChildren[0];
        for (const [key, value] of spread ? (file.resolver.dict(client.module, spread) ?? []) : [])
          config.set(key, value);
      }
      const name = child.childForFieldName('name')?.text;
      const value = child.childForFieldName('value');
      if (child.type === 'keyword_argument' && name && value)
        config.set(name, { module: client.module, node: value });
    }
    return config;
  },
};
