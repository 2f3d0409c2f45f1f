from celery import shared_task

from helpdesk_site.satisfaction import services


@shared_task(name="satisfaction.tasks.sweep", ignore_result=True)
def sweep() -> int:
    return services.sweep()
