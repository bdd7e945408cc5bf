import { setupAmqp, startLabelWorker } from './amqp.js';
import { startOrdersConsumer } from './orders-consumer.js';

async function main(): Promise<void> {
  await setupAmqp();
  await startLabelWorker();
  await startOrdersConsumer();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
