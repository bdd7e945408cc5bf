import type { Extractor } from '../contract.js';
import type { TsFile } from '../../lang/typescript/frontend.js';
export const amqplibExtractor: Extractor<TsFile> = {
  id: 'amqplib', title: '', docs: '', language: 'typescript', technologies: ['rabbitmq'], packages: ['amqplib'],
  prefilter: ['amqplib'], emits: { nodes: [], edges: [] }, extract: () => [],
};
