"""Every admin page the secretariat may open loads, and those it may not answer 403."""

import datetime

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from dialogue_portal.demo import load as load_demo
from dialogue_portal.roles import SECRETARIAT_GROUP
from sessions import services
from sessions.models import Dialogue
from tests.factories import DialogueFactory, UserFactory

REGISTRY = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


@pytest.fixture
def every_model_has_a_row(db, secretariat):
    load_demo()
    services.dialogue_schedule(
        by=secretariat,
        **{
            field: getattr(DialogueFactory.build(session=DialogueFactory().session), field)
            for field in (
                "session",
                "date",
                "start_time",
                "end_time",
                "applications_deadline",
                "comments_deadline",
            )
        },
    )
    TOTP.activate(UserFactory(), generate_totp_secret())
    Group.objects.get(name=SECRETARIAT_GROUP)

    # One row of each stakeholders model, made the way the portal makes them where it can.
    import datetime

    from stakeholders import services as stakeholder_services
    from stakeholders.models import Accreditation
    from tests.factories import (
        AccreditationFactory,
        FocalPointFactory,
        InvitationFactory,
        JoinRequestFactory,
        RepresentativeFactory,
    )

    focal_point = FocalPointFactory()
    organisation = focal_point.organisation
    RepresentativeFactory(organisation=organisation)
    JoinRequestFactory(organisation=organisation)
    InvitationFactory(organisation=organisation, invited_by=focal_point.user)
    circulated = AccreditationFactory(organisation=organisation, state=Accreditation.State.CIRCULATED)
    stakeholder_services.objection_record(
        by=secretariat,
        state_party="FR",
        made_on=circulated.circulation_list.circulated_on + datetime.timedelta(days=3),
        accreditation=circulated,
    )

    # One application, request for the floor and attendance, through the services where
    # the dates allow: the dialogue above is in the future, so nobody attended it yet.
    from sessions.models import Attendance
    from tests.factories import AgendaItemFactory, admitted_organisation

    dialogue = Dialogue.objects.order_by("-pk").first()
    services.dialogue_open(dialogue=dialogue, by=secretariat)
    applicant = admitted_organisation()
    speaker = RepresentativeFactory(organisation=applicant)
    (registration,) = services.registration_apply(
        organisation=applicant,
        dialogues=[dialogue],
        by=secretariat,
        representatives=[speaker],
        expertise="Firearms trafficking research.",
    )
    services.registration_approve(registration=registration, by=secretariat)
    services.intervention_request(
        registration=registration,
        agenda_item=AgendaItemFactory(dialogue=dialogue, number=1),
        speaker=speaker,
        by=secretariat,
    )
    Attendance.objects.create(
        dialogue=dialogue, representative=speaker, registration=registration, recorded_by=secretariat
    )


