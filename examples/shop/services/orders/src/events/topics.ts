// Topics owned by the orders service. Other services subscribe to these names.
export const TOPICS = {
  ORDER_CREATED: 'orders.created',
  ORDER_CANCELLED: 'orders.cancelled',
} as const;

export type Topic = (typeof TOPICS)[keyof typeof TOPICS];
