"""Every change to written comments: drafts, submission, moderation and publication."""

import contextlib
import dataclasses
import datetime
import uuid
from collections.abc import Iterable
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from dialogue_portal import dates, locks, mail
from dialogue_portal.links import absolute_reverse
from dialogue_portal.mail import later, send_templated
from dialogue_portal.transitions import TransitionNotAllowed, record, save_in_state, transition
from sessions.models import Dialogue
from stakeholders import selectors as stakeholder_selectors
from stakeholders.models import Organisation

from .models import SEARCH_CONFIGURATIONS, Attachment, WrittenComment
from .permissions import publish_refusal
from .validation import check_attachment, check_length

State = WrittenComment.State

NEXT_STATES = {
    State.DRAFT: frozenset({State.SUBMITTED, State.WITHDRAWN}),
    State.SUBMITTED: frozenset({State.PUBLISHED, State.REJECTED, State.WITHDRAWN}),
    State.PUBLISHED: frozenset({State.UNPUBLISHED}),
    State.REJECTED: frozenset(),
    State.WITHDRAWN: frozenset(),
    State.UNPUBLISHED: frozenset(),
}

EDITABLE_FIELDS = (
    "title",
    "body",
    "language",
    "agenda_item",
    "cluster",
    "consent_to_publish",
    "anonymity_requested",
)


def comments_refusal(*, organisation: Organisation, dialogue: Dialogue, now=None) -> str | None:
    """Why ``organisation`` cannot send a comment for ``dialogue`` now, or None."""
    now = now or timezone.now()
    if stakeholder_selectors.participation_bar(organisation=organisation):
        return _("Only organisations admitted as observers can send written comments.")
    if now > dialogue.comments_deadline:
        return _("Written comments for this dialogue closed on %(deadline)s.") % {
            "deadline": dates.with_zone(timezone.localtime(dialogue.comments_deadline, dialogue.zone))
        }
    if dialogue.state != Dialogue.State.OPEN:
        return _("This dialogue is not open for written comments (it is %(state)s).") % {
            "state": dialogue.get_state_display()
        }
    return None


# A comment received by e-mail may be recorded once the dialogue opened, and after it closed
# or was held (with the date it was received, before the deadline).
RECORDABLE_DIALOGUE_STATES = frozenset({Dialogue.State.OPEN, Dialogue.State.CLOSED, Dialogue.State.HELD})


def received_refusal(
    *, organisation: Organisation, dialogue: Dialogue, received_at: datetime.datetime, now=None
) -> ValidationError | None:
    """Why the secretariat cannot record a comment of ``organisation`` received at
    ``received_at`` (by e-mail), or None. The focal points' rule, with the time it was
    received in place of now: received by the deadline, whenever it is recorded."""
    now = now or timezone.now()
    if stakeholder_selectors.participation_bar(organisation=organisation):
        return ValidationError(_("Only organisations admitted as observers can send written comments."))
    if dialogue.state not in RECORDABLE_DIALOGUE_STATES:
        return ValidationError(
            _("This dialogue is not open for written comments (it is %(state)s).")
            % {"state": dialogue.get_state_display()}
        )
    if received_at > now:
        return ValidationError({"received_at": [_("The date received cannot be in the future.")]})
    if received_at > dialogue.comments_deadline:
        return ValidationError(
            {
                "received_at": [
                    _(
                        "Written comments for this dialogue closed on %(deadline)s: "
                        "a comment received after it cannot be recorded."
                    )
                    % {"deadline": _deadline_text(dialogue)}
                ]
            }
        )
    return None


def _deadline_text(dialogue: Dialogue) -> str:
    return dates.with_zone(timezone.localtime(dialogue.comments_deadline, dialogue.zone))


def _refuse_unless_allowed(
    organisation: Organisation, dialogue: Dialogue, received_at: datetime.datetime | None
) -> None:
    if received_at is None:
        refusal = comments_refusal(organisation=organisation, dialogue=dialogue)
        if refusal:
            raise ValidationError(refusal)
        return
    error = received_refusal(organisation=organisation, dialogue=dialogue, received_at=received_at)
    if error is not None:
        raise error


def _check_details(comment: WrittenComment) -> None:
    errors: dict[str, list[str]] = {}
    try:
        check_length(comment.body, comment.language)
    except ValidationError as exc:
        errors["body"] = exc.messages
    if comment.agenda_item_id and comment.agenda_item.dialogue_id != comment.dialogue_id:
        errors["agenda_item"] = [_("Choose an agenda item of this dialogue.")]
    elif comment.agenda_item_id and comment.cluster:
        # The forms offer one choice for both; a caller of its own may not set both.
        errors["agenda_item"] = [_("Choose an agenda item or a cluster, not both.")]
    if errors:
        raise ValidationError(errors)


