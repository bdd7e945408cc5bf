import { producer } from '../kafka.js';
import type { Topic } from './topics.js';

let connecting: Promise<void> | undefined;

/** Publishes one event, keyed by order so every event of an order lands on one partition. */
export async function publishEvent<T extends { orderId: string }>(topic: Topic, event: T): Promise<void> {
  connecting ??= producer.connect();
  await connecting;
  // The topic comes from the callers (src/server.ts); this line is the wrapper, not a channel.
  await producer.send({
    topic,
    messages: [{ key: event.orderId, value: JSON.stringify(event) }],
  });
}
