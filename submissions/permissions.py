"""Who may see which written comments and attachments: decided here only.

Anything not published answers 404 to everyone but its organisation's focal points and
the secretariat, whatever URL is guessed.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from dialogue_portal.roles import is_secretariat
from sessions.selectors import ordinal_of_dialogue
from stakeholders.permissions import get_organisation_for_focal_point

from .models import Attachment, WrittenComment


def _with_dialogue_ordinal(comment: WrittenComment) -> WrittenComment:
    # Annotated in the comment's own query: the pages title its dialogue by its ordinal.
    comment.dialogue.ordinal = comment.dialogue_ordinal
    return comment


def get_comment_for_focal_point(user, organisation_pk: int, pk: int) -> WrittenComment:
    organisation = get_organisation_for_focal_point(user, organisation_pk)
    return _with_dialogue_ordinal(
        get_object_or_404(
            WrittenComment.objects.select_related(
                "dialogue__session__working_group", "organisation", "agenda_item"
            ).annotate(dialogue_ordinal=ordinal_of_dialogue()),
            organisation=organisation,
            pk=pk,
        )
    )


def get_comment_for_secretariat(user, pk: int) -> WrittenComment:
    if not is_secretariat(user):
        raise Http404
    return _with_dialogue_ordinal(
        get_object_or_404(
            WrittenComment.objects.select_related(
                "dialogue__session__working_group", "organisation", "agenda_item", "author"
            ).annotate(dialogue_ordinal=ordinal_of_dialogue()),
            pk=pk,
        )
    )


def get_published_comment(pk: int) -> WrittenComment:
    return _with_dialogue_ordinal(
        get_object_or_404(
            WrittenComment.objects.published()
            .select_related("dialogue__session__working_group", "organisation", "agenda_item")
            .annotate(dialogue_ordinal=ordinal_of_dialogue()),
            pk=pk,
        )
    )


def get_attachment_for_user(user, pk: int) -> Attachment:
    """A published comment's attachment for anyone; any other only for its organisation or the secretariat."""
    attachment = get_object_or_404(Attachment.objects.select_related("comment"), pk=pk)
    comment = attachment.comment
    if comment.state == WrittenComment.State.PUBLISHED or is_secretariat(user):
        return attachment
    if user.is_authenticated and comment.organisation.focal_points.filter(user=user).exists():
        return attachment
    raise Http404


# --- What the secretariat may decide on a comment -------------------------------------
# One predicate per decision, asked by the page (to offer it) and by the service (to
# refuse it), so that the two cannot disagree.


def publish_refusal(comment: WrittenComment, *, anonymously: bool = False) -> str | None:
    """Why the comment cannot be published (so) (``None`` when it can)."""
    from django.utils.translation import gettext as _

    if not comment.consent_to_publish:
        return _("The organisation did not consent to publication: the comment is read, never published.")
    if anonymously and not comment.anonymity_requested:
        return _("The organisation did not ask to be published without its name.")
    return None


def can_publish(comment: WrittenComment) -> bool:
    return publish_refusal(comment) is None


def can_publish_anonymously(comment: WrittenComment) -> bool:
    return publish_refusal(comment, anonymously=True) is None
