"""Races on a Chair's summary, on PostgreSQL: saves from one base at one barrier, summaries
started at once, a save against the approval, a move against a move made meanwhile.
Never a silent overwrite, never two numbers alike, never a 500."""

import datetime
import html
import re
import threading
import time

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from dialogue_portal.models import AuditEvent
from reports import services
from reports.models import ChairSummary, SummaryRevision
from reports.permissions import drafter
from sessions.models import Dialogue
from tests.concurrency import on_postgresql, refused, run_at_once, stagger
from tests.factories import (
    ChairSummaryFactory,
    DialogueChairFactory,
    HeldDialogueFactory,
    SecretariatFactory,
    UserFactory,
    WorkingGroupSessionFactory,
)

ROUNDS = 12
State = ChairSummary.State
Kind = SummaryRevision.Kind
BASE = "# Introduction\n\nFirst paragraph.\n\nSecond paragraph.\n\n# Opening\n\nThird paragraph."
READ_ONLY = "The summary is approved and read-only: reopen it to edit it."
STALE = "This Chair's summary was changed by someone else meanwhile; reload the page and try again."


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.REQUIRE_MFA = False


def _drafted(chair, secretariat, state: str = State.DRAFT) -> ChairSummary:
    """A summary of a new dialogue chaired by ``chair``, its first revision ``BASE``."""
    summary = ChairSummaryFactory()
    DialogueChairFactory(dialogue=summary.dialogue, user=chair)
    services.summary_save(
        summary=summary, text=BASE, base=None, by=chair, role=drafter(chair, summary.dialogue)
    )
    if state == State.IN_REVIEW:
        services.summary_send_for_review(summary=summary, by=chair, role=drafter(chair, summary.dialogue))
    return summary


def _saving(pk: int, text: str, user):
    """A contender that reads the summary and its current revision, as the editor did, then saves."""

    def read():
        summary = ChairSummary.objects.select_related("dialogue", "current_revision").get(pk=pk)
        base = summary.current_revision
        role = drafter(user, summary.dialogue)
        return lambda: services.summary_save(summary=summary, text=text, base=base, by=user, role=role)

    return read


def _numbers(summary) -> list[int]:
    return sorted(SummaryRevision.objects.filter(summary=summary).values_list("number", flat=True))


# --- Two saves from one base ----------------------------------------------------------------


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_saves_of_different_paragraphs_at_once_one_lands_the_other_merges_each_round():
    chair, secretariat = UserFactory(), SecretariatFactory()
    chairs = BASE.replace("First paragraph.", "First, as the Chair put it.")
    theirs = BASE.replace("Third paragraph.", "Third, as the secretariat put it.")
    both = BASE.replace("First paragraph.", "First, as the Chair put it.").replace(
        "Third paragraph.", "Third, as the secretariat put it."
    )
    for round_ in range(ROUNDS):
        summary = _drafted(chair, secretariat)

        results = run_at_once(
            _saving(summary.pk, chairs, chair),
            _saving(summary.pk, theirs, secretariat),
            delays=stagger(round_),
        )

        assert not any(refused(result) for result in results), results
        [direct] = [saved for saved in results if saved.merged_with is None]
        [merged] = [saved for saved in results if saved.merged_with is not None]
        assert (direct.revision.number, direct.revision.kind) == (2, Kind.SAVED)
        assert (merged.revision.number, merged.revision.kind) == (3, Kind.MERGED)
        assert merged.merged_with == direct.revision
        summary.refresh_from_db()
        assert summary.current_revision == merged.revision
        assert summary.current_revision.text == both  # both changes, neither lost
        assert (_numbers(summary), summary.revision_count) == ([1, 2, 3], 3)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_saves_of_the_same_paragraph_at_once_one_lands_the_other_is_refused_each_round():
    chair, secretariat = UserFactory(), SecretariatFactory()
    chairs = BASE.replace("Second paragraph.", "Second, as the Chair put it.")
    theirs = BASE.replace("Second paragraph.", "Second, as the secretariat put it.")
    for round_ in range(ROUNDS):
        summary = _drafted(chair, secretariat)

        results = run_at_once(
            _saving(summary.pk, chairs, chair),
            _saving(summary.pk, theirs, secretariat),
            delays=stagger(round_),
        )

        assert refused(results[0]) != refused(results[1]), results
        [winner] = [result for result in results if not refused(result)]
        [loser] = [result for result in results if refused(result)]
        assert isinstance(loser, services.SummaryConflict), loser
        assert loser.code == "conflict"
        assert loser.current == winner.revision
        assert (winner.revision.number, winner.revision.kind, winner.merged_with) == (2, Kind.SAVED, None)
        summary.refresh_from_db()
        # The refused save overwrote nothing: the current text is the winner's.
        assert summary.current_revision == winner.revision
        assert summary.current_revision.text in (chairs, theirs)
        [conflict] = loser.conflicts
        assert {conflict.theirs, conflict.mine} == {
            ("Second, as the Chair put it.",),
            ("Second, as the secretariat put it.",),
        }
        assert (_numbers(summary), summary.revision_count) == ([1, 2], 2)


