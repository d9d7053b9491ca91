"""The public side of a dialogue: its page (deadlines in the venue's time zone and in UTC,
the participants who agreed to be named), its iCalendar file and the feed of upcoming
dialogues; and the meeting link, which none of them ever shows."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from sessions import services
from sessions.models import Attendance, Dialogue, Registration
from tests.factories import (
    AgendaItemFactory,
    DialogueFactory,
    OrganisationFactory,
    RegistrationFactory,
    RepresentativeFactory,
    WorkingGroupSessionFactory,
    admitted_organisation,
    vienna,
)

MEETING_LINK = "https://meet.example.org/j/secret-room-4711"
UPCOMING = reverse("upcoming_ics")


def _page(response) -> str:
    return response.content.decode()


def _detail(client, dialogue) -> str:
    return _page(client.get(reverse("dialogue_detail", args=[dialogue.pk])))


def _events(response) -> list:
    return Calendar.from_ical(response.content).walk("VEVENT")


def _ics(client, dialogue):
    return client.get(reverse("dialogue_ics", args=[dialogue.pk]))


def _session_ending(day: datetime.date):
    return WorkingGroupSessionFactory(first_day=day - datetime.timedelta(days=2), last_day=day)


# --- The page ------------------------------------------------------------------------------


def test_dialogue_page_shows_deadlines_in_venue_time_zone_and_utc(client, db):
    dialogue = DialogueFactory(
        session=_session_ending(datetime.date(2030, 6, 14)),
        applications_deadline=vienna(datetime.date(2030, 5, 31)),
        comments_deadline=vienna(datetime.date(2030, 6, 7), 12, 0),
    )
    page = _detail(client, dialogue)
    assert "until 31 May 2030, 23:59 CEST (Europe/Vienna; " in page
    assert '<time datetime="2030-05-31T21:59:00+00:00">31 May 2030, 21:59 UTC</time>' in page
    assert "until 7 June 2030, 12:00 CEST (Europe/Vienna; " in page
    assert "7 June 2030, 10:00 UTC" in page


def test_dialogue_page_in_another_time_zone_gives_deadline_there_and_in_utc(client, db):
    dialogue = DialogueFactory(
        session=_session_ending(datetime.date(2030, 1, 20)),
        time_zone="America/New_York",
        applications_deadline=datetime.datetime(2030, 1, 10, 4, 59, tzinfo=datetime.UTC),
    )
    page = _detail(client, dialogue)
    assert "until 9 January 2030, 23:59 EST (America/New_York; " in page
    assert "10 January 2030, 04:59 UTC" in page


def test_dialogue_page_links_to_its_calendar_file_and_the_upcoming_feed(client, db):
    dialogue = DialogueFactory()
    page = _detail(client, dialogue)
    assert f'href="{reverse("dialogue_ics", args=[dialogue.pk])}"' in page
    assert f'href="{UPCOMING}"' in page


@pytest.fixture
def past_dialogue(db):
    """A closed dialogue held on 10 May 2024 with three approved organisations: two attended
    (one agreed to be named, one did not), one did not come."""
    dialogue = DialogueFactory(
        session=_session_ending(datetime.date(2024, 5, 10)), state=Dialogue.State.CLOSED
    )
    named = admitted_organisation(name="Named Network", acronym="")
    unnamed = admitted_organisation(name="Quiet Shelter", acronym="")
    absent = admitted_organisation(name="Absent Institute", acronym="")
    present = []
    for organisation, may_be_named in ((named, True), (unnamed, False), (absent, True)):
        representative = RepresentativeFactory(organisation=organisation)
        registration = RegistrationFactory(
            dialogue=dialogue,
            organisation=organisation,
            representatives=[representative],
            may_be_named=may_be_named,
        )
        services.registration_approve(registration=registration, by=None)
        if organisation is not absent:
            present.append(representative.pk)
    services.attendance_update(dialogue=dialogue, by=None, marked=present, unmarked=[])
    return dialogue


def test_dialogue_page_lists_only_consenting_participants_once_held(client, past_dialogue):
    page = _detail(client, past_dialogue)
    assert "Participating organisations" not in page
    assert "Named Network" not in page

    services.dialogue_mark_held(dialogue=past_dialogue, by=None)
    page = _detail(client, past_dialogue)
    assert '<h2 id="participants-heading">Participating organisations</h2>' in page
    assert "<li>Named Network (Kenya)</li>" in page
    assert "Quiet Shelter" not in page  # approved and present, but asked not to be named
    assert "Absent Institute" not in page  # approved, never came


def test_dialogue_page_held_without_consenting_participants_says_so(client, past_dialogue):
    Registration.objects.filter(dialogue=past_dialogue).update(may_be_named=False)
    services.dialogue_mark_held(dialogue=past_dialogue, by=None)
    page = _detail(client, past_dialogue)
    assert "No participating organisation agreed to be named." in page
    assert "Named Network" not in page


# --- The calendar file and the feed ------------------------------------------------------------


def test_dialogue_ics_is_a_calendar_attachment(client, db):
    dialogue = DialogueFactory()
    response = _ics(client, dialogue)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="dialogue-{dialogue.pk}.ics"'
    assert len(_events(response)) == 1


def test_dialogue_ics_starts_in_vienna_time(client, db):
    dialogue = DialogueFactory(session=_session_ending(datetime.date(2030, 5, 6)))
    event = _events(_ics(client, dialogue))[0]
    assert event["dtstart"].params["TZID"] == "Europe/Vienna"
    start = event.decoded("dtstart")
    assert start.tzinfo.key == "Europe/Vienna"
    assert start == datetime.datetime(2030, 5, 6, 15, 0, tzinfo=start.tzinfo)
    assert start.utcoffset() == datetime.timedelta(hours=2)
    assert event.decoded("dtend") == dialogue.ends_at
    calendar = Calendar.from_ical(_ics(client, dialogue).content)
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Vienna"]


def test_dialogue_ics_uid_stable_and_postponement_raises_sequence(client, db):
    dialogue = DialogueFactory(session=_session_ending(datetime.date(2030, 5, 6)))
    first, second = _events(_ics(client, dialogue))[0], _events(_ics(client, dialogue))[0]
    assert str(first["uid"]) == str(second["uid"])
    assert first["sequence"] == 0

    services.dialogue_postpone(
        dialogue=dialogue,
        by=None,
        date=datetime.date(2030, 5, 20),
        start_time=datetime.time(10, 0),
        end_time=datetime.time(13, 0),
    )
    moved = _events(_ics(client, dialogue))[0]
    assert str(moved["uid"]) == str(first["uid"])
    assert moved["sequence"] == 1
    assert moved.decoded("dtstart") == datetime.datetime(
        2030, 5, 20, 10, 0, tzinfo=moved.decoded("dtstart").tzinfo
    )
    assert moved["dtstart"].params["TZID"] == "Europe/Vienna"
    assert str(moved["status"]) == "CONFIRMED"


def test_dialogue_ics_after_cancellation_is_cancelled_with_higher_sequence(client, db):
    dialogue = DialogueFactory(session=_session_ending(datetime.date(2030, 5, 6)))
    before = _events(_ics(client, dialogue))[0]
    services.dialogue_cancel(dialogue=dialogue, by=None, reason="The session ran late.")
    after = _events(_ics(client, dialogue))[0]
    assert str(after["uid"]) == str(before["uid"])
    assert after["sequence"] > before["sequence"]
    assert str(after["status"]) == "CANCELLED"


def test_upcoming_feed_lists_upcoming_dialogues_with_cancelled_ones_marked(client, db):
    today = timezone.localdate()
    soon = DialogueFactory(session=_session_ending(today + datetime.timedelta(days=10)))
    later = DialogueFactory(session=_session_ending(today + datetime.timedelta(days=40)))
    cancelled = DialogueFactory(session=_session_ending(today + datetime.timedelta(days=20)))
    services.dialogue_cancel(dialogue=cancelled, by=None, reason="The room is not available.")
    past = DialogueFactory(session=_session_ending(today - datetime.timedelta(days=10)))
    held_today = DialogueFactory(session=_session_ending(today), state=Dialogue.State.HELD)
    response = client.get(UPCOMING)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="upcoming-dialogues.ics"'
    events = {str(event["uid"]): event for event in _events(response)}
    uids = {
        dialogue.pk: f"dialogue-{dialogue.pk}@" for dialogue in (soon, later, cancelled, past, held_today)
    }
    listed = {pk for pk, prefix in uids.items() if any(uid.startswith(prefix) for uid in events)}
    assert listed == {soon.pk, later.pk, cancelled.pk}
    statuses = {
        pk: str(event["status"]) for pk in listed for uid, event in events.items() if uid.startswith(uids[pk])
    }
    assert statuses == {soon.pk: "CONFIRMED", later.pk: "CONFIRMED", cancelled.pk: "CANCELLED"}
    # The same UID as the dialogue's own file: a subscriber's calendar updates the same event.
    own = _events(_ics(client, soon))[0]
    assert str(own["uid"]) in events


def test_dialogue_ics_unknown_dialogue_is_404(client, db):
    assert client.get(reverse("dialogue_ics", args=[999])).status_code == 404


# --- The meeting link ----------------------------------------------------------------------


def test_meeting_link_absent_from_every_public_page_and_calendar(client, past_dialogue):
    upcoming = DialogueFactory(
        session=_session_ending(timezone.localdate() + datetime.timedelta(days=30)),
        format=Dialogue.Format.ONLINE,
        meeting_link=MEETING_LINK,
        state=Dialogue.State.OPEN,
    )
    AgendaItemFactory(dialogue=upcoming, number=1)
    Dialogue.objects.filter(pk=past_dialogue.pk).update(meeting_link=MEETING_LINK)
    services.dialogue_mark_held(dialogue=past_dialogue, by=None)
    for url in (
        reverse("home"),
        reverse("dialogue_detail", args=[upcoming.pk]),
        reverse("dialogue_detail", args=[past_dialogue.pk]),
        reverse("dialogue_ics", args=[upcoming.pk]),
        reverse("dialogue_ics", args=[past_dialogue.pk]),
        UPCOMING,
        reverse("stakeholders:directory"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert MEETING_LINK not in _page(response), url
        assert "secret-room" not in _page(response), url
    # The file does carry the event: the check above looked at a real calendar.
    assert _events(client.get(reverse("dialogue_ics", args=[upcoming.pk])))


# --- Queries -----------------------------------------------------------------------------------


@pytest.mark.parametrize("organisations", [3, 30])
def test_dialogue_page_with_participants_runs_fixed_number_of_queries(
    client, db, django_assert_max_num_queries, organisations
):
    dialogue = DialogueFactory(session=_session_ending(datetime.date(2024, 5, 10)), state=Dialogue.State.HELD)
    for n in range(3):
        AgendaItemFactory(dialogue=dialogue, number=n + 1)
    for n in range(organisations):
        organisation = OrganisationFactory(name=f"Participant {n:02d}", acronym="")
        representative = RepresentativeFactory(organisation=organisation)
        registration = RegistrationFactory(
            dialogue=dialogue,
            organisation=organisation,
            representatives=[representative],
            state=Registration.State.APPROVED,
        )
        Attendance.objects.create(dialogue=dialogue, representative=representative, registration=registration)
    # The dialogue, its agenda, its Chairs, the participants; its published CRP, if any.
    with django_assert_max_num_queries(5):
        response = client.get(reverse("dialogue_detail", args=[dialogue.pk]))
    page = _page(response)
    assert page.count("<li>Participant ") == organisations
