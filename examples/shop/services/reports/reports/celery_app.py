import os

from celery import Celery
from celery.schedules import crontab

app = Celery(
    "reports",
    broker=os.environ.get("CELERY_BROKER_URL", "amqp://guest:guest@rabbitmq:5672//"),
    include=["reports.tasks"],
)

app.conf.task_routes = {
    "reports.tasks.build_sales_report": {"queue": "reports"},  # expect: QUEUE reports (celery) job=reports.tasks.build_sales_report
}

app.conf.beat_schedule = {
    "nightly-sales": {
        "task": "reports.tasks.build_sales_report",  # expect: SCHEDULES reports.tasks.build_sales_report (celery-beat) schedule='crontab(hour=3, minute=0)'
        "schedule": crontab(hour=3, minute=0),
    },
}
app.conf.timezone = "UTC"
