"""Recording after the fact: a session and a dialogue already held, its Co-Chairs, its
applications received by e-mail and their decisions, on the organisations' behalf, with
their real dates, and no e-mail to anyone; the rules of a live dialogue unchanged."""

import datetime
import html
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from post_office.models import Email

from dialogue_portal.models import AuditEvent
from sessions import services
from sessions.models import Dialogue, DialogueChair, Registration, WorkingGroupSession
from sessions.selectors import participation_figures
from tests.factories import (
    DialogueFactory,
    FocalPointFactory,
    HeldDialogueFactory,
    RegistrationFactory,
    RepresentativeFactory,
    UserFactory,
    WorkingGroupFactory,
    WorkingGroupSessionFactory,
    admitted_organisation,
    vienna,
)

State = Dialogue.State
DAY = datetime.date(2023, 6, 14)  # the dialogue, in 2023
DEADLINE = vienna(datetime.date(2023, 5, 31))


def _text(response) -> str:
    # <bdi> isolates a name inside its sentence: no space of its own.
    page = re.sub(r"</?bdi>", "", response.content.decode())
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _no_mail():
    assert mail.outbox == []
    assert not Email.objects.exists()


@pytest.fixture
def smuggling(db):
    return WorkingGroupFactory(
        name="Working Group on the Smuggling of Migrants", symbol_prefix="CTOC/COP/WG.7"
    )


def _held(secretariat, session, **overrides):
    fields = {
        "session": session,
        "date": DAY,
        "start_time": datetime.time(15, 0),
        "end_time": datetime.time(18, 0),
        "room": "Boardroom B",
        "applications_deadline": DEADLINE,
        "comments_deadline": vienna(datetime.date(2023, 6, 7)),
    }
    fields.update(overrides)
    return services.dialogue_record_held(by=secretariat, **fields)


def _applicant(dialogue=None, people=2):
    organisation = admitted_organisation()
    FocalPointFactory(organisation=organisation)
    return organisation, [RepresentativeFactory(organisation=organisation) for _ in range(people)]


# --- Services -------------------------------------------------------------------------


def test_held_dialogue_recorded_from_nothing_with_past_dates_sends_no_mail(secretariat, smuggling):
    session = services.working_group_session_create(
        by=secretariat,
        working_group=smuggling,
        number=10,
        first_day=datetime.date(2023, 6, 12),
        last_day=datetime.date(2023, 6, 14),
    )
    dialogue = _held(secretariat, session)
    services.dialogue_chair_add(
        dialogue=dialogue, by=secretariat, honorific="Ms.", name="Ana Ruiz", title="Ambassador", country="MX"
    )
    services.dialogue_chair_add(
        dialogue=dialogue, by=secretariat, honorific="Mr.", name="Karl Berg", title="Counsellor", country="SE"
    )
    organisation, people = _applicant()
    received = vienna(datetime.date(2023, 5, 20), 10, 30)
    decided = vienna(datetime.date(2023, 6, 2), 16, 0)
    registration = services.registration_record(
        dialogue=dialogue,
        organisation=organisation,
        by=secretariat,
        representatives=people,
        expertise="Protection of smuggled migrants at sea.",
        received_at=received,
        decision="approve",
        decided_at=decided,
    )
    services.attendance_update(dialogue=dialogue, by=secretariat, marked=[people[0].pk], unmarked=[])

    dialogue.refresh_from_db()
    registration.refresh_from_db()
    assert dialogue.state == State.HELD
    assert dialogue.applications_deadline == DEADLINE
    assert [chair.order for chair in dialogue.chairs.all()] == [1, 2]
    assert registration.state == Registration.State.APPROVED
    assert (registration.applied_at, registration.decided_at) == (received, decided)
    assert participation_figures(dialogue).people == 1
    _no_mail()
    (held,) = AuditEvent.objects.for_object(dialogue)
    assert (held.from_state, held.to_state, held.actor) == ("", State.HELD, secretariat)
    assert held.occurred_at == dialogue.ends_at
    applied, approved = AuditEvent.objects.for_object(registration).order_by("id")
    assert applied.actor == secretariat
    assert applied.on_behalf_of == organisation.name
    assert applied.note.startswith(f"On behalf of {organisation.name}.")
    assert applied.occurred_at == received
    assert (approved.to_state, approved.occurred_at) == (Registration.State.APPROVED, decided)


