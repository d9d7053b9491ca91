"""Races on the dialogue calendar: decisions, representatives, requests for the floor and the speakers'
list against moves made meanwhile."""

import pytest
from django.core.exceptions import ValidationError

from sessions import services
from sessions.models import AgendaItem, Dialogue, Intervention, Registration
from stakeholders import services as stakeholder_services
from stakeholders.models import Organisation, Representative
from tests.concurrency import on_postgresql, refused, run_at_once, stagger
from tests.factories import (
    AgendaItemFactory,
    RegistrationFactory,
    RepresentativeFactory,
    SecretariatFactory,
    admitted_organisation,
)

from .support import ROUNDS, Applied, Floor, State, event, open_dialogue, speakers_list

# --- Decisions against the dialogue's moves ------------------------------------------------


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_registration_approve_against_cancellation_one_after_the_other_each_round():
    secretariat = SecretariatFactory()
    for round_ in range(ROUNDS):
        dialogue = open_dialogue()
        registration = RegistrationFactory(dialogue=dialogue)

        def approve(pk=registration.pk):
            read = Registration.objects.select_related("dialogue", "organisation").get(pk=pk)
            return lambda: services.registration_approve(registration=read, by=secretariat)

        def cancel(pk=dialogue.pk):
            read = Dialogue.objects.get(pk=pk)
            return lambda: services.dialogue_cancel(dialogue=read, by=secretariat, reason="No room.")

        approved, cancelled = run_at_once(approve, cancel, delays=stagger(round_))

        assert not refused(cancelled), cancelled
        registration.refresh_from_db()
        if refused(approved):
            assert approved.messages == ["The dialogue is cancelled: applications can no longer be approved."]
            assert registration.state == Applied.APPLIED
        else:
            # Approved first: the cancellation came after, and told its representatives.
            assert registration.state == Applied.APPROVED
            assert event(registration, Applied.APPROVED).pk < event(dialogue, State.CANCELLED).pk


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_registration_apply_against_cancellation_one_after_the_other_each_round():
    secretariat = SecretariatFactory()
    for round_ in range(ROUNDS):
        dialogue = open_dialogue()
        organisation = admitted_organisation()
        representative = RepresentativeFactory(organisation=organisation)

        def apply(dialogue_pk=dialogue.pk, organisation_pk=organisation.pk, rep_pk=representative.pk):
            read = Dialogue.objects.get(pk=dialogue_pk)
            applicant = Organisation.objects.get(pk=organisation_pk)
            named = [Representative.objects.get(pk=rep_pk)]
            return lambda: services.registration_apply(
                organisation=applicant,
                dialogues=[read],
                by=None,
                representatives=named,
                expertise="Research on firearms trafficking.",
            )

        def cancel(pk=dialogue.pk):
            read = Dialogue.objects.get(pk=pk)
            return lambda: services.dialogue_cancel(
                dialogue=read, by=secretariat, reason="The room is not available."
            )

        applied, cancelled = run_at_once(apply, cancel, delays=stagger(round_))

        assert not refused(cancelled), cancelled
        if refused(applied):
            assert (
                "Applications for this dialogue are not open (it is cancelled)."
                in (applied.message_dict["dialogues"][0])
            )
            assert not Registration.objects.filter(dialogue=dialogue).exists()
        else:
            # Applied first: the cancellation came after, and told this applicant.
            (registration,) = applied
            assert event(registration, Applied.APPLIED).pk < event(dialogue, State.CANCELLED).pk


def test_registration_approve_read_before_a_cancellation_is_refused(db, secretariat):
    registration = RegistrationFactory(dialogue=open_dialogue())
    read = Registration.objects.select_related("dialogue").get(pk=registration.pk)
    services.dialogue_cancel(
        dialogue=registration.dialogue, by=secretariat, reason="The room is not available."
    )

    with pytest.raises(ValidationError) as excinfo:
        services.registration_approve(registration=read, by=secretariat)

    assert excinfo.value.messages == ["The dialogue is cancelled: applications can no longer be approved."]
    registration.refresh_from_db()
    assert registration.state == Applied.APPLIED


def test_registration_apply_read_before_a_close_is_refused(db, secretariat):
    dialogue = open_dialogue()
    read = Dialogue.objects.get(pk=dialogue.pk)
    services.dialogue_close(dialogue=dialogue, by=secretariat)
    organisation = admitted_organisation()

    with pytest.raises(ValidationError) as excinfo:
        services.registration_apply(
            organisation=organisation,
            dialogues=[read],
            by=None,
            representatives=[RepresentativeFactory(organisation=organisation)],
            expertise="Research on firearms trafficking.",
        )

    assert "are not open (it is closed)" in excinfo.value.message_dict["dialogues"][0]
    assert not Registration.objects.exists()


# --- Representatives removed while an application names them -------------------------------


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_registration_apply_against_representative_removal_one_after_the_other_each_round():
    for round_ in range(ROUNDS):
        dialogue = open_dialogue()
        organisation = admitted_organisation()
        leaving, staying = (RepresentativeFactory(organisation=organisation) for _ in range(2))

        def apply(dialogue_pk=dialogue.pk, organisation_pk=organisation.pk, pks=(leaving.pk, staying.pk)):
            read = Dialogue.objects.get(pk=dialogue_pk)
            applicant = Organisation.objects.get(pk=organisation_pk)
            named = list(Representative.objects.filter(pk__in=pks))
            return lambda: services.registration_apply(
                organisation=applicant,
                dialogues=[read],
                by=None,
                representatives=named,
                expertise="Research on firearms trafficking.",
            )

        def remove(pk=leaving.pk):
            read = Representative.objects.get(pk=pk)
            return lambda: stakeholder_services.representative_remove(representative=read, by=None)

        applied, removed = run_at_once(apply, remove, delays=stagger(round_))

        assert not refused(removed), removed
        assert not Representative.objects.filter(pk=leaving.pk).exists()
        if refused(applied):
            assert applied.message_dict["representatives"] == [
                f"{leaving.name} was removed from the organisation's representatives meanwhile."
            ]
            assert not Registration.objects.filter(dialogue=dialogue).exists()
        else:
            # Applied first: the removal came after, and took them off the application.
            (registration,) = applied
            assert list(registration.representatives.all()) == [staying]


