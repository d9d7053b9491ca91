from celery import shared_task

from . import mail


@shared_task(
    name="dialogue_portal.send_templated_email", autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def send_templated_email(*, name: str, to: str, context: dict) -> None:
    mail.render_and_send(name=name, to=to, context=context)
