import amqp, { type Channel, type ConsumeMessage } from 'amqplib';

export const EXCHANGE = 'shipping.events';
const DEAD_LETTER_EXCHANGE = 'shipping.dlx';
const LABEL_QUEUE = 'shipping.labels';

let channel: Channel;

export async function setupAmqp(): Promise<void> {
  const connection = await amqp.connect(process.env.AMQP_URL ?? 'amqp://localhost');
  channel = await connection.createChannel();
  await channel.assertExchange(EXCHANGE, 'topic', { durable: true }); // expect: EXCHANGE shipping.events (rabbitmq) exchangeType=topic
  await channel.assertExchange(DEAD_LETTER_EXCHANGE, 'fanout', { durable: true }); // expect: EXCHANGE shipping.dlx (rabbitmq) exchangeType=fanout
  await channel.assertQueue(LABEL_QUEUE, { // expect: QUEUE shipping.labels (rabbitmq) messageTtlMs=60000; DEAD_LETTERS_TO shipping.dlx
    durable: true,
    deadLetterExchange: DEAD_LETTER_EXCHANGE,
    messageTtl: 60000,
  });
  await channel.bindQueue(LABEL_QUEUE, EXCHANGE, 'label.*'); // expect: ROUTES_TO shipping.events -> shipping.labels routingKey=label.*
}

export function requestLabel(orderId: string): boolean {
  const body = Buffer.from(JSON.stringify({ orderId, requestedAt: new Date().toISOString() }));
  return channel.publish(EXCHANGE, 'label.requested', body, { persistent: true, contentType: 'application/json' }); // expect: PUBLISHES shipping.events (rabbitmq) routingKey=label.requested
}

async function printLabel(msg: ConsumeMessage | null): Promise<void> {
  if (!msg) return;
  try {
    const { orderId } = JSON.parse(msg.content.toString()) as { orderId: string };
    console.log(`label printed for order ${orderId}`);
    channel.ack(msg);
  } catch {
    channel.nack(msg, false, false); // no requeue: the broker dead-letters it to shipping.dlx
  }
}

export async function startLabelWorker(): Promise<void> {
  await channel.prefetch(10);
  await channel.consume(LABEL_QUEUE, printLabel, { noAck: false }); // expect: CONSUMES shipping.labels (rabbitmq) handler=printLabel prefetch=10 ack=manual
}
