from celery import shared_task

from training import services


@shared_task(name="training.tasks.warn_plans_at_risk", ignore_result=True)
def warn_plans_at_risk() -> int:
    return services.warn_plans_at_risk()
