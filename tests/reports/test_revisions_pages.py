"""The revisions' pages (the list, one revision, the comparison, a restore) and what the
summary's pages read: a fixed number of queries whatever their size, and the sources
panel grouped by agenda item and cluster."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from dialogue_portal.models import AuditEvent
from reports import services
from reports.models import ChairSummary, SummaryRevision
from tests.factories import (
    AgendaItemFactory,
    ApprovedRegistrationFactory,
    ChairSummaryFactory,
    CrpDocumentFactory,
    InterventionFactory,
    OrganisationFactory,
    SummaryRevisionFactory,
    WrittenCommentFactory,
    admitted_organisation,
)

BASE = "# Introduction\n\nFirst paragraph.\n\nSecond paragraph.\n\n# Opening\n\nThird paragraph."

# Measured, and the same at every size: a query per row would show at the larger one.
# The Chair's session and user; the dialogue, its Chair, the summary; the revisions.
REVISIONS_QUERIES = 6
# Session, user, the Secretariat group; the summaries with their dialogues and authors.
STAFF_SUMMARIES_QUERIES = 4
# Session, user; the dialogue, its Chair, the summary; the published comments, the
# delivered interventions (each with all it shows); the history; the Chairs' count; the
# summary's PDFs (each with its revision and who asked).
EDITOR_QUERIES = 10


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    # The second factor has its own tests (tests/dialogue_portal/test_accounts.py).
    settings.REQUIRE_MFA = False


@pytest.fixture
def chair_client(client, chair_user):
    client.force_login(chair_user)
    return client


@pytest.fixture
def secretariat_client(secretariat):
    other = Client()
    other.force_login(secretariat)
    return other


def _save(summary, text, base, by, role):
    return services.summary_save(summary=summary, text=text, base=base, by=by, role=role).revision


@pytest.fixture
def history(summary, chair_user, as_chair, secretariat, as_secretariat):
    """Revision 1 by the Chair; 2 by the secretariat; 3 the Chair's from 1, merged with 2;
    4 restores 1."""
    first = _save(summary, BASE, None, chair_user, as_chair)
    second = _save(
        summary, BASE.replace("Second paragraph.", "Second, theirs."), first, secretariat, as_secretariat
    )
    third = _save(summary, BASE.replace("Third paragraph.", "Third, mine."), first, chair_user, as_chair)
    services.summary_restore(summary=summary, revision=first, base=third, by=chair_user, role=as_chair)
    summary.refresh_from_db()
    return first, second, third, summary.current_revision


def _rows(page: str) -> list[str]:
    """The body rows of the page's table, tags stripped, spaces made one."""
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in body.split("<tr>")[1:]]


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- The list ----------------------------------------------------------------------------


def test_revision_list_names_each_revision_its_author_and_how_it_came(chair_client, dialogue, history):
    page = chair_client.get(reverse("reports:summary_revisions", args=[dialogue.pk])).content.decode()

    rows = _rows(page)
    assert [row.split()[0] for row in rows] == ["4", "3", "2", "1"]
    assert rows[0].startswith("4 current")
    assert "Carla Chair Restored (from revision 1) since revision 3" in rows[0]
    assert "Carla Chair Merged with a save made meanwhile (with revision 2) since revision 1" in rows[1]
    assert "Sam Secretariat Saved since revision 1" in rows[2]
    assert "Carla Chair Saved —" in rows[3]
    assert reverse("reports:summary_revision", args=[dialogue.pk, 3]) in page
    assert f"{reverse('reports:summary_compare', args=[dialogue.pk])}?old=1&amp;new=3" in page


def test_revision_list_offers_to_compare_the_last_two(chair_client, dialogue, history):
    page = chair_client.get(reverse("reports:summary_revisions", args=[dialogue.pk])).content.decode()

    assert re.search(r'name="old" value="3"', page)
    assert re.search(r'name="new" value="4"', page)


def test_revision_list_of_a_summary_without_text_says_so(chair_client, dialogue, summary):
    page = chair_client.get(reverse("reports:summary_revisions", args=[dialogue.pk])).content.decode()
    assert "Nothing saved yet." in page


