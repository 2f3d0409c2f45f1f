from celery import shared_task

from rectification import services


@shared_task(name="rectification.tasks.check_overdue", ignore_result=True)
def check_overdue() -> int:
    return services.check_overdue()
