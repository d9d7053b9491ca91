"""The summary's editor page, used as a Chair would: saves, the preview, merges and
conflicts, the expired session, the opening from the portal's data, the read-only lock."""

import html
import re

import pytest
from django.contrib.messages import get_messages
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from reports.models import ChairSummary, SummaryRevision
from tests.factories import (
    PASSWORD,
    AgendaItemFactory,
    ChairSummaryFactory,
    HeldDialogueFactory,
    SummaryRevisionFactory,
)

LOGIN = reverse("account_login")
BASE = "# Introduction\n\nFirst paragraph.\n\nSecond paragraph.\n\n# Opening\n\nThird paragraph."


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    # The second factor has its own tests (tests/dialogue_portal/test_accounts.py).
    settings.REQUIRE_MFA = False


@pytest.fixture
def url(dialogue):
    return reverse("reports:summary", args=[dialogue.pk])


@pytest.fixture
def chair_client(client, chair_user):
    client.force_login(chair_user)
    return client


@pytest.fixture
def secretariat_client(secretariat):
    other = Client()
    other.force_login(secretariat)
    return other


@pytest.fixture
def first(summary, chair_user):
    """Revision 1 of the summary, by the Chair: the text BASE."""
    return SummaryRevisionFactory(summary=summary, text=BASE, author=chair_user)


def _base_on(page: str) -> str:
    """The hidden base revision of the editor's form, as the page has it."""
    match = re.search(r'<input type="hidden" name="base"(?: value="(\d*)")?', page)
    assert match, "no hidden base on the page"
    return match.group(1) or ""


def _textarea(page: str) -> str:
    match = re.search(r'<textarea name="text"[^>]*>\n?(.*?)</textarea>', page, re.S)
    assert match, "no text area on the page"
    return html.unescape(match.group(1))


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _save(client, url, text, base, **extra):
    return client.post(url, {"text": text, "base": base, "save": "1", **extra})


# --- Saving ------------------------------------------------------------------------------


def test_editor_save_makes_a_revision_and_says_its_number(chair_client, url, summary, chair_user):
    response = _save(chair_client, url, BASE, "")

    assert response.status_code == 302
    assert response["Location"] == url
    page = chair_client.get(url).content.decode()
    assert "Saved as revision 1." in page
    summary.refresh_from_db()
    revision = summary.current_revision
    assert (revision.number, revision.text, revision.author, revision.base) == (1, BASE, chair_user, None)
    assert _base_on(page) == str(revision.pk)
    assert _textarea(page) == BASE

    second = _save(chair_client, url, BASE.replace("First", "Opening"), revision.pk)
    assert "Saved as revision 2." in _messages(second)
    summary.refresh_from_db()
    assert (summary.current_revision.number, summary.current_revision.base) == (2, revision)


def test_editor_first_save_starts_the_summary_with_a_proposed_symbol(client, chair_user, dialogue, url):
    client.force_login(chair_user)
    assert not ChairSummary.objects.filter(dialogue=dialogue).exists()
    assert client.get(url).status_code == 200

    response = _save(client, url, BASE, "")

    assert response.status_code == 302
    summary = ChairSummary.objects.get(dialogue=dialogue)
    prefix = dialogue.session.working_group.symbol_prefix
    assert summary.symbol == f"{prefix}/{dialogue.date.year}/CRP.1"
    assert summary.current_revision.text == BASE


def test_editor_save_of_the_same_text_says_nothing_was_saved(chair_client, url, summary, first):
    response = _save(chair_client, url, BASE + "\n\n\n", first.pk)

    assert _messages(response) == ["Nothing to save: the text is the same as revision 1."]
    assert summary.revisions.count() == 1


def test_editor_save_with_another_summarys_revision_as_base_is_404(chair_client, url, summary, first):
    elsewhere = SummaryRevisionFactory(summary=ChairSummaryFactory(), text="Another summary's text.")

    response = _save(chair_client, url, "Overwritten?", elsewhere.pk)

    assert response.status_code == 404
    summary.refresh_from_db()
    assert summary.current_revision == first
    assert summary.revisions.count() == 1
    assert elsewhere.summary.revisions.count() == 1


def test_editor_save_with_a_base_on_a_summary_not_started_is_404(client, chair_user, dialogue, url):
    client.force_login(chair_user)
    elsewhere = SummaryRevisionFactory(summary=ChairSummaryFactory())

    assert _save(client, url, "Text.", elsewhere.pk).status_code == 404
    assert not ChairSummary.objects.filter(dialogue=dialogue).exists()