def test_revision_list_names_a_gone_author_with_a_dash(chair_client, dialogue, summary):
    SummaryRevisionFactory(summary=summary, author=None)
    page = chair_client.get(reverse("reports:summary_revisions", args=[dialogue.pk])).content.decode()
    assert _rows(page)[0].startswith("1 current")
    assert " — Saved" in _rows(page)[0]


# --- One revision ------------------------------------------------------------------------


def test_revision_page_shows_the_text_rendered_and_as_typed(chair_client, dialogue, history):
    first, *_rest, current = history

    page = chair_client.get(reverse("reports:summary_revision", args=[dialogue.pk, 2])).content.decode()

    assert "Revision 2" in page
    assert "Sam Secretariat" in page
    assert '<span class="summary-number">2.</span> Second, theirs.' in page
    assert '<span class="summary-numeral">II.</span> Opening' in page
    assert '<pre class="summary-source"># Introduction\n\nFirst paragraph.\n\nSecond, theirs.' in page
    # Not the current one: it can be restored, from the revision the page showed as current.
    restore = reverse("reports:summary_restore", args=[dialogue.pk, 2])
    assert f'action="{restore}"' in page
    assert f'name="base" value="{current.pk}"' in page


def test_revision_page_of_the_current_revision_offers_no_restore(chair_client, dialogue, history):
    page = chair_client.get(reverse("reports:summary_revision", args=[dialogue.pk, 4])).content.decode()

    assert "This is the current revision." in page
    assert "Restore this revision" not in page
    assert "Restored" in page


def test_revision_page_of_an_approved_summary_offers_no_restore(chair_client, dialogue, summary, history):
    ChairSummary.objects.filter(pk=summary.pk).update(state=ChairSummary.State.APPROVED)
    page = chair_client.get(reverse("reports:summary_revision", args=[dialogue.pk, 1])).content.decode()
    assert "Restore this revision" not in page


def test_revision_page_of_an_unknown_number_is_404(chair_client, dialogue, history):
    assert chair_client.get(reverse("reports:summary_revision", args=[dialogue.pk, 5])).status_code == 404


# --- Compare -----------------------------------------------------------------------------


def _compare(client, dialogue, old, new):
    return client.get(reverse("reports:summary_compare", args=[dialogue.pk]), {"old": old, "new": new})


def test_compare_marks_only_the_changed_words_of_a_changed_paragraph(chair_client, dialogue, summary):
    SummaryRevisionFactory(summary=summary, text="# Introduction\n\nThe Chair opened the dialogue in Vienna.")
    SummaryRevisionFactory(summary=summary, text="# Introduction\n\nThe Chair closed the dialogue in Vienna.")

    response = _compare(chair_client, dialogue, 1, 2)

    page = response.content.decode()
    assert response.status_code == 200
    assert "From revision 1 to revision 2: 1 paragraph changed." in page
    assert '<tr class="summary-diff-equal"><td># Introduction</td><td># Introduction</td></tr>' in page
    assert (
        '<tr class="summary-diff-changed"><td>The Chair <del>opened</del> the dialogue in Vienna.</td>'
        "<td>The Chair <ins>closed</ins> the dialogue in Vienna.</td></tr>"
    ) in page


def test_compare_shows_added_and_removed_paragraphs(chair_client, dialogue, summary):
    SummaryRevisionFactory(summary=summary, text="# Introduction\n\nKept.\n\nTaken out.")
    SummaryRevisionFactory(summary=summary, text="# Introduction\n\nPut in.\n\nKept.")

    page = _compare(chair_client, dialogue, 1, 2).content.decode()

    assert "2 paragraphs changed." in page
    assert '<tr class="summary-diff-added"><td></td><td><ins>Put in.</ins></td></tr>' in page
    assert '<tr class="summary-diff-equal"><td>Kept.</td><td>Kept.</td></tr>' in page
    assert '<tr class="summary-diff-removed"><td><del>Taken out.</del></td><td></td></tr>' in page


