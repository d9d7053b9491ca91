"""The summary's document symbol: the next free CRP number proposed, changed by the
secretariat until publication, unique; and the secretariat's dashboard count of the
summaries waiting in review."""

import datetime
import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from dialogue_portal.models import AuditEvent
from reports import services
from reports.forms import SymbolForm
from reports.models import ChairSummary
from tests.factories import (
    ChairSummaryFactory,
    HeldDialogueFactory,
    SummaryRevisionFactory,
    WorkingGroupFactory,
    WorkingGroupSessionFactory,
)

State = ChairSummary.State
PREFIX = "CTOC/COP/WG.6"
FORMAT = "A symbol such as CTOC/COP/WG.6/2022/CRP.2: letters, digits, dots and slashes."


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.REQUIRE_MFA = False


@pytest.fixture
def chair_client(chair_user):
    client = Client()
    client.force_login(chair_user)
    return client


@pytest.fixture
def working_group(db):
    return WorkingGroupFactory(symbol_prefix=PREFIX)


def _dialogue(working_group, year: int = 2022, day: int = 6):
    """A dialogue held in ``year`` after a session of ``working_group``."""
    session = WorkingGroupSessionFactory(
        working_group=working_group,
        first_day=datetime.date(year, 5, 3),
        last_day=datetime.date(year, 5, day),
    )
    return HeldDialogueFactory(session=session)


def _start(dialogue, by) -> ChairSummary:
    return services.summary_start(dialogue=dialogue, by=by)


def _text(response) -> str:
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(text))


def _symbol_url(summary) -> str:
    return reverse("reports:summary_symbol", args=[summary.dialogue_id])


def _page_url(summary) -> str:
    return reverse("reports:summary", args=[summary.dialogue_id])


# --- The proposal -----------------------------------------------------------------------


def test_symbol_of_the_first_summary_of_a_working_groups_year_is_crp_1(working_group, secretariat):
    summary = _start(_dialogue(working_group), secretariat)

    assert summary.symbol == "CTOC/COP/WG.6/2022/CRP.1"
    assert summary.state == State.DRAFT
    event = AuditEvent.objects.for_object(summary).get()
    assert (event.from_state, event.to_state, event.note) == ("", State.DRAFT, "Summary started.")


def test_symbol_of_the_next_summary_of_that_year_is_crp_2(working_group, secretariat):
    _start(_dialogue(working_group, day=5), secretariat)

    assert _start(_dialogue(working_group), secretariat).symbol == "CTOC/COP/WG.6/2022/CRP.2"


def test_symbol_after_a_hand_set_crp_7_is_crp_8(working_group, secretariat, as_secretariat):
    first = _start(_dialogue(working_group, day=5), secretariat)
    services.summary_symbol_set(
        summary=first, symbol="CTOC/COP/WG.6/2022/CRP.7", by=secretariat, role=as_secretariat
    )

    assert _start(_dialogue(working_group), secretariat).symbol == "CTOC/COP/WG.6/2022/CRP.8"


def test_symbol_numbers_are_compared_as_numbers_and_a_revision_counts(working_group):
    for number in ("9", "10", "12/Rev.1"):
        ChairSummaryFactory(symbol=f"CTOC/COP/WG.6/2022/CRP.{number}")

    assert services.symbol_propose(_dialogue(working_group)) == "CTOC/COP/WG.6/2022/CRP.13"


def test_symbol_of_other_prefixes_and_years_does_not_count(working_group):
    for symbol in (
        "CTOC/COP/WG.6/2021/CRP.5",  # another year
        "CTOC/COP/WG.6/2023/CRP.6",
        "CTOC/COP/WG.60/2022/CRP.9",  # a prefix that starts the same
        "CTOC/COP/WG.7/2022/CRP.4",
        "CTOC/COP/WG.6/2022/INF.3",  # another kind of document
        "CTOC/COP/WG.6/2022/CRP.x",
    ):
        ChairSummaryFactory(symbol=symbol)
    ChairSummaryFactory(symbol=None)

    assert services.symbol_propose(_dialogue(working_group)) == "CTOC/COP/WG.6/2022/CRP.1"


def test_symbol_year_is_the_dialogues(working_group, secretariat):
    _start(_dialogue(working_group, year=2022), secretariat)

    assert _start(_dialogue(working_group, year=2023), secretariat).symbol == "CTOC/COP/WG.6/2023/CRP.1"


def test_summary_start_twice_keeps_the_first_summary_and_its_symbol(working_group, secretariat):
    dialogue = _dialogue(working_group)
    first = _start(dialogue, secretariat)

    again = _start(dialogue, secretariat)

    assert (again.pk, again.symbol) == (first.pk, "CTOC/COP/WG.6/2022/CRP.1")
    assert ChairSummary.objects.count() == 1
    assert AuditEvent.objects.for_object(first).count() == 1