# --- The preview -------------------------------------------------------------------------


def test_editor_preview_button_shows_the_text_numbered_and_saves_nothing(chair_client, url, summary, first):
    text = "# Introduction\n\nOne, typed.\n\nTwo, typed.\n\n# Findings\n\nThree, typed."

    response = chair_client.post(url, {"text": text, "base": first.pk, "preview": "1"})

    page = response.content.decode()
    assert response.status_code == 200
    assert '<span class="summary-number">1.</span> One, typed.' in page
    assert '<span class="summary-number">3.</span> Three, typed.' in page
    assert '<span class="summary-numeral">II.</span> Findings' in page
    # The text stays in the editor, the base unchanged: a save from here is a normal save.
    assert _textarea(page) == text
    assert _base_on(page) == str(first.pk)
    assert summary.revisions.count() == 1
    summary.refresh_from_db()
    assert summary.current_revision == first


def test_editor_preview_fragment_numbers_paragraphs_and_lists_problems(chair_client, dialogue, summary):
    text = "# Introduction\n\nOne, with a note[^a].\n\nTwo.\n\n[^b]: Never called."

    response = chair_client.post(reverse("reports:summary_preview", args=[dialogue.pk]), {"text": text})

    fragment = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in fragment  # what the script swaps in, not a page
    assert '<span class="summary-number">1.</span> One, with a note' in fragment
    assert '<span class="summary-number">2.</span> Two.' in fragment
    assert "Line 3: The footnote “a” is called but never defined." in fragment
    assert "Line 7: The footnote “b” is defined but never called." in fragment
    assert not SummaryRevision.objects.exists()


def test_editor_preview_fragment_of_an_empty_section_names_its_line(chair_client, dialogue, summary):
    text = "# Introduction\n\nOne.\n\n# Nothing here\n\n# Last\n\nTwo."

    fragment = chair_client.post(
        reverse("reports:summary_preview", args=[dialogue.pk]), {"text": text}
    ).content.decode()

    assert "Line 5:" in fragment
    assert "Nothing here" in fragment


def test_editor_preview_fragment_shows_script_as_text(chair_client, dialogue, summary):
    fragment = chair_client.post(
        reverse("reports:summary_preview", args=[dialogue.pk]), {"text": "Hi <script>alert(1)</script>"}
    ).content.decode()

    assert "<script>" not in fragment
    assert "&lt;script&gt;" in fragment


def test_editor_page_shows_the_current_revision_rendered_with_its_problems(chair_client, url, summary):
    SummaryRevisionFactory(summary=summary, text="# Introduction\n\nCalled[^x].")

    page = chair_client.get(url).content.decode()

    assert '<span class="summary-number">1.</span> Called' in page
    assert "Line 3: The footnote “x” is called but never defined." in page


# --- Two people at once ------------------------------------------------------------------


def test_editor_merges_a_save_made_meanwhile_and_lists_what_was_merged(
    chair_client, secretariat_client, url, summary, first
):
    chair_base = _base_on(chair_client.get(url).content.decode())
    secretariat_base = _base_on(secretariat_client.get(url).content.decode())
    assert chair_base == secretariat_base == str(first.pk)
    theirs = BASE.replace("Second paragraph.", "Second, as the secretariat put it.")
    assert "Saved as revision 2." in _messages(_save(secretariat_client, url, theirs, secretariat_base))

    response = _save(
        chair_client, url, BASE.replace("Third paragraph.", "Third, as the Chair put it."), chair_base
    )

    assert response.status_code == 302
    [message] = _messages(response)
    assert message.startswith("Saved as revision 3, merged with revision 2 by Sam Secretariat")
    assert message.endswith("Their paragraphs merged in: “Second, as the secretariat put it.”")
    summary.refresh_from_db()
    assert summary.current_revision.kind == SummaryRevision.Kind.MERGED
    assert summary.current_revision.text == (
        "# Introduction\n\nFirst paragraph.\n\nSecond, as the secretariat put it.\n\n"
        "# Opening\n\nThird, as the Chair put it."
    )
    page = chair_client.get(url).content.decode()
    assert _textarea(page) == summary.current_revision.text
    assert _base_on(page) == str(summary.current_revision.pk)


