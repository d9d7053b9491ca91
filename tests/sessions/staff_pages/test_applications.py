"""The secretariat's dialogue pages: the applications and the Extended Bureau's decisions."""

import pytest
from django.core import mail

from dialogue_portal.models import AuditEvent
from sessions.models import Registration
from stakeholders.models import Category
from tests.factories import DialogueFactory

from .support import MEETING_LINK, _applicant, _field_error, _mail_to, _page, _recipients, _text, _url

# --- Applications and decisions ------------------------------------------------------------


def test_applications_table_shows_each_application_and_filters_by_state(secretariat_client, dialogue):
    applied = _applicant(
        dialogue,
        name="Grassroots Victims Network",
        people=2,
        travel_support_requested=True,
        expertise="Survivors of armed violence in the Sahel.",
        organisation={"category": Category.ACADEMIA, "country": "SN"},
    )
    _applicant(dialogue, name="Declined Institute", state=Registration.State.DECLINED)
    _applicant(DialogueFactory(), name="Other Dialogue Network")
    response = secretariat_client.get(_url("staff_applications", dialogue.pk))
    text = _text(response)
    assert "2 applications" in text
    for shown in (
        "Grassroots Victims Network",
        "Academia",
        "Senegal",
        *applied.representatives.values_list("name", flat=True),
        "Survivors of armed violence in the Sahel.",
        "requested",
        "Declined Institute",
    ):
        assert shown in text, shown
    assert "Other Dialogue Network" not in text
    # Only an application awaiting a decision can be selected.
    assert f'name="registrations" value="{applied.pk}"' in _page(response)
    assert _page(response).count('name="registrations"') == 1

    filtered = _text(secretariat_client.get(_url("staff_applications", dialogue.pk), {"state": "declined"}))
    assert "1 application" in filtered
    assert "Declined Institute" in filtered
    assert "Grassroots Victims Network" not in filtered


def test_applications_bulk_approve_emails_each_representative_the_meeting_link(post, dialogue):
    first = _applicant(dialogue, name="First Network", people=2)
    second = _applicant(dialogue, name="Second Network")
    response = post(
        _url("staff_applications", dialogue.pk),
        {"registrations": [first.pk, second.pk], "decision": "approve"},
        follow=True,
    )
    assert "2 applications were approved." in _text(response)
    for registration in (first, second):
        registration.refresh_from_db()
        assert registration.state == Registration.State.APPROVED
        assert not registration.travel_support_granted
        for representative in registration.representatives.all():
            (message,) = _mail_to(representative.email)
            assert MEETING_LINK in message.body
        (decided,) = _mail_to(f"focal@{registration.organisation_id}.example")
        assert "approved" in decided.subject.lower()
        assert MEETING_LINK not in decided.body
    assert len(mail.outbox) == 5  # three representatives, two focal points


def test_applications_bulk_decline_needs_a_reason_next_to_the_field(post, dialogue):
    registration = _applicant(dialogue, name="First Network")
    response = post(
        _url("staff_applications", dialogue.pk), {"registrations": [registration.pk], "decision": "decline"}
    )
    assert response.status_code == 200
    assert "Give the reason for declining." in _field_error(response, "id_bulk_reason")
    assert f'value="{registration.pk}" id="select-{registration.pk}" checked' in _page(response)
    registration.refresh_from_db()
    assert registration.state == Registration.State.APPLIED
    assert mail.outbox == []


def test_applications_bulk_decline_tells_the_reason_and_never_the_link(post, dialogue):
    first = _applicant(dialogue, name="First Network")
    second = _applicant(dialogue, name="Second Network")
    post(
        _url("staff_applications", dialogue.pk),
        {"registrations": [first.pk, second.pk], "decision": "decline", "reason": "Outside the topic."},
    )
    for registration in (first, second):
        registration.refresh_from_db()
        assert registration.state == Registration.State.DECLINED
        assert registration.decline_reason == "Outside the topic."
    assert _recipients() == sorted(f"focal@{r.organisation_id}.example" for r in (first, second))
    assert all("Outside the topic." in message.body for message in mail.outbox)
    assert not any(MEETING_LINK in message.body for message in mail.outbox)


