"""Every change to a Chair's summary: starting it, saving its text, review and approval.

A save never overwrites what someone else saved unseen. Each save names the revision its
editor started from; the summary's current revision moves with a compare-and-set on
that base. When another save came in between, the two are merged paragraph by paragraph
(``reports.merging``) if they changed different paragraphs, and refused with both texts
kept if they changed the same one.
"""

import datetime
import hashlib
import logging
import os
import re
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dialogue_portal import locks
from dialogue_portal.links import absolute_reverse
from dialogue_portal.mail import later, send_templated
from dialogue_portal.roles import secretariat_emails
from dialogue_portal.transitions import TransitionNotAllowed, claim, record, save_in_state, transition
from sessions.models import Dialogue
from stakeholders.selectors import focal_point_emails

from . import crp, permissions, selectors
from .markup import join_paragraphs, split_paragraphs
from .merging import Conflict, merge
from .models import ChairSummary, CrpDocument, SummaryRevision
from .opening import opening_text
from .permissions import Drafter

logger = logging.getLogger(__name__)

State = ChairSummary.State
CrpState = CrpDocument.State
Kind = SummaryRevision.Kind

NEXT_STATES = {
    State.DRAFT: frozenset({State.IN_REVIEW}),
    State.IN_REVIEW: frozenset({State.DRAFT, State.APPROVED}),
    State.APPROVED: frozenset({State.DRAFT, State.PUBLISHED}),
    # Reopened to correct it: the published CRP stays, its correction is /Rev.1.
    State.PUBLISHED: frozenset({State.DRAFT}),
}

# A save that loses the compare-and-set merges and tries again; after this many losses in
# a row (a crowd saving at once), it is refused rather than kept waiting.
MERGE_ATTEMPTS = 5


def _refuse(reason: str | None, code: str = "not_allowed") -> None:
    if reason:
        raise ValidationError(reason, code=code)


# --- The symbol -------------------------------------------------------------------------


# A start whose proposed symbol was taken by hand meanwhile proposes again, this many times.
SYMBOL_ATTEMPTS = 3


def _symbol_stem(dialogue: Dialogue) -> str:
    return f"{dialogue.session.working_group.symbol_prefix}/{dialogue.date.year}/CRP."


def symbol_propose(dialogue: Dialogue) -> str:
    """The next ``<prefix>/<year>/CRP.<n>`` no summary of the portal uses.

    Must run under the stem's named lock (``summary_start`` holds it), so that two
    summaries started at once are not proposed the same number.
    """
    stem = _symbol_stem(dialogue)
    pattern = re.compile(rf"^{re.escape(stem)}(\d+)(?:/|$)")
    used = [
        int(match.group(1))
        for symbol in ChairSummary.objects.filter(symbol__startswith=stem).values_list("symbol", flat=True)
        if (match := pattern.match(symbol))
    ]
    return f"{stem}{max(used, default=0) + 1}"


@transaction.atomic
def summary_start(*, dialogue: Dialogue, by) -> ChairSummary:
    """The dialogue's summary, started (a draft, with a proposed symbol) if it was not yet.

    Side effects: at most one ``ChairSummary`` row and one audit row. Two starts at once
    make one summary: the second finds the first's.
    """
    existing = ChairSummary.objects.filter(dialogue=dialogue).first()
    if existing is not None:
        return existing
    locks.hold(f"summary-symbol:{_symbol_stem(dialogue)}")
    for _attempt in range(SYMBOL_ATTEMPTS):
        try:
            with transaction.atomic():
                summary = ChairSummary.objects.create(dialogue=dialogue, symbol=symbol_propose(dialogue))
            break
        except IntegrityError:
            existing = ChairSummary.objects.filter(dialogue=dialogue).first()
            if existing is not None:
                return existing
            # Not this dialogue's summary but the symbol: the secretariat set it by hand on
            # another summary meanwhile (that change does not wait on the lock). The next
            # proposal sees it.
    else:
        raise TransitionNotAllowed(
            _("The summary could not be given a symbol; try again."), code="stale_state"
        )
    record(summary, by=by, from_state="", to_state=summary.state, note=_("Summary started."))
    return summary