# --- Files kept from a refused save ---------------------------------------------------------
# A save refused for another reason (a missing title, a word too many) must not make the
# focal point choose the files again, which no browser keeps: each file that passed its
# checks is stored at once under a random name, and the page carries a signed note of it
# (never a path the browser chose), which the next save turns into an attachment.

KEPT_SALT = "submissions.kept-file"
KEPT_FOLDER = "attachments/kept"
# Long enough for a person to correct the form; a note older than that is refused.
KEPT_MAX_AGE = datetime.timedelta(days=2)


@dataclasses.dataclass(frozen=True)
class KeptFile:
    """An upload that passed its checks, stored, not yet an attachment."""

    name: str
    original_name: str
    kind: str
    size: int

    def sign(self, *, organisation: Organisation) -> str:
        return signing.dumps(
            {"n": self.name, "o": self.original_name, "k": self.kind, "s": self.size, "org": organisation.pk},
            salt=KEPT_SALT,
            compress=True,
        )

    @classmethod
    def unsign(cls, value: str, *, organisation: Organisation) -> "KeptFile":
        """The kept file a signed note names, for this organisation only; ValidationError otherwise."""
        try:
            data = signing.loads(value, salt=KEPT_SALT, max_age=KEPT_MAX_AGE)
        except signing.BadSignature:
            raise ValidationError(_("A kept file has expired: choose it again.")) from None
        if data.get("org") != organisation.pk or not str(data.get("n", "")).startswith(f"{KEPT_FOLDER}/"):
            raise ValidationError(_("A kept file has expired: choose it again."))
        return cls(name=data["n"], original_name=data["o"], kind=data["k"], size=data["s"])


def _storage():
    return Attachment.file.field.storage


def attachments_keep(*, uploads: Iterable[UploadedFile], room: int) -> tuple[list[KeptFile], list[str]]:
    """Check each upload; store those that pass (at most ``room`` of them) to be attached
    by the next save. Returns the kept files and the refusals of the others.

    Side effects: the files kept, under ``attachments/kept/`` with a random name.
    """
    kept: list[KeptFile] = []
    refused: list[str] = []
    for upload in uploads:
        try:
            kind = check_attachment(upload)
        except ValidationError as exc:
            refused.extend(exc.messages)
            continue
        if len(kept) >= room:
            continue
        upload.seek(0)
        name = _storage().save(f"{KEPT_FOLDER}/{uuid.uuid4().hex}.{kind}", upload)
        kept.append(
            KeptFile(name=name, original_name=PurePath(upload.name).name[:255], kind=kind, size=upload.size)
        )
    return kept, refused


def attachments_sweep_kept(*, now: datetime.datetime | None = None) -> int:
    """Delete the kept files no save took before their notes expired: the forms they were
    kept for were left. Returns how many were deleted.

    Side effects: those files deleted from the media storage.
    """
    storage = _storage()
    try:
        _folders, names = storage.listdir(KEPT_FOLDER)
    except FileNotFoundError:
        return 0
    # An hour past the notes' age: a save that read a note just before it expired is done.
    cutoff = (now or timezone.now()) - KEPT_MAX_AGE - datetime.timedelta(hours=1)
    taken = set(Attachment.objects.filter(file__startswith=f"{KEPT_FOLDER}/").values_list("file", flat=True))
    deleted = 0
    for name in names:
        path = f"{KEPT_FOLDER}/{name}"
        if path in taken:
            continue
        try:
            modified = storage.get_modified_time(path)
        except (OSError, NotImplementedError):
            continue
        if modified < cutoff:
            storage.delete(path)
            deleted += 1
    return deleted


def _attach(comment: WrittenComment, uploads: Iterable[UploadedFile], kept: Iterable[KeptFile] = ()) -> None:
    uploads = list(uploads)
    kept = [item for item in kept if not comment.attachments.filter(file=item.name).exists()]
    if not uploads and not kept:
        return
    limit = settings.WRITTEN_COMMENT_MAX_ATTACHMENTS
    if comment.attachments.count() + len(uploads) + len(kept) > limit:
        raise ValidationError(
            {"attachments": [_("At most %(limit)d attachments per comment.") % {"limit": limit}]}
        )
    # Every file is checked before any is stored: a refusal leaves nothing under MEDIA_ROOT.
    checked = []
    errors = []
    for upload in uploads:
        try:
            checked.append((upload, check_attachment(upload)))
        except ValidationError as exc:
            errors.extend(exc.messages)
    for item in kept:
        if not _storage().exists(item.name):
            errors.append(_("A kept file has expired: choose it again."))
    if errors:
        raise ValidationError({"attachments": errors})
    for item in kept:
        # Already stored and checked when it was kept: the row is all it needs.
        Attachment.objects.create(
            comment=comment, file=item.name, original_name=item.original_name, kind=item.kind, size=item.size
        )
    stored = []
    try:
        for upload, kind in checked:
            attachment = Attachment(
                comment=comment, original_name=upload.name[:255], kind=kind, size=upload.size
            )
            attachment.file.save(upload.name, upload, save=False)
            stored.append(attachment.file.name)
            attachment.save()
    except Exception:
        for name in stored:
            Attachment.file.field.storage.delete(name)
        raise


