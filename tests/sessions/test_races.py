"""Decisions, edits and the speakers' list racing the dialogue's moves: one wins, the other
is told, and nothing the winner did is undone.

The race tests run each pair at one barrier, on PostgreSQL, for several rounds; the
others replay the same interleaving one step after the other, on any database.
"""

import datetime
import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from dialogue_portal.models import AuditEvent
from sessions import services
from sessions.models import AgendaItem, Dialogue, Intervention, Registration
from stakeholders import services as stakeholder_services
from stakeholders.models import Organisation, Representative
from tests.concurrency import on_postgresql, refused, run_at_once, stagger
from tests.factories import (
    AgendaItemFactory,
    DialogueFactory,
    RegistrationFactory,
    RepresentativeFactory,
    SecretariatFactory,
    admitted_organisation,
    vienna,
)

ROUNDS = 20
State = Dialogue.State
Applied = Registration.State
Floor = Intervention.State


def event(obj, to_state: str) -> AuditEvent:
    return AuditEvent.objects.for_object(obj).get(to_state=to_state)


def open_dialogue(**fields) -> Dialogue:
    return DialogueFactory(state=State.OPEN, **fields)


def speakers_list(dialogue: Dialogue, by, count: int = 3) -> tuple[AgendaItem, list[Intervention]]:
    """An agenda item with ``count`` speakers of one approved application, in places 1, 2, 3 …."""
    item = AgendaItemFactory(dialogue=dialogue)
    registration = RegistrationFactory(dialogue=dialogue, state=Applied.APPROVED, representatives=[])
    speakers = [RepresentativeFactory(organisation=registration.organisation) for _ in range(count)]
    registration.representatives.set(speakers)
    listed = []
    for speaker in speakers:
        intervention = services.intervention_request(
            registration=registration, agenda_item=item, speaker=speaker, by=by
        )
        listed.append(services.intervention_schedule(intervention=intervention, by=by))
    return item, listed


# --- Decisions against the dialogue's moves ---------------------------------------------------


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


# --- Representatives removed while an application names them ---------------------------------


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


# --- Requests for the floor against the application's withdrawal ------------------------------


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


# --- The speakers' list: moves against withdrawals ----------------------------------------------


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


# --- The dialogue's details against its moves ---------------------------------------------------


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_dialogue_save_against_cancellation_never_undoes_it_each_round():
    secretariat = SecretariatFactory()
    for round_ in range(ROUNDS):
        dialogue = open_dialogue(room="Boardroom D")

        def save(pk=dialogue.pk):
            read = Dialogue.objects.get(pk=pk)
            read.room = "Conference Room 3"
            return lambda: services.dialogue_save(dialogue=read, by=secretariat)

        def cancel(pk=dialogue.pk):
            read = Dialogue.objects.get(pk=pk)
            return lambda: services.dialogue_cancel(
                dialogue=read, by=secretariat, reason="The room is not available."
            )

        saved, cancelled = run_at_once(save, cancel, delays=stagger(round_))

        assert not refused(cancelled), cancelled
        dialogue.refresh_from_db()
        # The cancellation stands whatever came first, with its higher calendar SEQUENCE.
        assert (dialogue.state, dialogue.sequence) == (State.CANCELLED, 1)
        if refused(saved):
            assert saved.code == "stale_state"
            assert saved.messages == [
                "This dialogue was changed by someone else meanwhile; reload the page and try again."
            ]
            assert dialogue.room == "Boardroom D"
        else:
            assert dialogue.room == "Conference Room 3"


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_dialogue_postpone_against_cancellation_one_after_the_other_each_round():
    secretariat = SecretariatFactory()
    for round_ in range(ROUNDS):
        dialogue = open_dialogue()
        new_date = dialogue.date + datetime.timedelta(days=7)

        def postpone(pk=dialogue.pk, new_date=new_date):
            read = Dialogue.objects.get(pk=pk)
            return lambda: services.dialogue_postpone(
                dialogue=read,
                by=secretariat,
                date=new_date,
                start_time=datetime.time(10, 0),
                end_time=datetime.time(13, 0),
            )

        def cancel(pk=dialogue.pk):
            read = Dialogue.objects.get(pk=pk)
            return lambda: services.dialogue_cancel(
                dialogue=read, by=secretariat, reason="The room is not available."
            )

        postponed, cancelled = run_at_once(postpone, cancel, delays=stagger(round_))

        assert not refused(cancelled), cancelled
        dialogue.refresh_from_db()
        assert dialogue.state == State.CANCELLED
        cancellation = event(dialogue, State.CANCELLED)
        if refused(postponed):
            assert postponed.messages == ["A cancelled dialogue cannot be postponed."]
            assert dialogue.sequence == 1
            assert not AuditEvent.objects.for_object(dialogue).filter(note__startswith="Postponed").exists()
        else:
            # Postponed first, then cancelled: each raised the SEQUENCE, in that order.
            assert (dialogue.date, dialogue.sequence) == (new_date, 2)
            postponement = AuditEvent.objects.for_object(dialogue).get(note__startswith="Postponed")
            assert postponement.pk < cancellation.pk


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_dialogue_postpone_against_a_details_save_never_undoes_the_new_date_each_round():
    secretariat = SecretariatFactory()
    for round_ in range(ROUNDS):
        dialogue = open_dialogue(room=f"Boardroom {round_}")  # each postponed into its own room
        new_date = dialogue.date + datetime.timedelta(days=7)

        def postpone(pk=dialogue.pk, new_date=new_date):
            read = Dialogue.objects.get(pk=pk)
            return lambda: services.dialogue_postpone(
                dialogue=read,
                by=secretariat,
                date=new_date,
                start_time=datetime.time(10, 0),
                end_time=datetime.time(13, 0),
            )

        def save(pk=dialogue.pk, round_=round_):
            read = Dialogue.objects.get(pk=pk)
            read.room = f"Conference Room {round_}"
            return lambda: services.dialogue_save(dialogue=read, by=secretariat)

        postponed, saved = run_at_once(postpone, save, delays=stagger(round_))

        # The postponement stands whatever came first (and neither waits for ever).
        assert not refused(postponed), postponed
        dialogue.refresh_from_db()
        assert (dialogue.date, dialogue.start_time, dialogue.sequence) == (new_date, datetime.time(10, 0), 1)
        if refused(saved):
            assert saved.code == "stale_state"
            assert dialogue.room == f"Boardroom {round_}"
        else:
            assert dialogue.room == f"Conference Room {round_}"


