import { Queue } from 'bullmq';

export const connection = {
  host: process.env.REDIS_HOST ?? 'localhost',
  port: Number(process.env.REDIS_PORT ?? 6379),
};

export interface EmailJob {
  to?: string;
  orderId?: string;
}

export const emailQueue = new Queue<EmailJob>('emails', { connection }); // expect: QUEUE emails (bullmq)