def test_session_in_the_past_is_added(secretariat, smuggling):
    services.working_group_session_create(
        by=secretariat,
        working_group=smuggling,
        number=9,
        first_day=datetime.date(2022, 5, 2),
        last_day=datetime.date(2022, 5, 4),
    )
    assert WorkingGroupSession.objects.get(working_group=smuggling).last_day == datetime.date(2022, 5, 4)


def test_session_ending_before_it_starts_refused(secretariat, smuggling):
    with pytest.raises(ValidationError) as excinfo:
        services.working_group_session_create(
            by=secretariat,
            working_group=smuggling,
            number=9,
            first_day=datetime.date(2022, 5, 4),
            last_day=datetime.date(2022, 5, 2),
        )
    assert "last_day" in excinfo.value.message_dict
    assert not WorkingGroupSession.objects.exists()


def test_live_schedule_of_a_past_date_still_refused(secretariat, smuggling):
    session = WorkingGroupSessionFactory(
        working_group=smuggling, first_day=datetime.date(2023, 6, 12), last_day=datetime.date(2023, 6, 14)
    )
    with pytest.raises(ValidationError) as excinfo:
        services.dialogue_schedule(
            by=secretariat,
            session=session,
            date=DAY,
            start_time=datetime.time(15, 0),
            end_time=datetime.time(18, 0),
            applications_deadline=DEADLINE,
            comments_deadline=DEADLINE,
        )
    assert "record a dialogue already held" in excinfo.value.message_dict["date"][0]
    assert not Dialogue.objects.exists()


def test_dialogue_to_come_cannot_be_recorded_as_held(secretariat):
    session = WorkingGroupSessionFactory()  # March 2030
    with pytest.raises(ValidationError) as excinfo:
        _held(
            secretariat,
            session,
            date=session.last_day,
            applications_deadline=vienna(datetime.date(2030, 2, 1)),
            comments_deadline=vienna(datetime.date(2030, 2, 1)),
        )
    assert "still to come" in excinfo.value.message_dict["date"][0]
    assert not Dialogue.objects.exists()


def test_held_dialogue_keeps_the_schedule_rules(secretariat, smuggling):
    session = WorkingGroupSessionFactory(
        working_group=smuggling, first_day=datetime.date(2023, 6, 12), last_day=datetime.date(2023, 6, 14)
    )
    with pytest.raises(ValidationError) as excinfo:
        _held(secretariat, session, date=datetime.date(2023, 6, 13))
    assert "date" in excinfo.value.message_dict


def test_focal_point_cannot_record_a_held_dialogue_or_a_past_application(db):
    focal = FocalPointFactory()
    with pytest.raises(ValidationError):
        _held(focal.user, WorkingGroupSessionFactory(first_day=DAY, last_day=DAY))
    dialogue = DialogueFactory(state=State.OPEN)
    with pytest.raises(ValidationError) as excinfo:
        services.registration_apply(
            organisation=focal.organisation,
            dialogues=[dialogue],
            by=focal.user,
            representatives=[RepresentativeFactory(organisation=focal.organisation)],
            expertise="x",
            received_at=vienna(datetime.date(2025, 1, 1)),
        )
    assert excinfo.value.code == "forbidden"
    assert not Registration.objects.exists()


def test_focal_point_still_cannot_apply_after_the_deadline(db):
    dialogue = HeldDialogueFactory(state=State.OPEN)  # its deadline in 2023
    organisation, people = _applicant()
    focal = organisation.focal_points.get().user
    with pytest.raises(ValidationError) as excinfo:
        services.registration_apply(
            organisation=organisation, dialogues=[dialogue], by=focal, representatives=people, expertise="x"
        )
    assert "Applications closed" in excinfo.value.message_dict["dialogues"][0]
    assert not Registration.objects.exists()


def test_application_received_after_the_deadline_refused(secretariat):
    dialogue = HeldDialogueFactory()
    organisation, people = _applicant()
    with pytest.raises(ValidationError) as excinfo:
        services.registration_record(
            dialogue=dialogue,
            organisation=organisation,
            by=secretariat,
            representatives=people,
            expertise="x",
            received_at=dialogue.applications_deadline + datetime.timedelta(minutes=1),
        )
    assert "Applications closed" in excinfo.value.message_dict["dialogues"][0]
    assert not Registration.objects.exists()


