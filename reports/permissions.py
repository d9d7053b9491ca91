"""Who may read and change a Chair's summary: decided here only.

A summary and its revisions are the dialogue's Chairs' and the secretariat's until they
are published; everyone else gets 404, exactly as for a dialogue with no summary. Each
move has one predicate, asked by the page (to offer it) and by the service (to refuse
it), so the two cannot disagree; each returns why not, or None.
"""

from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from dialogue_portal.roles import is_secretariat
from sessions.models import Dialogue
from sessions.selectors import with_ordinals

from .models import ChairSummary, CrpDocument, SummaryRevision

State = ChairSummary.State


@dataclass(frozen=True)
class Drafter:
    """What the user is to this dialogue's summary."""

    user: object
    is_chair: bool
    is_secretariat: bool


def drafter(user, dialogue: Dialogue) -> Drafter | None:
    """The user as a drafter of this dialogue's summary, or None when they are not one."""
    if not user.is_authenticated:
        return None
    chair = dialogue.chairs.filter(user=user).exists()
    secretariat = is_secretariat(user)
    if not (chair or secretariat):
        return None
    return Drafter(user=user, is_chair=chair, is_secretariat=secretariat)


def get_summary_for_user(user, dialogue_pk: int) -> tuple[Dialogue, ChairSummary | None, Drafter]:
    """The dialogue (with its ordinal), its summary if started, and the user's part in it; else 404.

    A cancelled dialogue has no summary to write.
    """
    dialogue = get_object_or_404(
        with_ordinals(Dialogue.objects.select_related("session__working_group")).exclude(
            state=Dialogue.State.CANCELLED
        ),
        pk=dialogue_pk,
    )
    role = drafter(user, dialogue)
    if role is None:
        raise Http404
    summary = (
        ChairSummary.objects.select_related("current_revision__author").filter(dialogue=dialogue).first()
    )
    if summary is not None:
        summary.dialogue = dialogue
        summary.drafter = role
    return dialogue, summary, role


def get_revision_for_user(user, dialogue_pk: int, number: int) -> tuple[ChairSummary, SummaryRevision]:
    dialogue, summary, _role = get_summary_for_user(user, dialogue_pk)
    if summary is None:
        raise Http404
    revision = get_object_or_404(
        SummaryRevision.objects.select_related("author"), summary=summary, number=number
    )
    return summary, revision


# --- The moves --------------------------------------------------------------------------


def edit_refusal(summary: ChairSummary | None, role: Drafter) -> str | None:
    """Chairs and the secretariat edit a draft; in review, the secretariat; approved, nobody."""
    state = summary.state if summary is not None else State.DRAFT
    if state == State.DRAFT:
        return None
    if state == State.IN_REVIEW:
        if role.is_secretariat:
            return None
        return _("The summary is with the secretariat for review: it can be edited again once sent back.")
    if state == State.APPROVED:
        return _("The summary is approved and read-only: reopen it to edit it.")
    return _("The summary is published: it no longer changes.")


def editable_states(role: Drafter) -> frozenset[str]:
    """The states in which this user's save may land: the compare-and-set's condition."""
    return frozenset({State.DRAFT, State.IN_REVIEW}) if role.is_secretariat else frozenset({State.DRAFT})


def send_for_review_refusal(summary: ChairSummary, role: Drafter) -> str | None:
    if summary.current_revision is None or not summary.current_revision.text.strip():
        return _("The summary is empty: write it before sending it for review.")
    return None


def send_back_refusal(summary: ChairSummary, role: Drafter) -> str | None:
    if not role.is_secretariat:
        return _("Only the secretariat sends a summary back from review.")
    # Reopening leads to a draft too: the lifecycle's NEXT_STATES alone would let an
    # approved summary be "sent back", without a Chair's reopening.
    if not summary.is_in_review:
        return _("Only a summary in review can be sent back.")
    return None


def approve_refusal(summary: ChairSummary, role: Drafter) -> str | None:
    if not role.is_chair:
        return _("Only a Chair of the dialogue approves its summary.")
    # The secretariat may have emptied it in review: an empty text is no summary to approve.
    if summary.current_revision is None or not summary.current_revision.text.strip():
        return _("The summary is empty: there is nothing to approve.")
    return None


def reopen_refusal(summary: ChairSummary, role: Drafter) -> str | None:
    # Sending back leads to a draft too: NEXT_STATES alone would let a summary in review
    # be "reopened", past the secretariat's review.
    if not (summary.is_approved or summary.is_published):
        return _("Only an approved or published summary can be reopened.")
    # A published CRP is corrected by a revision (/Rev.1): the secretariat decides that.
    if summary.is_published and not role.is_secretariat:
        return _("Only the secretariat reopens a published summary, to publish a corrected revision.")
    return None


def symbol_refusal(summary: ChairSummary, role: Drafter) -> str | None:
    if not role.is_secretariat:
        return _("Only the secretariat sets the document symbol.")
    # Once a CRP is out under it, a symbol is the document's name for good: corrections
    # print it with /Rev.1.
    if summary.is_published or CrpDocument.objects.filter(summary=summary).published().exists():
        return _("The summary is published: its symbol no longer changes.")
    return None


def restore_refusal(summary: ChairSummary, role: Drafter) -> str | None:
    return edit_refusal(summary, role)


# --- The CRP document -------------------------------------------------------------------


def generate_refusal(summary: ChairSummary | None, role: Drafter) -> str | None:
    """A PDF of any saved text, in any state: the Chairs preview their draft as it prints."""
    if summary is None or summary.current_revision is None or not summary.current_revision.text.strip():
        return _("The summary is empty: save its text before making its PDF.")
    if not summary.symbol:
        return _("The summary has no document symbol yet: the secretariat sets it before the PDF is made.")
    return None


def publish_refusal(summary: ChairSummary, role: Drafter) -> str | None:
    from .selectors import publishable_document

    if not role.is_secretariat:
        return _("Only the secretariat publishes a Conference Room Paper.")
    if not summary.is_approved:
        return _("Only an approved summary is published: a Chair approves it first.")
    if publishable_document(summary) is None:
        return _("Generate the PDF of the approved text first: it is published once it is ready.")
    return None


def get_summary_document_for_user(
    user, dialogue_pk: int, document_pk: int
) -> tuple[ChairSummary, CrpDocument]:
    """One of a summary's documents, published or not, for its Chairs and the secretariat; else 404."""
    _dialogue, summary, _role = get_summary_for_user(user, dialogue_pk)
    if summary is None:
        raise Http404
    document = get_object_or_404(
        CrpDocument.objects.select_related("revision"), summary=summary, pk=document_pk
    )
    document.summary = summary
    return summary, document
