from celery import shared_task

from inspections import services


@shared_task(name="inspections.tasks.sweep", ignore_result=True)
def sweep() -> dict:
    return services.sweep()
