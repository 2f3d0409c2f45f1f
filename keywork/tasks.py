from celery import shared_task

from keywork import services


@shared_task(name="keywork.tasks.sweep", ignore_result=True)
def sweep() -> int:
    """Reminders of near deadlines, then the missed ones escalated."""
    return services.send_reminders() + services.escalate_late()