def test_symbol_proposed_when_the_first_save_starts_the_summary(client, working_group, secretariat):
    dialogue = _dialogue(working_group)
    client.force_login(secretariat)

    response = client.post(
        reverse("reports:summary", args=[dialogue.pk]), {"text": "# Introduction\n\nFirst.", "save": "1"}
    )

    assert response.status_code == 302
    assert ChairSummary.objects.get(dialogue=dialogue).symbol == "CTOC/COP/WG.6/2022/CRP.1"
    assert "CTOC/COP/WG.6/2022/CRP.1" in _text(client.get(response.url))


# --- Changed by the secretariat on the page ---------------------------------------------


def test_symbol_changed_by_the_secretariat_on_the_page(secretariat_client, secretariat, summary):
    before = summary.symbol
    page = secretariat_client.get(_page_url(summary)).content.decode()
    assert f'action="{_symbol_url(summary)}"' in page
    assert f'value="{before}"' in page

    response = secretariat_client.post(_symbol_url(summary), {"symbol": " CTOC/COP/WG.6/2023/CRP.4 "})

    assert (response.status_code, response.url) == (302, _page_url(summary))
    summary.refresh_from_db()
    assert summary.symbol == "CTOC/COP/WG.6/2023/CRP.4"
    event = AuditEvent.objects.for_object(summary).get()
    assert (event.from_state, event.to_state, event.actor) == (State.DRAFT, State.DRAFT, secretariat)
    assert event.note == f"Symbol changed from {before} to CTOC/COP/WG.6/2023/CRP.4."
    assert "The symbol is now CTOC/COP/WG.6/2023/CRP.4." in _text(secretariat_client.get(response.url))


@pytest.mark.parametrize("state", [State.IN_REVIEW, State.APPROVED])
def test_symbol_changed_until_publication(secretariat_client, summary, state):
    SummaryRevisionFactory(summary=summary)
    ChairSummary.objects.filter(pk=summary.pk).update(state=state)

    response = secretariat_client.post(_symbol_url(summary), {"symbol": "CTOC/COP/WG.6/2023/CRP.5"})

    assert response.status_code == 302
    summary.refresh_from_db()
    assert (summary.symbol, summary.state) == ("CTOC/COP/WG.6/2023/CRP.5", state)


def test_symbol_not_offered_to_a_chair_and_their_post_is_404(chair_client, chair_user, as_chair, summary):
    before = summary.symbol

    page = chair_client.get(_page_url(summary)).content.decode()

    assert _symbol_url(summary) not in page
    assert before in page  # shown, not offered
    assert chair_client.post(_symbol_url(summary), {"symbol": "CTOC/COP/WG.6/2023/CRP.4"}).status_code == 404
    with pytest.raises(ValidationError) as refused:
        services.summary_symbol_set(summary=summary, symbol="X/CRP.1", by=chair_user, role=as_chair)
    assert refused.value.messages == ["Only the secretariat sets the document symbol."]
    summary.refresh_from_db()
    assert summary.symbol == before
    assert not AuditEvent.objects.for_object(summary).exists()


def test_symbol_post_before_the_summary_is_started_is_404(secretariat_client, dialogue):
    url = reverse("reports:summary_symbol", args=[dialogue.pk])

    assert secretariat_client.post(url, {"symbol": "CTOC/COP/WG.6/2023/CRP.4"}).status_code == 404
    assert not ChairSummary.objects.exists()


def test_symbol_another_summary_has_is_refused_next_to_the_field(secretariat_client, summary):
    before = summary.symbol
    ChairSummaryFactory(symbol="CTOC/COP/WG.6/2023/CRP.9")

    response = secretariat_client.post(_symbol_url(summary), {"symbol": "CTOC/COP/WG.6/2023/CRP.9"})

    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_symbol_error"' in page
    assert 'href="#id_symbol"' in page
    assert "Another summary has the symbol CTOC/COP/WG.6/2023/CRP.9." in _text(response)
    assert 'value="CTOC/COP/WG.6/2023/CRP.9"' in page  # what was typed, kept
    summary.refresh_from_db()
    assert summary.symbol == before
    assert not AuditEvent.objects.for_object(summary).exists()


def test_symbol_of_its_own_summary_set_again_is_accepted(secretariat, as_secretariat, summary):
    services.summary_symbol_set(summary=summary, symbol=summary.symbol, by=secretariat, role=as_secretariat)

    assert ChairSummary.objects.filter(symbol=summary.symbol).count() == 1


def test_symbol_unique_in_the_database(db):
    ChairSummaryFactory(symbol="CTOC/COP/WG.6/2022/CRP.2")
    other = ChairSummaryFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        ChairSummaryFactory(symbol="CTOC/COP/WG.6/2022/CRP.2")
    with pytest.raises(IntegrityError), transaction.atomic():
        ChairSummary.objects.filter(pk=other.pk).update(symbol="CTOC/COP/WG.6/2022/CRP.2")

    # No symbol yet is NULL, which any number of summaries may share.
    ChairSummaryFactory(symbol=None)
    ChairSummaryFactory(symbol=None)
    assert ChairSummary.objects.filter(symbol__isnull=True).count() == 2


