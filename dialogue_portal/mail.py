"""Outgoing e-mail: stored in the database with the change that causes it, delivered with retries.

Every message the portal sends is a django-post-office ``Email`` row, written in the
caller's transaction: a change that rolls back sends nothing, a change that commits cannot
lose its mail, whatever happens to the broker afterwards. Once the transaction commits a
task is asked to deliver those rows at once; if the broker cannot be reached that is
logged, and the periodic delivery (beat, or ``manage.py run_due_tasks``) sends them a
minute later. Django's own mail (allauth's messages, error reports) takes the same road:
``EMAIL_BACKEND`` is post-office's, and the backend that ``EMAIL_URL`` names delivers.

A portal message is two templates: ``<name>_subject.txt`` (one line) and ``<name>_body.txt``,
rendered when the message is queued.
"""

import contextlib
import contextvars
import datetime
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.conf import settings
from django.core.mail import BadHeaderError, get_connection
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext
from post_office import mail as post_office
from post_office.models import STATUS, Email, Log
from post_office.settings import get_backend, get_max_retries, get_retry_timedelta
from post_office.signals import email_queued

from . import locks
from .models import Profile
from .text import clean_text

logger = logging.getLogger(__name__)

# How many messages one delivery sends before it lets go of them and looks again.
BATCH = 100

_withheld: contextvars.ContextVar[bool] = contextvars.ContextVar("mail_withheld", default=False)


@contextlib.contextmanager
def withheld() -> Iterator[None]:
    """Send nothing from inside the block: what the secretariat records after the fact
    (a dialogue already held, its applications and comments) was told to nobody at the
    time, and must not reach anyone now."""
    token = _withheld.set(True)
    try:
        yield
    finally:
        _withheld.reset(token)


def is_withheld() -> bool:
    return _withheld.get()


def subject_prefix() -> str:
    """What every e-mail's subject starts with, in the current language: "[Dialogue
    Portal] ", "[Portail des dialogues] " (allauth's messages too: accounts.PortalAccountAdapter)."""
    return f"[{gettext('Dialogue Portal')}] "


def later(func: Callable[..., Any], *args: Any) -> str:
    """A context value that ``func(*args)`` computes when each message is rendered, so in
    its recipient's language: a choice's label, a dialogue's name, a date spelled out.
    A value computed by the caller would be in the language of whoever caused the mail."""
    return lazy(func, str)(*args)


def send_templated(
    name: str, recipients: Iterable[str], context: dict[str, Any], *, fallback_language: str | None = None
) -> None:
    """Queue one e-mail per recipient, in the caller's transaction, each in the language
    the recipient's account chose (``Profile.language``), never in that of whoever caused
    it. An address with no account gets ``fallback_language`` (a representative, the
    language of the focal point who named them), else the portal's default.

    Side effects: one post-office ``Email`` row per recipient; after commit, a delivery
    task. A message that cannot be built is logged and skipped: the change that caused it
    stands, and the request that made it does not fail.
    """
    recipients = sorted({address for address in recipients if address})
    if not recipients:
        return
    if is_withheld():
        logger.info("E-mail %s to %d recipients withheld: recorded after the fact", name, len(recipients))
        return
    context = {"site_url": settings.SITE_URL, **context}
    for language, addresses in _by_language(recipients, fallback_language).items():
        try:
            with translation.override(language):
                # One line, whatever the names in it (one typed over two lines, stored
                # before the forms refused it, must not break the header).
                subject = clean_text(render_to_string(f"{name}_subject.txt", context)).strip()
                body = render_to_string(f"{name}_body.txt", context)
                prefix = subject_prefix()
        except Exception:
            logger.exception("E-mail %s to %s could not be built; nothing was queued", name, addresses)
            continue
        queue(subject=f"{prefix}{subject}", body=body, recipients=addresses)


def language_of(user) -> str:
    """The language ``user``'s account chose, or the portal's default."""
    profile = Profile.objects.filter(user_id=getattr(user, "pk", None)).values_list("language", flat=True)
    return profile.first() or settings.LANGUAGE_CODE


def _by_language(addresses: Sequence[str], fallback: str | None) -> dict[str, list[str]]:
    """``addresses`` grouped by the language their accounts chose, in one query."""
    chosen = dict(
        Profile.objects.annotate(address=Lower("user__email"))
        .filter(address__in={address.lower() for address in addresses})
        .values_list("address", "language")
    )
    groups: dict[str, list[str]] = {}
    for address in addresses:
        groups.setdefault(chosen.get(address.lower(), fallback or settings.LANGUAGE_CODE), []).append(address)
    return groups


