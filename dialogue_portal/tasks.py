from celery import shared_task

from . import mail


@shared_task(name="dialogue_portal.deliver_mail", ignore_result=True)
def deliver_mail(*, ids: list[int] | None = None) -> int:
    """Send the queued e-mails ``ids`` (all that are due, without ids: the periodic run).

    Failures are retried by the queue itself (``mail.deliver``), not by redelivering this
    task: a message already sent must never be sent again by a retry of its batch.
    """
    return mail.deliver(ids=ids)
