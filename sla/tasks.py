from celery import shared_task

from sla import services


@shared_task(name="sla.tasks.sweep", ignore_result=True)
def sweep() -> int:
    return services.sweep()


@shared_task(name="sla.tasks.mail_notifications", ignore_result=True)
def mail_notifications(ids: list[int]) -> int:
    return services.mail_notifications(ids)