def test_editor_conflict_keeps_the_users_text_beside_the_other_version(
    chair_client, secretariat_client, url, summary, first
):
    chair_base = _base_on(chair_client.get(url).content.decode())
    _save(secretariat_client, url, BASE.replace("Second paragraph.", "Second, theirs."), first.pk)
    theirs = SummaryRevision.objects.get(summary=summary, number=2)
    mine = BASE.replace("Second paragraph.", "Second, mine.") + "\n\nA fourth paragraph, mine too."

    response = _save(chair_client, url, mine, chair_base)

    page = response.content.decode()
    assert response.status_code == 409
    assert "Sam Secretariat saved changes to the same paragraphs meanwhile (revision 2)." in page
    # The whole text as the Chair sent it, in the editor; the base is now revision 2.
    assert _textarea(page) == mine
    assert _base_on(page) == str(theirs.pk)
    conflict = page[page.index('class="summary-conflict"') : page.index('class="summary-editor"')]
    assert conflict.index("Saved meanwhile (revision 2)") < conflict.index("Second, theirs.")
    assert conflict.index("Second, theirs.") < conflict.index("Yours") < conflict.index("Second, mine.")
    summary.refresh_from_db()
    assert summary.current_revision == theirs
    assert summary.revisions.count() == 2

    # Saved from the page as it came back: written from revision 2, so it lands as is.
    again = _save(chair_client, url, _textarea(page), _base_on(page))

    assert again.status_code == 302
    assert _messages(again) == ["Saved as revision 3."]
    summary.refresh_from_db()
    assert (summary.current_revision.text, summary.current_revision.base) == (mine, theirs)


# --- The session that expired ------------------------------------------------------------


def _expire(client, how: str) -> None:
    if how == "logout":
        client.logout()
    else:  # the session's row is gone, as after its expiry; the browser still sends the cookie
        Session.objects.all().delete()


@pytest.mark.parametrize("how", ["logout", "expired"])
def test_editor_save_after_the_session_expired_keeps_the_text_across_the_sign_in(
    chair_client, chair_user, url, summary, first, how
):
    typed = BASE.replace("Third paragraph.", "Third, typed while the session expired.")
    _expire(chair_client, how)

    response = _save(chair_client, url, typed, first.pk)

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={url}"
    assert summary.revisions.count() == 1

    signed_in = chair_client.post(response["Location"], {"login": chair_user.email, "password": PASSWORD})
    assert signed_in.status_code == 302
    assert signed_in["Location"] == url

    editor = chair_client.get(url)
    page = editor.content.decode()
    assert editor.status_code == 200
    assert "You were signed out before your text was saved. It is below as you sent it: save it now." in page
    assert _textarea(page) == typed
    assert _base_on(page) == str(first.pk)
    assert 'name="csrfmiddlewaretoken"' in page
    assert summary.revisions.count() == 1

    saved = _save(chair_client, url, _textarea(page), _base_on(page))

    assert _messages(saved) == ["Saved as revision 2."]
    summary.refresh_from_db()
    assert (summary.current_revision.text, summary.current_revision.base) == (typed, first)
    # The kept text was for one sign-in: the editor shows the summary again afterwards.
    assert "You were signed out" not in chair_client.get(url).content.decode()


