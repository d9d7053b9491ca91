"""Requests for the floor and the speakers' list: who may ask, the order, and the time."""

import datetime
import itertools

import pytest
from django.core.exceptions import ValidationError

from dialogue_portal.models import AuditEvent
from sessions import selectors, services
from sessions.models import AgendaItem, Dialogue, Intervention, Registration
from tests.factories import (
    AgendaItemFactory,
    ApprovedRegistrationFactory,
    DialogueFactory,
    RepresentativeFactory,
)

State = Intervention.State


@pytest.fixture
def dialogue(db):
    """Open, 15:00–16:00 (60 minutes), five minutes per speaker."""
    return DialogueFactory(
        state=Dialogue.State.OPEN,
        start_time=datetime.time(15, 0),
        end_time=datetime.time(16, 0),
        minutes_per_speaker=5,
    )


@pytest.fixture
def items(dialogue):
    return [AgendaItemFactory(dialogue=dialogue, number=n, title=f"Item {n}") for n in (1, 2)]


@pytest.fixture
def registration(dialogue):
    return ApprovedRegistrationFactory(representatives__count=2, dialogue=dialogue)


def speaker_of(registration, index=0):
    return registration.representatives.order_by("id")[index]


def request(registration, item, by, index=0, topic=""):
    return services.intervention_request(
        registration=registration,
        agenda_item=item,
        speaker=speaker_of(registration, index),
        by=by,
        topic=topic,
    )


def scheduled(registration, item, by, index=0):
    intervention = request(registration, item, by, index)
    services.intervention_schedule(intervention=intervention, by=by)
    return intervention


def places(item):
    return list(
        Intervention.objects.filter(agenda_item=item, position__isnull=False)
        .order_by("position")
        .values_list("pk", "position")
    )


# --- Requests -------------------------------------------------------------------------


def test_intervention_request_saved_with_one_audit_row(registration, items, user):
    intervention = request(registration, items[0], user, topic="  Tracing of firearms  ")

    intervention.refresh_from_db()
    assert intervention.state == State.REQUESTED
    assert intervention.position is None
    assert intervention.speaker == speaker_of(registration)
    assert intervention.agenda_item == items[0]
    assert intervention.topic == "Tracing of firearms"
    assert [(e.from_state, e.to_state, e.actor) for e in AuditEvent.objects.for_object(intervention)] == [
        ("", State.REQUESTED, user)
    ]


@pytest.mark.parametrize(
    "state", [Registration.State.APPLIED, Registration.State.DECLINED, Registration.State.WITHDRAWN]
)
def test_intervention_request_not_approved_refused(dialogue, items, user, state):
    registration = ApprovedRegistrationFactory(representatives__count=2, dialogue=dialogue, state=state)

    with pytest.raises(ValidationError) as excinfo:
        request(registration, items[0], user)

    assert excinfo.value.messages == ["Only an approved application gives the floor."]
    assert not Intervention.objects.exists()


def test_intervention_request_agenda_item_of_other_dialogue_refused(registration, user):
    elsewhere = AgendaItemFactory(dialogue=DialogueFactory(room="Conference Room M3"), number=1)

    with pytest.raises(ValidationError) as excinfo:
        request(registration, elsewhere, user)

    assert excinfo.value.message_dict == {"agenda_item": ["Choose an agenda item of this dialogue."]}
    assert not Intervention.objects.exists()


@pytest.mark.parametrize("who", ["not_named", "other_organisation"])
def test_intervention_request_speaker_not_among_representatives_refused(registration, items, user, who):
    if who == "not_named":
        speaker = RepresentativeFactory(organisation=registration.organisation)
    else:
        speaker = ApprovedRegistrationFactory(
            representatives__count=2, dialogue=registration.dialogue
        ).representatives.first()

    with pytest.raises(ValidationError) as excinfo:
        services.intervention_request(
            registration=registration, agenda_item=items[0], speaker=speaker, by=user
        )

    assert excinfo.value.message_dict == {
        "speaker": ["The speaker must be one of the application's representatives."]
    }
    assert not Intervention.objects.exists()


@pytest.mark.parametrize("state", [Dialogue.State.HELD, Dialogue.State.CANCELLED])
def test_intervention_request_dialogue_over_refused(dialogue, registration, items, user, state):
    Dialogue.objects.filter(pk=dialogue.pk).update(state=state)
    registration.refresh_from_db()

    with pytest.raises(ValidationError) as excinfo:
        request(registration, items[0], user)

    assert excinfo.value.messages == ["The dialogue is over: the speakers' list is closed."]
    assert not Intervention.objects.exists()