@transaction.atomic
def summary_symbol_set(*, summary: ChairSummary, symbol: str, by, role: Drafter) -> ChairSummary:
    """Change the document symbol (the secretariat, until publication).

    Side effects: one UPDATE of the symbol, one audit row. Refused next to the field when
    another summary has it.
    """
    _refuse(permissions.symbol_refusal(summary, role))
    symbol = symbol.strip()
    if ChairSummary.objects.filter(symbol=symbol).exclude(pk=summary.pk).exists():
        raise ValidationError(
            {"symbol": _("Another summary has the symbol %(symbol)s.") % {"symbol": symbol}}
        )
    before = summary.symbol
    summary.symbol = symbol
    try:
        with transaction.atomic():
            save_in_state(
                summary, fields=["symbol"], states=[s for s in State.values if s != State.PUBLISHED]
            )
    except IntegrityError:  # taken by a summary saved meanwhile
        summary.symbol = before
        raise ValidationError(
            {"symbol": _("Another summary has the symbol %(symbol)s.") % {"symbol": symbol}}
        ) from None
    except TransitionNotAllowed:  # published meanwhile: the page shows the symbol it keeps
        summary.symbol = before
        raise
    record(
        summary,
        by=by,
        from_state=summary.state,
        to_state=summary.state,
        note=_("Symbol changed from %(before)s to %(after)s.") % {"before": before or "—", "after": symbol},
    )
    return summary


# --- Saving the text --------------------------------------------------------------------


class SummaryConflict(ValidationError):
    """Someone saved changes to the same paragraphs meanwhile: nothing was saved."""

    def __init__(self, *, current: SummaryRevision, conflicts: tuple[Conflict, ...]):
        super().__init__(
            _(
                "%(author)s saved changes to the same paragraphs meanwhile (revision %(number)s). "
                "Nothing was saved: compare their version with yours below, edit your text, and save "
                "again."
            )
            % {"author": author_name(current.author), "number": current.number},
            code="conflict",
        )
        self.current = current
        self.conflicts = conflicts


@dataclass(frozen=True)
class Saved:
    revision: SummaryRevision
    # The revision saved meanwhile whose changes were merged in, and its paragraphs kept.
    merged_with: SummaryRevision | None = None
    merged: tuple[str, ...] = ()
    unchanged: bool = False


def author_name(user) -> str:
    if user is None:
        return _("Someone whose account is gone")
    return user.get_full_name() or user.email


def normalise(text: str) -> str:
    """The text as stored: line ends made one, blank lines between paragraphs made one."""
    return join_paragraphs(split_paragraphs(text))


