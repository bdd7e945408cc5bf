"""Rebuilds the day's sales report when an order of that day is cancelled."""
import json
import logging
import os

from kafka import KafkaConsumer

from reports.tasks import build_sales_report

logger = logging.getLogger(__name__)


def consume_cancellations():
    consumer = KafkaConsumer(  # expect: CONSUMES orders.cancelled (kafka) group=reports autoCommit=false handler=consume_cancellations
        "orders.cancelled",
        group_id="reports",
        bootstrap_servers=os.environ.get("KAFKA_BROKERS", "localhost:9092").split(","),
        enable_auto_commit=False,
        value_deserializer=lambda value: json.loads(value.decode("utf-8")),
    )
    for message in consumer:
        day = message.value["occurredAt"][:10]
        build_sales_report.apply_async(args=[day], countdown=300)  # expect: ENQUEUES reports.tasks.build_sales_report (celery) via=apply_async countdown=300
        consumer.commit()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    consume_cancellations()