def test_compare_shows_the_text_escaped(chair_client, dialogue, summary):
    SummaryRevisionFactory(summary=summary, text="Plain.")
    SummaryRevisionFactory(summary=summary, text="Plain. <script>alert(1)</script>")

    page = _compare(chair_client, dialogue, 1, 2).content.decode()

    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_compare_of_an_unknown_revision_says_so_next_to_the_field(chair_client, dialogue, history):
    response = _compare(chair_client, dialogue, 1, 9)

    page = response.content.decode()
    assert response.status_code == 400
    assert "This summary has no revision 9." in page
    # Next to the "To revision" field, and linked to it from the summary of errors.
    field = page[page.index('<label for="id_new"') :]
    assert field.index("This summary has no revision 9.") < field.index('name="new"')
    assert 'href="#id_new"' in page
    assert "<table" not in page


def test_compare_of_another_summarys_revision_number_is_unknown(chair_client, dialogue, summary):
    SummaryRevisionFactory(summary=summary)
    other = ChairSummaryFactory()
    SummaryRevisionFactory(summary=other)
    SummaryRevisionFactory(summary=other, text="# Elsewhere\n\nNot this summary's words.")

    response = _compare(chair_client, dialogue, 1, 2)

    assert response.status_code == 400
    assert "Not this summary" not in response.content.decode()


def test_compare_without_numbers_shows_the_form_only(chair_client, dialogue, history):
    response = chair_client.get(reverse("reports:summary_compare", args=[dialogue.pk]))
    assert response.status_code == 200
    assert "<table" not in response.content.decode()


# --- Restore -----------------------------------------------------------------------------


def test_restore_through_the_page_makes_a_new_revision_and_logs_it(
    chair_client, chair_user, dialogue, summary
):
    first = SummaryRevisionFactory(summary=summary, text=BASE)
    second = SummaryRevisionFactory(summary=summary, text="# Introduction\n\nAll new.")
    page = chair_client.get(reverse("reports:summary_revision", args=[dialogue.pk, 1])).content.decode()
    base = re.search(r'name="base" value="(\d+)"', page).group(1)

    response = chair_client.post(reverse("reports:summary_restore", args=[dialogue.pk, 1]), {"base": base})

    assert response.status_code == 302
    assert response["Location"] == reverse("reports:summary", args=[dialogue.pk])
    assert _messages(response) == ["Revision 3 brings back the text of revision 1."]
    summary.refresh_from_db()
    restored = summary.current_revision
    assert (restored.number, restored.text, restored.kind) == (3, BASE, SummaryRevision.Kind.RESTORED)
    assert (restored.restored_from, restored.base, restored.author) == (first, second, chair_user)
    event = AuditEvent.objects.for_object(summary).get(note="Revision 3 restores the text of revision 1.")
    assert event.actor == chair_user
    # The editor shows the restored text, and the history its row.
    editor = chair_client.get(reverse("reports:summary", args=[dialogue.pk])).content.decode()
    assert "Revision 3 restores the text of revision 1." in editor
    assert "First paragraph." in editor


def test_restore_over_a_save_made_meanwhile_is_refused_with_a_message(
    chair_client, secretariat_client, dialogue, summary
):
    SummaryRevisionFactory(summary=summary, text=BASE)
    second = SummaryRevisionFactory(summary=summary, text="# Introduction\n\nAll new.")
    secretariat_client.post(
        reverse("reports:summary", args=[dialogue.pk]),
        {"text": "# Introduction\n\nNewer.", "base": second.pk},
    )

    response = chair_client.post(
        reverse("reports:summary_restore", args=[dialogue.pk, 1]), {"base": second.pk}
    )

    assert response["Location"] == reverse("reports:summary_revision", args=[dialogue.pk, 1])
    [message] = _messages(response)
    assert message == "Sam Secretariat saved the summary meanwhile (revision 3): look at it before restoring."
    assert summary.revisions.count() == 3


