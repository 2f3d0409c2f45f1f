from celery import shared_task

from sla import services


@shared_task(name="sla.tasks.sweep", ignore_result=True)
def sweep() -> int:
    return services.sweep()
