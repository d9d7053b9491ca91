"""The stakeholders' services: circulation lists, objections and admission after silence."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from dialogue_portal.models import AuditEvent
from dialogue_portal.transitions import TransitionNotAllowed
from stakeholders import services
from stakeholders.models import CirculationList, Objection
from tests.factories import AccreditationFactory, DialogueFactory, FocalPointFactory, admitted_organisation

from .support import (
    AFTER_DEADLINE,
    DEADLINE,
    State,
    audit_rows,
    focal_point_emails,
    organisation_with_focal_points,
)

# --- Circulation and objections ------------------------------------------------------------


def test_circulation_list_create_deadline_under_30_days_refused(secretariat, commit, mailoutbox):
    accreditation = AccreditationFactory()
    circulated_on = datetime.date(2030, 1, 10)

    with commit(), pytest.raises(ValidationError) as excinfo:
        services.circulation_list_create(
            by=secretariat,
            reference="NOP/2030/9",
            circulated_on=circulated_on,
            deadline=circulated_on + datetime.timedelta(days=29),
            accreditations=[accreditation],
        )

    assert list(excinfo.value.message_dict) == ["deadline"]
    assert "9 February 2030" in excinfo.value.message_dict["deadline"][0]
    assert not CirculationList.objects.exists()
    accreditation.refresh_from_db()
    assert (accreditation.state, accreditation.circulation_list) == (State.SUBMITTED, None)
    assert audit_rows(accreditation) == []
    assert mailoutbox == []


def test_circulation_list_create_circulates_requests(secretariat, commit, mailoutbox):
    first = AccreditationFactory(organisation=organisation_with_focal_points(1))
    second = AccreditationFactory(organisation=organisation_with_focal_points(1))
    not_listed = AccreditationFactory()
    circulated_on = datetime.date(2030, 1, 10)

    with commit():
        circulation_list = services.circulation_list_create(
            by=secretariat,
            reference="NOP/2030/9",
            circulated_on=circulated_on,
            deadline=circulated_on + datetime.timedelta(days=30),
            accreditations=[first, second],
        )

    circulation_list.refresh_from_db()
    assert circulation_list.deadline == datetime.date(2030, 2, 9)
    assert circulation_list.created_by == secretariat
    for accreditation in (first, second):
        accreditation.refresh_from_db()
        assert (accreditation.state, accreditation.circulation_list) == (State.CIRCULATED, circulation_list)
        assert audit_rows(accreditation) == [
            (State.SUBMITTED, State.CIRCULATED, secretariat.pk, "NOP/2030/9")
        ]
    not_listed.refresh_from_db()
    assert not_listed.state == State.SUBMITTED
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        focal_point_emails(first.organisation) + focal_point_emails(second.organisation)
    )
    for message in mailoutbox:
        assert "circulated to the States parties" in message.body
        assert "9 February 2030" in message.body


def test_circulation_list_create_with_request_not_submitted_refused(secretariat, commit, mailoutbox):
    submitted = AccreditationFactory()
    admitted = AccreditationFactory(state=State.ADMITTED)

    with commit(), pytest.raises(TransitionNotAllowed):
        services.circulation_list_create(
            by=secretariat,
            reference="NOP/2030/9",
            circulated_on=datetime.date(2030, 1, 10),
            deadline=datetime.date(2030, 2, 10),
            accreditations=[submitted, admitted],
        )

    assert not CirculationList.objects.exists()
    submitted.refresh_from_db()
    admitted.refresh_from_db()
    assert (submitted.state, admitted.state) == (State.SUBMITTED, State.ADMITTED)
    assert not AuditEvent.objects.exists()
    assert mailoutbox == []


def test_objection_record_on_deadline_recorded(secretariat, commit):
    accreditation = AccreditationFactory(state=State.CIRCULATED)

    with commit():
        objection = services.objection_record(
            by=secretariat,
            state_party="FR",
            made_on=DEADLINE,
            note="Raised in a note verbale.",
            accreditation=accreditation,
        )

    objection.refresh_from_db()
    assert (objection.accreditation, objection.state_party.code, objection.recorded_by) == (
        accreditation,
        "FR",
        secretariat,
    )
    accreditation.refresh_from_db()
    assert accreditation.state == State.OBJECTED
    [(_from, _to, _actor, note)] = audit_rows(accreditation)
    assert "France" not in note


def test_objection_record_after_deadline_refused(secretariat, commit, mailoutbox):
    accreditation = AccreditationFactory(state=State.CIRCULATED)

    with commit(), pytest.raises(ValidationError) as excinfo:
        services.objection_record(
            by=secretariat, state_party="FR", made_on=AFTER_DEADLINE, accreditation=accreditation
        )

    assert list(excinfo.value.message_dict) == ["made_on"]
    accreditation.refresh_from_db()
    assert accreditation.state == State.CIRCULATED
    assert not Objection.objects.exists()
    assert audit_rows(accreditation) == []
    assert mailoutbox == []


@pytest.mark.parametrize("src", [State.SUBMITTED, State.ADMITTED, State.OBJECTED, State.REJECTED])
def test_objection_record_to_request_not_circulated_refused(src, secretariat, commit, mailoutbox):
    accreditation = AccreditationFactory(state=src)

    with commit(), pytest.raises(TransitionNotAllowed) as excinfo:
        services.objection_record(
            by=secretariat, state_party="FR", made_on=DEADLINE, accreditation=accreditation
        )

    assert "circulated" in excinfo.value.messages[0]
    accreditation.refresh_from_db()
    assert accreditation.state == src
    assert not Objection.objects.exists()
    assert mailoutbox == []


def test_objection_record_for_dialogue_against_admitted_organisation_recorded(
    secretariat, commit, mailoutbox
):
    organisation = admitted_organisation()
    FocalPointFactory(organisation=organisation)
    FocalPointFactory(organisation=organisation)
    other_dialogue = DialogueFactory()
    dialogue = DialogueFactory()

    with commit():
        objection = services.objection_record(
            by=secretariat,
            state_party="FR",
            made_on=datetime.date(2030, 3, 1),
            note="France objects to this organisation.",
            organisation=organisation,
            dialogue=dialogue,
        )

    objection.refresh_from_db()
    assert (objection.organisation, objection.dialogue, objection.accreditation) == (
        organisation,
        dialogue,
        None,
    )
    assert list(dialogue.objections.all()) == [objection]
    assert not other_dialogue.objections.exists()
    accreditation = organisation.accreditations.get()
    assert accreditation.state == State.ADMITTED
    assert not AuditEvent.objects.exists()
    assert sorted(m.to[0] for m in mailoutbox) == focal_point_emails(organisation)
    for message in mailoutbox:
        assert "A State party objected" in message.body
        assert str(dialogue) in message.body
        assert "France" not in message.body
        assert "France" not in message.subject


@pytest.mark.parametrize(
    "state", [None, State.SUBMITTED, State.CIRCULATED, State.OBJECTED, State.REJECTED, State.WITHDRAWN]
)
def test_objection_record_for_dialogue_against_organisation_not_admitted_refused(
    state, secretariat, commit, mailoutbox
):
    organisation = organisation_with_focal_points(1)
    if state:
        AccreditationFactory(organisation=organisation, state=state)

    with commit(), pytest.raises(ValidationError) as excinfo:
        services.objection_record(
            by=secretariat,
            state_party="FR",
            made_on=datetime.date(2030, 3, 1),
            organisation=organisation,
            dialogue=DialogueFactory(),
        )

    assert "admitted" in excinfo.value.messages[0]
    assert not Objection.objects.exists()
    assert mailoutbox == []
