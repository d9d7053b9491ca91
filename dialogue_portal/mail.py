"""E-mail from the portal's templates, sent by a Celery task once the transaction commits.

A message is two templates: ``<name>_subject.txt`` (one line) and ``<name>_body.txt``.
The context must be plain data (strings, numbers, lists): it travels through the broker.
"""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation


def send_templated(name: str, recipients: Iterable[str], context: dict[str, Any]) -> None:
    """Queue one e-mail per recipient after commit; nothing is sent if the transaction rolls back."""
    from .tasks import send_templated_email

    recipients = sorted({address for address in recipients if address})
    if not recipients:
        return
    context = {"site_url": settings.SITE_URL, **context}
    for address in recipients:
        transaction.on_commit(
            lambda address=address: send_templated_email.delay(name=name, to=address, context=context)
        )


def render_and_send(*, name: str, to: str, context: dict[str, Any]) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"{name}_subject.txt", context).strip()
        body = render_to_string(f"{name}_body.txt", context)
    send_mail(f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}", body, None, [to])
