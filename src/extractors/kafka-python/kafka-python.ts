// kafka-python: KafkaProducer.send and KafkaConsumer topics, groups and commits.
import createDebug from 'debug';
import type { Extractor } from '../contract.js';
import type { PyFile } from '../../lang/python/frontend.js';
import { kafkaPythonDialect } from './dialect.js';
import { extractKafka } from './kafka-clients.js';

const debug = createDebug('eventgraph:extract:kafka-python');

export const kafkaPythonExtractor: Extractor<PyFile> = {
  id: 'kafka-python',
  title: 'kafka-python',
  docs: 'https://kafka-python.readthedocs.io/en/master/apidoc/modules.html',
  language: 'python',
  technologies: ['kafka'],
  packages: ['kafka-python'],
  imports: ['kafka'],
  prefilter: ['kafka', 'KafkaProducer', 'KafkaConsumer', '.send(', '.poll(', '.subscribe('],
  emits: { nodes: ['Topic', 'Handler'], edges: ['PUBLISHES', 'CONSUMES'] },
  extract(file) {
    const records = extractKafka(file, kafkaPythonDialect);
    debug('%s: %d records', file.input.path, records.length);
    return records;
  },
};