def test_dialogue_cancel_read_before_a_postponement_raises_the_sequence_from_it(db, secretariat):
    dialogue = open_dialogue()
    read = Dialogue.objects.get(pk=dialogue.pk)
    services.dialogue_postpone(
        dialogue=dialogue,
        by=secretariat,
        date=dialogue.date + datetime.timedelta(days=7),
        start_time=datetime.time(10, 0),
        end_time=datetime.time(13, 0),
    )

    services.dialogue_cancel(dialogue=read, by=secretariat, reason="The room is not available.")

    dialogue.refresh_from_db()
    assert (dialogue.state, dialogue.sequence) == (State.CANCELLED, 2)
    assert read.sequence == 2


def test_dialogue_save_read_before_a_postponement_is_refused_and_keeps_the_new_date(db, secretariat):
    dialogue = open_dialogue()
    read = Dialogue.objects.get(pk=dialogue.pk)
    new_date = dialogue.date + datetime.timedelta(days=7)
    services.dialogue_postpone(
        dialogue=dialogue,
        by=secretariat,
        date=new_date,
        start_time=datetime.time(10, 0),
        end_time=datetime.time(13, 0),
    )
    read.room = "Conference Room 3"

    with pytest.raises(ValidationError) as excinfo:
        services.dialogue_save(dialogue=read, by=secretariat)

    assert excinfo.value.code == "stale_state"
    dialogue.refresh_from_db()
    assert (dialogue.date, dialogue.room, dialogue.sequence) == (new_date, "Boardroom D", 1)


def test_dialogue_postpone_read_before_a_cancellation_is_refused(db, secretariat):
    dialogue = open_dialogue()
    read = Dialogue.objects.get(pk=dialogue.pk)
    services.dialogue_cancel(dialogue=dialogue, by=secretariat, reason="The room is not available.")

    with pytest.raises(ValidationError) as excinfo:
        services.dialogue_postpone(
            dialogue=read,
            by=secretariat,
            date=dialogue.date + datetime.timedelta(days=7),
            start_time=datetime.time(10, 0),
            end_time=datetime.time(13, 0),
        )

    assert excinfo.value.messages == ["A cancelled dialogue cannot be postponed."]
    dialogue.refresh_from_db()
    assert (dialogue.date, dialogue.sequence) == (read.date, 1)


def test_dialogue_postpone_keeps_details_changed_meanwhile(db, secretariat):
    dialogue = open_dialogue(room="Boardroom D")
    read = Dialogue.objects.get(pk=dialogue.pk)
    dialogue.room = "Conference Room 3"
    services.dialogue_save(dialogue=dialogue, by=secretariat)

    services.dialogue_postpone(
        dialogue=read,
        by=secretariat,
        date=dialogue.date + datetime.timedelta(days=7),
        start_time=datetime.time(10, 0),
        end_time=datetime.time(13, 0),
    )

    dialogue.refresh_from_db()
    assert (dialogue.room, dialogue.start_time, dialogue.sequence) == (
        "Conference Room 3",
        datetime.time(10, 0),
        1,
    )


