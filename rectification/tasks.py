from celery import shared_task

from rectification import services


@shared_task(name="rectification.tasks.check_overdue", ignore_result=True)
def check_overdue() -> int:
    """The ledger's hourly sweep: reminders of near deadlines, then the
    items past theirs."""
    services.send_reminders()
    return services.check_overdue()
