import type { EachMessagePayload } from 'kafkajs';
import { producer } from '../kafka.js';

const DEAD_LETTER_TOPIC = 'orders.created.dlq';

interface OrderCreated {
  orderId: string;
  customerId: string;
  total: number;
  occurredAt: string;
  correlationId: string;
}

export async function handleOrderCreated({ topic, partition, message }: EachMessagePayload): Promise<void> {
  try {
    const order = JSON.parse(message.value?.toString() ?? '') as OrderCreated;
    if (!(order.total >= 0)) throw new Error(`invalid total for order ${order.orderId}`);
    console.log(`invoice drafted for order ${order.orderId}: ${order.total.toFixed(2)}`);
  } catch (error) {
    // Park the message instead of blocking the partition.
    await producer.send({ // expect: PUBLISHES orders.created.dlq (kafka) from=handleOrderCreated pattern=dead-letter
      topic: DEAD_LETTER_TOPIC,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: {
            ...message.headers,
            'x-original-topic': topic,
            'x-original-partition': String(partition),
            'x-error': error instanceof Error ? error.message : String(error),
          },
        },
      ],
    });
  }
}
