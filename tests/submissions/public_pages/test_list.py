"""The public comments pages: the list, its filters, search and query counts."""

import pytest
from django.urls import reverse

from submissions.models import Attachment, WrittenComment
from submissions.services import update_search_vector
from tests.factories import (
    AgendaItemFactory,
    DialogueFactory,
    FocalPointFactory,
    WorkingGroupFactory,
    WorkingGroupSessionFactory,
    WrittenCommentFactory,
    admitted_organisation,
)

from .support import (
    FEED,
    LIST,
    UNPUBLISHED_STATES,
    atom_entries,
    attach,
    get_page,
    hours_ago,
    postgres_only,
    published,
    sqlite_only,
    titles_on,
)

# --- The list ------------------------------------------------------------------------------


def test_list_shows_only_published_comments(client, db):
    shown = published(title="Published on firearms marking")
    for state in UNPUBLISHED_STATES:
        WrittenCommentFactory(state=state, title=f"Not public: {state}")
    page = get_page(client)
    assert shown.title in page
    assert "Not public" not in page
    assert "1 written comment" in page


def test_list_newest_first_25_per_page(client, db):
    dialogue = DialogueFactory()
    organisation = admitted_organisation()
    comments = [
        published(
            dialogue=dialogue,
            organisation=organisation,
            title=f"Numbered comment {n:02d}.",
            published_at=hours_ago(n),
        )
        for n in range(30)
    ]
    first = get_page(client)
    assert first.count('<li class="card">') == 25
    positions = [first.index(comment.title) for comment in comments[:25]]
    assert positions == sorted(positions)  # comment 00 is the newest
    assert titles_on(first, comments[25:]) == set()
    second = get_page(client, data={"page": 2})
    assert second.count('<li class="card">') == 5
    assert titles_on(second, comments) == {comment.title for comment in comments[25:]}


def test_list_pagination_keeps_the_filters(client, db):
    dialogue = DialogueFactory()
    organisation = admitted_organisation()
    for n in range(27):
        published(dialogue=dialogue, organisation=organisation, language="fr", published_at=hours_ago(n))
    published(dialogue=dialogue, organisation=organisation, language="en", title="English one")
    page = get_page(client, data={"language": "fr", "dialogue": dialogue.pk})
    assert "27 written comments" in page
    assert f'href="?language=fr&amp;dialogue={dialogue.pk}&amp;page=2"' in page
    second = get_page(client, data={"language": "fr", "dialogue": dialogue.pk, "page": 2})
    assert second.count('<li class="card">') == 2
    assert "English one" not in second


def test_list_shows_organisation_category_country_dialogue_language_and_attachments(client, db, media):
    organisation = admitted_organisation(
        name="Firearms Research Hub", acronym="FRH", category="academia", country="CL"
    )
    item = AgendaItemFactory(title="Marking and record-keeping", cluster="prevention")
    comment = published(organisation=organisation, dialogue=item.dialogue, agenda_item=item, language="es")
    attachment = attach(comment, name="Informe anual.pdf")
    page = get_page(client)
    assert "Firearms Research Hub (FRH)" in page
    assert "Academia" in page
    assert "Chile" in page
    assert "Spanish" in page
    assert str(item.dialogue.session.working_group) in page
    assert "Marking and record-keeping" in page
    assert f'href="{reverse("submissions:attachment", args=[attachment.pk])}"' in page
    assert "Informe anual.pdf" in page
    assert f'href="{reverse("submissions:detail", args=[comment.pk])}"' in page


def test_list_excerpt_is_escaped_and_cut_after_sixty_words(client, db):
    words = " ".join(f"word{n}" for n in range(100))
    published(body=f"<script>alert(1)</script> {words}")
    page = get_page(client)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    assert "word58" in page
    assert "word59" not in page
    assert "word70" not in page


def test_list_search_box_is_a_labelled_search_form(client, db):
    page = get_page(client)
    assert 'role="search"' in page
    assert '<label for="id_q">' in page
    assert 'type="search" name="q"' in page
    for name in (
        "dialogue",
        "working_group",
        "category",
        "language",
        "agenda_item",
        "cluster",
        "organisation",
    ):
        assert f'<label for="id_{name}">' in page
        assert f'<select name="{name}"' in page


# --- Filters -------------------------------------------------------------------------------


