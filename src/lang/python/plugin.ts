// The Python plugin: the tree-sitter frontend and every extractor that reads what it parses.
import type { LanguagePlugin } from '../../extractors/contract.js';
import { aioPikaExtractor } from '../../extractors/aio-pika/aio-pika.js';
import { aiokafkaExtractor } from '../../extractors/aiokafka/aiokafka.js';
import { apschedulerExtractor } from '../../extractors/apscheduler/apscheduler.js';
import { arqExtractor } from '../../extractors/arq/arq.js';
import { boto3Extractor } from '../../extractors/boto3/boto3.js';
import { celeryExtractor } from '../../extractors/celery/celery.js';
import { djangoQExtractor } from '../../extractors/django-q/django-q.js';
import { dramatiqExtractor } from '../../extractors/dramatiq/dramatiq.js';
import { confluentKafkaExtractor } from '../../extractors/confluent-kafka/confluent-kafka.js';
import { customEventStoreExtractor } from '../../extractors/custom-event-store/custom-event-store.js';
import { faststreamExtractor } from '../../extractors/faststream/faststream.js';
import { faustExtractor } from '../../extractors/faust/faust.js';
import { googleCloudPubsubExtractor } from '../../extractors/google-cloud-pubsub/google-cloud-pubsub.js';
import { hueyExtractor } from '../../extractors/huey/huey.js';
import { kafkaPythonExtractor } from '../../extractors/kafka-python/kafka-python.js';
import { namekoExtractor } from '../../extractors/nameko/nameko.js';
import { natsPyExtractor } from '../../extractors/nats-py/nats-py.js';
import { pahoMqttExtractor } from '../../extractors/paho-mqtt/paho-mqtt.js';
import { pikaExtractor } from '../../extractors/pika/pika.js';
import { pythonScheduleExtractor } from '../../extractors/python-schedule/python-schedule.js';
import { rqExtractor } from '../../extractors/rq/rq.js';
import { taskiqExtractor } from '../../extractors/taskiq/taskiq.js';
import { eventsourcingExtractor } from '../../extractors/eventsourcing/eventsourcing.js';
import { postgresNotifyPyExtractor } from '../../extractors/postgres-notify-py/postgres-notify-py.js';
import { pythonBusExtractor } from '../../extractors/python-bus/python-bus.js';
import { redisPyExtractor } from '../../extractors/redis-py/redis-py.js';
import { pythonFrontend, type PyFile } from './frontend.js';

export const pythonPlugin: LanguagePlugin<PyFile> = {
  frontend: pythonFrontend,
  extractors: [
    aioPikaExtractor,
    aiokafkaExtractor,
    apschedulerExtractor,
    arqExtractor,
    boto3Extractor,
    celeryExtractor,
    confluentKafkaExtractor,
    djangoQExtractor,
    customEventStoreExtractor,
    dramatiqExtractor,
    faststreamExtractor,
    faustExtractor,
    googleCloudPubsubExtractor,
    hueyExtractor,
    kafkaPythonExtractor,
    namekoExtractor,
    natsPyExtractor,
    pahoMqttExtractor,
    pikaExtractor,
    pythonScheduleExtractor,
    rqExtractor,
    taskiqExtractor,
    eventsourcingExtractor,
    postgresNotifyPyExtractor,
    pythonBusExtractor,
    redisPyExtractor,
  ],
};