def test_dialogue_open_read_before_a_postponement_goes_by_its_new_deadlines(db, secretariat):
    passed = timezone.now() - datetime.timedelta(days=1)
    dialogue = DialogueFactory(applications_deadline=passed, comments_deadline=passed)
    read = Dialogue.objects.get(pk=dialogue.pk)
    services.dialogue_postpone(
        dialogue=dialogue,
        by=secretariat,
        date=dialogue.date + datetime.timedelta(days=1),
        start_time=dialogue.start_time,
        end_time=dialogue.end_time,
        applications_deadline=vienna(dialogue.date - datetime.timedelta(days=14)),
        comments_deadline=vienna(dialogue.date - datetime.timedelta(days=7)),
    )

    services.dialogue_open(dialogue=read, by=secretariat)

    dialogue.refresh_from_db()
    assert dialogue.state == State.OPEN


def test_dialogue_mark_held_read_before_a_postponement_is_refused(db, secretariat):
    dialogue = DialogueFactory(state=State.CLOSED)
    read = Dialogue.objects.get(pk=dialogue.pk)
    services.dialogue_postpone(
        dialogue=dialogue,
        by=secretariat,
        date=dialogue.date + datetime.timedelta(days=14),
        start_time=dialogue.start_time,
        end_time=dialogue.end_time,
    )

    with pytest.raises(ValidationError) as excinfo:
        services.dialogue_mark_held(
            dialogue=read, by=secretariat, today=read.date + datetime.timedelta(days=4)
        )

    assert excinfo.value.messages == ["A dialogue can be marked as held only on its date or later."]
    dialogue.refresh_from_db()
    assert dialogue.state == State.CLOSED


# --- The pages: moved between the page and the click ---------------------------------------------


def _text(response) -> str:
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(text))


def test_application_page_approve_after_cancellation_shows_refusal_and_no_longer_offers_it(
    secretariat_client, secretariat
):
    dialogue = open_dialogue()
    registration = RegistrationFactory(dialogue=dialogue, travel_support_requested=True)
    url = reverse("staff_application", args=[dialogue.pk, registration.pk])
    assert "Grant travel support" in _text(secretariat_client.get(url))
    # By someone else, meanwhile.
    services.dialogue_cancel(dialogue=dialogue, by=secretariat, reason="The room is not available.")

    response = secretariat_client.post(url, {"decision": "approve", "travel_support_granted": "on"})

    assert response.status_code == 200
    assert "The dialogue is cancelled: applications can no longer be approved." in _text(response)
    # The page offers only what the service allows now: declining, not approving.
    page = response.content.decode()
    assert 'id="id_approve_travel_support_granted"' not in page
    assert reverse("staff_application_action", args=[dialogue.pk, registration.pk, "decline"]) in page
    registration.refresh_from_db()
    assert registration.state == Applied.APPLIED


def test_dialogue_page_postpone_after_cancellation_shows_refusal(secretariat_client, secretariat):
    dialogue = open_dialogue()
    assert (
        "postpone" in secretariat_client.get(reverse("staff_dialogue", args=[dialogue.pk])).context["forms"]
    )
    services.dialogue_cancel(
        dialogue=dialogue, by=secretariat, reason="The room is not available."
    )  # by someone else, meanwhile

    response = secretariat_client.post(
        reverse("staff_dialogue_action", args=[dialogue.pk, "postpone"]),
        {"date": "2030-03-13", "start_time": "10:00", "end_time": "13:00", "note": "For the interpreters."},
    )

    assert response.status_code == 200
    assert "A cancelled dialogue cannot be postponed." in _text(response)
    dialogue.refresh_from_db()
    assert (dialogue.state, dialogue.sequence) == (State.CANCELLED, 1)


def test_speakers_page_move_of_a_speaker_withdrawn_meanwhile_shows_refusal(secretariat_client, secretariat):
    dialogue = open_dialogue()
    _item, (first, second, third) = speakers_list(dialogue, secretariat)
    services.intervention_withdraw(intervention=third, by=secretariat)  # by someone else, meanwhile

    response = secretariat_client.post(
        reverse("staff_speaker_action", args=[dialogue.pk, third.pk, "up"]), follow=True
    )

    assert f"{third.speaker.name}: Only a speaker waiting on the list can be moved." in _text(response)
    for intervention in (first, second, third):
        intervention.refresh_from_db()
    assert [first.position, second.position, third.position] == [1, 2, None]