@transaction.atomic
def comment_save_draft(
    *,
    organisation: Organisation,
    dialogue: Dialogue,
    by: Any,
    comment: WrittenComment | None = None,
    form_token: str = "",
    attachments: Iterable[UploadedFile] = (),
    kept_files: Iterable[KeptFile] = (),
    remove_attachments: Iterable[int] = (),
    on_behalf: bool = False,
    received_at: datetime.datetime | None = None,
    **fields: Any,
) -> WrittenComment:
    """Create or change a draft (any number of times before it is submitted).

    ``on_behalf``: the secretariat (``by``) writes down a comment the organisation sent by
    e-mail, ``received_at``; the focal points' deadline then applies to that time, not to
    now, and the comment has no author (it is the organisation's; the audit row names who
    recorded it). ``kept_files``: files kept from a refused save (:func:`attachments_keep`).

    A new comment made from a form with ``form_token`` is made once: the same form sent
    again returns the comment the first sending made, unchanged. A change is written only
    while the comment is still a draft in the database: if it was submitted or withdrawn
    meanwhile (in another tab), the change is refused and nothing is written.
    Side effects: the WrittenComment row (only its editable columns, for a change);
    attachments checked then stored under a random name (none stored when one is refused);
    the removed ones deleted with their files; the kept files become attachments.
    """
    if on_behalf and received_at is None:
        raise ValidationError({"received_at": [_("Give the date the comment was received.")]})
    _refuse_unless_allowed(organisation, dialogue, received_at if on_behalf else None)
    if comment is None and form_token:
        sent_before = _made_by_form(organisation, form_token)
        if sent_before:
            return sent_before
    if comment is None:
        comment = WrittenComment(
            organisation=organisation,
            dialogue=dialogue,
            author=None if on_behalf else by,
            form_token=form_token,
        )
    elif comment.state != State.DRAFT:
        raise _moved_meanwhile(comment)
    for name in EDITABLE_FIELDS:
        if name in fields:
            setattr(comment, name, fields[name])
    _check_details(comment)
    comment.full_clean(exclude=["author", "search_vector", "form_token"])
    # Attachments are stored last, once everything else holds: nothing after them can fail
    # but the commit itself.
    if comment.pk is None:
        try:
            with transaction.atomic():
                comment.save()
        except IntegrityError:
            # The same form, sent twice at the same moment: the other sending made it.
            sent_before = _made_by_form(organisation, form_token) if form_token else None
            if sent_before is None:
                raise
            return sent_before
        record(
            comment,
            by=by,
            from_state="",
            to_state=comment.state,
            on_behalf_of=organisation.name if on_behalf else "",
            occurred_at=received_at if on_behalf else None,
        )
    else:
        try:
            save_in_state(comment, fields=EDITABLE_FIELDS, states=[State.DRAFT])
        except TransitionNotAllowed:
            raise _moved_meanwhile(comment) from None
    for attachment in comment.attachments.filter(pk__in=list(remove_attachments)):
        # The file goes only once the removal is committed: a refusal later in this save
        # rolls the row back, and its file must still be there.
        name, storage = attachment.file.name, attachment.file.storage
        attachment.delete()
        transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
    _attach(comment, attachments, kept_files)
    return comment


def _made_by_form(organisation: Organisation, form_token: str) -> WrittenComment | None:
    return WrittenComment.objects.filter(organisation=organisation, form_token=form_token).first()


def _moved_meanwhile(comment: WrittenComment) -> ValidationError:
    state = WrittenComment.objects.filter(pk=comment.pk).values_list("state", flat=True).first()
    label = State(state).label if state else _("deleted")
    return ValidationError(
        _(
            "This comment was %(state)s meanwhile (perhaps in another tab), so these changes were "
            "not saved. What you typed is kept below: copy it before you leave the page."
        )
        % {"state": label},
        code="stale_state",
    )