def test_symbol_of_a_published_summary_cannot_change(
    secretariat_client, secretariat, as_secretariat, summary
):
    before = summary.symbol
    SummaryRevisionFactory(summary=summary)
    ChairSummary.objects.filter(pk=summary.pk).update(state=State.PUBLISHED)
    summary.refresh_from_db()

    page = secretariat_client.get(_page_url(summary)).content.decode()

    assert _symbol_url(summary) not in page
    assert secretariat_client.post(
        _symbol_url(summary), {"symbol": "CTOC/COP/WG.6/2023/CRP.4"}
    ).status_code == (404)
    with pytest.raises(ValidationError) as refused:
        services.summary_symbol_set(
            summary=summary, symbol="CTOC/COP/WG.6/2023/CRP.4", by=secretariat, role=as_secretariat
        )
    assert refused.value.messages == ["The summary is published: its symbol no longer changes."]
    summary.refresh_from_db()
    assert summary.symbol == before


def test_symbol_set_on_a_summary_published_meanwhile_is_refused_and_keeps_the_old_one(
    secretariat, as_secretariat, summary
):
    before = summary.symbol
    read = ChairSummary.objects.get(pk=summary.pk)
    SummaryRevisionFactory(summary=summary)
    ChairSummary.objects.filter(pk=summary.pk).update(state=State.PUBLISHED)  # meanwhile

    with pytest.raises(ValidationError) as refused:
        services.summary_symbol_set(
            summary=read, symbol="CTOC/COP/WG.6/2023/CRP.4", by=secretariat, role=as_secretariat
        )

    assert refused.value.code == "stale_state"
    summary.refresh_from_db()
    assert summary.symbol == before
    # The page shows the summary it has in hand again: with the symbol it really has.
    assert read.symbol == before
    assert not AuditEvent.objects.for_object(summary).exists()


# --- The symbol's format ------------------------------------------------------------------


@pytest.mark.parametrize(
    "symbol",
    ["CTOC/COP/WG.6/2022/CRP.2", "CTOC/COP/WG.6/2022/CRP.2/Rev.1", "A/B", "1/2", "CTOC/COP/WG.6/2022/crp.2"],
)
def test_symbol_form_accepts_a_document_symbol(symbol):
    form = SymbolForm({"symbol": symbol})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["symbol"] == symbol


@pytest.mark.parametrize(
    "symbol",
    [
        "CRP.2",  # no slash
        "ctoc/cop/WG.6/2022/CRP.2",  # begins in lower case
        "CTOC/COP/WG.6/2022/CRP 2",
        "CTOC//COP/CRP.2",
        "CTOC/COP/",
        "/CTOC/COP/CRP.2",
        ".CTOC/CRP.2",
        "CTOC/COP/WG.6/2022/CRP.2<script>",
        "CTOC/COP/WG–6/2022/CRP.2",  # an en dash
        "CTOC\\COP\\CRP.2",
    ],
)
def test_symbol_form_refuses_what_is_no_document_symbol(symbol):
    form = SymbolForm({"symbol": symbol})

    assert not form.is_valid()
    assert form.errors["symbol"] == [FORMAT]


def test_symbol_form_refuses_an_empty_or_overlong_symbol():
    assert SymbolForm({"symbol": ""}).errors["symbol"] == ["This field is required."]
    overlong = "CTOC/" + "A" * 96
    assert "at most 100 characters" in SymbolForm({"symbol": overlong}).errors["symbol"][0]


def test_symbol_in_another_format_is_refused_on_the_page(secretariat_client, summary):
    before = summary.symbol

    response = secretariat_client.post(_symbol_url(summary), {"symbol": "CRP 2"})

    assert response.status_code == 400
    assert 'id="id_symbol_error"' in response.content.decode()
    assert FORMAT in _text(response)
    summary.refresh_from_db()
    assert summary.symbol == before


# --- The secretariat's dashboard -----------------------------------------------------------


def test_dashboard_counts_the_summaries_in_review_and_links_to_them(secretariat_client):
    waiting = [ChairSummaryFactory(state=State.IN_REVIEW) for _ in range(2)]
    draft = ChairSummaryFactory(state=State.DRAFT)
    approved = ChairSummaryFactory(state=State.APPROVED)
    link = f"{reverse('reports:staff_summaries')}?state=in_review"

    page = secretariat_client.get(reverse("staff_dashboard"))

    content = html.unescape(page.content.decode())
    assert f'<a href="{link}"><span class="dashboard-count">2</span> Chair\'s summaries in review</a>' in (
        content
    )

    listed = secretariat_client.get(link)

    assert listed.status_code == 200
    text = _text(listed)
    assert all(summary.symbol in text for summary in waiting)
    assert draft.symbol not in text
    assert approved.symbol not in text


def test_dashboard_with_no_summary_in_review_shows_none(secretariat_client):
    ChairSummaryFactory(state=State.DRAFT)

    content = html.unescape(secretariat_client.get(reverse("staff_dashboard")).content.decode())

    assert '<span class="dashboard-count">0</span> Chair\'s summaries in review' in content


def test_summaries_list_is_the_secretariats_only(client, chair_user):
    client.force_login(chair_user)

    response = client.get(f"{reverse('reports:staff_summaries')}?state=in_review")

    assert response.status_code in (302, 403, 404)