def test_decision_before_the_application_refused(secretariat):
    dialogue = HeldDialogueFactory()
    organisation, people = _applicant()
    received = dialogue.applications_deadline - datetime.timedelta(days=2)
    with pytest.raises(ValidationError) as excinfo:
        services.registration_record(
            dialogue=dialogue,
            organisation=organisation,
            by=secretariat,
            representatives=people,
            expertise="x",
            received_at=received,
            decision="approve",
            decided_at=received - datetime.timedelta(days=1),
        )
    assert "decided_at" in excinfo.value.message_dict
    assert not Registration.objects.exists()


def test_live_approval_of_a_held_dialogue_still_refused(secretariat):
    registration = RegistrationFactory(dialogue=HeldDialogueFactory())
    with pytest.raises(ValidationError):
        services.registration_approve(registration=registration, by=secretariat)
    registration.refresh_from_db()
    assert registration.state == Registration.State.APPLIED


def test_decline_recorded_after_the_fact_sends_no_mail(secretariat):
    registration = RegistrationFactory(dialogue=HeldDialogueFactory())
    FocalPointFactory(organisation=registration.organisation)
    Registration.objects.filter(pk=registration.pk).update(applied_at=vienna(datetime.date(2023, 5, 1)))
    registration.refresh_from_db()
    decided = vienna(datetime.date(2023, 6, 1), 12, 0)
    services.registration_decline(
        registration=registration, by=secretariat, reason="Out of scope.", decided_at=decided
    )
    registration.refresh_from_db()
    assert (registration.state, registration.decided_at) == (Registration.State.DECLINED, decided)
    _no_mail()


def test_on_behalf_of_a_live_dialogue_the_focal_points_get_the_receipt(secretariat, mailoutbox):
    dialogue = DialogueFactory(state=State.OPEN)  # deadlines in 2030
    organisation, people = _applicant()
    services.registration_apply(
        organisation=organisation,
        dialogues=[dialogue],
        by=secretariat,
        representatives=people,
        expertise="Smuggling routes.",
        on_behalf=True,
    )
    assert Email.objects.filter(to=organisation.focal_points.get().user.email).exists()
    event = AuditEvent.objects.for_object(Registration.objects.get()).get()
    assert (event.actor, event.on_behalf_of, event.occurred_at) == (secretariat, organisation.name, None)


def test_past_scheduled_dialogue_moved_to_held_without_mail(secretariat):
    dialogue = DialogueFactory(
        session=WorkingGroupSessionFactory(
            first_day=datetime.date(2023, 3, 1), last_day=datetime.date(2023, 3, 3)
        )
    )
    RegistrationFactory(dialogue=dialogue)
    services.dialogue_record_as_held(dialogue=dialogue, by=secretariat, note="Entered late.")
    dialogue.refresh_from_db()
    assert dialogue.state == State.HELD
    event = AuditEvent.objects.for_object(dialogue).get()
    assert (event.from_state, event.to_state) == (State.SCHEDULED, State.HELD)
    assert event.occurred_at == dialogue.ends_at
    assert "Entered late." in event.note
    _no_mail()


def test_dialogue_to_come_cannot_be_moved_to_held(secretariat):
    dialogue = DialogueFactory()  # 2030
    with pytest.raises(ValidationError):
        services.dialogue_record_as_held(dialogue=dialogue, by=secretariat)
    dialogue.refresh_from_db()
    assert dialogue.state == State.SCHEDULED


# --- Pages ----------------------------------------------------------------------------


def test_session_and_held_dialogue_recorded_through_the_pages(secretariat_client, smuggling):
    response = secretariat_client.post(
        reverse("staff_session_new"),
        {
            "working_group": smuggling.pk,
            "number": "10",
            "first_day": "2023-06-12",
            "last_day": "2023-06-14",
            "venue": "Vienna International Centre",
        },
    )
    session = WorkingGroupSession.objects.get()
    assert response.url == f"{reverse('staff_dialogue_record')}?session={session.pk}"
    assert f'value="{session.pk}" selected' in secretariat_client.get(response.url).content.decode()
    response = secretariat_client.post(
        reverse("staff_dialogue_record"),
        {
            "session": session.pk,
            "date": "2023-06-14",
            "start_time": "15:00",
            "end_time": "18:00",
            "time_zone": "Europe/Vienna",
            "venue": "Vienna International Centre",
            "room": "Boardroom B",
            "format": "hybrid",
            "applications_deadline": "2023-05-31T23:59",
            "comments_deadline": "2023-06-07T23:59",
            "max_representatives": "2",
            "minutes_per_speaker": "3",
        },
        follow=True,
    )
    dialogue = Dialogue.objects.get()
    assert dialogue.state == State.HELD
    assert dialogue.applications_deadline == DEADLINE
    assert "recorded as held. Nobody was e-mailed." in _text(response)
    _no_mail()


