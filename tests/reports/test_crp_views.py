"""Preview as PDF: the summary's Chairs and the secretariat follow the link from the
editor or the revisions list and get that revision's CRP; everyone else gets 404."""

import re

import pytest
from django.urls import reverse

from tests.factories import (
    ChairSummaryFactory,
    DialogueChairFactory,
    FocalPointFactory,
    HeldDialogueFactory,
    SummaryRevisionFactory,
    UserFactory,
)

from .crp_pdf import page_texts

FIRST_WORDS = "The words of the first revision."
SECOND_WORDS = "The words of the second revision."


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    # The second factor has its own tests (tests/dialogue_portal/test_accounts.py).
    settings.REQUIRE_MFA = False


@pytest.fixture
def revisions(summary):
    return (
        SummaryRevisionFactory(summary=summary, text=f"# Introduction\n\n{FIRST_WORDS}"),
        SummaryRevisionFactory(summary=summary, text=f"# Introduction\n\n{SECOND_WORDS}"),
    )


@pytest.fixture
def drafter(request, chair_user, secretariat):
    return {"chair": chair_user, "secretariat": secretariat}[request.param]


def _link(page: str, label: str) -> str:
    """The address of the link the page labels so, as a visitor would click it."""
    links = re.findall(rf'<a href="([^"]+)"[^>]*>\s*{re.escape(label)}\s*</a>', page)
    assert len(links) == 1, f"{label!r}: {links}"
    return links[0]


def _pdf_first_page(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return page_texts(response.content)[0]


@pytest.mark.parametrize("drafter", ["chair", "secretariat"], indirect=True)
def test_pdf_from_the_editor_is_the_current_revision(client, dialogue, summary, revisions, drafter):
    client.force_login(drafter)
    editor = client.get(reverse("reports:summary", args=[dialogue.pk]))
    url = _link(editor.content.decode(), "Preview as PDF")
    assert url == reverse("reports:summary_pdf", args=[dialogue.pk])

    first_page = _pdf_first_page(client.get(url))

    assert summary.symbol in first_page
    assert SECOND_WORDS in first_page
    assert FIRST_WORDS not in first_page


@pytest.mark.parametrize("drafter", ["chair", "secretariat"], indirect=True)
def test_pdf_from_the_revisions_list_is_that_revision(client, dialogue, summary, revisions, drafter):
    client.force_login(drafter)
    page = client.get(reverse("reports:summary_revisions", args=[dialogue.pk])).content.decode()
    url = _link(page, "Revision 1 as PDF")
    assert url == reverse("reports:summary_revision_pdf", args=[dialogue.pk, 1])
    # The list also offers the current revision's, through the summary's navigation.
    assert _link(page, "Revision 2 as PDF") == reverse("reports:summary_revision_pdf", args=[dialogue.pk, 2])
    assert _link(page, "Preview as PDF") == reverse("reports:summary_pdf", args=[dialogue.pk])

    first_page = _pdf_first_page(client.get(url))

    assert summary.symbol in first_page
    assert FIRST_WORDS in first_page
    assert SECOND_WORDS not in first_page


@pytest.mark.parametrize("who", ["anonymous", "focal_point", "other_chair"])
def test_pdf_is_404_to_everyone_but_the_drafters(client, dialogue, revisions, who):
    if who == "focal_point":
        client.force_login(FocalPointFactory().user)
    elif who == "other_chair":
        other = UserFactory()
        other_dialogue = HeldDialogueFactory()
        DialogueChairFactory(dialogue=other_dialogue, user=other)
        SummaryRevisionFactory(summary=ChairSummaryFactory(dialogue=other_dialogue))
        client.force_login(other)

    for url in (
        reverse("reports:summary_pdf", args=[dialogue.pk]),
        reverse("reports:summary_revision_pdf", args=[dialogue.pk, 1]),
        reverse("reports:summary_revision_pdf", args=[dialogue.pk, 2]),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"] != "application/pdf"


def test_pdf_of_a_summary_without_revision_is_404_and_not_offered(client, dialogue, chair_user, summary):
    client.force_login(chair_user)

    assert client.get(reverse("reports:summary_pdf", args=[dialogue.pk])).status_code == 404
    assert client.get(reverse("reports:summary_revision_pdf", args=[dialogue.pk, 1])).status_code == 404
    editor = client.get(reverse("reports:summary", args=[dialogue.pk]))
    assert editor.status_code == 200
    assert "Preview as PDF" not in editor.content.decode()


def test_pdf_of_a_dialogue_without_summary_is_404(client, dialogue, chair_user):
    client.force_login(chair_user)

    assert client.get(reverse("reports:summary_pdf", args=[dialogue.pk])).status_code == 404


def test_pdf_of_a_revision_not_made_is_404(client, dialogue, chair_user, revisions):
    client.force_login(chair_user)

    assert client.get(reverse("reports:summary_revision_pdf", args=[dialogue.pk, 3])).status_code == 404
