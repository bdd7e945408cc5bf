import { emailQueue } from './queues.js';
import { startOrderListener } from './order-listener.js';

async function main(): Promise<void> {
  // Every Monday at 08:00; BullMQ keeps one repeatable job per pattern.
  await emailQueue.add('digest', {}, { repeat: { pattern: '0 8 * * 1' } }); // expect: SCHEDULES digest (bullmq) schedule='0 8 * * 1'
  await startOrderListener();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
