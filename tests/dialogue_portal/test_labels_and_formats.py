"""Defect 10: dialogues named as the public pages name them, users picked by name and
e-mail, dates written the portal's way in the admin too, the dialogue's time in UTC, a
favicon."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import formats, translation

from sessions.models import Dialogue
from tests.factories import (
    DialogueFactory,
    FocalPointFactory,
    UserFactory,
    WorkingGroupFactory,
    WorkingGroupSessionFactory,
)


@pytest.fixture
def firearms_dialogue(db):
    group = WorkingGroupFactory(name="Working Group on Firearms")
    session = WorkingGroupSessionFactory(
        working_group=group, number=9, first_day=datetime.date(2022, 5, 4), last_day=datetime.date(2022, 5, 6)
    )
    return DialogueFactory(session=session)


def test_dialogue_label_without_ordinal_reads_as_a_sentence(firearms_dialogue):
    assert str(firearms_dialogue) == (
        "Constructive dialogue of 6 May 2022 after the ninth session of the Working Group on Firearms"
    )


def test_dialogue_label_names_its_ordinal_when_fetched_with_it(firearms_dialogue):
    firearms_dialogue.ordinal = 1
    assert str(firearms_dialogue) == (
        "First constructive dialogue of 6 May 2022 after the ninth session of the Working Group on Firearms"
    )


def test_admin_dialogue_select_shows_the_label(secretariat_client, firearms_dialogue):
    page = secretariat_client.get(reverse("admin:dialogue_sessions_agendaitem_add")).content.decode()
    assert (
        "Constructive dialogue of 6 May 2022 after the ninth session of the Working Group on Firearms" in page
    )
    assert "2022-05-06 after" not in page


# The e-mail subjects say {{ dialogue }}: tests/sessions/test_scheduling.py reads a cancellation's.


def test_admin_focal_point_picker_names_users_by_name_and_email(secretariat_client):
    focal = FocalPointFactory(user=UserFactory(username="u1234", first_name="Amina", last_name="Diallo"))
    change = secretariat_client.get(reverse("admin:stakeholders_focalpoint_change", args=[focal.pk]))
    assert f"Amina Diallo &lt;{focal.user.email}&gt;" in change.content.decode()

    found = secretariat_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "diallo",
            "app_label": "stakeholders",
            "model_name": "focalpoint",
            "field_name": "user",
        },
    ).json()
    assert [result["text"] for result in found["results"]] == [f"Amina Diallo <{focal.user.email}>"]
    by_email = secretariat_client.get(
        reverse("admin:autocomplete"),
        {
            "term": focal.user.email,
            "app_label": "stakeholders",
            "model_name": "focalpoint",
            "field_name": "user",
        },
    ).json()
    assert len(by_email["results"]) == 1


def test_dates_are_written_the_portal_way_in_english():
    moment = datetime.datetime(2026, 12, 1, 22, 51)
    with translation.override("en"):
        assert formats.date_format(moment, "DATETIME_FORMAT") == "1 December 2026, 22:51"
        assert formats.date_format(moment.date()) == "1 December 2026"
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "1 Dec 2026, 22:51"


def test_admin_writes_dates_the_portal_way(secretariat_client, secretariat):
    from django.contrib.contenttypes.models import ContentType

    from dialogue_portal.models import AuditEvent

    event = AuditEvent.objects.create(
        actor=secretariat,
        content_type=ContentType.objects.get_for_model(Dialogue),
        object_id="1",
        object_repr="A dialogue",
        to_state="open",
    )
    # 22:51 in Vienna (the portal's time zone) on 1 December 2026.
    AuditEvent.objects.filter(pk=event.pk).update(
        created_at=datetime.datetime(2026, 12, 1, 21, 51, tzinfo=datetime.UTC)
    )
    page = secretariat_client.get(reverse("admin:dialogue_portal_auditevent_changelist")).content.decode()
    assert "1 December 2026, 22:51" in page
    assert "Dec. 1, 2026" not in page
    assert not re.search(r"\b\d+(:\d+)? (a|p)\.m\.", page)


def test_dialogue_page_gives_its_time_in_utc_too(client, firearms_dialogue):
    # 15:00–18:00 in Vienna in May is 13:00–16:00 UTC.
    page = client.get(reverse("dialogue_detail", args=[firearms_dialogue.pk])).content.decode()
    text = re.sub(r"<[^>]+>", "", page)
    assert "15:00–18:00" in text
    assert "6 May 2022, 13:00–16:00 UTC" in text


def test_favicon_is_linked_and_answers(client, db):
    page = client.get(reverse("home")).content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in page
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/favicon.ico"
