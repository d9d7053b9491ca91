"""Races on the CRP, on PostgreSQL: two people pressing "Generate PDF" at once, two
workers claiming one render, two publications of one document, a publication against a
reopening. Exactly one wins each time, the other is told, and nothing is made twice."""

import datetime

import pytest

from dialogue_portal.models import AuditEvent
from dialogue_portal.transitions import claim
from reports import services
from reports.models import ChairSummary, CrpDocument
from reports.permissions import drafter
from tests.concurrency import on_postgresql, refused, run_at_once, stagger
from tests.factories import ChairSummaryFactory, DialogueChairFactory, SecretariatFactory, UserFactory

ROUNDS = 12
TEXT = "# Introduction\n\nThe first paragraph.\n\nThe second paragraph."

pytestmark = [on_postgresql, pytest.mark.django_db(transaction=True)]


def _summary(chair, state=ChairSummary.State.DRAFT) -> ChairSummary:
    summary = ChairSummaryFactory()
    DialogueChairFactory(dialogue=summary.dialogue, user=chair)
    services.summary_save(
        summary=summary, text=TEXT, base=None, by=chair, role=drafter(chair, summary.dialogue)
    )
    ChairSummary.objects.filter(pk=summary.pk).update(state=state)
    return summary


def _generating(pk: int, user):
    def read():
        summary = ChairSummary.objects.select_related("dialogue", "current_revision").get(pk=pk)
        role = drafter(user, summary.dialogue)
        return lambda: services.crp_generate(summary=summary, by=user, role=role)

    return read


def test_generate_pressed_twice_at_once_gives_one_document_and_one_render_each_round():
    chair, secretariat = UserFactory(), SecretariatFactory()
    for round_ in range(ROUNDS):
        summary = _summary(chair)

        first, second = run_at_once(
            _generating(summary.pk, chair), _generating(summary.pk, secretariat), delays=stagger(round_)
        )

        assert first.pk == second.pk
        document = CrpDocument.objects.get(summary=summary)
        assert document.is_succeeded
        assert document.attempts == 1


def _claiming(pk: int):
    def read():
        document = CrpDocument.objects.get(pk=pk)
        return lambda: claim(
            document,
            to=CrpDocument.State.RUNNING,
            lease_for=datetime.timedelta(minutes=3),
            next_states=services.CRP_NEXT_STATES,
        )

    return read


def test_two_workers_claiming_one_document_at_once_one_gets_it_each_round():
    chair = UserFactory()
    summary = _summary(chair)
    for round_ in range(ROUNDS):
        document = CrpDocument.objects.create(
            summary=summary, revision=summary.current_revision, symbol=f"{summary.symbol}/race{round_}"
        )

        results = run_at_once(_claiming(document.pk), _claiming(document.pk), delays=stagger(round_))

        assert sorted(results) == [False, True]
        assert AuditEvent.objects.filter(object_id=str(document.pk), to_state="running").count() == 1


def _approved_with_pdf(chair, secretariat) -> ChairSummary:
    summary = _summary(chair, ChairSummary.State.APPROVED)
    services.crp_generate(summary=summary, by=secretariat, role=drafter(secretariat, summary.dialogue))
    return summary


def _publishing(pk: int, user):
    def read():
        summary = ChairSummary.objects.select_related("dialogue", "current_revision").get(pk=pk)
        summary.drafter = drafter(user, summary.dialogue)
        return lambda: services.summary_publish(summary=summary, by=user, role=summary.drafter)

    return read


def _reopening(pk: int, user):
    def read():
        summary = ChairSummary.objects.select_related("dialogue", "current_revision").get(pk=pk)
        role = drafter(user, summary.dialogue)
        return lambda: services.summary_reopen(
            summary=summary, by=user, role=role, reason="A figure is wrong."
        )

    return read


def test_two_publications_of_one_document_at_once_publish_it_once_each_round():
    chair, one, other = UserFactory(), SecretariatFactory(), SecretariatFactory()
    for round_ in range(ROUNDS):
        summary = _approved_with_pdf(chair, one)

        results = run_at_once(
            _publishing(summary.pk, one), _publishing(summary.pk, other), delays=stagger(round_)
        )

        assert refused(results[0]) != refused(results[1]), results
        [published] = [result for result in results if not refused(result)]
        document = CrpDocument.objects.get(summary=summary)
        assert document.published_by in (one, other)
        assert published.pk == document.pk
        assert (
            AuditEvent.objects.filter(
                object_id=str(summary.pk), from_state="approved", to_state="published"
            ).count()
            == 1
        )


def test_a_publication_against_a_reopening_ends_in_exactly_one_each_round():
    chair, secretariat = UserFactory(), SecretariatFactory()
    for round_ in range(ROUNDS):
        summary = _approved_with_pdf(chair, secretariat)

        results = run_at_once(
            _publishing(summary.pk, secretariat), _reopening(summary.pk, chair), delays=stagger(round_)
        )

        assert refused(results[0]) != refused(results[1]), results
        summary.refresh_from_db()
        document = CrpDocument.objects.get(summary=summary)
        if refused(results[0]):  # reopened first: nothing published
            assert summary.is_draft
            assert document.published_at is None
        else:  # published first: the reopening found it published, and a Chair may not reopen that
            assert summary.is_published
            assert document.published_at is not None