def test_restore_of_an_approved_summary_is_refused(chair_client, dialogue, summary):
    SummaryRevisionFactory(summary=summary, text=BASE)
    second = SummaryRevisionFactory(summary=summary, text="# Introduction\n\nAll new.")
    ChairSummary.objects.filter(pk=summary.pk).update(state=ChairSummary.State.APPROVED)

    response = chair_client.post(
        reverse("reports:summary_restore", args=[dialogue.pk, 1]), {"base": second.pk}
    )

    assert _messages(response) == ["The summary is approved and read-only: reopen it to edit it."]
    assert summary.revisions.count() == 2


@pytest.mark.parametrize("base", ["", "abc", "²", "99999999999999999999", "other"])
def test_restore_with_a_base_not_of_this_summary_is_404(chair_client, dialogue, summary, base):
    SummaryRevisionFactory(summary=summary, text=BASE)
    SummaryRevisionFactory(summary=summary, text="# Introduction\n\nAll new.")
    if base == "other":
        base = SummaryRevisionFactory(summary=ChairSummaryFactory()).pk

    response = chair_client.post(reverse("reports:summary_restore", args=[dialogue.pk, 1]), {"base": base})

    assert response.status_code == 404
    assert summary.revisions.count() == 2


# --- A fixed number of queries -----------------------------------------------------------


@pytest.mark.parametrize("size", [2, 20])
def test_revision_list_runs_a_fixed_number_of_queries(
    chair_client, dialogue, summary, chair_user, as_chair, django_assert_max_num_queries, size
):
    revision = None
    for n in range(size):
        # Every kind, so that each revision has a base, a merge or a restore to name.
        if n % 3 == 2:
            revision = services.summary_restore(
                summary=summary, revision=revision.base, base=revision, by=chair_user, role=as_chair
            ).revision
        else:
            revision = _save(summary, f"# Introduction\n\nParagraph {n}.", revision, chair_user, as_chair)
    url = reverse("reports:summary_revisions", args=[dialogue.pk])

    with django_assert_max_num_queries(REVISIONS_QUERIES):
        response = chair_client.get(url)

    assert len(_rows(response.content.decode())) == size


@pytest.mark.parametrize("size", [2, 12])
def test_staff_summaries_runs_a_fixed_number_of_queries(
    secretariat_client, django_assert_max_num_queries, size
):
    for n in range(size):
        summary = ChairSummaryFactory()
        if n % 2:
            SummaryRevisionFactory(summary=summary)

    with django_assert_max_num_queries(STAFF_SUMMARIES_QUERIES):
        response = secretariat_client.get(reverse("reports:staff_summaries"))

    assert len(_rows(response.content.decode())) == size


def test_staff_summaries_filters_by_state(secretariat_client):
    waiting = ChairSummaryFactory(state=ChairSummary.State.IN_REVIEW)
    draft = ChairSummaryFactory()

    page = secretariat_client.get(reverse("reports:staff_summaries"), {"state": "in_review"}).content.decode()

    assert waiting.symbol in page
    assert draft.symbol not in page
    assert len(_rows(page)) == 1


def _sources(dialogue, size: int) -> tuple:
    """``size`` published comments and as many delivered interventions, spread over two
    agenda items (one in a cluster) and none; and what must not show."""
    briefing = AgendaItemFactory(dialogue=dialogue, number=1, title="Briefing")
    criminalization = AgendaItemFactory(
        dialogue=dialogue, number=2, title="Criminal offences", cluster="criminalization"
    )
    items = [briefing, criminalization, None]
    for n in range(size):
        WrittenCommentFactory(dialogue=dialogue, state="published", agenda_item=items[n % 3])
        registration = ApprovedRegistrationFactory(dialogue=dialogue)
        InterventionFactory(
            registration=registration, agenda_item=items[n % 2], state="delivered", topic=f"Topic {n}"
        )
    WrittenCommentFactory(dialogue=dialogue, state="submitted", title="Not yet published")
    InterventionFactory(registration=ApprovedRegistrationFactory(dialogue=dialogue), topic="Only requested")
    return briefing, criminalization