@transaction.atomic
def summary_save(
    *,
    summary: ChairSummary,
    text: str,
    base: SummaryRevision | None,
    by,
    role: Drafter,
    kind: str = Kind.SAVED,
    restored_from: SummaryRevision | None = None,
    merge_allowed: bool = True,
) -> Saved:
    """Save ``text`` as the summary's next revision, written from the revision ``base``.

    Side effects: one ``SummaryRevision`` row and one UPDATE of the summary (its current
    revision and revision count), both only if the move of the current revision from
    ``base`` succeeds (a compare-and-set). If another save came first: merged with it
    (the revision says so), or ``SummaryConflict`` with nothing written when both changed
    the same paragraph. Refused when the summary's state does not let this user edit.
    """
    _refuse(permissions.edit_refusal(summary, role), code="read_only")
    text = normalise(text)
    states = permissions.editable_states(role)
    start = base
    merged_with: SummaryRevision | None = None
    merged: tuple[str, ...] = ()
    for _attempt in range(MERGE_ATTEMPTS):
        if start is not None and start.text == text and merged_with is None and kind == Kind.SAVED:
            current = (
                ChairSummary.objects.filter(pk=summary.pk).values_list("current_revision", flat=True).get()
            )
            if current == start.pk:
                return Saved(revision=start, unchanged=True)
        claimed = ChairSummary.objects.filter(
            pk=summary.pk,
            state__in=states,
            **({"current_revision": start} if start else {"current_revision__isnull": True}),
        ).update(revision_count=F("revision_count") + 1, updated_at=timezone.now())
        if claimed:
            break
        fresh = ChairSummary.objects.select_related("current_revision__author").get(pk=summary.pk)
        if fresh.state not in states:
            summary.state = fresh.state
            _refuse(permissions.edit_refusal(fresh, role), code="read_only")
            raise TransitionNotAllowed(
                _("The summary changed meanwhile; reload the page."), code="stale_state"
            )
        theirs = fresh.current_revision
        if not merge_allowed:
            raise TransitionNotAllowed(
                _(
                    "%(author)s saved the summary meanwhile (revision %(number)s): "
                    "look at it before restoring."
                )
                % {"author": author_name(theirs.author), "number": theirs.number},
                code="stale_state",
            )
        result = merge(base=base.text if base else "", theirs=theirs.text, mine=text)
        if not result.is_clean:
            raise SummaryConflict(current=theirs, conflicts=result.conflicts)
        if result.text == theirs.text:
            # Everything this save brings was saved meanwhile already.
            return Saved(revision=theirs, merged_with=theirs, unchanged=True)
        text, start, merged_with, merged = result.text, theirs, theirs, merged + result.from_theirs
    else:
        raise TransitionNotAllowed(
            _("Many saves arrived at once; your text is kept below: save it again."), code="stale_state"
        )
    # The compare-and-set holds the summary's row until commit: the number and the move
    # of the current revision below are this save's alone.
    number = ChairSummary.objects.values_list("revision_count", flat=True).get(pk=summary.pk)
    revision = SummaryRevision.objects.create(
        summary=summary,
        number=number,
        text=text,
        author=by,
        base=base,
        merged_with=merged_with,
        restored_from=restored_from,
        kind=Kind.MERGED if merged_with is not None and kind == Kind.SAVED else kind,
    )
    ChairSummary.objects.filter(pk=summary.pk).update(current_revision=revision)
    summary.current_revision = revision
    summary.revision_count = number
    return Saved(revision=revision, merged_with=merged_with, merged=merged)


@transaction.atomic
def summary_write_from_data(*, dialogue: Dialogue, summary: ChairSummary | None, by, role: Drafter) -> Saved:
    """Write the opening from the portal's data into an empty summary (starting it if need be).

    Side effects: the summary started if it was not; one revision of kind "from data".
    Refused when the summary has text already: the opening would overwrite the Chair's.
    """
    if summary is not None and summary.current_revision is not None and summary.current_revision.text.strip():
        raise ValidationError(
            _("The summary has text already: the opening is written only into an empty one.")
        )
    summary = summary or summary_start(dialogue=dialogue, by=by)
    return summary_save(
        summary=summary,
        text=opening_text(dialogue),
        base=summary.current_revision,
        by=by,
        role=role,
        kind=Kind.FROM_DATA,
        merge_allowed=False,
    )


@transaction.atomic
def summary_restore(
    *, summary: ChairSummary, revision: SummaryRevision, base: SummaryRevision | None, by, role: Drafter
) -> Saved:
    """Bring back an earlier revision's text, as a new revision.

    Side effects: one revision of kind "restored" (only if nobody saved since ``base``,
    the revision the user was looking at), one audit row.
    """
    _refuse(permissions.restore_refusal(summary, role), code="read_only")
    saved = summary_save(
        summary=summary,
        text=revision.text,
        base=base,
        by=by,
        role=role,
        kind=Kind.RESTORED,
        restored_from=revision,
        merge_allowed=False,
    )
    record(
        summary,
        by=by,
        from_state=summary.state,
        to_state=summary.state,
        note=_("Revision %(new)s restores the text of revision %(old)s.")
        % {"new": saved.revision.number, "old": revision.number},
    )
    return saved


# --- Review and approval ----------------------------------------------------------------


def _summary_url(summary: ChairSummary) -> str:
    return absolute_reverse("reports:summary", args=[summary.dialogue_id])


def _chair_emails(summary: ChairSummary, *, besides=None) -> list[str]:
    users = summary.dialogue.chairs.filter(user__isnull=False, user__is_active=True)
    if besides is not None:
        users = users.exclude(user=besides)
    return list(users.values_list("user__email", flat=True))


def _notify(summary: ChairSummary, template: str, recipients: list[str], by, note: str = "") -> None:
    send_templated(
        f"reports/email/{template}",
        recipients,
        {
            "dialogue": later(str, summary.dialogue),
            "symbol": summary.symbol or "",
            "by": author_name(by),
            "note": note,
            "url": _summary_url(summary),
        },
    )


