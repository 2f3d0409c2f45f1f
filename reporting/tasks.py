from celery import shared_task

from reporting import services


@shared_task(name="reporting.tasks.generate_due_reports", ignore_result=True)
def generate_due_reports() -> int:
    return len(services.generate_due_reports())


@shared_task(name="reporting.tasks.roll_up", ignore_result=True)
def roll_up() -> int:
    return services.roll_up()