@pytest.fixture
def two_comments(db):
    """Two published comments that differ in every filtered property."""
    item = AgendaItemFactory(cluster="criminalization")
    first = published(
        title="First comment: Paris",
        dialogue=item.dialogue,
        agenda_item=item,
        organisation=admitted_organisation(category="ngo"),
        language="fr",
    )
    second = published(
        title="Second comment: Lima",
        dialogue=DialogueFactory(),
        organisation=admitted_organisation(category="academia"),
        language="es",
        cluster="prevention",
    )
    return first, second


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("dialogue", lambda c: c.dialogue_id, 0),
        ("dialogue", lambda c: c.dialogue_id, 1),
        ("working_group", lambda c: c.dialogue.session.working_group_id, 0),
        ("working_group", lambda c: c.dialogue.session.working_group_id, 1),
        ("category", lambda c: c.organisation.category, 0),
        ("category", lambda c: c.organisation.category, 1),
        ("language", lambda c: c.language, 0),
        ("language", lambda c: c.language, 1),
        ("agenda_item", lambda c: c.agenda_item_id, 0),
        ("cluster", lambda c: "criminalization", 0),  # through its agenda item
        ("cluster", lambda c: "prevention", 1),  # chosen on the comment
        ("organisation", lambda c: c.organisation_id, 0),
        ("organisation", lambda c: c.organisation_id, 1),
    ],
)
def test_list_filter_keeps_matching_comments_only(client, two_comments, name, value, expected):
    wanted = two_comments[expected]
    other = two_comments[1 - expected]
    page = get_page(client, data={name: value(wanted)})
    assert wanted.title in page
    assert other.title not in page
    assert "1 written comment" in page


def test_list_filter_value_not_offered_shows_no_comment_and_an_error(client, two_comments):
    page = get_page(client, data={"language": "xx"})
    assert "0 written comments" in page
    assert two_comments[0].title not in page
    assert "Select a valid choice" in page


def test_list_dialogue_filter_offers_every_dialogue_even_without_comments(client, db):
    quiet = DialogueFactory()
    published(title="Comment elsewhere")
    page = get_page(client, data={"dialogue": quiet.pk})
    assert "0 written comments" in page
    assert "Comment elsewhere" not in page
    assert "Select a valid choice" not in page


def test_organisation_filter_offers_organisations_with_named_published_comments_only(client, db, hidden):
    named = published(organisation=admitted_organisation(name="Open Data Alliance", acronym=""))
    draft_only = admitted_organisation(name="Drafting Desk")
    WrittenCommentFactory(organisation=draft_only, state="submitted")
    page = get_page(client)
    select = page[page.index('<select name="organisation"') :]
    select = select[: select.index("</select>")]
    assert f'<option value="{named.organisation_id}">Open Data Alliance</option>' in select
    assert f'<option value="{hidden.organisation_id}"' not in select
    assert "Drafting Desk" not in page
    assert select.count("<option") == 2  # "All organisations" and the one named


def test_organisation_filter_never_shows_comment_published_without_the_name(client, db):
    organisation = admitted_organisation(name="Two Voices Network")
    named = published(organisation=organisation, title="Signed comment")
    published(
        organisation=organisation,
        title="Unsigned comment",
        anonymity_requested=True,
        published_anonymously=True,
    )
    page = get_page(client, data={"organisation": organisation.pk})
    assert named.title in page
    assert "Unsigned comment" not in page


# --- Search --------------------------------------------------------------------------------


def test_search_finds_a_word_of_the_body(client, db):
    found = published(
        title="Marking practices", body="Our survey covered ballistic records in ten countries."
    )
    published(title="Unrelated", body="Nothing about that here.")
    page = get_page(client, data={"q": "ballistic"})
    assert found.title in page
    assert "Unrelated" not in page
    assert "1 written comment" in page


@postgres_only
def test_search_on_postgres_ranks_a_title_match_before_a_body_match(client, db):
    body_only = published(
        title="Observations on the review",
        body="Brokering of firearms deserves attention. Brokering, brokering and brokering again.",
        published_at=hours_ago(1),
    )
    in_title = published(
        title="Brokering controls",
        body="Short note on licences.",
        published_at=hours_ago(5),
    )
    published(title="Something else", body="Marking and tracing.")
    page = get_page(client, data={"q": "brokering"})
    assert "2 written comments" in page
    assert page.index(in_title.title) < page.index(body_only.title)
    # Stemmed in the comment's language: the singular finds the plural.
    assert body_only.title in get_page(client, data={"q": "broker"})


def test_search_lists_title_matches_first_then_newest_first(client, db):
    said_often = published(
        title="Observations on the review",
        body="Brokering of firearms deserves attention. Brokering, brokering and brokering again.",
        published_at=hours_ago(5),
    )
    said_once = published(title="Short notes", body="A word on brokering.", published_at=hours_ago(1))
    in_title = published(title="Brokering controls", body="Licences.", published_at=hours_ago(9))
    page = get_page(client, data={"q": "brokering"})
    assert "3 written comments (title matches first, then newest first)" in page
    assert page.index(in_title.title) < page.index(said_once.title) < page.index(said_often.title)


