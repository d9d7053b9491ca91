"""Reads of the dialogue calendar: ordinals, upcoming and past, and their query cost."""

import datetime

import pytest

from sessions import selectors, services
from sessions.models import Dialogue
from tests.factories import (
    DialogueChairFactory,
    DialogueFactory,
    WorkingGroupFactory,
    WorkingGroupSessionFactory,
)

State = Dialogue.State

TODAY = datetime.date(2030, 6, 15)

# A listing costs one query for the dialogues (with their session, working group and
# ordinal) and one for all their Chairs, however many dialogues there are.
LISTING_QUERIES = 2


def dialogue_on(day, *, working_group=None, **fields):
    """A dialogue on ``day``, after a session of ``working_group`` that ended that day."""
    session = WorkingGroupSessionFactory(
        working_group=working_group or WorkingGroupFactory(), first_day=day, last_day=day
    )
    return DialogueFactory(session=session, **fields)


def ordinals(queryset=None):
    queryset = Dialogue.objects.all() if queryset is None else queryset
    return dict(selectors.with_ordinals(queryset).values_list("pk", "ordinal"))


@pytest.fixture
def firearms(db):
    return WorkingGroupFactory(name="Working Group on Firearms")


@pytest.fixture
def trafficking(db):
    return WorkingGroupFactory(name="Working Group on Trafficking in Persons")


def test_ordinal_counts_dialogues_of_every_working_group_by_date(firearms, trafficking):
    third = dialogue_on(datetime.date(2030, 9, 1), working_group=firearms)
    first = dialogue_on(datetime.date(2030, 3, 6), working_group=trafficking)
    second = dialogue_on(datetime.date(2030, 5, 10), working_group=firearms)

    assert ordinals() == {first.pk: 1, second.pk: 2, third.pk: 3}
    assert selectors.dialogue_ordinal(third) == 3


def test_ordinal_of_filtered_queryset_still_counts_all_dialogues(firearms, trafficking):
    dialogue_on(datetime.date(2030, 3, 6), working_group=trafficking)
    later = dialogue_on(datetime.date(2030, 5, 10), working_group=firearms)

    assert ordinals(Dialogue.objects.filter(session__working_group=firearms)) == {later.pk: 2}


def test_ordinal_cancelled_dialogue_none_and_later_ones_move_up(firearms, trafficking, secretariat):
    first = dialogue_on(datetime.date(2030, 3, 6), working_group=trafficking)
    second = dialogue_on(datetime.date(2030, 5, 10), working_group=firearms)
    third = dialogue_on(datetime.date(2030, 9, 1), working_group=firearms)

    services.dialogue_cancel(dialogue=second, by=secretariat, reason="The room is not available.")

    assert ordinals() == {first.pk: 1, second.pk: None, third.pk: 2}
    assert selectors.dialogue_ordinal(second) is None


def test_ordinal_same_day_ordered_by_start_time(firearms, trafficking):
    day = datetime.date(2030, 3, 6)
    afternoon = dialogue_on(
        day, working_group=firearms, start_time=datetime.time(15, 0), end_time=datetime.time(18, 0)
    )
    morning = dialogue_on(
        day,
        working_group=trafficking,
        start_time=datetime.time(10, 0),
        end_time=datetime.time(13, 0),
    )

    assert ordinals() == {morning.pk: 1, afternoon.pk: 2}


def test_ordinal_same_day_and_time_ordered_by_creation(firearms, trafficking):
    day = datetime.date(2030, 3, 6)
    earlier = dialogue_on(day, working_group=firearms)
    later = dialogue_on(day, working_group=trafficking)

    assert ordinals() == {earlier.pk: 1, later.pk: 2}


def test_dialogues_upcoming_and_past_split_by_today(db):
    yesterday = TODAY - datetime.timedelta(days=1)
    tomorrow = TODAY + datetime.timedelta(days=1)
    held_yesterday = dialogue_on(yesterday, state=State.HELD)
    closed_yesterday = dialogue_on(yesterday, state=State.CLOSED)
    cancelled_yesterday = dialogue_on(yesterday, state=State.CANCELLED)
    held_today = dialogue_on(TODAY, state=State.HELD)
    closed_today = dialogue_on(TODAY, state=State.CLOSED)
    open_tomorrow = dialogue_on(tomorrow, state=State.OPEN)
    cancelled_tomorrow = dialogue_on(tomorrow, state=State.CANCELLED)

    upcoming = list(selectors.dialogues_upcoming(today=TODAY))
    past = list(selectors.dialogues_past(today=TODAY))

    # Upcoming: soonest first; a cancelled one stays listed until its date.
    assert upcoming == [closed_today, open_tomorrow, cancelled_tomorrow]
    # Past: latest first (the same day: the last created first); held today is past.
    assert past == [held_today, closed_yesterday, held_yesterday]
    assert cancelled_yesterday not in upcoming + past


def test_dialogues_upcoming_carry_ordinals(firearms, trafficking):
    first = dialogue_on(TODAY - datetime.timedelta(days=30), working_group=firearms)
    second = dialogue_on(TODAY + datetime.timedelta(days=30), working_group=trafficking)

    upcoming = list(selectors.dialogues_upcoming(today=TODAY))
    past = list(selectors.dialogues_past(today=TODAY))

    assert [(d.pk, d.ordinal) for d in upcoming] == [(second.pk, 2)]
    assert [(d.pk, d.ordinal) for d in past] == [(first.pk, 1)]


@pytest.mark.parametrize("count", [3, 30])
def test_dialogues_upcoming_fixed_number_of_queries(db, django_assert_max_num_queries, count):
    for offset in range(count):
        dialogue = dialogue_on(TODAY + datetime.timedelta(days=offset))
        DialogueChairFactory(dialogue=dialogue, order=1)
        DialogueChairFactory(dialogue=dialogue, order=2)

    with django_assert_max_num_queries(LISTING_QUERIES):
        listing = [
            (d.ordinal, d.working_group.name, [chair.name for chair in d.chairs.all()])
            for d in selectors.dialogues_upcoming(today=TODAY)
        ]

    assert len(listing) == count
    assert [ordinal for ordinal, _group, _chairs in listing] == list(range(1, count + 1))
    assert all(len(chairs) == 2 for _ordinal, _group, chairs in listing)
