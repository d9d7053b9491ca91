"""The public comments pages: a page per comment, publication without the name, attachments."""

import pytest
from django.urls import reverse

from tests.factories import DialogueFactory, FocalPointFactory, WrittenCommentFactory, admitted_organisation

from .support import (
    ANONYMOUS,
    ATOM,
    EXPORT,
    FEED,
    LIST,
    PDF,
    UNPUBLISHED_STATES,
    assert_hidden,
    atom_entries,
    attach,
    csv_rows,
    get_page,
    published,
)

# --- Publication without the organisation's name -------------------------------------------


def test_anonymous_publication_hides_organisation_on_list_and_detail(client, hidden):
    for page in (get_page(client), get_page(client, reverse("submissions:detail", args=[hidden.pk]))):
        assert hidden.title in page
        assert ANONYMOUS in page
        assert_hidden(page)


def test_anonymous_publication_hides_organisation_in_csv_and_feeds(client, hidden):
    response = client.get(EXPORT)
    assert_hidden(response.content.decode("utf-8"))
    rows = csv_rows(response)
    assert rows[1][4] == ANONYMOUS
    assert rows[1][6] == ""  # the country
    dialogue_feed = reverse("submissions:dialogue_feed", args=[hidden.dialogue_id])
    for url in (FEED, dialogue_feed):
        response = client.get(url)
        assert_hidden(response.content.decode())
        (entry,) = atom_entries(response)
        assert entry.find(f"{ATOM}author/{ATOM}name").text == ANONYMOUS


# --- A page per comment --------------------------------------------------------------------


def test_detail_shows_whole_text_escaped_with_paragraphs_and_nofollow_links(client, db):
    words = " ".join(f"word{n}" for n in range(200))
    body = (
        "First paragraph <script>alert(1)</script> and <b>bold</b>.\n\n"
        "Read https://example.org/report?a=1&b=2 (the annex) or javascript:alert(2).\n"
        f"A second line.\n\n{words}"
    )
    comment = published(body=body)
    page = get_page(client, reverse("submissions:detail", args=[comment.pk]))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page
    assert (
        '<a href="https://example.org/report?a=1&amp;b=2" rel="nofollow noopener">'
        "https://example.org/report?a=1&amp;b=2</a>"
    ) in page
    assert 'href="javascript:' not in page
    assert "<p>First paragraph" in page
    assert "(the annex) or javascript:alert(2).<br>A second line.</p>" in page
    assert "word199</p>" in page  # the whole text, not an excerpt


def test_detail_shows_attachments_and_links_the_dialogue(client, db, media):
    comment = published()
    attachment = attach(comment)
    page = get_page(client, reverse("submissions:detail", args=[comment.pk]))
    assert f'href="{reverse("submissions:attachment", args=[attachment.pk])}"' in page
    assert "Report.pdf" in page
    assert f'href="{reverse("dialogue_detail", args=[comment.dialogue_id])}"' in page
    assert comment.organisation.name in page


@pytest.mark.parametrize("state", UNPUBLISHED_STATES)
def test_detail_not_published_is_404(client, db, state):
    comment = WrittenCommentFactory(state=state)
    assert client.get(reverse("submissions:detail", args=[comment.pk])).status_code == 404


def test_detail_of_unpublished_comment_is_404_even_for_its_focal_point(client, db):
    comment = WrittenCommentFactory(state="submitted")
    client.force_login(comment.author)
    assert client.get(reverse("submissions:detail", args=[comment.pk])).status_code == 404


def test_dialogue_page_links_to_its_comments_and_their_feed(client, db):
    dialogue = DialogueFactory()
    page = get_page(client, reverse("dialogue_detail", args=[dialogue.pk]))
    assert f'href="{LIST}?dialogue={dialogue.pk}"' in page
    assert f'href="{reverse("submissions:dialogue_feed", args=[dialogue.pk])}"' in page


# --- Attachment downloads ------------------------------------------------------------------


def test_attachment_download_of_published_comment_is_an_attachment_with_nosniff(client, db, media):
    attachment = attach(published(), name="Annual report 2022.pdf")
    response = client.get(reverse("submissions:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Annual report 2022.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize("state", UNPUBLISHED_STATES)
def test_attachment_of_unpublished_comment_is_404_for_anonymous_and_other_focal_point(
    client, db, media, state
):
    attachment = attach(WrittenCommentFactory(state=state))
    url = reverse("submissions:attachment", args=[attachment.pk])
    assert client.get(url).status_code == 404
    client.force_login(FocalPointFactory(organisation=admitted_organisation()).user)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("state", UNPUBLISHED_STATES)
def test_attachment_of_unpublished_comment_downloads_for_its_focal_point_and_secretariat(
    client, db, media, settings, secretariat, state
):
    settings.REQUIRE_MFA = False
    comment = WrittenCommentFactory(state=state)
    attachment = attach(comment)
    url = reverse("submissions:attachment", args=[attachment.pk])
    for user in (FocalPointFactory(organisation=comment.organisation).user, secretariat):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"] == 'attachment; filename="Report.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "private" in response["Cache-Control"]


def test_attachment_unknown_is_404(client, db):
    assert client.get(reverse("submissions:attachment", args=[987654])).status_code == 404
