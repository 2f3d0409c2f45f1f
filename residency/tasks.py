from celery import shared_task

from residency import services


@shared_task(name="residency.tasks.sweep", ignore_result=True)
def sweep() -> int:
    return services.sweep()
