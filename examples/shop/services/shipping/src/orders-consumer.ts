import { Kafka, type EachBatchPayload } from 'kafkajs';
import { requestLabel } from './amqp.js';

const kafka = new Kafka({
  clientId: 'shipping',
  brokers: (process.env.KAFKA_BROKERS ?? 'localhost:9092').split(','),
});

const consumer = kafka.consumer({ groupId: 'shipping' }); // expect: CONSUMER group=shipping (kafka)

export async function handleOrderBatch({ batch, resolveOffset, heartbeat }: EachBatchPayload): Promise<void> {
  for (const message of batch.messages) {
    const event = JSON.parse(message.value?.toString() ?? '{}') as { orderId?: string };
    if (event.orderId && batch.topic === 'orders.created') requestLabel(event.orderId);
    if (event.orderId && batch.topic === 'orders.cancelled') console.log(`shipment ${event.orderId} stopped`);
    resolveOffset(message.offset);
    await heartbeat();
  }
}

export async function startOrdersConsumer(): Promise<void> {
  await consumer.connect();
  await consumer.subscribe({ topics: ['orders.created', 'orders.cancelled'] }); // expect: CONSUMES orders.created, orders.cancelled (kafka) group=shipping batch=true
  await consumer.run({ eachBatchAutoResolve: false, eachBatch: handleOrderBatch }); // expect: HANDLER handleOrderBatch (kafka) batch=true
}
