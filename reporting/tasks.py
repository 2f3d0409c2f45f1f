from celery import shared_task

from reporting import services


@shared_task(name="reporting.tasks.generate_due_reports", ignore_result=True)
def generate_due_reports() -> int:
    return len(services.generate_due_reports())