def test_held_dialogue_page_refusal_keeps_what_was_typed(secretariat_client, smuggling):
    session = WorkingGroupSessionFactory(working_group=smuggling, first_day=DAY, last_day=DAY)
    response = secretariat_client.post(
        reverse("staff_dialogue_record"),
        {
            "session": session.pk,
            "date": "2023-06-13",
            "start_time": "15:00",
            "end_time": "18:00",
            "time_zone": "Europe/Vienna",
            "venue": "Vienna International Centre",
            "room": "Boardroom Z",
            "format": "hybrid",
            "applications_deadline": "2023-05-31T23:59",
            "comments_deadline": "2023-06-07T23:59",
            "max_representatives": "2",
            "minutes_per_speaker": "3",
        },
    )
    assert response.status_code == 200
    assert "A dialogue is held after its working-group session" in _text(response)
    assert 'value="Boardroom Z"' in response.content.decode()
    assert not Dialogue.objects.exists()


def test_two_co_chairs_entered_on_the_chairs_page(secretariat_client):
    dialogue = HeldDialogueFactory()
    for name in ("Ana Ruiz", "Karl Berg"):
        secretariat_client.post(
            reverse("staff_dialogue_chairs", args=[dialogue.pk]),
            {"honorific": "Ms.", "name": name, "title": "Ambassador", "country": "MX", "role": ""},
        )
    page = _text(secretariat_client.get(reverse("staff_dialogue_recording", args=[dialogue.pk])))
    assert list(DialogueChair.objects.filter(dialogue=dialogue).values_list("name", flat=True)) == [
        "Ana Ruiz",
        "Karl Berg",
    ]
    assert "Ms. Ana Ruiz, Ambassador (Mexico)" in page
    chair = DialogueChair.objects.get(name="Karl Berg")
    secretariat_client.post(reverse("staff_dialogue_chair_remove", args=[dialogue.pk, chair.pk]))
    assert not DialogueChair.objects.filter(pk=chair.pk).exists()


def test_application_recorded_on_the_page_on_behalf_with_its_dates(secretariat_client, secretariat):
    dialogue = HeldDialogueFactory()
    organisation, people = _applicant()
    url = f"{reverse('staff_record_application', args=[dialogue.pk])}?organisation={organisation.pk}"
    assert people[0].email in secretariat_client.get(url).content.decode()
    response = secretariat_client.post(
        url,
        {
            "received_at": "2023-04-20T10:30",
            "representatives": [people[0].pk],
            "expertise": "Legal aid to smuggled migrants.",
            "may_be_named": "on",
            "decision": "approve",
            "decided_at": "2023-04-30T12:00",
        },
    )
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.state == Registration.State.APPROVED
    assert registration.applied_at == vienna(datetime.date(2023, 4, 20), 10, 30)
    assert registration.decided_at == vienna(datetime.date(2023, 4, 30), 12, 0)
    assert AuditEvent.objects.for_object(registration).filter(on_behalf_of=organisation.name).count() == 1
    _no_mail()


def test_application_received_too_late_refused_on_the_page(secretariat_client):
    dialogue = HeldDialogueFactory()
    organisation, people = _applicant()
    url = f"{reverse('staff_record_application', args=[dialogue.pk])}?organisation={organisation.pk}"
    response = secretariat_client.post(
        url,
        {"received_at": "2023-04-27T10:30", "representatives": [people[0].pk], "expertise": "Legal aid."},
    )
    assert response.status_code == 200
    assert "Applications closed on" in _text(response)
    assert "Legal aid." in response.content.decode()
    assert not Registration.objects.exists()