@pytest.mark.parametrize("size", [1, 10])
def test_editor_page_runs_a_fixed_number_of_queries(
    chair_client, dialogue, summary, django_assert_max_num_queries, size
):
    for _ in range(size):
        CrpDocumentFactory(summary=summary, revision=SummaryRevisionFactory(summary=summary))
    _sources(dialogue, size)
    url = reverse("reports:summary", args=[dialogue.pk])
    # The history's content type, cached for the process after its first lookup.
    ContentType.objects.get_for_model(ChairSummary)

    with django_assert_max_num_queries(EDITOR_QUERIES):
        response = chair_client.get(url)

    page = response.content.decode()
    assert page.count('class="summary-citation"') == 2 * size
    assert page.count('id="document-') == size
    assert "Not yet published" not in page
    assert "Only requested" not in page


def _headings(page: str) -> list[str]:
    panel = page[page.index('id="sources-heading"') :]
    return [re.sub(r"<[^>]+>", "", heading) for heading in re.findall(r"<h3>(.*?)</h3>", panel)]


def test_editor_sources_are_grouped_by_agenda_item_and_cluster_with_their_citations(
    chair_client, dialogue, summary
):
    briefing = AgendaItemFactory(dialogue=dialogue, number=1, title="Briefing")
    crimes = AgendaItemFactory(
        dialogue=dialogue, number=2, title="Criminal offences", cluster="criminalization"
    )
    alliance = admitted_organisation(name="Alpha Alliance")
    under_crimes = WrittenCommentFactory(
        dialogue=dialogue, state="published", agenda_item=crimes, organisation=alliance, title="On offences"
    )
    cooperation = WrittenCommentFactory(
        dialogue=dialogue, state="published", cluster="cooperation", title="On help"
    )
    hidden = WrittenCommentFactory(
        dialogue=dialogue,
        state="published",
        organisation=admitted_organisation(name="Hidden Helpers"),
        anonymity_requested=True,
        published_anonymously=True,
        title="Unnamed",
    )
    speaker = ApprovedRegistrationFactory(
        dialogue=dialogue, organisation=admitted_organisation(name="Beta Bureau")
    )
    InterventionFactory(registration=speaker, agenda_item=briefing, state="delivered", topic="Data")
    InterventionFactory(registration=speaker, agenda_item=crimes, state="delivered")
    OrganisationFactory()  # an organisation with no part in the dialogue changes nothing

    page = chair_client.get(reverse("reports:summary", args=[dialogue.pk])).content.decode()

    assert _headings(page) == [
        "Agenda item 1: Briefing",
        "Agenda item 2: Criminal offences · Criminalization and jurisdiction",
        "Under no agenda item",
        "Under no agenda item · International cooperation, mutual legal assistance and confiscation",
    ]
    panel = page[page.index('id="sources-heading"') :]
    groups = panel.split("<h3>")[1:]
    assert "<q>Statement by Beta Bureau under agenda item 1: Data.</q>" in groups[0]
    assert (
        f"<q>Written comment {under_crimes.tracking_number}, “On offences”, by Alpha Alliance.</q>"
        in groups[1]
    )
    assert "<q>Statement by Beta Bureau under agenda item 2.</q>" in groups[1]
    assert (
        f"<q>Written comment {hidden.tracking_number}, “Unnamed”, by a non-governmental organization.</q>"
        in groups[2]
    )
    assert "Hidden Helpers" not in page
    assert f"Written comment {cooperation.tracking_number}, “On help”" in groups[3]
    # Each opens in full, with the button that copies its citation (shown by the script).
    assert under_crimes.body in groups[1]
    assert (
        f'data-citation="Written comment {under_crimes.tracking_number}, “On offences”, by Alpha Alliance."'
        in groups[1]
    )


def test_editor_sources_say_when_there_is_nothing_to_draw_from(chair_client, dialogue, summary):
    page = chair_client.get(reverse("reports:summary", args=[dialogue.pk])).content.decode()
    assert "No written comment is published and no statement was delivered yet." in page
