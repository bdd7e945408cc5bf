// The TypeScript/JavaScript language plugin: one frontend, the extractors that read it.
import type { LanguagePlugin } from '../../extractors/contract.js';
import { agendaExtractor } from '../../extractors/agenda/agenda.js';
import { amqplibExtractor } from '../../extractors/amqplib/amqplib.js';
import { bullmqExtractor } from '../../extractors/bullmq/bullmq.js';
import { cronLibraryExtractor } from '../../extractors/cron-library/cron-library.js';
import { eventEmitterExtractor } from '../../extractors/event-emitter/event-emitter.js';
import { graphileWorkerExtractor } from '../../extractors/graphile-worker/graphile-worker.js';
import { inngestExtractor } from '../../extractors/inngest/inngest.js';
import { kafkajsExtractor } from '../../extractors/kafkajs/kafkajs.js';
import { nodeCronExtractor } from '../../extractors/node-cron/node-cron.js';
import { pgBossExtractor } from '../../extractors/pg-boss/pg-boss.js';
import { temporalExtractor } from '../../extractors/temporal/temporal.js';
import { typescriptFrontend, type TsFile } from './frontend.js';

export const typescriptPlugin: LanguagePlugin<TsFile> = {
  frontend: typescriptFrontend,
  extractors: [
    kafkajsExtractor,
    amqplibExtractor,
    bullmqExtractor,
    nodeCronExtractor,
    cronLibraryExtractor,
    eventEmitterExtractor,
    agendaExtractor,
    pgBossExtractor,
    graphileWorkerExtractor,
    temporalExtractor,
    inngestExtractor,
  ],
};
