"""The services' keyword arguments for what the secretariat does on an organisation's
behalf, and records after the fact: who the audit row names, the dates kept, the dates
refused, and who is e-mailed."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from dialogue_portal.models import AuditEvent
from stakeholders import selectors, services
from stakeholders.models import Accreditation, FocalPoint, Organisation
from stakeholders.services._common import past_moment
from tests.factories import (
    AccreditationFactory,
    CirculationListFactory,
    FocalPointFactory,
    OrganisationFactory,
    SecretariatFactory,
)

State = Accreditation.State


@pytest.fixture
def officer(db):
    return SecretariatFactory(email="officer@unodc.example.org")


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run a service; return the addresses e-mailed once its transaction committed."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            result = call(*args, **kwargs)
        return result, sorted(address for message in mail.outbox for address in message.to)

    return run


def _days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def _events(obj) -> list[AuditEvent]:
    return list(AuditEvent.objects.for_object(obj).order_by("created_at", "id"))


def _submitted(days_ago: int = 30, **fields) -> Accreditation:
    accreditation = AccreditationFactory(organisation=OrganisationFactory(**fields))
    Accreditation.objects.filter(pk=accreditation.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    accreditation.refresh_from_db()
    return accreditation


# --- When it happened -----------------------------------------------------------------


def test_past_moment_today_is_now_and_an_earlier_day_is_its_noon():
    assert past_moment(None, field="x") is None
    assert past_moment(timezone.localdate(), field="x") is None
    moment = past_moment(_days_ago(3), field="x")
    assert timezone.localtime(moment).date() == _days_ago(3)
    assert timezone.localtime(moment).hour == 12


def test_past_moment_in_the_future_is_refused_naming_the_field():
    with pytest.raises(ValidationError) as refused:
        past_moment(timezone.now() + datetime.timedelta(minutes=5), field="received_at")
    assert list(refused.value.message_dict) == ["received_at"]


# --- Registration ---------------------------------------------------------------------


def test_register_on_behalf_writes_audit_row_and_no_focal_point(officer):
    organisation = services.organisation_register(
        user=officer,
        on_behalf=True,
        name="Fundación Ñandú",
        category="ngo",
        country="PY",
        postal_address="Asunción",
        description="Victims of trafficking.",
    )
    assert not FocalPoint.objects.exists()
    [event] = _events(organisation)
    assert (event.actor, event.on_behalf_of, event.from_state) == (officer, "Fundación Ñandú", "")
    assert event.note == "On behalf of Fundación Ñandú. Registered by the secretariat."


def test_register_on_behalf_refuses_duplicate_as_focal_point_registration_does(officer):
    existing = OrganisationFactory(name="Fundación Ñandú")
    with pytest.raises(services.DuplicateOrganisation) as refused:
        services.organisation_register(
            user=officer,
            on_behalf=True,
            name="FUNDACION nandu",
            category="ngo",
            country="PY",
            postal_address="Asunción",
            description="Victims.",
        )
    assert refused.value.existing == existing
    assert Organisation.objects.count() == 1
    assert not AuditEvent.objects.exists()


def test_invitation_on_behalf_never_hands_over(officer, sent):
    organisation = OrganisationFactory(name="Red", acronym="")
    invitation, recipients = sent(
        services.invitation_create,
        organisation=organisation,
        email="carla@red.example",
        by=officer,
        hand_over=True,
        on_behalf=True,
    )
    assert not invitation.hand_over
    assert recipients == ["carla@red.example"]
    assert "The secretariat of the UNTOC review mechanism invites you" in mail.outbox[0].body


# --- The request ----------------------------------------------------------------------


def test_request_on_behalf_keeps_received_day_and_emails_focal_point_only(officer, sent):
    focal_point = FocalPointFactory(user__email="ana@red.example")
    accreditation, recipients = sent(
        services.accreditation_request,
        organisation=focal_point.organisation,
        by=officer,
        on_behalf=True,
        received_at=_days_ago(12),
    )
    accreditation.refresh_from_db()
    assert timezone.localdate(accreditation.submitted_at) == _days_ago(12)
    [event] = _events(accreditation)
    assert event.on_behalf_of == focal_point.organisation.name
    assert timezone.localdate(event.occurred_at) == _days_ago(12)
    # The receipt; not the secretariat's "a request arrived": it recorded the request itself.
    assert recipients == ["ana@red.example"]


def test_request_by_focal_point_still_tells_secretariat(officer, sent):
    focal_point = FocalPointFactory(user__email="ana@red.example")
    _, recipients = sent(
        services.accreditation_request, organisation=focal_point.organisation, by=focal_point.user
    )
    assert recipients == ["ana@red.example", "officer@unodc.example.org"]
    assert _events(Accreditation.objects.get())[0].on_behalf_of == ""


def test_request_with_received_date_needs_on_behalf(officer):
    with pytest.raises(ValueError, match="on the organisation's behalf"):
        services.accreditation_request(
            organisation=OrganisationFactory(), by=officer, received_at=_days_ago(1)
        )
    assert not Accreditation.objects.exists()


def test_request_received_tomorrow_is_refused_and_nothing_written(officer):
    with pytest.raises(ValidationError) as refused:
        services.accreditation_request(
            organisation=OrganisationFactory(),
            by=officer,
            on_behalf=True,
            received_at=timezone.localdate() + datetime.timedelta(days=1),
        )
    assert list(refused.value.message_dict) == ["received_at"]
    assert not Accreditation.objects.exists()
    assert not AuditEvent.objects.exists()


# --- Decisions recorded after the fact -------------------------------------------------


def test_rejection_of_an_earlier_day_keeps_date_and_withholds_mail(officer, sent):
    accreditation = _submitted()
    FocalPointFactory(organisation=accreditation.organisation)
    _, recipients = sent(
        services.accreditation_reject,
        accreditation=accreditation,
        by=officer,
        reason="Not a NGO.",
        decided_at=_days_ago(4),
    )
    accreditation.refresh_from_db()
    assert accreditation.state == State.REJECTED
    assert timezone.localdate(accreditation.decided_at) == _days_ago(4)
    assert timezone.localdate(_events(accreditation)[-1].occurred_at) == _days_ago(4)
    assert recipients == []


def test_rejection_recorded_today_is_told(officer, sent):
    accreditation = _submitted()
    FocalPointFactory(organisation=accreditation.organisation, user__email="ana@red.example")
    _, recipients = sent(
        services.accreditation_reject,
        accreditation=accreditation,
        by=officer,
        reason="Not a NGO.",
        decided_at=timezone.localdate(),
    )
    assert recipients == ["ana@red.example"]
    assert _events(accreditation)[-1].occurred_at is None


def test_decision_before_the_request_was_received_is_refused(officer):
    accreditation = _submitted(days_ago=3, ecosoc_status="general")
    with pytest.raises(ValidationError) as refused:
        services.accreditation_admit(accreditation=accreditation, by=officer, decided_at=_days_ago(5))
    assert list(refused.value.message_dict) == ["decided_at"]
    accreditation.refresh_from_db()
    assert accreditation.state == State.SUBMITTED


def test_admission_after_silence_judged_on_the_day_decided(officer):
    accreditation = _submitted(days_ago=80)
    circulation_list = CirculationListFactory(circulated_on=_days_ago(70), deadline=_days_ago(40))
    services.accreditation_circulate(
        accreditation=accreditation, circulation_list=circulation_list, by=officer, decided_at=_days_ago(70)
    )
    # On the day of the deadline the States parties could still object …
    with pytest.raises(ValidationError, match="States parties may object until"):
        services.accreditation_admit(accreditation=accreditation, by=officer, decided_at=_days_ago(40))
    # … the day after, silence was consent.
    services.accreditation_admit(accreditation=accreditation, by=officer, decided_at=_days_ago(39))
    accreditation.refresh_from_db()
    assert accreditation.state == State.ADMITTED
    assert [timezone.localdate(event.occurred_at) for event in _events(accreditation)] == [
        _days_ago(70),
        _days_ago(39),
    ]


def test_resubmission_and_withdrawal_on_behalf_name_the_organisation(officer, sent):
    accreditation = _submitted(name="Red de Víctimas")
    services.accreditation_return(
        accreditation=accreditation, by=officer, note="Address?", decided_at=_days_ago(6)
    )
    _, recipients = sent(
        services.accreditation_resubmit,
        accreditation=accreditation,
        by=officer,
        on_behalf=True,
        received_at=_days_ago(2),
    )
    assert recipients == []
    services.accreditation_withdraw(accreditation=accreditation, by=officer, on_behalf=True)
    accreditation.refresh_from_db()
    assert accreditation.state == State.WITHDRAWN
    returned, resubmitted, withdrawn = _events(accreditation)
    assert returned.on_behalf_of == ""
    assert resubmitted.on_behalf_of == withdrawn.on_behalf_of == "Red de Víctimas"
    assert withdrawn.note.startswith("On behalf of Red de Víctimas.")
    assert timezone.localdate(resubmitted.occurred_at) == _days_ago(2)
    assert withdrawn.occurred_at is None


# --- The selector ---------------------------------------------------------------------


def test_organisations_for_secretariat_carry_live_state_and_focal_point_count(db):
    rejected_then_new = OrganisationFactory(name="A")
    AccreditationFactory(organisation=rejected_then_new, state=State.REJECTED)
    AccreditationFactory(organisation=rejected_then_new, state=State.CIRCULATED)
    only_rejected = OrganisationFactory(name="B")
    AccreditationFactory(organisation=only_rejected, state=State.REJECTED)
    FocalPointFactory.create_batch(2, organisation=only_rejected)
    rows = {row.name: row for row in selectors.organisations_for_secretariat()}
    assert (rows["A"].accreditation_state, rows["A"].focal_point_count) == (State.CIRCULATED, 0)
    assert (rows["B"].accreditation_state, rows["B"].focal_point_count) == ("", 2)