def test_registration_apply_naming_a_representative_removed_meanwhile_is_refused(db):
    organisation = admitted_organisation()
    leaving = RepresentativeFactory(organisation=organisation, name="Ana Pérez")
    named = [leaving, RepresentativeFactory(organisation=organisation)]
    stakeholder_services.representative_remove(representative=leaving, by=None)

    with pytest.raises(ValidationError) as excinfo:
        services.registration_apply(
            organisation=organisation,
            dialogues=[open_dialogue()],
            by=None,
            representatives=named,
            expertise="Research on firearms trafficking.",
        )

    assert excinfo.value.message_dict == {
        "representatives": ["Ana Pérez was removed from the organisation's representatives meanwhile."]
    }
    assert not Registration.objects.exists()


# --- Requests for the floor against the application's withdrawal ---------------------------


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_floor_request_against_application_withdrawal_leaves_no_open_request_each_round():
    for round_ in range(ROUNDS):
        dialogue = open_dialogue()
        item = AgendaItemFactory(dialogue=dialogue)
        registration = RegistrationFactory(dialogue=dialogue, state=Applied.APPROVED)

        def ask(pk=registration.pk, item_pk=item.pk):
            read = Registration.objects.select_related("dialogue").get(pk=pk)
            speaker = read.representatives.order_by("pk").first()
            agenda_item = AgendaItem.objects.get(pk=item_pk)
            return lambda: services.intervention_request(
                registration=read, agenda_item=agenda_item, speaker=speaker, by=None
            )

        def withdraw(pk=registration.pk):
            read = Registration.objects.select_related("dialogue").get(pk=pk)
            return lambda: services.registration_withdraw(registration=read, by=None)

        asked, withdrawn = run_at_once(ask, withdraw, delays=stagger(round_))

        assert not refused(withdrawn), withdrawn
        if refused(asked):
            assert asked.messages == ["Only an approved application gives the floor."]
            assert not Intervention.objects.filter(registration=registration).exists()
        else:
            # Asked first: the withdrawal came after, and withdrew the request too.
            asked.refresh_from_db()
            assert (asked.state, asked.position) == (Floor.WITHDRAWN, None)


def test_floor_request_read_before_the_withdrawal_is_refused(db):
    registration = RegistrationFactory(dialogue=open_dialogue(), state=Applied.APPROVED)
    read = Registration.objects.select_related("dialogue").get(pk=registration.pk)
    services.registration_withdraw(registration=registration, by=None)

    with pytest.raises(ValidationError) as excinfo:
        services.intervention_request(
            registration=read,
            agenda_item=AgendaItemFactory(dialogue=registration.dialogue),
            speaker=registration.representatives.first(),
            by=None,
        )

    assert excinfo.value.messages == ["Only an approved application gives the floor."]
    assert not Intervention.objects.exists()


# --- The speakers' list: moves against withdrawals -----------------------------------------


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_speaker_move_against_withdrawal_leaves_no_withdrawn_speaker_on_the_list_each_round():
    secretariat = SecretariatFactory()
    for round_ in range(ROUNDS):
        _item, (first, second, third) = speakers_list(open_dialogue(), secretariat)

        def move_up(pk=third.pk):
            read = Intervention.objects.get(pk=pk)
            return lambda: services.intervention_move(intervention=read, by=secretariat, up=True)

        def withdraw(pk=second.pk):
            read = Intervention.objects.get(pk=pk)
            return lambda: services.intervention_withdraw(intervention=read, by=secretariat)

        moved, withdrawn = run_at_once(move_up, withdraw, delays=stagger(round_))

        assert not refused(moved), moved
        assert not refused(withdrawn), withdrawn
        for intervention in (first, second, third):
            intervention.refresh_from_db()
        assert (second.state, second.position) == (Floor.WITHDRAWN, None)
        places = {"first": first.position, "third": third.position}
        # Moved first, third took second's place; withdrawn first, third passed the first speaker.
        assert places in ({"first": 1, "third": 2}, {"first": 3, "third": 1}), places


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_speaker_move_against_its_own_withdrawal_never_gives_a_place_back_each_round():
    secretariat = SecretariatFactory()
    for round_ in range(ROUNDS):
        _item, (first, second, third) = speakers_list(open_dialogue(), secretariat)

        def move_up(pk=third.pk):
            read = Intervention.objects.get(pk=pk)
            return lambda: services.intervention_move(intervention=read, by=secretariat, up=True)

        def withdraw(pk=third.pk):
            read = Intervention.objects.get(pk=pk)
            return lambda: services.intervention_withdraw(intervention=read, by=secretariat)

        moved, withdrawn = run_at_once(move_up, withdraw, delays=stagger(round_))

        assert not refused(withdrawn), withdrawn
        for intervention in (first, second, third):
            intervention.refresh_from_db()
        assert (third.state, third.position) == (Floor.WITHDRAWN, None)
        if refused(moved):
            assert moved.messages == ["Only a speaker waiting on the list can be moved."]
            assert (first.position, second.position) == (1, 2)
        else:
            assert (first.position, second.position) == (1, 3)
