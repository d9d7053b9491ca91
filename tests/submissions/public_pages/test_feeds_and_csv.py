"""The public comments pages: the feeds and the CSV export."""

import datetime

from django.conf import settings as django_settings
from django.urls import reverse

from submissions.models import WrittenComment
from tests.factories import DialogueFactory, WrittenCommentFactory, admitted_organisation

from .support import ATOM, EXPORT, FEED, atom_entries, csv_rows, hours_ago, published

# --- Feeds ---------------------------------------------------------------------------------


def test_feed_parses_as_atom_with_published_comments_newest_first(client, db):
    older = published(title="Older comment", published_at=hours_ago(5), body="<b>Bold</b> claim " * 50)
    newer = published(title="Newer comment", published_at=hours_ago(1))
    WrittenCommentFactory(state="submitted", title="Submitted comment")
    entries = atom_entries(client.get(FEED))
    assert [entry.find(f"{ATOM}title").text for entry in entries] == ["Newer comment", "Older comment"]
    entry = entries[1]
    assert entry.find(f"{ATOM}link").get("href") == django_settings.SITE_URL + reverse(
        "submissions:detail", args=[older.pk]
    )
    published_at = datetime.datetime.fromisoformat(entry.find(f"{ATOM}published").text)
    assert abs(published_at - older.published_at) < datetime.timedelta(seconds=1)
    assert entry.find(f"{ATOM}updated").text
    assert (
        entry.find(f"{ATOM}author/{ATOM}name").text
        == f"{older.organisation.name} ({older.organisation.acronym})"
    )
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    # Escaped once more for an HTML summary: readers show the tags as text.
    assert summary.text.startswith("&lt;b&gt;Bold&lt;/b&gt; claim")
    assert summary.text.endswith("…")
    assert newer.title in client.get(FEED).content.decode()


def test_dialogue_feed_lists_only_that_dialogues_comments(client, db):
    mine = published(title="On this dialogue")
    published(title="On another dialogue")
    response = client.get(reverse("submissions:dialogue_feed", args=[mine.dialogue_id]))
    entries = atom_entries(response)
    assert [entry.find(f"{ATOM}title").text for entry in entries] == ["On this dialogue"]


def test_dialogue_feed_unknown_dialogue_is_404(client, db):
    assert client.get(reverse("submissions:dialogue_feed", args=[987654])).status_code == 404


# --- CSV export ----------------------------------------------------------------------------


def test_csv_has_every_filtered_row_and_neutralised_formulas(client, db):
    dialogue = DialogueFactory()
    organisation = admitted_organisation(name="Formula Watch")
    titles = [
        '=HYPERLINK("http://evil.example","click")',
        "+1 for marking",
        "-2 points",
        "@SUM(A1:A9)",
        "\tTabbed title",
        "\rReturned title",
    ]
    for n, title in enumerate(titles):
        published(
            dialogue=dialogue,
            organisation=organisation,
            language="fr",
            title=title,
            published_at=hours_ago(n),
        )
    for n in range(24):
        published(dialogue=dialogue, organisation=organisation, language="fr", published_at=hours_ago(10 + n))
    published(dialogue=dialogue, organisation=organisation, language="en", title="English, filtered out")
    response = client.get(EXPORT, {"language": "fr"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    rows = csv_rows(response)
    assert rows[0] == [
        "Tracking number",
        "Published (UTC)",
        "Dialogue",
        "Working group",
        "Organisation",
        "Category",
        "Country",
        "Language",
        "Title",
        "Comment page",
    ]
    assert len(rows) == 1 + 30  # every matching row, not one page of 25
    assert [row[8] for row in rows[1:7]] == [
        '\'=HYPERLINK("http://evil.example","click")',
        "'+1 for marking",
        "'-2 points",
        "'@SUM(A1:A9)",
        # A cell is one line of text: the tab and the return are not written at all.
        "Tabbed title",
        "Returned title",
    ]
    assert all(row[7] == "French" for row in rows[1:])
    assert "English, filtered out" not in response.content.decode("utf-8")
    first = WrittenComment.objects.get(title=titles[0])
    assert rows[1][0] == first.tracking_number
    assert rows[1][4] == f"Formula Watch ({organisation.acronym})"
    assert rows[1][9] == django_settings.SITE_URL + reverse("submissions:detail", args=[first.pk])


def test_csv_neutralises_an_organisation_name_that_looks_like_a_formula(client, db):
    published(organisation=admitted_organisation(name="-Minus Society", acronym=""))
    rows = csv_rows(client.get(EXPORT))
    assert rows[1][4] == "'-Minus Society"
