import { randomUUID } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { publishEvent } from './events/publisher.js';
import { TOPICS } from './events/topics.js';
import type { OrderCancelled, OrderCreated } from './events/types.js';

const app = express();
app.use(express.json());

const orders = new Map<string, { customerId: string; total: number; status: 'open' | 'cancelled' }>();

app.post('/orders', async (req: Request, res: Response) => {
  const { customerId, total } = req.body as { customerId: string; total: number };
  const orderId = randomUUID();
  orders.set(orderId, { customerId, total, status: 'open' });

  const event: OrderCreated = {
    orderId,
    customerId,
    total,
    occurredAt: new Date().toISOString(),
    correlationId: req.header('x-correlation-id') ?? randomUUID(),
  };
  await publishEvent(TOPICS.ORDER_CREATED, event); // expect: PUBLISHES orders.created (kafka) event=OrderCreated
  res.status(201).json({ orderId });
});

app.post('/orders/:id/cancel', async (req: Request, res: Response) => {
  const order = orders.get(req.params.id ?? '');
  if (!order || order.status === 'cancelled') {
    res.status(404).end();
    return;
  }
  order.status = 'cancelled';

  const event: OrderCancelled = {
    orderId: req.params.id ?? '',
    customerId: order.customerId,
    reason: (req.body as { reason?: string }).reason ?? 'customer request',
    occurredAt: new Date().toISOString(),
    correlationId: req.header('x-correlation-id') ?? randomUUID(),
  };
  await publishEvent(TOPICS.ORDER_CANCELLED, event); // expect: PUBLISHES orders.cancelled (kafka) event=OrderCancelled
  res.status(202).end();
});

const port = Number(process.env.PORT ?? 3000);
app.listen(port, () => console.log(`orders listening on :${port}`));
