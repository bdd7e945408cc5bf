import { Kafka, logLevel } from 'kafkajs';

export const kafka = new Kafka({
  clientId: process.env.KAFKA_CLIENT_ID ?? 'orders',
  brokers: (process.env.KAFKA_BROKERS ?? 'localhost:9092').split(','),
  logLevel: logLevel.WARN,
});

// Idempotent so a retried send never writes an order event twice.
export const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 }); // expect: PRODUCER idempotent=true (kafka) pattern=exactly-once