def _move(summary: ChairSummary, *, to: str, by, note: str = "", changes: dict | None = None) -> None:
    transition(summary, to=to, by=by, next_states=NEXT_STATES, note=note, changes=changes)


@transaction.atomic
def summary_send_for_review(*, summary: ChairSummary, by, role: Drafter) -> ChairSummary:
    """Draft → in review. Side effects: the state, the review note cleared, an audit row, an
    e-mail to the secretariat."""
    _refuse(permissions.send_for_review_refusal(summary, role))
    _move(summary, to=State.IN_REVIEW, by=by, changes={"review_note": ""})
    # The secretariat may send a draft it wrote for a Chair: it need not tell itself.
    _notify(summary, "review_requested", [a for a in secretariat_emails() if a != by.email], by)
    return summary


@transaction.atomic
def summary_send_back(*, summary: ChairSummary, by, role: Drafter, note: str) -> ChairSummary:
    """In review → draft, with the secretariat's note. Side effects: the state and the note,
    an audit row, an e-mail to the Chairs."""
    _refuse(permissions.send_back_refusal(summary, role))
    _move(summary, to=State.DRAFT, by=by, note=note, changes={"review_note": note})
    _notify(summary, "sent_back", _chair_emails(summary), by, note)
    return summary


@transaction.atomic
def summary_approve(*, summary: ChairSummary, by, role: Drafter) -> ChairSummary:
    """In review → approved, by a Chair: the text is read-only from now on. Side effects: the
    state, an audit row, an e-mail to the secretariat (who publishes it)."""
    _refuse(permissions.approve_refusal(summary, role))
    _move(summary, to=State.APPROVED, by=by)
    _notify(summary, "approved", secretariat_emails(), by)
    return summary


@transaction.atomic
def summary_reopen(*, summary: ChairSummary, by, role: Drafter, reason: str) -> ChairSummary:
    """Approved → draft, so that the text can change again. Side effects: the state, an audit
    row with the reason, an e-mail to the Chairs and the secretariat (but the one who reopened it)."""
    _refuse(permissions.reopen_refusal(summary, role))
    _move(summary, to=State.DRAFT, by=by, note=reason)
    recipients = [*_chair_emails(summary, besides=by), *secretariat_emails()]
    _notify(summary, "reopened", [address for address in recipients if address != by.email], by, reason)
    return summary


@transaction.atomic
def summary_publish(*, summary: ChairSummary, by, role: Drafter) -> CrpDocument:
    """Approved → published, with the rendered PDF of the approved text as the dialogue's CRP.

    Side effects: the document's publication (who, when: a compare-and-set, so it is
    published once), the summary's state with an audit row naming the symbol, an e-mail
    to the Chairs and to the focal points of the participating organisations. A document
    published before stays downloadable, superseded by this one.
    """
    _refuse(permissions.publish_refusal(summary, role))
    document = selectors.publishable_document(summary)
    now = timezone.now()
    published = CrpDocument.objects.filter(
        pk=document.pk, state=CrpState.SUCCEEDED, published_at__isnull=True
    ).update(published_at=now, published_by=by)
    if published != 1:
        raise TransitionNotAllowed(
            _("This document was published meanwhile; reload the page."), code="stale_state"
        )
    document.published_at, document.published_by = now, by
    _move(summary, to=State.PUBLISHED, by=by, note=document.symbol)
    record(document, by=by, from_state=CrpState.SUCCEEDED, to_state="published", note=document.symbol)
    recipients = [
        *_chair_emails(summary),
        *focal_point_emails(selectors.participating_organisations(summary.dialogue)),
    ]
    send_templated(
        "reports/email/published",
        sorted(set(recipients)),
        {
            "dialogue": later(str, summary.dialogue),
            "symbol": document.symbol,
            "url": absolute_reverse("reports:document_latest", args=[document_slug(summary.symbol)]),
        },
    )
    return document


def document_slug(symbol: str) -> str:
    """A symbol in a URL: its slashes made hyphens (CTOC-COP-WG.6-2022-CRP.2)."""
    return symbol.replace("/", "-")


