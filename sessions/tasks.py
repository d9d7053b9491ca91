from celery import shared_task

from . import services


@shared_task(name="sessions.close_dialogues_past_deadlines")
def close_dialogues_past_deadlines() -> int:
    return services.dialogues_close_past_deadlines()