@transaction.atomic
def comment_submit(
    *,
    comment: WrittenComment,
    by: Any,
    on_behalf: bool = False,
    received_at: datetime.datetime | None = None,
) -> WrittenComment:
    """Submit a draft: it gets its tracking number and its received time.

    Submitting the same draft twice (a double click, a resent form) gives one submission:
    the second call returns the comment as the first left it. ``on_behalf``: the
    secretariat (``by``) records a comment the organisation sent by e-mail, received at
    ``received_at`` (by the deadline, which may have passed since); the receipt then goes
    to the organisation's focal points.
    Side effects: state ``submitted``, tracking number WC-<year received>-<dialogue>-<sequence>
    (gapless per dialogue, under a lock), one audit row (on behalf of the organisation, at
    the time received), a receipt e-mailed to the submitter (none inside ``mail.withheld()``).
    """
    if on_behalf and received_at is None:
        raise ValidationError({"received_at": [_("Give the date the comment was received.")]})
    locks.hold(f"comments:{comment.dialogue_id}")
    # The row lock makes a save of the draft that is under way finish first: what is
    # submitted (and named in the receipt) is what was saved.
    comment = (
        WrittenComment.objects.select_for_update(of=("self",))
        .select_related("dialogue", "organisation")
        .get(pk=comment.pk)
    )
    if comment.state == State.SUBMITTED:
        return comment
    _refuse_unless_allowed(comment.organisation, comment.dialogue, received_at if on_behalf else None)
    _check_details(comment)
    now = received_at if on_behalf else timezone.now()
    last = WrittenComment.objects.filter(dialogue=comment.dialogue_id).aggregate(last=Max("sequence"))["last"]
    sequence = (last or 0) + 1
    # The year it was received: a comment on a 2023 dialogue, recorded in 2026, is a 2023 one.
    tracking = f"WC-{timezone.localtime(now).year}-{comment.dialogue_id}-{sequence}"
    transition(
        comment,
        to=State.SUBMITTED,
        by=by,
        next_states=NEXT_STATES,
        changes={"sequence": sequence, "tracking_number": tracking, "received_at": now},
        on_behalf_of=comment.organisation.name if on_behalf else "",
        occurred_at=received_at if on_behalf else None,
    )
    send_templated(
        "submissions/email/comment_received",
        _submitters(comment),
        {
            "tracking_number": tracking,
            "title": comment.title,
            "organisation": comment.organisation.name,
            "dialogue": later(str, comment.dialogue),
            "received": later(dates.with_zone, timezone.localtime(now)),
            "consent": comment.consent_to_publish,
            "url": absolute_reverse("submissions:mine", args=[comment.organisation_id, comment.pk]),
        },
    )
    return comment


def comment_receipt_recipients(comment: WrittenComment) -> list[str]:
    """Who hears about a comment (its receipt, its publication): the person who sent it, or
    the organisation's focal points when it has no author (recorded by the secretariat, or
    the author's account gone)."""
    return _submitters(comment)


def _submitters(comment: WrittenComment) -> list[str]:
    """Who hears about a comment: the person who sent it, or the focal points once they are gone."""
    if comment.author_id and comment.author.email:
        return [comment.author.email]
    return stakeholder_selectors.focal_point_emails(comment.organisation)


def _notify(comment: WrittenComment, template: str) -> None:
    send_templated(
        template,
        _submitters(comment),
        {
            "tracking_number": comment.tracking_number,
            "title": comment.title,
            "state": comment.state,
            "reason": comment.reason,
            "anonymous": comment.published_anonymously,
            "url": absolute_reverse("submissions:mine", args=[comment.organisation_id, comment.pk]),
            "public_url": absolute_reverse("submissions:detail", args=[comment.pk]),
        },
    )


@transaction.atomic
def comment_withdraw(*, comment: WrittenComment, by: Any) -> WrittenComment:
    """Withdraw a draft or a submitted comment, before publication.

    Side effects: state ``withdrawn``, one audit row.
    """
    transition(comment, to=State.WITHDRAWN, by=by, next_states=NEXT_STATES)
    return comment


