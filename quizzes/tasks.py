from celery import shared_task

from quizzes import services


@shared_task(name="quizzes.tasks.close_expired", ignore_result=True)
def close_expired() -> int:
    return services.close_expired()