# --- Summaries started at once ------------------------------------------------------------


def _starting(dialogue_pk: int, by):
    def read():
        dialogue = Dialogue.objects.select_related("session__working_group").get(pk=dialogue_pk)
        return lambda: services.summary_start(dialogue=dialogue, by=by)

    return read


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_summary_start_twice_at_once_for_one_dialogue_makes_one_summary_each_round():
    secretariat, chair = SecretariatFactory(), UserFactory()
    for round_ in range(ROUNDS):
        dialogue = HeldDialogueFactory()
        prefix = dialogue.session.working_group.symbol_prefix

        first, second = run_at_once(
            _starting(dialogue.pk, secretariat), _starting(dialogue.pk, chair), delays=stagger(round_)
        )

        assert not refused(first), first
        assert not refused(second), second
        assert first.pk == second.pk
        summary = ChairSummary.objects.get(dialogue=dialogue)
        assert summary.symbol == f"{prefix}/2023/CRP.1"
        assert AuditEvent.objects.for_object(summary).count() == 1


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_summary_start_at_once_for_two_dialogues_of_one_year_proposes_two_symbols_each_round():
    secretariat = SecretariatFactory()
    for round_ in range(ROUNDS):
        session = WorkingGroupSessionFactory(
            first_day=datetime.date(2023, 5, 3), last_day=datetime.date(2023, 5, 6)
        )
        prefix = session.working_group.symbol_prefix
        # Every other round the named lock's row exists already (an earlier summary of that
        # year took it): the two then wait on it; else they race to create it too.
        earlier = round_ % 2
        if earlier:
            services.summary_start(dialogue=HeldDialogueFactory(session=session), by=secretariat)
        one, other = HeldDialogueFactory(session=session), HeldDialogueFactory(session=session)

        results = run_at_once(
            _starting(one.pk, secretariat), _starting(other.pk, secretariat), delays=stagger(round_)
        )

        assert not any(refused(result) for result in results), results
        assert {summary.symbol for summary in results} == {
            f"{prefix}/2023/CRP.{earlier + 1}",
            f"{prefix}/2023/CRP.{earlier + 2}",
        }


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_symbol_set_to_one_symbol_on_two_summaries_at_once_only_one_has_it_each_round():
    secretariat = SecretariatFactory()
    for round_ in range(ROUNDS):
        symbol = f"CTOC/COP/WG.6/2023/CRP.{100 + round_}"
        pks = [ChairSummaryFactory().pk, ChairSummaryFactory().pk]

        def setting(pk, symbol=symbol):
            def read():
                summary = ChairSummary.objects.select_related("dialogue").get(pk=pk)
                role = drafter(secretariat, summary.dialogue)
                return lambda: services.summary_symbol_set(
                    summary=summary, symbol=symbol, by=secretariat, role=role
                )

            return read

        results = run_at_once(setting(pks[0]), setting(pks[1]), delays=stagger(round_))

        assert refused(results[0]) != refused(results[1]), results
        [loser] = [result for result in results if refused(result)]
        assert loser.message_dict == {"symbol": [f"Another summary has the symbol {symbol}."]}
        assert ChairSummary.objects.filter(symbol=symbol).count() == 1


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_summary_start_as_its_symbol_is_set_by_hand_on_another_proposes_the_next():
    secretariat = SecretariatFactory()
    dialogue = HeldDialogueFactory()
    stem = f"{dialogue.session.working_group.symbol_prefix}/2023/CRP."
    other = ChairSummaryFactory()

    def set_by_hand():
        read = ChairSummary.objects.select_related("dialogue").get(pk=other.pk)
        role = drafter(secretariat, read.dialogue)
        services.summary_symbol_set(summary=read, symbol=f"{stem}1", by=secretariat, role=role)

    # The secretariat's change does not wait on the proposal's lock: the start's INSERT
    # meets the symbol at the unique index instead.
    started = _while_uncommitted(set_by_hand, _starting(dialogue.pk, secretariat)())

    assert isinstance(started, ChairSummary), started
    assert (started.dialogue_id, started.symbol) == (dialogue.pk, f"{stem}2")
    assert ChairSummary.objects.get(pk=other.pk).symbol == f"{stem}1"


# --- A save against the approval ----------------------------------------------------------


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_save_against_the_approval_ends_in_exactly_one_order_each_round():
    chair, secretariat = UserFactory(), SecretariatFactory()
    edited = BASE.replace("Second paragraph.", "Second, as the secretariat put it.")
    for round_ in range(ROUNDS):
        summary = _drafted(chair, secretariat, State.IN_REVIEW)
        first = summary.current_revision

        def approving(pk=summary.pk):
            read = ChairSummary.objects.select_related("dialogue").get(pk=pk)
            role = drafter(chair, read.dialogue)
            return lambda: services.summary_approve(summary=read, by=chair, role=role)

        saved, approved = run_at_once(
            _saving(summary.pk, edited, secretariat), approving, delays=stagger(round_)
        )

        assert not refused(approved), approved
        summary.refresh_from_db()
        assert summary.state == State.APPROVED
        approval = AuditEvent.objects.for_object(summary).get(to_state=State.APPROVED)
        if refused(saved):
            # Approved first: the text it approved stays as it was.
            assert (saved.code, saved.messages) == ("read_only", [READ_ONLY])
            assert summary.current_revision == first
            assert _numbers(summary) == [1]
        else:
            # Saved first, then approved: the approval is of the saved text.
            assert summary.current_revision == saved.revision
            assert (saved.revision.number, saved.revision.text) == (2, edited)
            assert saved.revision.created_at <= approval.created_at


