// The TypeScript/JavaScript language plugin: one frontend, the extractors that read it.
import type { LanguagePlugin } from '../../extractors/contract.js';
import { amqplibExtractor } from '../../extractors/amqplib/amqplib.js';
import { beeQueueExtractor } from '../../extractors/bee-queue/bee-queue.js';
import { bullExtractor } from '../../extractors/bull/bull.js';
import { bullmqExtractor } from '../../extractors/bullmq/bullmq.js';
import { kafkajsExtractor } from '../../extractors/kafkajs/kafkajs.js';
import { nodeCronExtractor } from '../../extractors/node-cron/node-cron.js';
import { redisExtractor } from '../../extractors/redis/redis.js';
import { typescriptFrontend, type TsFile } from './frontend.js';

export const typescriptPlugin: LanguagePlugin<TsFile> = {
  frontend: typescriptFrontend,
  extractors: [
    kafkajsExtractor,
    amqplibExtractor,
    bullmqExtractor,
    nodeCronExtractor,
    bullExtractor,
    redisExtractor,
    beeQueueExtractor,
  ],
};