# --- The CRP document ----------------------------------------------------------------
#
# "Generate PDF" stores a queued CrpDocument and, once the transaction has committed,
# asks a worker to render it (on the embedded default the task runs at once, inside the
# request). The worker claims the document with a lease; a task delivered twice renders
# once, and one redelivered after its worker died takes the expired lease over. A render
# that fails ends ``failed`` with a message; the documents before it stay as they were.

CRP_NEXT_STATES = {
    CrpState.QUEUED: frozenset({CrpState.RUNNING}),
    # running → running: another worker takes over an expired lease; → queued: the
    # periodic job hands an expired one back to the queue when no redelivery came.
    CrpState.RUNNING: frozenset({CrpState.RUNNING, CrpState.SUCCEEDED, CrpState.FAILED, CrpState.QUEUED}),
    CrpState.SUCCEEDED: frozenset(),
    CrpState.FAILED: frozenset(),
}


# Renders begun without an end (each worker died) before the periodic job gives up.
CRP_MAX_ATTEMPTS = 3
GIVEN_UP = gettext_lazy(
    "The PDF could not be made: the render stopped three times without finishing. The text may be "
    "too long to print; tell the secretariat."
)


def request_render(document_id: int) -> None:
    """Ask a worker to render the document. A broker that is down is logged, never raised:
    the document is stored as queued, and the periodic job hands it to a worker later."""
    from .tasks import render_crp

    try:
        render_crp.delay(document_id=document_id)
    except Exception:
        logger.warning(
            "Could not hand CRP document %s to a worker; the periodic job will.", document_id, exc_info=True
        )


@transaction.atomic
def crp_generate(*, summary: ChairSummary, by, role: Drafter) -> CrpDocument:
    """A document of the summary's current revision, queued for rendering.

    Side effects: one CrpDocument (queued) and an audit row, the render asked of a worker
    after commit. The same revision asked again gives the document already made or on its
    way (one render, one file), unless that one failed.
    """
    _refuse(permissions.generate_refusal(summary, role))
    symbol = selectors.next_crp_symbol(summary)
    revision = summary.current_revision
    existing = CrpDocument.objects.filter(revision=revision, symbol=symbol).exclude(state=CrpState.FAILED)
    if (document := existing.first()) is not None:
        return document
    try:
        with transaction.atomic():
            document = CrpDocument.objects.create(
                summary=summary,
                revision=revision,
                symbol=symbol,
                correction=_correction(symbol),
                requested_by=by,
            )
    except IntegrityError:
        # Two people asked at the same moment: the other's document is the one.
        return existing.get()
    record(document, by=by, from_state="", to_state=CrpState.QUEUED)
    transaction.on_commit(lambda: request_render(document.pk))
    return document


def _correction(symbol: str) -> int:
    match = re.search(r"/Rev\.(\d+)$", symbol)
    return int(match[1]) if match else 0


def crp_render(*, document_id: int) -> CrpDocument | None:
    """Render a queued document (the worker's part). Returns None when it is gone.

    Side effects: the claim (running, a lease, an audit row), the PDF stored under its
    SHA-256, then succeeded (file, hash, pages, size, time) or failed (message), each with
    an audit row. Does nothing when another worker holds the document or it is done.
    """
    document = CrpDocument.objects.select_related("revision__summary").filter(pk=document_id).first()
    if document is None:
        return None
    lease_for = datetime.timedelta(seconds=settings.CRP_RENDER_LEASE_SECONDS)
    if not claim(
        document,
        to=CrpState.RUNNING,
        lease_for=lease_for,
        next_states=CRP_NEXT_STATES,
        changes={"attempts": F("attempts") + 1, "started_at": timezone.now()},
    ):
        return document
    held = {"lease_until": document.lease_until}
    started = time.perf_counter()
    try:
        rendered = crp.summary_pdf(revision=document.revision, symbol=document.symbol)
        seconds = time.perf_counter() - started
        digest = hashlib.sha256(rendered.pdf).hexdigest()
        name = store_pdf(rendered.pdf, digest)
    except Exception as error:
        if is_transient(error):
            # Back to the queue, so that the task's retry (with backoff) claims it at once
            # rather than waiting for this lease to run out; then the retry.
            _release(document, held, error)
            raise
        logger.exception("CRP document %s could not be rendered", document.pk)
        transition(
            document,
            to=CrpState.FAILED,
            by=None,
            next_states=CRP_NEXT_STATES,
            where=held,
            note=type(error).__name__,
            changes={"finished_at": timezone.now(), "lease_until": None, "message": failure_message(error)},
        )
        return document
    transition(
        document,
        to=CrpState.SUCCEEDED,
        by=None,
        next_states=CRP_NEXT_STATES,
        where=held,
        changes={
            "file": name,
            "sha256": digest,
            "pages": rendered.pages,
            "size": len(rendered.pdf),
            "render_seconds": round(seconds, 3),
            "finished_at": timezone.now(),
            "lease_until": None,
        },
    )
    return document