def queue(*, subject: str, body: str, recipients: Sequence[str]) -> None:
    """Store one message per recipient (each gets their own, never the others' addresses)."""
    try:
        # A savepoint: a refused row must not take the caller's change down with it.
        with transaction.atomic():
            for address in recipients:
                post_office.send(address, settings.DEFAULT_FROM_EMAIL, subject=subject, message=body)
    except Exception:
        logger.exception("E-mail “%s” to %s could not be queued", subject, list(recipients))


@receiver(email_queued)
def _deliver_after_commit(sender, emails, **kwargs) -> None:
    ids = [email.pk for email in emails]
    transaction.on_commit(lambda: request_delivery(ids))


def request_delivery(ids: list[int]) -> None:
    """Ask a worker to deliver ``ids`` now. A broker that is down is logged, never raised:
    the rows are stored, and the periodic delivery sends them."""
    from .tasks import deliver_mail

    try:
        deliver_mail.delay(ids=ids)
    except Exception:
        logger.warning(
            "Could not hand e-mails %s to a worker; the periodic delivery will send them.", ids, exc_info=True
        )


def _due(now: datetime.datetime):
    return Email.objects.filter(
        Q(scheduled_time__isnull=True) | Q(scheduled_time__lte=now),
        Q(expires_at__isnull=True) | Q(expires_at__gt=now),
        status__in=[STATUS.queued, STATUS.requeued],
    ).order_by("id")


def deliver(*, ids: Iterable[int] | None = None) -> int:
    """Send the e-mails that are due (only those of ``ids``, when given), each exactly once.

    Several workers, beat and ``run_due_tasks`` may deliver at the same moment: each batch
    is claimed with row locks that the others skip (on SQLite, one sender at a time), and
    a row leaves the queue in the transaction that sent it. A failed attempt is retried
    after 1, 2, 4 … times ``RETRY_INTERVAL``, up to ``MAX_RETRIES`` times, then marked failed.
    Side effects: the messages sent; each row's status; a post-office ``Log`` per failure.
    Returns how many were sent.
    """
    wanted = None if ids is None else list(ids)
    sent = 0
    while True:
        with transaction.atomic():
            due = _due(timezone.now())
            if wanted is not None:
                due = due.filter(pk__in=wanted)
            if connection.features.has_select_for_update_skip_locked:
                batch = list(due.select_for_update(skip_locked=True)[:BATCH])
            else:
                locks.hold("mail-delivery")
                batch = list(due[:BATCH])
            if batch:
                sent += _send(batch)
        if len(batch) < BATCH:
            return sent


def _send(batch: list[Email]) -> int:
    sent = 0
    backend = get_connection(get_backend("default"), fail_silently=False)
    try:
        for email in batch:
            try:
                email.dispatch(commit=False, disconnect_after_delivery=False, connection=backend)
            except Exception as exc:
                _failed(email, exc)
            else:
                Email.objects.filter(pk=email.pk).update(status=STATUS.sent, last_updated=timezone.now())
                sent += 1
    finally:
        try:
            backend.close()
        except Exception:
            logger.warning("Closing the mail connection failed", exc_info=True)
    return sent


def _failed(email: Email, exc: Exception) -> None:
    retries = email.number_of_retries or 0
    now = timezone.now()
    # A message that cannot be built (a header with a line break, say) never will be:
    # retrying it only delays the messages behind it.
    permanent = isinstance(exc, BadHeaderError | ValueError)
    if retries < get_max_retries() and not permanent:
        changes = {
            "status": STATUS.requeued,
            "number_of_retries": retries + 1,
            "scheduled_time": now + get_retry_timedelta() * 2**retries,
        }
        logger.warning("E-mail %s not delivered (%s); retry %d later", email.pk, exc, retries + 1)
    else:
        changes = {"status": STATUS.failed}
        logger.error("E-mail %s not delivered (%d retries): %s", email.pk, retries, exc)
    Email.objects.filter(pk=email.pk).update(last_updated=now, **changes)
    Log.objects.create(
        email=email, status=STATUS.failed, message=str(exc)[:2000], exception_type=type(exc).__name__
    )
