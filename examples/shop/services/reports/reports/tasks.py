import logging
import uuid

from celery import shared_task

from reports.celery_app import app

logger = logging.getLogger(__name__)


@app.task(bind=True, autoretry_for=(ConnectionError,), max_retries=3, acks_late=True)  # expect: JOB reports.tasks.build_sales_report (celery) queue=reports maxRetries=3 acksLate=true bind=true autoretryFor=ConnectionError
def build_sales_report(self, day):
    logger.info("building sales report for %s (attempt %d)", day, self.request.retries + 1)
    report_id = f"sales-{day}-{uuid.uuid4().hex[:8]}"
    send_report_email.delay(report_id)  # expect: ENQUEUES reports.tasks.send_report_email (celery) from=build_sales_report via=delay
    return report_id


@shared_task  # expect: JOB reports.tasks.send_report_email (celery)
def send_report_email(report_id):
    logger.info("mailing report %s to the finance list", report_id)
