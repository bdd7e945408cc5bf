import { Kafka, type EachMessagePayload } from 'kafkajs';
import { emailQueue } from './queues.js';

const kafka = new Kafka({
  clientId: 'notifications',
  brokers: (process.env.KAFKA_BROKERS ?? 'localhost:9092').split(','),
});

const consumer = kafka.consumer({ groupId: 'notifications' }); // expect: CONSUMER group=notifications (kafka)

async function onOrderCreated({ message }: EachMessagePayload): Promise<void> {
  const order = JSON.parse(message.value?.toString() ?? '{}') as { orderId: string; customerId: string };
  await emailQueue.add( // expect: PUBLISHES emails (bullmq) jobName=order-confirmation retry='attempts=5, backoff=exponential 1000ms'
    'order-confirmation',
    { to: order.customerId, orderId: order.orderId },
    { attempts: 5, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: true },
  );
}

export async function startOrderListener(): Promise<void> {
  await consumer.connect();
  await consumer.subscribe({ topic: process.env.ORDERS_TOPIC ?? 'orders.created' }); // expect: CONSUMES orders.created (kafka) group=notifications override=ORDERS_TOPIC
  await consumer.run({ eachMessage: onOrderCreated }); // expect: HANDLER onOrderCreated (kafka)
}