def update_search_vector(comment: WrittenComment) -> None:
    """The stored search vector, in the comment's language, title weighted above body (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        return
    from django.contrib.postgres.search import SearchVector
    from django.db.models import Value

    config = Value(SEARCH_CONFIGURATIONS.get(comment.language, "simple"))
    WrittenComment.objects.filter(pk=comment.pk).update(
        search_vector=SearchVector("title", weight="A", config=config)
        + SearchVector("body", weight="B", config=config)
    )


@transaction.atomic
def comment_publish(
    *,
    comment: WrittenComment,
    by: Any,
    anonymously: bool = False,
    published_at: datetime.datetime | None = None,
) -> WrittenComment:
    """Publish a submitted comment on the public page, with or without the organisation's name.

    Refused without the organisation's consent; without its name only when it asked.
    ``published_at``: when it really was published, for a comment recorded after the fact
    (not before it was received, not in the future).
    Side effects: state ``published``, the published time, the search vector; one audit
    row (at ``published_at``); e-mail to the submitter (none inside ``mail.withheld()``).
    """
    if published_at is not None:
        if published_at > timezone.now():
            raise ValidationError({"published_at": [_("The date published cannot be in the future.")]})
        if comment.received_at and published_at < comment.received_at:
            raise ValidationError(
                {"published_at": [_("The date published cannot be before the date received.")]}
            )
    refusal = publish_refusal(comment, anonymously=anonymously)
    if refusal:
        raise ValidationError(refusal)
    transition(
        comment,
        to=State.PUBLISHED,
        by=by,
        next_states=NEXT_STATES,
        note=_("Without the organisation's name.") if anonymously else "",
        changes={"published_at": published_at or timezone.now(), "published_anonymously": anonymously},
        occurred_at=published_at,
    )
    update_search_vector(comment)
    _notify(comment, "submissions/email/comment_decided")
    return comment


def _reasoned(
    comment: WrittenComment, *, to: str, by: Any, reason: str, changes: dict | None = None
) -> WrittenComment:
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason; the submitter reads it.")]})
    transition(
        comment,
        to=to,
        by=by,
        next_states=NEXT_STATES,
        note=reason.strip(),
        changes={"reason": reason.strip(), **(changes or {})},
    )
    _notify(comment, "submissions/email/comment_decided")
    return comment


@transaction.atomic
def comment_reject(*, comment: WrittenComment, by: Any, reason: str) -> WrittenComment:
    """Reject a submitted comment; the reason is shown to the submitter.

    Side effects: state ``rejected``, one audit row, e-mail to the submitter.
    """
    return _reasoned(comment, to=State.REJECTED, by=by, reason=reason)


@transaction.atomic
def comment_unpublish(*, comment: WrittenComment, by: Any, reason: str) -> WrittenComment:
    """Take a published comment off the public page; the reason is shown to the submitter.

    Side effects: state ``unpublished``, one audit row, e-mail to the submitter.
    """
    return _reasoned(comment, to=State.UNPUBLISHED, by=by, reason=reason)


PUBLISH = "publish"
PUBLISH_ANONYMOUSLY = "publish-anonymously"


@transaction.atomic
def comment_record_received(
    *,
    organisation: Organisation,
    dialogue: Dialogue,
    by: Any,
    received_at: datetime.datetime,
    form_token: str = "",
    attachments: Iterable[UploadedFile] = (),
    kept_files: Iterable[KeptFile] = (),
    publication: str = "",
    published_at: datetime.datetime | None = None,
    **fields: Any,
) -> WrittenComment:
    """The secretariat records a comment the organisation sent by e-mail: the focal points'
    services, in one transaction, on the organisation's behalf and at the time received.

    For a dialogue already held (recorded after the fact) it may also be recorded as
    published (``publication`` "publish" or "publish-anonymously", at ``published_at``),
    and nobody is e-mailed; for a live dialogue the receipt goes to the focal points and
    publication is decided on the comment's page, as for any other.
    Side effects: those of comment_save_draft, comment_submit and comment_publish.
    """
    after_the_fact = dialogue.state == Dialogue.State.HELD
    if publication and not after_the_fact:
        raise ValidationError(
            {"publication": [_("Publish a comment of a dialogue not yet held from its own page.")]}
        )
    if publication and published_at is None:
        raise ValidationError({"published_at": [_("Give the date the comment was published.")]})
    withheld = mail.withheld() if after_the_fact else contextlib.nullcontext()
    with withheld:
        comment = comment_save_draft(
            organisation=organisation,
            dialogue=dialogue,
            by=by,
            form_token=form_token,
            attachments=attachments,
            kept_files=kept_files,
            on_behalf=True,
            received_at=received_at,
            **fields,
        )
        if comment.state != State.DRAFT:
            return comment  # the same form sent again: recorded by its first sending
        comment = comment_submit(comment=comment, by=by, on_behalf=True, received_at=received_at)
        if publication:
            comment = comment_publish(
                comment=comment,
                by=by,
                anonymously=publication == PUBLISH_ANONYMOUSLY,
                published_at=published_at,
            )
    return comment