def _csrf(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_editor_save_after_the_session_expired_passes_the_csrf_check_as_a_browser_would(
    chair_user, url, summary, first
):
    # As a browser: the CSRF check on, the token of the page the Chair typed in.
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(chair_user)
    token = _csrf(browser.get(url).content.decode())
    Session.objects.all().delete()

    response = browser.post(
        url, {"text": "Typed for an hour.", "base": first.pk, "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={url}"
    login_page = browser.get(response["Location"]).content.decode()
    signed_in = browser.post(
        response["Location"],
        {"login": chair_user.email, "password": PASSWORD, "csrfmiddlewaretoken": _csrf(login_page)},
    )
    assert signed_in["Location"] == url
    page = browser.get(url).content.decode()
    assert _textarea(page) == "Typed for an hour."

    # The token that came with the re-rendered form is good for the save.
    saved = browser.post(
        url, {"text": _textarea(page), "base": _base_on(page), "csrfmiddlewaretoken": _csrf(page)}
    )

    assert saved.status_code == 302
    summary.refresh_from_db()
    assert (summary.current_revision.number, summary.current_revision.text) == (2, "Typed for an hour.")


def test_editor_text_kept_at_expiry_merges_with_a_save_made_meanwhile(
    chair_client, chair_user, secretariat_client, url, summary, first
):
    chair_client.logout()
    login = _save(chair_client, url, BASE.replace("Third paragraph.", "Third, the Chair's."), first.pk)
    _save(secretariat_client, url, BASE.replace("First paragraph.", "First, the secretariat's."), first.pk)
    chair_client.post(login["Location"], {"login": chair_user.email, "password": PASSWORD})
    page = chair_client.get(url).content.decode()

    saved = _save(chair_client, url, _textarea(page), _base_on(page))

    assert "merged with revision 2" in _messages(saved)[0]
    summary.refresh_from_db()
    assert "First, the secretariat's." in summary.current_revision.text
    assert "Third, the Chair's." in summary.current_revision.text


# --- The opening from the portal's data --------------------------------------------------


def test_editor_start_from_data_writes_the_opening_into_an_empty_summary(
    chair_client, dialogue, url, summary
):
    AgendaItemFactory(dialogue=dialogue, number=1, title="Briefing on the review process")
    AgendaItemFactory(dialogue=dialogue, number=2, title="Firearms trafficking and its data")
    assert "Start from the portal's data" in chair_client.get(url).content.decode()

    response = chair_client.post(reverse("reports:summary_from_data", args=[dialogue.pk]))

    assert response.status_code == 302
    assert response["Location"] == url
    assert _messages(response) == [
        "The opening is written from the portal's data, as revision 1: read it and complete it."
    ]
    summary.refresh_from_db()
    revision = summary.current_revision
    assert revision.kind == SummaryRevision.Kind.FROM_DATA
    assert "resolution 9/1" in revision.text
    assert "Under agenda item 2," in revision.text
    page = chair_client.get(url).content.decode()
    assert _textarea(page) == revision.text
    # The summary has text now: the action is no longer offered.
    assert "Start from the portal's data" not in page


def test_editor_start_from_data_starts_a_summary_not_yet_started(client, chair_user, dialogue):
    client.force_login(chair_user)

    client.post(reverse("reports:summary_from_data", args=[dialogue.pk]))

    summary = ChairSummary.objects.get(dialogue=dialogue)
    assert summary.current_revision.kind == SummaryRevision.Kind.FROM_DATA


def test_editor_start_from_data_is_refused_when_the_summary_has_text(
    chair_client, dialogue, url, summary, first
):
    response = chair_client.post(reverse("reports:summary_from_data", args=[dialogue.pk]))

    assert response["Location"] == url
    assert _messages(response) == [
        "The summary has text already: the opening is written only into an empty one."
    ]
    summary.refresh_from_db()
    assert summary.current_revision == first
    assert summary.revisions.count() == 1


def test_editor_start_from_data_writes_into_a_summary_emptied_by_a_save(
    chair_client, dialogue, url, summary, first
):
    _save(chair_client, url, "", first.pk)
    assert "Start from the portal's data" in chair_client.get(url).content.decode()

    chair_client.post(reverse("reports:summary_from_data", args=[dialogue.pk]))

    summary.refresh_from_db()
    assert (summary.current_revision.number, summary.current_revision.kind) == (
        3,
        SummaryRevision.Kind.FROM_DATA,
    )


# --- Read only ---------------------------------------------------------------------------


def _approve(summary) -> None:
    ChairSummary.objects.filter(pk=summary.pk).update(state=ChairSummary.State.APPROVED)


def test_editor_of_an_approved_summary_is_read_only(chair_client, url, summary, first):
    _approve(summary)

    page = chair_client.get(url).content.decode()

    assert "<textarea" not in page
    assert "The summary is approved and read-only: reopen it to edit it." in page
    assert '<span class="summary-number">1.</span> First paragraph.' in page
    assert "Start from the portal's data" not in page


def test_editor_save_of_an_approved_summary_is_refused_and_saves_nothing(chair_client, url, summary, first):
    _approve(summary)

    response = _save(
        chair_client, url, BASE.replace("First paragraph.", "Changed after the approval."), first.pk
    )

    page = response.content.decode()
    assert response.status_code == 409
    assert "The summary was not saved" in page
    assert "The summary is approved and read-only: reopen it to edit it." in page
    summary.refresh_from_db()
    assert summary.current_revision == first
    assert summary.revisions.count() == 1
    # The summary shown is the approved one; the text sent is apart, to copy, not lost.
    assert "<textarea" not in page
    assert '<span class="summary-number">1.</span> First paragraph.' in page
    assert '<span class="summary-number">1.</span> Changed after the approval.' not in page
    unsaved = page[page.index("Your text, not saved") : page.index('class="summary-editor"')]
    assert "Changed after the approval." in unsaved


def test_editor_text_kept_at_expiry_is_shown_apart_when_approved_meanwhile(
    chair_client, chair_user, url, summary, first
):
    chair_client.logout()
    login = _save(chair_client, url, "Typed before the approval.", first.pk)
    _approve(summary)
    chair_client.post(login["Location"], {"login": chair_user.email, "password": PASSWORD})

    page = chair_client.get(url).content.decode()

    assert "<textarea" not in page
    assert '<span class="summary-number">1.</span> First paragraph.' in page
    unsaved = page[page.index("Your text, not saved") : page.index('class="summary-editor"')]
    assert "Typed before the approval." in unsaved


def test_editor_start_from_data_of_an_approved_empty_summary_is_refused(chair_client, dialogue, url, summary):
    _approve(summary)

    response = chair_client.post(reverse("reports:summary_from_data", args=[dialogue.pk]))

    assert _messages(response) == ["The summary is approved and read-only: reopen it to edit it."]
    assert not summary.revisions.exists()


def test_editor_of_a_summary_in_review_is_read_only_to_the_chair_not_the_secretariat(
    chair_client, secretariat_client, url, summary, first
):
    ChairSummary.objects.filter(pk=summary.pk).update(state=ChairSummary.State.IN_REVIEW)

    chair_page = chair_client.get(url).content.decode()
    assert "<textarea" not in chair_page
    assert "The summary is with the secretariat for review" in chair_page
    assert "<textarea" in secretariat_client.get(url).content.decode()

    response = _save(secretariat_client, url, BASE.replace("First", "Reviewed"), first.pk)
    assert _messages(response) == ["Saved as revision 2."]


def test_editor_page_of_another_dialogue_has_its_own_empty_editor(client, chair_user, summary, first):
    # The same Chair also chairs another dialogue: its editor starts empty.
    other = HeldDialogueFactory()
    other.chairs.create(
        honorific="Ms.", name="Carla Chair", title="Ambassador", country="AT", user=chair_user
    )
    client.force_login(chair_user)

    page = client.get(reverse("reports:summary", args=[other.pk])).content.decode()

    assert _textarea(page) == ""
    assert "First paragraph." not in page


# --- The symbol --------------------------------------------------------------------------


def test_editor_symbol_taken_by_another_summary_is_refused_next_to_the_field(
    secretariat_client, dialogue, url, summary
):
    other = ChairSummaryFactory(symbol="CTOC/COP/WG.6/2030/CRP.4")

    response = secretariat_client.post(
        reverse("reports:summary_symbol", args=[dialogue.pk]), {"symbol": other.symbol}
    )

    page = response.content.decode()
    assert response.status_code == 400
    field = page[page.index('<label for="id_symbol"') :]
    assert field.index("Another summary has the symbol CTOC/COP/WG.6/2030/CRP.4.") < field.index(
        'name="symbol"'
    )
    assert 'href="#id_symbol"' in page
    before = summary.symbol
    summary.refresh_from_db()
    assert summary.symbol == before


def test_editor_symbol_of_another_shape_is_refused(secretariat_client, dialogue, summary):
    response = secretariat_client.post(
        reverse("reports:summary_symbol", args=[dialogue.pk]), {"symbol": "CRP 2"}
    )

    assert response.status_code == 400
    assert "A symbol such as CTOC/COP/WG.6/2022/CRP.2" in response.content.decode()


def test_editor_symbol_changed_says_so_and_shows_it(secretariat_client, dialogue, url, summary):
    response = secretariat_client.post(
        reverse("reports:summary_symbol", args=[dialogue.pk]), {"symbol": "CTOC/COP/WG.6/2030/CRP.7"}
    )

    assert _messages(response) == ["The symbol is now CTOC/COP/WG.6/2030/CRP.7."]
    assert "<dd>CTOC/COP/WG.6/2030/CRP.7</dd>" in secretariat_client.get(url).content.decode()