# --- A move against a move made meanwhile, through the page ----------------------------------


def _while_uncommitted(move, request):
    """Run ``request`` in a thread while ``move`` is made, uncommitted, in this one; commit
    the move only once the request waits on its lock: the click (or call) that comes as
    someone else's change is being saved, made certain."""
    outcome: dict = {}

    def run():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                outcome["pid"] = cursor.fetchone()[0]
            outcome["response"] = request()
        except Exception as error:  # handed back to the test's thread
            outcome["response"] = error
        finally:
            connection.close()

    with transaction.atomic():
        move()
        thread = threading.Thread(target=run)
        thread.start()
        with connection.cursor() as cursor:
            for _ in range(200):  # until the request waits on the uncommitted move's lock
                cursor.execute(
                    "SELECT count(*) FROM pg_locks WHERE pid = %s AND NOT granted", [outcome.get("pid")]
                )
                if cursor.fetchone()[0]:
                    break
                time.sleep(0.05)
            else:
                thread.join(timeout=20)
                raise AssertionError(f"the request never waited on the move: {outcome.get('response')}")
    thread.join(timeout=20)
    assert not thread.is_alive()
    return outcome["response"]


def _text(response) -> str:
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(text))


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_approve_clicked_as_the_summary_is_sent_back_is_refused_as_stale():
    chair, secretariat = UserFactory(), SecretariatFactory()
    summary = _drafted(chair, secretariat, State.IN_REVIEW)
    client = Client()
    client.force_login(chair)
    url = reverse("reports:summary_action", args=[summary.dialogue_id, "approve"])

    def send_back():
        read = ChairSummary.objects.select_related("dialogue").get(pk=summary.pk)
        services.summary_send_back(
            summary=read, by=secretariat, role=drafter(secretariat, read.dialogue), note="Shorten it."
        )

    response = _while_uncommitted(send_back, lambda: client.post(url))

    assert response.status_code == 200, response
    assert STALE in _text(response)
    summary.refresh_from_db()
    assert (summary.state, summary.review_note) == (State.DRAFT, "Shorten it.")
    assert list(AuditEvent.objects.for_object(summary).values_list("to_state", flat=True).order_by("id")) == [
        State.IN_REVIEW,
        State.DRAFT,
    ]


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_save_clicked_as_the_summary_is_approved_is_refused_read_only():
    chair, secretariat = UserFactory(), SecretariatFactory()
    summary = _drafted(chair, secretariat, State.IN_REVIEW)
    client = Client()
    client.force_login(secretariat)
    page = reverse("reports:summary", args=[summary.dialogue_id])
    posted = {"text": BASE + "\n\nLate.", "base": summary.current_revision_id, "save": "1"}

    def approve():
        read = ChairSummary.objects.select_related("dialogue").get(pk=summary.pk)
        services.summary_approve(summary=read, by=chair, role=drafter(chair, read.dialogue))

    response = _while_uncommitted(approve, lambda: client.post(page, posted))

    assert response.status_code == 409, response
    assert READ_ONLY in _text(response)
    summary.refresh_from_db()
    assert (summary.state, _numbers(summary)) == (State.APPROVED, [1])


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_approve_and_send_back_clicked_at_once_one_moves_the_other_is_told_each_round():
    chair, secretariat = UserFactory(), SecretariatFactory()
    chair_client, secretariat_client = Client(), Client()
    chair_client.force_login(chair)
    secretariat_client.force_login(secretariat)
    for round_ in range(ROUNDS):
        summary = _drafted(chair, secretariat, State.IN_REVIEW)

        def clicking(client, slug, data, pk=summary.dialogue_id):
            url = reverse("reports:summary_action", args=[pk, slug])
            return lambda: lambda: client.post(url, data)

        approved, sent_back = run_at_once(
            clicking(chair_client, "approve", {}),
            clicking(secretariat_client, "send-back", {"note": "Shorten it."}),
            delays=stagger(round_),
        )

        statuses = sorted([approved.status_code, sent_back.status_code])
        assert statuses == [200, 302], statuses
        summary.refresh_from_db()
        loser = approved if approved.status_code == 200 else sent_back
        assert summary.state == (State.APPROVED if loser is sent_back else State.DRAFT)
        # Read after the other's move, or racing it: told either way, nothing changed.
        told = _text(loser)
        assert STALE in told or "cannot go from" in told or "Only a summary in review" in told, told
        assert AuditEvent.objects.for_object(summary).exclude(to_state=State.IN_REVIEW).count() == 1
