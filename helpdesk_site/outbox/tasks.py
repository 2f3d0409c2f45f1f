from celery import shared_task

from helpdesk_site.outbox import services


@shared_task(name="outbox.tasks.deliver", ignore_result=True)
def deliver() -> dict[str, int]:
    """Kicked after each commit that queued something, and run by beat every
    minute for what waited (a broker, a mail server or the database away)."""
    return services.deliver()


@shared_task(name="outbox.tasks.purge", ignore_result=True)
def purge() -> int:
    return services.purge()
