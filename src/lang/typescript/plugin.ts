// The TypeScript/JavaScript language plugin: one frontend, the extractors that read it.
import type { LanguagePlugin } from '../../extractors/contract.js';
import { amqplibExtractor } from '../../extractors/amqplib/amqplib.js';
import { awsSdkExtractor } from '../../extractors/aws-sdk/aws-sdk.js';
import { azureEventHubsExtractor } from '../../extractors/azure-event-hubs/azure-event-hubs.js';
import { azureServiceBusExtractor } from '../../extractors/azure-service-bus/azure-service-bus.js';
import { bullmqExtractor } from '../../extractors/bullmq/bullmq.js';
import { gcpPubsubExtractor } from '../../extractors/gcp-pubsub/gcp-pubsub.js';
import { kafkajsExtractor } from '../../extractors/kafkajs/kafkajs.js';
import { nodeCronExtractor } from '../../extractors/node-cron/node-cron.js';
import { typescriptFrontend, type TsFile } from './frontend.js';

export const typescriptPlugin: LanguagePlugin<TsFile> = {
  frontend: typescriptFrontend,
  extractors: [
    kafkajsExtractor,
    amqplibExtractor,
    bullmqExtractor,
    nodeCronExtractor,
    awsSdkExtractor,
    azureServiceBusExtractor,
    azureEventHubsExtractor,
    gcpPubsubExtractor,
  ],
};
