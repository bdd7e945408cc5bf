import { Worker, type Job } from 'bullmq';
import { connection, type EmailJob } from './queues.js';

async function processEmail(job: Job<EmailJob>): Promise<void> {
  switch (job.name) {
    case 'order-confirmation':
      console.log(`sending confirmation for ${job.data.orderId} to ${job.data.to}`);
      break;
    case 'digest':
      console.log('sending the weekly digest');
      break;
    default:
      throw new Error(`unknown email job ${job.name}`);
  }
}

export const worker = new Worker<EmailJob>('emails', processEmail, { connection, concurrency: 5 }); // expect: CONSUMES emails (bullmq) handler=processEmail concurrency=5

worker.on('failed', (job, error) => console.error(`email job ${job?.id} failed: ${error.message}`));
