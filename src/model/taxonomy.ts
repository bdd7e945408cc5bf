// Ids from the shared vocabulary (shared/taxonomy.md). Graph, report and tests use only these.

export const TECHNOLOGIES = {
  kafka: { kind: 'broker', title: 'Apache Kafka' },
  rabbitmq: { kind: 'broker', title: 'RabbitMQ (AMQP 0-9-1)' },
  activemq: { kind: 'broker', title: 'ActiveMQ / Artemis' },
  sqs: { kind: 'broker', title: 'AWS SQS' },
  sns: { kind: 'broker', title: 'AWS SNS' },
  eventbridge: { kind: 'broker', title: 'AWS EventBridge' },
  kinesis: { kind: 'broker', title: 'AWS Kinesis' },
  'azure-service-bus': { kind: 'broker', title: 'Azure Service Bus' },
  'azure-event-hubs': { kind: 'broker', title: 'Azure Event Hubs' },
  'azure-event-grid': { kind: 'broker', title: 'Azure Event Grid' },
  'azure-storage-queue': { kind: 'broker', title: 'Azure Storage Queues' },
  'gcp-pubsub': { kind: 'broker', title: 'Google Cloud Pub/Sub' },
  nats: { kind: 'broker', title: 'NATS' },
  mqtt: { kind: 'broker', title: 'MQTT' },
  'redis-pubsub': { kind: 'broker', title: 'Redis Pub/Sub' },
  'redis-streams': { kind: 'broker', title: 'Redis Streams' },
  pulsar: { kind: 'broker', title: 'Apache Pulsar' },
  zeromq: { kind: 'broker', title: 'ZeroMQ' },
  'postgres-notify': { kind: 'broker', title: 'PostgreSQL LISTEN/NOTIFY' },
  'in-process': { kind: 'broker', title: 'In-process event bus' },
  celery: { kind: 'job-queue', title: 'Celery' },
  rq: { kind: 'job-queue', title: 'RQ' },
  dramatiq: { kind: 'job-queue', title: 'Dramatiq' },
  bullmq: { kind: 'job-queue', title: 'BullMQ' },
  bull: { kind: 'job-queue', title: 'Bull' },
  'cron-library': { kind: 'scheduler', title: 'Cron library' },
  'celery-beat': { kind: 'scheduler', title: 'Celery beat' },
  apscheduler: { kind: 'scheduler', title: 'APScheduler' },
  'python-schedule': { kind: 'scheduler', title: 'schedule' },
  'k8s-cronjob': { kind: 'scheduler', title: 'Kubernetes CronJob' },
  crontab: { kind: 'scheduler', title: 'crontab' },
} as const;

export type TechnologyId = keyof typeof TECHNOLOGIES;
export type TechnologyKind = (typeof TECHNOLOGIES)[TechnologyId]['kind'];

export const PATTERN_IDS = [
  'fan-out',
  'competing-consumers',
  'dead-letter',
  'retry',
  'request-reply',
  'transactional-outbox',
  'idempotent-consumer',
  'content-based-routing',
  'event-sourcing',
  'cqrs',
  'saga',
  'exactly-once',
  'batch-processing',
] as const;

export type PatternId = (typeof PATTERN_IDS)[number];

export function isTechnologyId(value: string): value is TechnologyId {
  return Object.hasOwn(TECHNOLOGIES, value);
}