def test_applications_bulk_decision_is_all_or_none(post, dialogue):
    applied = _applicant(dialogue, name="Applied Network")
    declined = _applicant(dialogue, name="Already Declined Institute", state=Registration.State.DECLINED)
    response = post(
        _url("staff_applications", dialogue.pk),
        {"registrations": [applied.pk, declined.pk], "decision": "approve"},
    )
    assert "Already Declined Institute: This registration cannot go from “declined” to “approved”." in _text(
        response
    )
    applied.refresh_from_db()
    assert applied.state == Registration.State.APPLIED
    assert mail.outbox == []
    assert not AuditEvent.objects.for_object(applied).exists()


def test_applications_bulk_decision_needs_a_selection(post, dialogue):
    _applicant(dialogue, name="Applied Network")
    response = post(_url("staff_applications", dialogue.pk), {"decision": "approve"})
    assert "Select at least one application." in _text(response)


@pytest.mark.parametrize("count", [5, 50])
def test_applications_page_runs_a_fixed_number_of_queries(
    secretariat_client, dialogue, django_assert_max_num_queries, count
):
    for n in range(count):
        _applicant(dialogue, name=f"Network {n:02d}", people=2)
    with django_assert_max_num_queries(7):
        response = secretariat_client.get(_url("staff_applications", dialogue.pk))
    assert response.context["rows"][count - 1].organisation.name == f"Network {count - 1:02d}"


def test_application_page_approves_with_travel_support(post, secretariat_client, dialogue):
    registration = _applicant(dialogue, name="Grassroots Network", travel_support_requested=True)
    page = _page(secretariat_client.get(_url("staff_application", dialogue.pk, registration.pk)))
    assert 'name="travel_support_granted"' in page
    assert registration.expertise in page
    response = post(
        _url("staff_application", dialogue.pk, registration.pk),
        {"decision": "approve", "travel_support_granted": "on"},
        follow=True,
    )
    assert "The application of Grassroots Network is approved" in _text(response)
    registration.refresh_from_db()
    assert (registration.state, registration.travel_support_granted) == (Registration.State.APPROVED, True)
    (message,) = _mail_to(registration.representatives.get().email)
    assert MEETING_LINK in message.body
    assert "Travel support has been granted" in message.body
    assert "nothing more to decide" in _text(response)


def test_application_page_offers_travel_support_only_when_requested(post, secretariat_client, dialogue):
    registration = _applicant(dialogue, name="Network")
    page = _page(secretariat_client.get(_url("staff_application", dialogue.pk, registration.pk)))
    assert 'name="travel_support_granted"' not in page
    post(
        _url("staff_application", dialogue.pk, registration.pk),
        {"decision": "approve", "travel_support_granted": "on"},
    )
    registration.refresh_from_db()
    assert (registration.state, registration.travel_support_granted) == (Registration.State.APPROVED, False)


def test_application_decline_without_a_reason_shows_the_error_next_to_it(post, dialogue):
    registration = _applicant(dialogue, name="Network")
    response = post(
        _url("staff_application", dialogue.pk, registration.pk), {"decision": "decline", "reason": "  "}
    )
    assert response.status_code == 200
    assert "Give the reason for declining." in _field_error(response, "id_decline_reason")
    registration.refresh_from_db()
    assert registration.state == Registration.State.APPLIED
    assert mail.outbox == []


def test_application_decline_with_a_reason_never_sends_the_link(post, dialogue):
    registration = _applicant(dialogue, name="Network")
    response = post(
        _url("staff_application", dialogue.pk, registration.pk),
        {"decision": "decline", "reason": "The Extended Bureau found no link to the topic."},
        follow=True,
    )
    registration.refresh_from_db()
    assert registration.state == Registration.State.DECLINED
    assert "The Extended Bureau found no link to the topic." in _text(response)  # in the history
    assert _recipients() == [f"focal@{registration.organisation_id}.example"]
    assert MEETING_LINK not in mail.outbox[0].body
    assert not _mail_to(registration.representatives.get().email)


def test_application_decided_meanwhile_is_refused_with_the_message(post, dialogue):
    registration = _applicant(dialogue, name="Network", state=Registration.State.DECLINED)
    response = post(_url("staff_application", dialogue.pk, registration.pk), {"decision": "approve"})
    assert "cannot go from “declined” to “approved”" in _text(response)
    registration.refresh_from_db()
    assert registration.state == Registration.State.DECLINED
    assert mail.outbox == []