def test_decision_recorded_on_its_page(secretariat_client):
    dialogue = HeldDialogueFactory()
    registration = RegistrationFactory(dialogue=dialogue)
    Registration.objects.filter(pk=registration.pk).update(applied_at=vienna(datetime.date(2023, 5, 1)))
    page = _text(secretariat_client.get(reverse("staff_dialogue_recording", args=[dialogue.pk])))
    assert "Record the decision" in page
    response = secretariat_client.post(
        reverse("staff_record_decision", args=[dialogue.pk, registration.pk]),
        {"decision": "decline", "decided_at": "2023-05-29T09:00", "reason": "Not on the topic."},
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.state == Registration.State.DECLINED
    assert registration.decided_at == vienna(datetime.date(2023, 5, 29), 9, 0)
    _no_mail()


def test_past_dialogue_recorded_as_held_from_its_page(secretariat_client):
    dialogue = DialogueFactory(
        session=WorkingGroupSessionFactory(
            first_day=datetime.date(2023, 3, 1), last_day=datetime.date(2023, 3, 3)
        )
    )
    page = _text(secretariat_client.get(reverse("staff_dialogue", args=[dialogue.pk])))
    assert "Record what happened" in page
    secretariat_client.post(reverse("staff_record_as_held", args=[dialogue.pk]), {"note": ""})
    dialogue.refresh_from_db()
    assert dialogue.state == State.HELD


def test_recording_pages_are_the_secretariats_only(db, client):
    dialogue = HeldDialogueFactory()
    client.force_login(UserFactory())
    for url in (
        reverse("staff_dialogue_recording", args=[dialogue.pk]),
        reverse("staff_dialogue_chairs", args=[dialogue.pk]),
        reverse("staff_record_application", args=[dialogue.pk]),
        reverse("staff_import", args=[dialogue.pk]),
        reverse("staff_dialogue_record"),
        reverse("staff_session_new"),
    ):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("count", [3, 30])
def test_recording_page_runs_a_fixed_number_of_queries(
    secretariat_client, django_assert_max_num_queries, count
):
    dialogue = HeldDialogueFactory()
    for _ in range(count):
        RegistrationFactory(dialogue=dialogue)
    with django_assert_max_num_queries(9):
        response = secretariat_client.get(reverse("staff_dialogue_recording", args=[dialogue.pk]))
    assert len(response.context["rows"]) == count


def test_every_recording_page_opens(secretariat_client):
    dialogue = HeldDialogueFactory()
    registration = RegistrationFactory(dialogue=dialogue)
    past = DialogueFactory(
        session=WorkingGroupSessionFactory(
            first_day=datetime.date(2023, 3, 1), last_day=datetime.date(2023, 3, 3)
        )
    )
    pages = {
        reverse("staff_session_new"): "Add a working-group session",
        reverse("staff_dialogue_record"): "Record a dialogue already held",
        reverse("staff_record_as_held", args=[past.pk]): "This cannot be undone",
        reverse("staff_record_as_held", args=[dialogue.pk]): "Only a dialogue whose date has come",
        reverse("staff_dialogue_chairs", args=[dialogue.pk]): "Add a Chair",
        reverse("staff_record_application", args=[dialogue.pk]): "Choose the organisation",
        reverse("staff_record_decision", args=[dialogue.pk, registration.pk]): "Record the decision on",
        reverse("staff_import", args=[dialogue.pk]): "Expected columns",
    }
    for url, text in pages.items():
        response = secretariat_client.get(url)
        assert response.status_code == 200, url
        assert text in _text(response), url


@pytest.mark.parametrize("count", [2, 12])
def test_chairs_page_runs_a_fixed_number_of_queries(secretariat_client, django_assert_max_num_queries, count):
    dialogue = HeldDialogueFactory()
    for n in range(count):
        services.dialogue_chair_add(
            dialogue=dialogue, by=None, honorific="Ms.", name=f"Chair {n}", title="Ambassador", country="AT"
        )
    with django_assert_max_num_queries(7):
        response = secretariat_client.get(reverse("staff_dialogue_chairs", args=[dialogue.pk]))
    assert len(response.context["chairs"]) == count


def test_admin_refuses_to_schedule_a_past_date_next_to_the_date(secretariat_client):
    session = WorkingGroupSessionFactory(first_day=DAY, last_day=DAY)
    data = {
        "session": session.pk,
        "date": DAY.isoformat(),
        "start_time": "15:00",
        "end_time": "18:00",
        "time_zone": "Europe/Vienna",
        "venue": "Vienna International Centre",
        "room": "",
        "format": "hybrid",
        "meeting_link": "",
        "applications_deadline_0": "2023-05-31",
        "applications_deadline_1": "23:59",
        "comments_deadline_0": "2023-06-07",
        "comments_deadline_1": "23:59",
    }
    for prefix in ("chairs", "agenda_items"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    response = secretariat_client.post(reverse("admin:dialogue_sessions_dialogue_add"), data)
    assert response.status_code == 200
    assert "record a dialogue already held" in " ".join(response.context["adminform"].form.errors["date"])
    assert not Dialogue.objects.exists()
