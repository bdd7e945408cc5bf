// The TypeScript/JavaScript language plugin: one frontend, the extractors that read it.
import type { LanguagePlugin } from '../../extractors/contract.js';
import { amqpConnectionManagerExtractor } from '../../extractors/amqp-connection-manager/amqp-connection-manager.js';
import { agendaExtractor } from '../../extractors/agenda/agenda.js';
import { amqplibExtractor } from '../../extractors/amqplib/amqplib.js';
import { awsSdkExtractor } from '../../extractors/aws-sdk/aws-sdk.js';
import { azureEventHubsExtractor } from '../../extractors/azure-event-hubs/azure-event-hubs.js';
import { azureServiceBusExtractor } from '../../extractors/azure-service-bus/azure-service-bus.js';
import { beeQueueExtractor } from '../../extractors/bee-queue/bee-queue.js';
import { bullExtractor } from '../../extractors/bull/bull.js';
import { bullmqExtractor } from '../../extractors/bullmq/bullmq.js';
import { cronLibraryExtractor } from '../../extractors/cron-library/cron-library.js';
import { eventEmitterExtractor } from '../../extractors/event-emitter/event-emitter.js';
import { graphileWorkerExtractor } from '../../extractors/graphile-worker/graphile-worker.js';
import { inngestExtractor } from '../../extractors/inngest/inngest.js';
import { gcpPubsubExtractor } from '../../extractors/gcp-pubsub/gcp-pubsub.js';
import { kafkajsExtractor } from '../../extractors/kafkajs/kafkajs.js';
import { nodeCronExtractor } from '../../extractors/node-cron/node-cron.js';
import { mqttExtractor } from '../../extractors/mqtt/mqtt.js';
import { pgNotifyExtractor } from '../../extractors/pg-notify/pg-notify.js';
import { rascalExtractor } from '../../extractors/rascal/rascal.js';
import { nodeRdkafkaExtractor } from '../../extractors/node-rdkafka/node-rdkafka.js';
import { natsExtractor } from '../../extractors/nats/nats.js';
import { nestjsScheduleExtractor } from '../../extractors/nestjs-schedule/nestjs-schedule.js';
import { nestjsBullExtractor } from '../../extractors/nestjs-bull/nestjs-bull.js';
import { nestjsCqrsExtractor } from '../../extractors/nestjs-cqrs/nestjs-cqrs.js';
import { nestjsEventEmitterExtractor } from '../../extractors/nestjs-event-emitter/nestjs-event-emitter.js';
import { nestjsMicroservicesExtractor } from '../../extractors/nestjs-microservices/nestjs-microservices.js';
import { pgBossExtractor } from '../../extractors/pg-boss/pg-boss.js';
import { temporalExtractor } from '../../extractors/temporal/temporal.js';
import { redisExtractor } from '../../extractors/redis/redis.js';
import { typescriptFrontend, type TsFile } from './frontend.js';

export const typescriptPlugin: LanguagePlugin<TsFile> = {
  frontend: typescriptFrontend,
  extractors: [
    kafkajsExtractor,
    amqplibExtractor,
    bullmqExtractor,
    nodeCronExtractor,
    natsExtractor,
    mqttExtractor,
    pgNotifyExtractor,
    nodeRdkafkaExtractor,
    amqpConnectionManagerExtractor,
    rascalExtractor,
    nestjsMicroservicesExtractor,
    nestjsScheduleExtractor,
    nestjsEventEmitterExtractor,
    nestjsCqrsExtractor,
    nestjsBullExtractor,
    cronLibraryExtractor,
    eventEmitterExtractor,
    agendaExtractor,
    pgBossExtractor,
    graphileWorkerExtractor,
    temporalExtractor,
    inngestExtractor,
    awsSdkExtractor,
    azureServiceBusExtractor,
    azureEventHubsExtractor,
    gcpPubsubExtractor,
    bullExtractor,
    redisExtractor,
    beeQueueExtractor,
  ],
};
