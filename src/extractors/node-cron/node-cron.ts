import type { Extractor } from '../contract.js';
import type { TsFile } from '../../lang/typescript/frontend.js';
export const nodeCronExtractor: Extractor<TsFile> = {
  id: 'node-cron', title: '', docs: '', language: 'typescript', technologies: ['cron-library'], packages: ['node-cron'],
  prefilter: ['node-cron'], emits: { nodes: [], edges: [] }, extract: () => [],
};
