"""A dialogue's ordinal comes with the rows the permission fetchers return: no page titles
a live dialogue "Constructive dialogue (cancelled)" because a view forgot to set it."""

import pytest
from django.urls import reverse

from sessions.models import Dialogue
from submissions.models import WrittenComment
from tests.factories import (
    DialogueChairFactory,
    DialogueFactory,
    FocalPointFactory,
    RegistrationFactory,
    UserFactory,
    WrittenCommentFactory,
)

pytestmark = pytest.mark.django_db

CANCELLED_TITLE = "Constructive dialogue (cancelled)"


@pytest.fixture
def second_dialogue():
    first = DialogueFactory()
    DialogueFactory(state=Dialogue.State.CANCELLED, session=first.session)  # not counted
    return DialogueFactory(session__first_day=first.date, session__last_day=first.date.replace(year=2031))


def _assert_titled_second(response):
    assert response.status_code == 200
    page = response.content.decode()
    assert "Second constructive dialogue" in page
    assert CANCELLED_TITLE not in page


def test_staff_dialogue_pages_title_the_dialogue_by_its_ordinal(secretariat_client, second_dialogue):
    for name in (
        "staff_dialogue",
        "staff_applications",
        "staff_attendance",
        "staff_figures",
        "staff_speakers",
    ):
        _assert_titled_second(secretariat_client.get(reverse(name, args=[second_dialogue.pk])))


def test_chair_speakers_list_titles_the_dialogue_by_its_ordinal(client, second_dialogue):
    chair = DialogueChairFactory(dialogue=second_dialogue, user=UserFactory())
    client.force_login(chair.user)
    _assert_titled_second(client.get(reverse("staff_speakers", args=[second_dialogue.pk])))


def test_focal_application_pages_title_the_dialogue_by_its_ordinal(client, second_dialogue):
    registration = RegistrationFactory(dialogue=second_dialogue, representatives=[])
    user = FocalPointFactory(organisation=registration.organisation).user
    client.force_login(user)
    args = [registration.organisation.pk, registration.pk]
    _assert_titled_second(client.get(reverse("my_application", args=args)))


def test_public_comment_page_titles_the_dialogue_by_its_ordinal(client, second_dialogue):
    comment = WrittenCommentFactory(dialogue=second_dialogue, state=WrittenComment.State.PUBLISHED)
    _assert_titled_second(client.get(reverse("submissions:detail", args=[comment.pk])))
