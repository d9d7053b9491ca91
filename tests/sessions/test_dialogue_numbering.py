"""The public dialogues numbered in one query (sessions.selectors.public_dialogues_numbered):
the same ordinals as with_ordinals, newest first, without a subquery per dialogue."""

import datetime

from sessions import selectors
from sessions.models import Dialogue
from tests.factories import DialogueFactory, WorkingGroupFactory, WorkingGroupSessionFactory


def dialogue_on(day, start=15, **fields):
    session = WorkingGroupSessionFactory(working_group=WorkingGroupFactory(), first_day=day, last_day=day)
    return DialogueFactory(
        session=session, start_time=datetime.time(start), end_time=datetime.time(start + 2), **fields
    )


def test_public_dialogues_numbered_match_with_ordinals_newest_first(db, django_assert_num_queries):
    day = datetime.date(2030, 3, 6)
    dialogue_on(datetime.date(2030, 9, 1))
    dialogue_on(day, start=15)
    dialogue_on(day, start=9)
    dialogue_on(day, start=9)  # same day and time: by creation
    dialogue_on(datetime.date(2030, 5, 10), state=Dialogue.State.CANCELLED)
    dialogue_on(datetime.date(2029, 1, 2), state=Dialogue.State.HELD)

    with django_assert_num_queries(1):
        numbered = selectors.public_dialogues_numbered()
        labels = [
            (dialogue.pk, dialogue.ordinal, dialogue.session.working_group.name) for dialogue in numbered
        ]

    expected = dict(selectors.with_ordinals(Dialogue.objects.all()).values_list("pk", "ordinal"))
    assert {pk: ordinal for pk, ordinal, _name in labels} == expected
    assert [pk for pk, _ordinal, _name in labels] == list(
        Dialogue.objects.order_by("-date", "-start_time", "-id").values_list("pk", flat=True)
    )
    assert sorted(ordinal for ordinal in expected.values() if ordinal) == [1, 2, 3, 4, 5]
