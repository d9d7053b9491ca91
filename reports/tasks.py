"""The CRP's tasks: thin, each calls its service (``reports.services``)."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services


@shared_task(
    name="reports.render_crp",
    ignore_result=True,
    # A worker killed mid-render (SIGKILL, out of memory) leaves the message unacknowledged:
    # the broker delivers it again, and the new worker takes the expired lease over.
    acks_late=True,
    reject_on_worker_lost=True,
    # The database or the storage away for a moment: try again later, the lease lets it.
    autoretry_for=(OperationalError, InterfaceError, ConnectionError, TimeoutError),
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=120,
    time_limit=150,
)
def render_crp(*, document_id: int) -> None:
    services.crp_render(document_id=document_id)


@shared_task(name="reports.requeue_stale_crp_documents")
def requeue_stale_crp_documents() -> int:
    return services.crp_requeue_stale()