def test_search_counts_every_match_and_pages_through_them(client, db):
    notes = [
        published(title=f"Note {n:02d}", body="On brokering.", published_at=hours_ago(n)) for n in range(30)
    ]
    published(title="Elsewhere", body="On marking.")
    first = get_page(client, data={"q": "brokering"})
    assert "30 written comments" in first
    assert "Page 1 of 2" in first
    assert first.count('<li class="card">') == 25
    second = get_page(client, data={"q": "brokering", "page": 2})
    assert titles_on(second, notes) == {note.title for note in notes[25:]}
    assert second.count('<li class="card">') == 5
    beyond = get_page(client, data={"q": "brokering", "page": 99})  # the last page, as for the list
    assert titles_on(beyond, notes) == {note.title for note in notes[25:]}


@postgres_only
def test_search_on_postgres_reads_each_comment_in_its_language(client, db):
    french = published(
        language="fr", title="Observations", body="Les armes à feu sont marquées par les fabricants."
    )
    page = get_page(client, data={"q": "fabricant"})
    assert french.title in page


@sqlite_only
def test_search_on_sqlite_is_a_plain_case_insensitive_match(client, db):
    comment = published(title="Observations", body="Trafficking in FIREARMS across borders.")
    assert comment.title in get_page(client, data={"q": "firearm"})
    assert comment.title in get_page(client, data={"q": "traffick borders"})
    assert comment.title not in get_page(client, data={"q": "traffick oceans"})


# --- Query counts --------------------------------------------------------------------------


def _many_published(count: int) -> None:
    dialogues = [DialogueFactory(), DialogueFactory()]
    item = AgendaItemFactory(dialogue=dialogues[0], cluster="prevention")
    organisations = [admitted_organisation(), admitted_organisation(category="academia")]
    authors = {o.pk: FocalPointFactory(organisation=o).user for o in organisations}
    comments = []
    for n in range(count):
        organisation = organisations[n % 2]
        comments.append(
            WrittenCommentFactory.build(
                state="published",
                dialogue=dialogues[n % 2],
                agenda_item=item if n % 2 == 0 else None,
                organisation=organisation,
                author=authors[organisation.pk],
                title=f"Comment {n} on firearms",
                body=f"Observations number {n} on firearms trafficking and marking.",
                anonymity_requested=n % 3 == 0,
                published_anonymously=n % 3 == 0,
                published_at=hours_ago(n),
            )
        )
    comments = WrittenComment.objects.bulk_create(comments)
    Attachment.objects.bulk_create(
        Attachment(
            comment=comment, file=f"attachments/{comment.pk}.pdf", original_name="A.pdf", kind="pdf", size=9
        )
        for comment in comments
    )
    for comment in comments:
        update_search_vector(comment)


# Filter choices (dialogues with their working groups, agenda items, organisations), the
# count and the page with its attachments; searching, the page's ids with the count, then its
# rows. (Inside the test's transaction nothing is cached: test_public_cache.py counts the
# version's query and the cached pages.)
LIST_QUERIES = 5


@pytest.mark.parametrize("count", [5, 500])
def test_list_runs_a_fixed_number_of_queries(client, db, django_assert_max_num_queries, count):
    _many_published(count)
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(LIST)
    assert response.content.decode().count('<li class="card">') == min(count, 25)


@pytest.mark.parametrize("count", [5, 500])
def test_search_runs_a_fixed_number_of_queries(client, db, django_assert_max_num_queries, count):
    _many_published(count)
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(LIST, {"q": "trafficking", "category": "ngo"})
    assert response.content.decode().count('<li class="card">') == min((count + 1) // 2, 25)


@pytest.mark.parametrize("count", [5, 500])
def test_feed_runs_a_fixed_number_of_queries(client, db, django_assert_max_num_queries, count):
    _many_published(count)
    with django_assert_max_num_queries(1):
        response = client.get(FEED)
    assert len(atom_entries(response)) == min(count, 50)


def test_list_mixed_working_groups_show_their_names(client, db):
    group = WorkingGroupFactory(name="Working Group on Smuggling of Migrants")
    dialogue = DialogueFactory(session=WorkingGroupSessionFactory(working_group=group))
    published(dialogue=dialogue)
    assert "Working Group on Smuggling of Migrants" in get_page(client)
