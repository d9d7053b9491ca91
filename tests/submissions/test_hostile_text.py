"""Text that would break a feed, an e-mail subject or a CSV row, typed in a comment or in a
moderation reason: refused next to its field with the character named, and nothing saved.
A comment stored with such text before (or through the shell) leaves both Atom feeds and
the CSV export answering, and parsing, for everyone."""

import csv
import io
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from sessions.models import Dialogue
from stakeholders.models import Organisation
from submissions.models import WrittenComment
from tests.factories import DialogueFactory, FocalPointFactory, WrittenCommentFactory, admitted_organisation

State = WrittenComment.State
ATOM = "{http://www.w3.org/2005/Atom}"
REFUSAL = "This text contains a control character (U+000B) after “"


def _page(response) -> str:
    return response.content.decode()


def assert_refused_next_to(response, field_id: str, wording: str = REFUSAL) -> None:
    """The page is shown again with the refusal in the field's own error list."""
    assert response.status_code == 200
    match = re.search(rf'id="{field_id}_error"[^>]*>(.*?)</(?:ul|div)>', _page(response), re.S)
    assert match, f"no error next to {field_id}"
    assert wording in match.group(1)


@pytest.fixture
def organisation(db):
    return admitted_organisation(name="Red de Víctimas", acronym="RDV")


@pytest.fixture
def focal_user(organisation):
    return FocalPointFactory(organisation=organisation).user


@pytest.fixture
def focal_client(client, focal_user):
    client.force_login(focal_user)
    return client


@pytest.fixture
def dialogue(db):
    return DialogueFactory(state=Dialogue.State.OPEN)


def _comment_data(**changes) -> dict:
    return {
        "title": "Firearms data held by civil society",
        "body": "Civil society holds data.\r\n\r\n\tThe review should use it.",
        "language": "en",
        "about": "",
        "consent_to_publish": "on",
        "save": "1",
        **changes,
    }


COMMENT_TEXT = {
    "title": ("Firearms data\x0bheld by civil society", REFUSAL),
    "body": ("Civil society holds\x0bdata.", REFUSAL),
    "title-line-break": (
        "Firearms data\nheld by civil society",
        "This field takes a single line: remove the line break (U+000A) after “Firearms data”.",
    ),
}


@pytest.mark.parametrize(("case", "value_and_wording"), COMMENT_TEXT.items(), ids=list(COMMENT_TEXT))
def test_new_comment_with_unsafe_text_is_refused(
    focal_client, organisation, dialogue, case, value_and_wording
):
    field = case.split("-")[0]
    value, wording = value_and_wording
    url = f"{reverse('submissions:new', args=[organisation.pk])}?dialogue={dialogue.pk}"
    response = focal_client.post(url, _comment_data(**{field: value}))
    assert_refused_next_to(response, f"id_{field}", wording)
    assert not WrittenComment.objects.exists()


@pytest.mark.parametrize(("case", "value_and_wording"), COMMENT_TEXT.items(), ids=list(COMMENT_TEXT))
def test_draft_edit_with_unsafe_text_changes_nothing(
    focal_client, organisation, focal_user, case, value_and_wording
):
    field = case.split("-")[0]
    value, wording = value_and_wording
    draft = WrittenCommentFactory(organisation=organisation, author=focal_user, state=State.DRAFT)
    before = (draft.title, draft.body)
    response = focal_client.post(
        reverse("submissions:edit", args=[organisation.pk, draft.pk]), _comment_data(**{field: value})
    )
    assert_refused_next_to(response, f"id_{field}", wording)
    draft.refresh_from_db()
    assert (draft.title, draft.body) == before


def test_comment_body_keeps_its_paragraphs_and_tabs(focal_client, organisation, dialogue):
    url = f"{reverse('submissions:new', args=[organisation.pk])}?dialogue={dialogue.pk}"
    response = focal_client.post(url, _comment_data())
    assert response.status_code == 302
    assert "\tThe review should use it." in WrittenComment.objects.get().body


@pytest.mark.parametrize(("action", "state"), [("reject", State.SUBMITTED), ("unpublish", State.PUBLISHED)])
def test_moderation_reason_with_a_control_character_is_refused(secretariat_client, action, state):
    comment = WrittenCommentFactory(state=state)
    response = secretariat_client.post(
        reverse("submissions:staff_action", args=[comment.pk, action]), {"reason": "It names\x0ba victim."}
    )
    assert_refused_next_to(response, f"id_{action}_reason")
    comment.refresh_from_db()
    assert (comment.state, comment.reason) == (state, "")


# --- What was stored before -------------------------------------------------------------------


@pytest.fixture
def hostile_comment(dialogue, organisation):
    """Stored as it may be from before the forms refused it: straight into the tables."""
    comment = WrittenCommentFactory(dialogue=dialogue, organisation=organisation, state=State.PUBLISHED)
    WrittenComment.objects.filter(pk=comment.pk).update(
        title="Firearms\x0bdata held by\x01 civil society", body="Civil\x0bsociety holds data.\n\nUse it\x1b."
    )
    Organisation.objects.filter(pk=organisation.pk).update(name="Red de Víctimas\r\nde Armas")
    return comment


@pytest.mark.parametrize("feed", ["all", "dialogue"])
def test_feed_answers_and_parses_whatever_a_comment_holds(client, hostile_comment, feed):
    WrittenCommentFactory(
        dialogue=hostile_comment.dialogue, state=State.PUBLISHED, title="An ordinary comment"
    )
    url = (
        reverse("submissions:feed")
        if feed == "all"
        else reverse("submissions:dialogue_feed", args=[hostile_comment.dialogue_id])
    )
    response = client.get(url)
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    entries = {entry.findtext(f"{ATOM}title"): entry for entry in root.findall(f"{ATOM}entry")}
    assert set(entries) == {"Firearms data held by civil society", "An ordinary comment"}
    entry = entries["Firearms data held by civil society"]
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Red de Víctimas de Armas (RDV)"
    assert entry.findtext(f"{ATOM}summary") == "Civil society holds data. Use it."


def test_csv_answers_with_one_line_a_row_whatever_a_comment_holds(client, hostile_comment):
    WrittenCommentFactory(
        dialogue=hostile_comment.dialogue, state=State.PUBLISHED, title="An ordinary comment"
    )
    response = client.get(reverse("submissions:export"))
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == text.count("\r\n") == 3
    (row,) = [row for row in rows if row[0] == hostile_comment.tracking_number]
    assert (row[4], row[8]) == ("Red de Víctimas de Armas (RDV)", "Firearms data held by civil society")
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", text)
