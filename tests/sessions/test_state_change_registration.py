"""The application's staff page offers exactly the decisions the services allow; declining
asks first; the Extended Bureau's bulk decision is one service, all or none."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from dialogue_portal.celery import app
from sessions import services
from sessions.models import Dialogue, Registration
from sessions.views.staff.registrations import LIFECYCLE
from tests.factories import DialogueFactory, FocalPointFactory, OrganisationFactory, RegistrationFactory
from tests.state_change import allowed_moves, offered_on_page, urls_for

State = Registration.State


@pytest.fixture(autouse=True)
def _tasks_in_process():
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


def _registration(state: str, dialogue_state: str = Dialogue.State.OPEN) -> Registration:
    organisation = OrganisationFactory()
    FocalPointFactory(organisation=organisation, user__email=f"focal@{organisation.pk}.example")
    return RegistrationFactory(
        dialogue=DialogueFactory(state=dialogue_state), organisation=organisation, state=state
    )


def _fresh(registration: Registration) -> Registration:
    return Registration.objects.select_related("organisation", "dialogue").get(pk=registration.pk)


def _urls(registration: Registration) -> dict:
    return urls_for(
        LIFECYCLE.actions,
        lambda slug: reverse(
            "staff_application_action", args=[registration.dialogue_id, registration.pk, slug]
        ),
    )


CASES = [
    (State.APPLIED, Dialogue.State.OPEN),
    (State.APPLIED, Dialogue.State.CLOSED),
    (State.APPLIED, Dialogue.State.HELD),
    (State.APPLIED, Dialogue.State.CANCELLED),
    (State.APPROVED, Dialogue.State.OPEN),
    (State.DECLINED, Dialogue.State.OPEN),
    (State.WITHDRAWN, Dialogue.State.OPEN),
]


@pytest.mark.parametrize(("state", "dialogue_state"), CASES)
def test_application_page_offers_exactly_the_decisions_the_services_allow(
    secretariat_client, secretariat, state, dialogue_state
):
    registration = _registration(state, dialogue_state)
    page = secretariat_client.get(
        reverse("staff_application", args=[registration.dialogue_id, registration.pk])
    )
    offered = offered_on_page(page.content.decode(), _urls(registration))
    allowed = allowed_moves(
        {
            "approve": lambda: services.registration_approve(
                registration=_fresh(registration), by=secretariat
            ),
            "decline": lambda: services.registration_decline(
                registration=_fresh(registration), by=secretariat, reason="Outside the topic."
            ),
        }
    )
    assert offered == allowed
    registration.refresh_from_db()
    assert registration.state == state


def test_every_state_is_covered():
    assert {state for state, _ in CASES} == set(State.values)


def test_decline_asks_first_naming_who_is_emailed(secretariat_client):
    registration = _registration(State.APPLIED)
    url = _urls(registration)["decline"]
    page = secretariat_client.get(url).content.decode()
    assert "This cannot be undone" in page
    assert "focal points are e-mailed the decision and its reason" in page
    assert 'id="id_decline_reason"' in page
    registration.refresh_from_db()
    assert registration.state == State.APPLIED
    assert mail.outbox == []


def test_decline_confirmed_declines_and_emails_the_reason(
    secretariat_client, django_capture_on_commit_callbacks
):
    registration = _registration(State.APPLIED)
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat_client.post(_urls(registration)["decline"], {"reason": "Outside the topic."})
    assert response.url == reverse("staff_application", args=[registration.dialogue_id, registration.pk])
    registration.refresh_from_db()
    assert (registration.state, registration.decline_reason) == (State.DECLINED, "Outside the topic.")
    assert [message.to for message in mail.outbox] == [[f"focal@{registration.organisation_id}.example"]]
    assert "Outside the topic." in mail.outbox[0].body


def test_decline_confirmed_without_a_reason_stays_on_the_confirmation_page(secretariat_client):
    registration = _registration(State.APPLIED)
    response = secretariat_client.post(_urls(registration)["decline"], {"reason": ""})
    page = response.content.decode()
    assert "This cannot be undone" in page
    assert 'id="id_decline_reason_error"' in page
    registration.refresh_from_db()
    assert registration.state == State.APPLIED


# --- The bulk decision: all or none ----------------------------------------------------


def test_bulk_approve_refused_for_one_approves_none(secretariat, django_capture_on_commit_callbacks):
    applied = _registration(State.APPLIED)
    declined = RegistrationFactory(dialogue=applied.dialogue, state=State.DECLINED)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as refused:
        services.registrations_decide(
            registrations=[_fresh(applied), _fresh(declined)], to=State.APPROVED, by=secretariat
        )
    assert declined.organisation.name in " ".join(refused.value.messages)
    applied.refresh_from_db()
    assert applied.state == State.APPLIED
    assert mail.outbox == []


def test_bulk_decline_without_a_reason_declines_none(secretariat):
    first, second = _registration(State.APPLIED), _registration(State.APPLIED)
    with pytest.raises(ValidationError) as refused:
        services.registrations_decide(
            registrations=[_fresh(first), _fresh(second)], to=State.DECLINED, by=secretariat
        )
    assert "reason" in refused.value.message_dict
    assert set(Registration.objects.values_list("state", flat=True)) == {State.APPLIED}


def test_bulk_decline_declines_all(secretariat):
    first, second = _registration(State.APPLIED), _registration(State.APPLIED)
    services.registrations_decide(
        registrations=[_fresh(first), _fresh(second)],
        to=State.DECLINED,
        by=secretariat,
        reason="Outside the topic.",
    )
    assert set(Registration.objects.values_list("state", flat=True)) == {State.DECLINED}


def test_bulk_decision_page_refused_for_one_changes_none(secretariat_client):
    applied = _registration(State.APPLIED)
    declined = RegistrationFactory(dialogue=applied.dialogue, state=State.DECLINED)
    response = secretariat_client.post(
        reverse("staff_applications", args=[applied.dialogue_id]),
        {"registrations": [applied.pk, declined.pk], "decision": "approve"},
    )
    assert response.status_code == 200
    assert declined.organisation.name in response.content.decode()
    applied.refresh_from_db()
    assert applied.state == State.APPLIED
