import type { Extractor } from '../contract.js';
import type { TsFile } from '../../lang/typescript/frontend.js';
export const bullmqExtractor: Extractor<TsFile> = {
  id: 'bullmq', title: '', docs: '', language: 'typescript', technologies: ['bullmq'], packages: ['bullmq'],
  prefilter: ['bullmq'], emits: { nodes: [], edges: [] }, extract: () => [],
};