def _url(model, name, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{name}", args=args)


@pytest.mark.parametrize(("model", "model_admin"), REGISTRY, ids=[m._meta.label for m, _ in REGISTRY])
def test_admin_pages_load_for_secretariat(
    secretariat_client, secretariat, every_model_has_a_row, model, model_admin
):
    request = type("Request", (), {"user": secretariat})()
    if not model_admin.has_view_permission(request):
        response = secretariat_client.get(_url(model, "changelist"))
        assert response.status_code == 403, f"{model._meta.label} must stay closed to the secretariat"
        return

    changelist = secretariat_client.get(_url(model, "changelist"))
    assert changelist.status_code == 200
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"the fixture must give {model._meta.label} a row"
    assert _url(model, "change", obj.pk) in changelist.content.decode(), "the row is listed"

    change = secretariat_client.get(_url(model, "change", obj.pk))
    assert change.status_code == 200

    if model_admin.has_add_permission(request):
        assert secretariat_client.get(_url(model, "add")).status_code == 200


def test_admin_users_cannot_be_changed_by_secretariat(secretariat_client, secretariat):
    response = secretariat_client.post(
        _url(type(secretariat), "change", secretariat.pk), {"is_superuser": "on", "username": "x"}
    )
    assert response.status_code == 403
    secretariat.refresh_from_db()
    assert not secretariat.is_superuser


def test_admin_audit_log_is_read_only(secretariat_client, secretariat):
    dialogue = DialogueFactory()
    services.dialogue_open(dialogue=dialogue, by=secretariat)
    from dialogue_portal.models import AuditEvent

    event = AuditEvent.objects.get()
    page = secretariat_client.get(_url(AuditEvent, "change", event.pk)).content.decode()
    assert "open" in page
    assert 'name="_save"' not in page
    assert secretariat_client.get(_url(AuditEvent, "add")).status_code == 403
    assert secretariat_client.post(_url(AuditEvent, "delete", event.pk), {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.count() == 1


def test_admin_action_opens_dialogue_through_service(secretariat_client, secretariat):
    dialogue = DialogueFactory()
    response = secretariat_client.post(
        _url(Dialogue, "changelist"),
        {"action": "dialogue_open", "_selected_action": [dialogue.pk]},
        follow=True,
    )
    dialogue.refresh_from_db()
    assert dialogue.state == Dialogue.State.OPEN
    assert "1 dialogue opened." in response.content.decode()
    from dialogue_portal.models import AuditEvent

    assert list(AuditEvent.objects.for_object(dialogue).values_list("from_state", "to_state", "actor")) == [
        ("scheduled", "open", secretariat.pk)
    ]


def test_admin_action_refuses_illegal_move_with_message(secretariat_client):
    dialogue = DialogueFactory(state=Dialogue.State.HELD)
    response = secretariat_client.post(
        _url(Dialogue, "changelist"),
        {"action": "dialogue_open", "_selected_action": [dialogue.pk]},
        follow=True,
    )
    dialogue.refresh_from_db()
    assert dialogue.state == Dialogue.State.HELD
    assert "cannot go from “held” to “open”" in response.content.decode()


def _dialogue_form(dialogue, **overrides):
    data = {
        "session": dialogue.session_id,
        "date": dialogue.date.isoformat(),
        "start_time": "15:00",
        "end_time": "18:00",
        "time_zone": "America/New_York",
        "venue": "United Nations Headquarters",
        "room": "Conference Room 4",
        "format": "hybrid",
        "meeting_link": "",
        "applications_deadline_0": (dialogue.date.replace(day=1)).isoformat(),
        "applications_deadline_1": "23:59",
        "comments_deadline_0": (dialogue.date.replace(day=2)).isoformat(),
        "comments_deadline_1": "23:59",
    }
    for prefix in ("chairs", "agenda_items"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data | overrides


def test_admin_dialogue_deadlines_are_typed_in_venue_time_zone(secretariat_client):
    dialogue = DialogueFactory()
    response = secretariat_client.post(_url(Dialogue, "change", dialogue.pk), _dialogue_form(dialogue))
    assert response.status_code == 302
    dialogue.refresh_from_db()
    local = dialogue.applications_deadline.astimezone(dialogue.zone)
    assert (local.day, local.hour, local.minute, dialogue.time_zone) == (
        1,
        23,
        59,
        "America/New_York",
    )
    # The change page shows the deadline as typed, in the venue's time zone.
    page = secretariat_client.get(_url(Dialogue, "change", dialogue.pk)).content.decode()
    typed_day = dialogue.date.replace(day=1).isoformat()
    assert f'name="applications_deadline_0" value="{typed_day}"' in page
    assert 'name="applications_deadline_1" value="23:59:00"' in page


def test_admin_dialogue_before_session_end_shows_error_next_to_date(secretariat_client):
    dialogue = DialogueFactory()
    before = dialogue.session.first_day.isoformat()
    response = secretariat_client.post(
        _url(Dialogue, "change", dialogue.pk), _dialogue_form(dialogue, date=before)
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "after its working-group session" in " ".join(errors["date"])
    assert f'value="{before}"' in response.content.decode()  # what was typed is kept
    dialogue.refresh_from_db()
    assert dialogue.date == dialogue.session.last_day
    assert dialogue.time_zone == "Europe/Vienna"


def test_admin_dialogue_page_opened_before_a_postponement_cannot_put_the_old_date_back(secretariat_client):
    dialogue = DialogueFactory()
    page = secretariat_client.get(_url(Dialogue, "change", dialogue.pk)).content.decode()
    assert 'name="read_sequence" value="0"' in page
    old_date = dialogue.date
    new_date = old_date + datetime.timedelta(days=7)
    services.dialogue_postpone(
        dialogue=dialogue, by=None, date=new_date, start_time=dialogue.start_time, end_time=dialogue.end_time
    )

    response = secretariat_client.post(
        _url(Dialogue, "change", dialogue.pk),
        _dialogue_form(dialogue, date=old_date.isoformat(), read_sequence="0"),
        follow=True,
    )

    assert "was changed by someone else meanwhile" in response.content.decode()
    dialogue.refresh_from_db()
    assert dialogue.date == new_date