# --- The list -------------------------------------------------------------------------


def test_intervention_schedule_appends_places_in_order(dialogue, registration, items, secretariat):
    others = ApprovedRegistrationFactory(representatives__count=2, dialogue=dialogue)
    first = request(registration, items[0], secretariat)
    second = request(others, items[0], secretariat)
    third = request(registration, items[0], secretariat, index=1)
    elsewhere = request(others, items[1], secretariat)

    for intervention in (second, first, third, elsewhere):
        services.intervention_schedule(intervention=intervention, by=secretariat)

    assert places(items[0]) == [(second.pk, 1), (first.pk, 2), (third.pk, 3)]
    assert places(items[1]) == [(elsewhere.pk, 1)]
    first.refresh_from_db()
    assert first.state == State.SCHEDULED
    assert (
        AuditEvent.objects.for_object(first)
        .filter(from_state=State.REQUESTED, to_state=State.SCHEDULED, actor=secretariat)
        .exists()
    )


@pytest.fixture
def listed(dialogue, registration, items, secretariat):
    """Three speakers on the list of the first agenda item, places 1, 2, 3."""
    others = ApprovedRegistrationFactory(representatives__count=2, dialogue=dialogue)
    return [
        scheduled(registration, items[0], secretariat),
        scheduled(others, items[0], secretariat),
        scheduled(registration, items[0], secretariat, index=1),
    ]


def test_intervention_move_up_swaps_with_previous(listed, items, secretariat):
    first, second, third = listed

    services.intervention_move(intervention=third, by=secretariat, up=True)

    assert places(items[0]) == [(first.pk, 1), (third.pk, 2), (second.pk, 3)]


def test_intervention_move_down_swaps_with_next(listed, items, secretariat):
    first, second, third = listed

    services.intervention_move(intervention=first, by=secretariat, up=False)

    assert places(items[0]) == [(second.pk, 1), (first.pk, 2), (third.pk, 3)]


@pytest.mark.parametrize(("index", "up"), [(0, True), (2, False)])
def test_intervention_move_at_end_changes_nothing(listed, items, secretariat, index, up):
    services.intervention_move(intervention=listed[index], by=secretariat, up=up)

    assert places(items[0]) == [(intervention.pk, n) for n, intervention in enumerate(listed, start=1)]


def test_intervention_move_not_on_list_refused(registration, items, secretariat):
    waiting = request(registration, items[0], secretariat)

    with pytest.raises(ValidationError) as excinfo:
        services.intervention_move(intervention=waiting, by=secretariat, up=True)

    assert excinfo.value.messages == ["Only a speaker waiting on the list can be moved."]
    waiting.refresh_from_db()
    assert waiting.position is None


def test_intervention_deliver_keeps_place(listed, secretariat):
    first = listed[0]

    services.intervention_deliver(intervention=first, by=secretariat)

    first.refresh_from_db()
    assert first.state == State.DELIVERED
    assert first.position == 1
    assert (
        AuditEvent.objects.for_object(first)
        .filter(from_state=State.SCHEDULED, to_state=State.DELIVERED)
        .exists()
    )


def test_intervention_withdraw_frees_place(listed, registration, items, secretariat):
    first, second, third = listed

    services.intervention_withdraw(intervention=third, by=secretariat)

    third.refresh_from_db()
    assert third.state == State.WITHDRAWN
    assert third.position is None
    assert places(items[0]) == [(first.pk, 1), (second.pk, 2)]
    again = scheduled(registration, items[0], secretariat, index=1)
    assert places(items[0]) == [(first.pk, 1), (second.pk, 2), (again.pk, 3)]


def test_intervention_withdraw_requested(registration, items, user):
    waiting = request(registration, items[0], user)

    services.intervention_withdraw(intervention=waiting, by=user)

    waiting.refresh_from_db()
    assert waiting.state == State.WITHDRAWN


def move(intervention, to, by):
    """Call the service that moves a request for the floor to ``to``."""
    if to == State.SCHEDULED:
        return services.intervention_schedule(intervention=intervention, by=by)
    if to == State.DELIVERED:
        return services.intervention_deliver(intervention=intervention, by=by)
    if to == State.WITHDRAWN:
        return services.intervention_withdraw(intervention=intervention, by=by)
    raise AssertionError(f"no service moves a request to {to}")


