import cron from 'node-cron';
import { consumer, producer } from './kafka.js';
import { handleOrderCreated } from './handlers/order-created.js';
import { reconcileInvoices } from './reconcile.js';

async function main(): Promise<void> {
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topics: ['orders.created'] }); // expect: CONSUMES orders.created (kafka) group=billing
  await consumer.run({ eachMessage: handleOrderCreated }); // expect: HANDLER handleOrderCreated (kafka)

  cron.schedule('0 2 * * *', reconcileInvoices, { timezone: 'UTC' }); // expect: SCHEDULES reconcileInvoices (cron-library) schedule='0 2 * * *'
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
