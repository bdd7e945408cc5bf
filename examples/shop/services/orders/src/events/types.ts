// Payloads of the events this service publishes. Consumers parse the JSON value.
export interface OrderCreated {
  orderId: string;
  customerId: string;
  total: number;
  occurredAt: string;
  correlationId: string;
}

export interface OrderCancelled {
  orderId: string;
  customerId: string;
  reason: string;
  occurredAt: string;
  correlationId: string;
}
