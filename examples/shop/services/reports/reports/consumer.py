"""Keeps an audit trail of every shipping label event, next to the shipping service's own queue."""
import json
import logging
import os

import pika

logger = logging.getLogger(__name__)

EXCHANGE = "shipping.events"
QUEUE = "shipping.labels.audit"


def on_label_event(channel, method, properties, body):
    event = json.loads(body)
    logger.info("label event %s for order %s", method.routing_key, event.get("orderId"))
    channel.basic_ack(delivery_tag=method.delivery_tag)


def main():
    connection = pika.BlockingConnection(pika.URLParameters(os.environ.get("AMQP_URL", "amqp://rabbitmq:5672/%2F")))
    channel = connection.channel()
    channel.exchange_declare(exchange=EXCHANGE, exchange_type="topic", durable=True)  # expect: EXCHANGE shipping.events (rabbitmq) exchangeType=topic
    channel.queue_declare(  # expect: QUEUE shipping.labels.audit (rabbitmq) messageTtlMs=300000; DEAD_LETTERS_TO shipping.dlx
        queue=QUEUE,
        durable=True,
        arguments={"x-dead-letter-exchange": "shipping.dlx", "x-message-ttl": 300000},
    )
    channel.queue_bind(queue=QUEUE, exchange=EXCHANGE, routing_key="label.*")  # expect: ROUTES_TO shipping.events -> shipping.labels.audit routingKey=label.*
    channel.basic_qos(prefetch_count=20)
    channel.basic_consume(queue=QUEUE, on_message_callback=on_label_event)  # expect: CONSUMES shipping.labels.audit (rabbitmq) handler=on_label_event prefetch=20 ack=manual
    channel.start_consuming()


if __name__ == "__main__":
    main()
