"""Every change to written comments: drafts, submission, moderation and publication."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dialogue_portal import locks
from dialogue_portal.mail import send_templated
from dialogue_portal.transitions import TransitionNotAllowed, record, save_in_state, transition
from sessions.models import Dialogue
from stakeholders.models import Accreditation, Organisation

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
    if not organisation.accreditations.filter(state=Accreditation.State.ADMITTED).exists():
        return _("Only organisations admitted as observers can send written comments.")
    if now > dialogue.comments_deadline:
        return _("Written comments for this dialogue closed on %(deadline)s.") % {
            "deadline": date_format(
                timezone.localtime(dialogue.comments_deadline, dialogue.zone), "j F Y, H:i T"
            )
        }
    if dialogue.state != Dialogue.State.OPEN:
        return _("This dialogue is not open for written comments (it is %(state)s).") % {
            "state": dialogue.get_state_display()
        }
    return None


def _check_details(comment: WrittenComment) -> None:
    errors: dict[str, list[str]] = {}
    try:
        check_length(comment.body, comment.language)
    except ValidationError as exc:
        errors["body"] = exc.messages
    if comment.agenda_item_id and comment.agenda_item.dialogue_id != comment.dialogue_id:
        errors["agenda_item"] = [_("Choose an agenda item of this dialogue.")]
    if errors:
        raise ValidationError(errors)


def _attach(comment: WrittenComment, uploads: Iterable[UploadedFile]) -> None:
    uploads = list(uploads)
    if not uploads:
        return
    limit = settings.WRITTEN_COMMENT_MAX_ATTACHMENTS
    if comment.attachments.count() + len(uploads) > limit:
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
    if errors:
        raise ValidationError({"attachments": errors})
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
    remove_attachments: Iterable[int] = (),
    **fields: Any,
) -> WrittenComment:
    """Create or change a draft (any number of times before it is submitted).

    A new comment made from a form with ``form_token`` is made once: the same form sent
    again returns the comment the first sending made, unchanged. A change is written only
    while the comment is still a draft in the database: if it was submitted or withdrawn
    meanwhile (in another tab), the change is refused and nothing is written.
    Side effects: the WrittenComment row (only its editable columns, for a change);
    attachments checked then stored under a random name (none stored when one is refused);
    the removed ones deleted with their files.
    """
    refusal = comments_refusal(organisation=organisation, dialogue=dialogue)
    if refusal:
        raise ValidationError(refusal)
    if comment is None and form_token:
        sent_before = _made_by_form(organisation, form_token)
        if sent_before:
            return sent_before
    if comment is None:
        comment = WrittenComment(
            organisation=organisation, dialogue=dialogue, author=by, form_token=form_token
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
        record(comment, by=by, from_state="", to_state=comment.state)
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
    _attach(comment, attachments)
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
def comment_submit(*, comment: WrittenComment, by: Any) -> WrittenComment:
    """Submit a draft: it gets its tracking number and its received time.

    Submitting the same draft twice (a double click, a resent form) gives one submission:
    the second call returns the comment as the first left it.
    Side effects: state ``submitted``, tracking number WC-<year>-<dialogue>-<sequence>
    (gapless per dialogue, under a lock), one audit row, a receipt e-mailed to the submitter.
    """
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
    refusal = comments_refusal(organisation=comment.organisation, dialogue=comment.dialogue)
    if refusal:
        raise ValidationError(refusal)
    _check_details(comment)
    now = timezone.now()
    last = WrittenComment.objects.filter(dialogue=comment.dialogue_id).aggregate(last=Max("sequence"))["last"]
    sequence = (last or 0) + 1
    tracking = f"WC-{timezone.localtime(now).year}-{comment.dialogue_id}-{sequence}"
    transition(
        comment,
        to=State.SUBMITTED,
        by=by,
        next_states=NEXT_STATES,
        changes={"sequence": sequence, "tracking_number": tracking, "received_at": now},
    )
    send_templated(
        "submissions/email/comment_received",
        _submitters(comment),
        {
            "tracking_number": tracking,
            "title": comment.title,
            "organisation": comment.organisation.name,
            "dialogue": str(comment.dialogue),
            "received": date_format(timezone.localtime(now), "j F Y, H:i T"),
            "consent": comment.consent_to_publish,
            "url": settings.SITE_URL
            + reverse("submissions:mine", args=[comment.organisation_id, comment.pk]),
        },
    )
    return comment


def _submitters(comment: WrittenComment) -> list[str]:
    """Who hears about a comment: the person who sent it, or the focal points once they are gone."""
    if comment.author_id and comment.author.email:
        return [comment.author.email]
    return list(comment.organisation.focal_points.values_list("user__email", flat=True))


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
            "url": settings.SITE_URL
            + reverse("submissions:mine", args=[comment.organisation_id, comment.pk]),
            "public_url": settings.SITE_URL + reverse("submissions:detail", args=[comment.pk]),
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
def comment_publish(*, comment: WrittenComment, by: Any, anonymously: bool = False) -> WrittenComment:
    """Publish a submitted comment on the public page, with or without the organisation's name.

    Refused without the organisation's consent; without its name only when it asked.
    Side effects: state ``published``, the published time, the search vector; one audit
    row; e-mail to the submitter.
    """
    refusal = publish_refusal(comment, anonymously=anonymously)
    if refusal:
        raise ValidationError(refusal)
    transition(
        comment,
        to=State.PUBLISHED,
        by=by,
        next_states=NEXT_STATES,
        note=_("Without the organisation's name.") if anonymously else "",
        changes={"published_at": timezone.now(), "published_anonymously": anonymously},
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
