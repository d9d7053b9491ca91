"""The written comments' services: saving a draft."""

import pytest
from django.core.exceptions import ValidationError

from sessions.models import Dialogue
from stakeholders.models import Accreditation
from submissions import services
from submissions.models import WrittenComment
from tests.factories import (
    AccreditationFactory,
    AgendaItemFactory,
    DialogueFactory,
    FocalPointFactory,
    OrganisationFactory,
    WrittenCommentFactory,
)

from .support import State, audit, draft

# --- comment_save_draft --------------------------------------------------------------------


def test_comment_save_draft_creates_a_draft(organisation, dialogue, focal):
    item = AgendaItemFactory(dialogue=dialogue)

    comment = draft(
        organisation,
        dialogue,
        focal,
        agenda_item=item,
        language="fr",
        anonymity_requested=True,
        title="Données sur le trafic d'armes",
    )

    comment.refresh_from_db()
    assert comment.state == State.DRAFT
    assert (comment.organisation, comment.dialogue, comment.author) == (organisation, dialogue, focal)
    assert comment.title == "Données sur le trafic d'armes"
    assert comment.language == "fr"
    assert comment.agenda_item == item
    assert comment.consent_to_publish is True
    assert comment.anonymity_requested is True
    assert comment.published_anonymously is False
    assert comment.tracking_number is None
    assert comment.sequence is None
    assert comment.received_at is None
    assert audit(comment) == [("", State.DRAFT, "")]


def test_comment_save_draft_updates_the_same_draft(organisation, dialogue, focal):
    comment = draft(organisation, dialogue, focal)

    again = services.comment_save_draft(
        organisation=organisation,
        dialogue=dialogue,
        by=focal,
        comment=comment,
        title="A better title",
        body="A second thought.",
    )

    assert again.pk == comment.pk
    comment.refresh_from_db()
    assert comment.title == "A better title"
    assert comment.body == "A second thought."
    assert comment.consent_to_publish is True  # what was not sent is kept
    assert comment.state == State.DRAFT
    assert WrittenComment.objects.count() == 1
    assert audit(comment) == [("", State.DRAFT, "")]


@pytest.mark.parametrize("state", [State.SUBMITTED, State.PUBLISHED, State.REJECTED, State.WITHDRAWN])
def test_comment_save_draft_update_of_a_non_draft_refused(state, dialogue):
    comment = WrittenCommentFactory(state=state, dialogue=dialogue, title="As received")

    with pytest.raises(ValidationError) as excinfo:
        services.comment_save_draft(
            organisation=comment.organisation,
            dialogue=dialogue,
            by=comment.author,
            comment=comment,
            title="Changed afterwards",
        )

    assert excinfo.value.messages == [
        f"This comment was {State(state).label} meanwhile (perhaps in another tab), so these changes "
        "were not saved. What you typed is kept below: copy it before you leave the page."
    ]
    comment.refresh_from_db()
    assert comment.title == "As received"
    assert comment.state == state


def test_comment_save_draft_too_many_words_refused_on_body(organisation, dialogue, focal, settings):
    body = "word " * (settings.WRITTEN_COMMENT_MAX_WORDS + 1)

    with pytest.raises(ValidationError) as excinfo:
        draft(organisation, dialogue, focal, body=body)

    assert excinfo.value.message_dict == {"body": ["The comment has 2001 words; at most 2000 are accepted."]}
    assert not WrittenComment.objects.exists()


def test_comment_save_draft_words_at_the_limit_accepted(organisation, dialogue, focal, settings):
    comment = draft(organisation, dialogue, focal, body="word " * settings.WRITTEN_COMMENT_MAX_WORDS)

    comment.refresh_from_db()
    assert comment.state == State.DRAFT


def test_comment_save_draft_agenda_item_of_another_dialogue_refused(organisation, dialogue, focal):
    other = AgendaItemFactory(dialogue=DialogueFactory(state=Dialogue.State.OPEN))

    with pytest.raises(ValidationError) as excinfo:
        draft(organisation, dialogue, focal, agenda_item=other)

    assert excinfo.value.message_dict == {"agenda_item": ["Choose an agenda item of this dialogue."]}
    assert not WrittenComment.objects.exists()


def test_comment_save_draft_update_to_another_dialogues_agenda_item_refused(organisation, dialogue, focal):
    comment = draft(organisation, dialogue, focal, agenda_item=AgendaItemFactory(dialogue=dialogue))
    other = AgendaItemFactory(dialogue=DialogueFactory(state=Dialogue.State.OPEN))

    with pytest.raises(ValidationError) as excinfo:
        services.comment_save_draft(
            organisation=organisation, dialogue=dialogue, by=focal, comment=comment, agenda_item=other
        )

    assert list(excinfo.value.message_dict) == ["agenda_item"]
    comment.refresh_from_db()
    assert comment.agenda_item.dialogue == dialogue


def test_comment_save_draft_organisation_not_admitted_refused(dialogue):
    organisation = OrganisationFactory()
    AccreditationFactory(organisation=organisation, state=Accreditation.State.SUBMITTED)
    focal = FocalPointFactory(organisation=organisation).user

    with pytest.raises(ValidationError) as excinfo:
        draft(organisation, dialogue, focal)

    assert excinfo.value.messages == ["Only organisations admitted as observers can send written comments."]
    assert not WrittenComment.objects.exists()