ILLEGAL_MOVES = [
    (src, dst)
    for src, dst in itertools.product(State.values, [State.SCHEDULED, State.DELIVERED, State.WITHDRAWN])
    if dst not in services.INTERVENTION_NEXT_STATES[src]
]


def test_intervention_lifecycle_matches_design():
    legal = [(src, dst) for src, targets in services.INTERVENTION_NEXT_STATES.items() for dst in targets]
    assert sorted(legal) == sorted(
        [
            (State.REQUESTED, State.SCHEDULED),
            (State.REQUESTED, State.WITHDRAWN),
            (State.SCHEDULED, State.DELIVERED),
            (State.SCHEDULED, State.WITHDRAWN),
        ]
    )


@pytest.mark.parametrize(("src", "dst"), ILLEGAL_MOVES)
def test_intervention_illegal_move_refused_and_writes_nothing(registration, items, secretariat, src, dst):
    intervention = Intervention.objects.create(
        registration=registration,
        agenda_item=items[0],
        speaker=speaker_of(registration),
        state=src,
        position=7 if src == State.DELIVERED else None,
    )

    with pytest.raises(ValidationError):
        move(intervention, dst, secretariat)

    intervention.refresh_from_db()
    assert intervention.state == src
    assert intervention.position == (7 if src == State.DELIVERED else None)
    assert not AuditEvent.objects.exists()


# --- speakers_list ----------------------------------------------------------------------


def test_speakers_list_order_and_totals(dialogue, registration, items, secretariat):
    others = ApprovedRegistrationFactory(representatives__count=2, dialogue=dialogue)
    waiting = request(others, items[0], secretariat)
    b = scheduled(registration, items[0], secretariat)
    a = scheduled(others, items[0], secretariat, index=1)
    services.intervention_move(intervention=a, by=secretariat, up=True)
    services.intervention_deliver(intervention=a, by=secretariat)
    gone = scheduled(registration, items[0], secretariat, index=1)
    services.intervention_withdraw(intervention=gone, by=secretariat)
    later_waiting = request(registration, items[1], secretariat)
    on_second = scheduled(others, items[1], secretariat)
    AgendaItemFactory(dialogue=dialogue, number=3, title="Closing")
    # Another dialogue's speakers stay on its own list.
    elsewhere = AgendaItemFactory(dialogue=DialogueFactory(room="Conference Room M3"), number=1)
    scheduled(
        ApprovedRegistrationFactory(representatives__count=2, dialogue=elsewhere.dialogue),
        elsewhere,
        secretariat,
    )

    result = selectors.speakers_list(dialogue)

    assert [item.number for item in result.agenda_items] == [1, 2, 3]
    assert [[s.pk for s in item.speakers] for item in result.agenda_items] == [
        [a.pk, b.pk, waiting.pk],
        [on_second.pk, later_waiting.pk],
        [],
    ]
    # Five live or delivered speakers (the withdrawn one is not counted), five minutes each.
    assert result.minutes_requested == 25
    assert result.minutes_available == 60
    assert result.too_long is False


@pytest.mark.parametrize(("speakers", "too_long"), [(12, False), (13, True)])
def test_speakers_list_too_long_when_over_time(dialogue, items, secretariat, speakers, too_long):
    for n in range(speakers):
        intervention = scheduled(
            ApprovedRegistrationFactory(representatives__count=2, dialogue=dialogue), items[0], secretariat
        )
        if n % 3 == 0:
            services.intervention_deliver(intervention=intervention, by=secretariat)

    result = selectors.speakers_list(dialogue)

    assert result.minutes_requested == speakers * 5
    assert result.minutes_available == 60
    assert result.too_long is too_long


def test_speakers_list_minutes_follow_dialogue_settings(items, registration, secretariat):
    dialogue = registration.dialogue
    Dialogue.objects.filter(pk=dialogue.pk).update(minutes_per_speaker=7, end_time=datetime.time(17, 30))
    dialogue.refresh_from_db()
    scheduled(registration, items[0], secretariat)
    request(registration, items[1], secretariat, index=1)

    result = selectors.speakers_list(dialogue)

    assert (result.minutes_requested, result.minutes_available) == (14, 150)
    assert AgendaItem.objects.filter(dialogue=dialogue).count() == 2


def test_intervention_move_delivered_speaker_keeps_place(listed, secretariat):
    first, second, _third = listed
    services.intervention_deliver(intervention=first, by=secretariat)
    services.intervention_move(intervention=second, by=secretariat, up=True)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.position, second.position) == (1, 2)
    with pytest.raises(ValidationError):
        services.intervention_move(intervention=first, by=secretariat, up=False)
