import { Kafka } from 'kafkajs';

const kafka = new Kafka({
  clientId: 'billing',
  brokers: (process.env.KAFKA_BROKERS ?? 'localhost:9092').split(','),
});

export const consumer = kafka.consumer({ groupId: 'billing' }); // expect: CONSUMER group=billing (kafka)
export const producer = kafka.producer();