def _release(document: CrpDocument, held: dict, error: Exception) -> None:
    try:
        transition(
            document,
            to=CrpState.QUEUED,
            by=None,
            next_states=CRP_NEXT_STATES,
            where=held,
            note=_("Interrupted (%(error)s): to be tried again.") % {"error": type(error).__name__},
            changes={"lease_until": None},
        )
    except Exception:
        # The database itself is away: the lease runs out, and the periodic job hands it on.
        logger.warning("CRP document %s could not be handed back to the queue", document.pk, exc_info=True)


def is_transient(error: Exception) -> bool:
    """An error a later try may not meet: the database or the storage was away a moment."""
    from django.db import InterfaceError, OperationalError

    return isinstance(error, OperationalError | InterfaceError | ConnectionError | TimeoutError)


def failure_message(error: Exception) -> str:
    """What a Chair reads when the PDF could not be made: what happened, and what to do."""
    return _(
        "The PDF could not be made (%(error)s). Check the text for problems listed beside the "
        "editor, then generate it again; if it fails again, tell the secretariat."
    ) % {"error": type(error).__name__}


def store_pdf(pdf: bytes, digest: str) -> str:
    """Store ``pdf`` under ``crp/<sha256>.pdf`` and return the name; whole or not at all.

    Named by its content, a file already there holds these very bytes. On a local disk
    the bytes go to a temporary name first and are moved into place in one step, so no
    reader ever fetches half a PDF; on remote storage (S3) an object appears only once its
    upload is complete.
    """
    name = f"crp/{digest}.pdf"
    if default_storage.exists(name):
        return name
    try:
        final_path = default_storage.path(name)
    except NotImplementedError:
        return default_storage.save(name, ContentFile(pdf))
    temporary = default_storage.save(f"crp/tmp/{uuid.uuid4().hex}.pdf", ContentFile(pdf))
    os.makedirs(os.path.dirname(final_path), exist_ok=True)
    os.replace(default_storage.path(temporary), final_path)
    return name


def crp_requeue_stale() -> int:
    """The periodic job: documents no worker is rendering go back to a worker.

    A running document whose lease ran out (its worker died, no redelivery came) is
    queued again; a queued one that waited past a lease (the broker was down when it was
    asked) is asked again. Returns how many were handed on.
    """
    now = timezone.now()
    lease = datetime.timedelta(seconds=settings.CRP_RENDER_LEASE_SECONDS)
    handed = []
    for document in CrpDocument.objects.filter(state=CrpState.RUNNING, lease_until__lt=now):
        # A render that killed its worker each time (or met an error each time) is given up.
        given_up = document.attempts >= CRP_MAX_ATTEMPTS
        try:
            transition(
                document,
                to=CrpState.FAILED if given_up else CrpState.QUEUED,
                by=None,
                next_states=CRP_NEXT_STATES,
                where={"lease_until": document.lease_until},
                note=_("The lease had run out: queued again.") if not given_up else "",
                changes={"lease_until": None, "finished_at": now, "message": str(GIVEN_UP)}
                if given_up
                else {"lease_until": None},
            )
        except TransitionNotAllowed:
            continue  # a worker took it over meanwhile
        if not given_up:
            handed.append(document.pk)
    waiting = CrpDocument.objects.filter(state=CrpState.QUEUED, requested_at__lt=now - lease)
    handed.extend(waiting.exclude(pk__in=handed).values_list("pk", flat=True))
    for pk in handed:
        request_render(pk)
    return len(handed)
