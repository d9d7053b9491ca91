"""Applications to take part in a dialogue and the Extended Bureau's decisions: the state
machine, every refusal, and who is told what by e-mail (the meeting link above all)."""

import datetime
import itertools

import pytest
from django.core.exceptions import ValidationError

from dialogue_portal.models import AuditEvent
from sessions import services
from sessions.models import AgendaItem, Dialogue, Intervention, Registration
from sessions.services.registrations import registration_refusal
from stakeholders.models import Objection
from tests.factories import (
    DialogueFactory,
    FocalPointFactory,
    OrganisationFactory,
    RegistrationFactory,
    RepresentativeFactory,
    WorkingGroupFactory,
    WorkingGroupSessionFactory,
    admitted_organisation,
    vienna,
)

State = Registration.State

LAST_DAY = datetime.date(2030, 3, 6)
MEETING_LINK = "https://meet.example.org/wg6-dialogue-secret"
EXPERTISE = "Ten years of field research on the diversion of firearms in the Sahel."
PREFIX = "6 March 2030, Working Group on Firearms: "


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what the service queued for after the commit (the e-mails), as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def session(db):
    return WorkingGroupSessionFactory(
        working_group=WorkingGroupFactory(name="Working Group on Firearms"),
        first_day=datetime.date(2030, 3, 4),
        last_day=LAST_DAY,
    )


@pytest.fixture
def dialogue(session):
    """Open for applications until 20 February 2030, at most two representatives each."""
    return DialogueFactory(
        session=session, state=Dialogue.State.OPEN, meeting_link=MEETING_LINK, max_representatives=2
    )


@pytest.fixture
def organisation(db):
    organisation = admitted_organisation(name="Sahel Human Security Network", acronym="SHSN")
    FocalPointFactory(organisation=organisation, user__email="farid@shsn.example")
    FocalPointFactory(organisation=organisation, user__email="grace@shsn.example")
    return organisation


@pytest.fixture
def focal_user(organisation):
    return organisation.focal_points.order_by("id").first().user


@pytest.fixture
def reps(organisation):
    return [
        RepresentativeFactory(organisation=organisation, email="amina@shsn.example"),
        RepresentativeFactory(organisation=organisation, email="moussa@shsn.example"),
    ]


def apply(organisation, dialogues, by, representatives, **fields):
    return services.registration_apply(
        organisation=organisation,
        dialogues=dialogues,
        by=by,
        representatives=representatives,
        expertise=fields.pop("expertise", EXPERTISE),
        **fields,
    )


def audit(obj):
    return list(
        AuditEvent.objects.for_object(obj).order_by("id").values_list("from_state", "to_state", "note")
    )


def sent_to(mailoutbox, *addresses):
    return [message for message in mailoutbox if set(message.to) & set(addresses)]


FOCAL_POINTS = ("farid@shsn.example", "grace@shsn.example")
REPRESENTATIVES = ("amina@shsn.example", "moussa@shsn.example")


# --- The state machine ----------------------------------------------------------------


def move(registration, to, by):
    """Call the service that moves an application to ``to``."""
    if to == State.APPROVED:
        return services.registration_approve(registration=registration, by=by)
    if to == State.DECLINED:
        return services.registration_decline(registration=registration, by=by, reason="Outside the topic.")
    if to == State.WITHDRAWN:
        return services.registration_withdraw(registration=registration, by=by)
    raise AssertionError(f"no service moves an application to {to}")


LEGAL_MOVES = [(src, dst) for src, targets in services.REGISTRATION_NEXT_STATES.items() for dst in targets]
ILLEGAL_MOVES = [
    (src, dst)
    for src, dst in itertools.product(State.values, [State.APPROVED, State.DECLINED, State.WITHDRAWN])
    if dst not in services.REGISTRATION_NEXT_STATES[src]
]


def test_registration_lifecycle_matches_design():
    assert sorted(LEGAL_MOVES) == sorted(
        [
            (State.APPLIED, State.APPROVED),
            (State.APPLIED, State.DECLINED),
            (State.APPLIED, State.WITHDRAWN),
            (State.APPROVED, State.WITHDRAWN),
        ]
    )


@pytest.mark.parametrize(("src", "dst"), LEGAL_MOVES)
def test_registration_legal_move_saved_with_one_audit_row(dialogue, secretariat, src, dst):
    registration = RegistrationFactory(dialogue=dialogue, state=src)

    move(registration, dst, secretariat)

    registration.refresh_from_db()
    assert registration.state == dst
    assert [(e.from_state, e.to_state, e.actor) for e in AuditEvent.objects.for_object(registration)] == [
        (src, dst, secretariat)
    ]


@pytest.mark.parametrize(("src", "dst"), ILLEGAL_MOVES)
def test_registration_illegal_move_refused_and_writes_nothing(
    dialogue, secretariat, commit, mailoutbox, src, dst
):
    registration = RegistrationFactory(dialogue=dialogue, state=src)
    updated_at = registration.updated_at

    with pytest.raises(ValidationError) as excinfo, commit():
        move(registration, dst, secretariat)

    assert "cannot go from" in excinfo.value.messages[0]
    registration.refresh_from_db()
    assert registration.state == src
    assert registration.updated_at == updated_at
    assert registration.decided_at is None
    assert registration.decline_reason == ""
    assert not AuditEvent.objects.exists()
    assert mailoutbox == []


# --- Applying -------------------------------------------------------------------------


def test_registration_apply_two_dialogues_creates_two(
    dialogue, organisation, focal_user, reps, commit, mailoutbox
):
    later = DialogueFactory(
        session=WorkingGroupSessionFactory(
            first_day=datetime.date(2030, 6, 2), last_day=datetime.date(2030, 6, 4)
        ),
        state=Dialogue.State.OPEN,
    )

    with commit():
        registrations = apply(
            organisation,
            [dialogue, later],
            focal_user,
            reps,
            travel_support_requested=True,
            may_be_named=False,
        )

    assert len(registrations) == 2
    for registration, expected_dialogue in zip(registrations, [dialogue, later], strict=True):
        registration.refresh_from_db()
        assert registration.dialogue == expected_dialogue
        assert registration.organisation == organisation
        assert registration.state == State.APPLIED
        assert registration.expertise == EXPERTISE
        assert registration.travel_support_requested is True
        assert registration.travel_support_granted is False
        assert registration.may_be_named is False
        assert registration.applied_by == focal_user
        assert set(registration.representatives.all()) == set(reps)
        assert [(e.from_state, e.to_state, e.actor) for e in AuditEvent.objects.for_object(registration)] == [
            ("", State.APPLIED, focal_user)
        ]
    assert sorted(address for message in mailoutbox for address in message.to) == sorted(FOCAL_POINTS)
    for message in mailoutbox:
        assert message.subject == "[Dialogue Portal] Application received: Sahel Human Security Network"
        assert str(dialogue) in message.body
        assert str(later) in message.body
        assert MEETING_LINK not in message.body


def test_registration_apply_one_refused_applies_for_none(
    dialogue, organisation, focal_user, reps, commit, mailoutbox
):
    not_open = DialogueFactory(
        session=WorkingGroupSessionFactory(
            first_day=datetime.date(2030, 6, 2), last_day=datetime.date(2030, 6, 4)
        ),
        state=Dialogue.State.SCHEDULED,
    )

    with pytest.raises(ValidationError) as excinfo, commit():
        apply(organisation, [dialogue, not_open], focal_user, reps)

    assert list(excinfo.value.message_dict) == ["dialogues"]
    assert len(excinfo.value.message_dict["dialogues"]) == 1
    assert not Registration.objects.exists()
    assert not AuditEvent.objects.exists()
    assert mailoutbox == []


def refused(organisation, dialogue, by, representatives):
    """Apply, expect a refusal, check that nothing was written; return the messages."""
    before = set(Registration.objects.values_list("pk", flat=True))
    with pytest.raises(ValidationError) as excinfo:
        apply(organisation, [dialogue], by, representatives)
    assert set(Registration.objects.values_list("pk", flat=True)) == before
    return excinfo.value.message_dict


def test_registration_apply_not_admitted_refused(dialogue, secretariat):
    organisation = OrganisationFactory(name="Unadmitted Collective")
    rep = RepresentativeFactory(organisation=organisation)

    assert refused(organisation, dialogue, secretariat, [rep]) == {
        "dialogues": [
            PREFIX
            + "Only organisations admitted as observers can apply; Unadmitted Collective is not admitted."
        ]
    }


def test_registration_apply_objection_for_that_dialogue_refused(dialogue, organisation, focal_user, reps):
    Objection.objects.create(
        organisation=organisation, dialogue=dialogue, state_party="FR", made_on=datetime.date(2030, 1, 15)
    )

    messages = refused(organisation, dialogue, focal_user, reps)

    assert messages == {
        "dialogues": [
            PREFIX + "A State party objected to the participation of Sahel Human Security Network "
            "in this dialogue."
        ]
    }
    assert "France" not in messages["dialogues"][0]
    assert "FR" not in messages["dialogues"][0]


def test_registration_apply_objection_for_other_dialogue_allowed(dialogue, organisation, focal_user, reps):
    other = DialogueFactory(room="Conference Room M3")
    Objection.objects.create(
        organisation=organisation, dialogue=other, state_party="FR", made_on=datetime.date(2030, 1, 15)
    )

    [registration] = apply(organisation, [dialogue], focal_user, reps)

    registration.refresh_from_db()
    assert registration.state == State.APPLIED


@pytest.mark.parametrize("state", [Dialogue.State.SCHEDULED, Dialogue.State.CLOSED, Dialogue.State.CANCELLED])
def test_registration_apply_dialogue_not_open_refused(session, organisation, focal_user, reps, state):
    dialogue = DialogueFactory(session=session, state=state)

    assert refused(organisation, dialogue, focal_user, reps) == {
        "dialogues": [PREFIX + f"Applications for this dialogue are not open (it is {state.label})."]
    }


def test_registration_apply_after_deadline_refused(session, organisation, focal_user, reps):
    dialogue = DialogueFactory(
        session=session,
        state=Dialogue.State.OPEN,
        applications_deadline=vienna(datetime.date(2026, 1, 9), 23, 59),
    )

    assert refused(organisation, dialogue, focal_user, reps) == {
        "dialogues": [PREFIX + "Applications closed on 9 January 2026, 23:59 CET."]
    }


def test_registration_refusal_on_the_deadline_itself_none(dialogue, organisation):
    deadline = dialogue.applications_deadline

    assert registration_refusal(organisation=organisation, dialogue=dialogue, now=deadline) is None
    assert registration_refusal(
        organisation=organisation, dialogue=dialogue, now=deadline + datetime.timedelta(seconds=1)
    ).startswith("Applications closed on 20 February 2030, 23:59")


def test_registration_apply_too_many_representatives_refused(dialogue, organisation, focal_user, reps):
    third = RepresentativeFactory(organisation=organisation)

    assert refused(organisation, dialogue, focal_user, [*reps, third]) == {
        "representatives": ["At most 2 representatives per organisation for the dialogue of 6 March 2030."]
    }


def test_registration_apply_as_many_representatives_as_allowed(dialogue, organisation, focal_user, reps):
    [registration] = apply(organisation, [dialogue], focal_user, reps)

    assert registration.representatives.count() == dialogue.max_representatives == 2


def test_registration_apply_representative_of_other_organisation_refused(
    dialogue, organisation, focal_user, reps
):
    stranger = RepresentativeFactory(organisation=admitted_organisation())

    assert refused(organisation, dialogue, focal_user, [reps[0], stranger]) == {
        "representatives": ["Representatives must be the organisation's own."]
    }


def test_registration_apply_already_applied_refused(dialogue, organisation, focal_user, reps):
    [first] = apply(organisation, [dialogue], focal_user, reps)

    assert refused(organisation, dialogue, focal_user, reps) == {
        "dialogues": [PREFIX + "Sahel Human Security Network has already applied for this dialogue."]
    }
    assert list(Registration.objects.all()) == [first]


def test_registration_apply_same_dialogue_twice_in_one_form_applies_once_or_not_at_all(
    dialogue, organisation, focal_user, reps
):
    with pytest.raises(ValidationError) as excinfo:
        apply(organisation, [dialogue, dialogue], focal_user, reps)

    assert excinfo.value.message_dict == {
        "dialogues": ["Sahel Human Security Network has already applied for this dialogue."]
    }
    assert not Registration.objects.exists()
    assert not AuditEvent.objects.exists()


def test_registration_apply_after_withdrawal_allowed(dialogue, organisation, focal_user, reps):
    [first] = apply(organisation, [dialogue], focal_user, reps)
    services.registration_withdraw(registration=first, by=focal_user)

    [again] = apply(organisation, [dialogue], focal_user, reps)

    assert again.pk != first.pk
    again.refresh_from_db()
    assert again.state == State.APPLIED


def test_registration_apply_without_expertise_refused(dialogue, organisation, focal_user, reps):
    with pytest.raises(ValidationError) as excinfo:
        apply(organisation, [dialogue], focal_user, reps, expertise="   ")

    assert list(excinfo.value.message_dict) == ["expertise"]
    assert not Registration.objects.exists()


# --- Decisions ------------------------------------------------------------------------


@pytest.fixture
def application(dialogue, organisation, focal_user, reps):
    [registration] = apply(organisation, [dialogue], focal_user, reps, travel_support_requested=True)
    return registration


def test_registration_approve_emails_link_to_representatives_only(
    application, secretariat, commit, mailoutbox
):
    with commit():
        services.registration_approve(registration=application, by=secretariat, travel_support_granted=True)

    application.refresh_from_db()
    assert application.state == State.APPROVED
    assert application.travel_support_granted is True
    assert application.decided_at is not None
    assert audit(application)[-1] == (State.APPLIED, State.APPROVED, "")

    to_reps = sent_to(mailoutbox, *REPRESENTATIVES)
    assert sorted(message.to[0] for message in to_reps) == sorted(REPRESENTATIVES)
    for message in to_reps:
        assert (
            message.subject
            == "[Dialogue Portal] You are registered: constructive dialogue of Wednesday 6 March 2030"
        )
        assert "You are registered to represent Sahel Human Security Network" in message.body
        assert f"(personal: do not share it): {MEETING_LINK}" in message.body
        assert "15:00–18:00 (Europe/Vienna)" in message.body
        assert "Vienna International Centre, Boardroom D" in message.body
        assert "Travel support has been granted" in message.body

    to_focal_points = sent_to(mailoutbox, *FOCAL_POINTS)
    assert sorted(message.to[0] for message in to_focal_points) == sorted(FOCAL_POINTS)
    for message in to_focal_points:
        assert message.subject == "[Dialogue Portal] Application approved: Sahel Human Security Network"
        assert "The Extended Bureau approved the application" in message.body
        assert MEETING_LINK not in message.body
    assert len(mailoutbox) == 4


def test_registration_approve_travel_support_not_requested_refused(
    dialogue, organisation, focal_user, reps, secretariat, commit, mailoutbox
):
    [registration] = apply(organisation, [dialogue], focal_user, reps, travel_support_requested=False)

    with pytest.raises(ValidationError) as excinfo, commit():
        services.registration_approve(registration=registration, by=secretariat, travel_support_granted=True)

    assert excinfo.value.message_dict == {
        "travel_support_granted": ["The organisation did not ask for travel support."]
    }
    registration.refresh_from_db()
    assert registration.state == State.APPLIED
    assert registration.travel_support_granted is False
    assert audit(registration) == [("", State.APPLIED, "")]
    assert mailoutbox == []


@pytest.mark.parametrize("reason", ["", "   "])
def test_registration_decline_without_reason_refused(application, secretariat, commit, mailoutbox, reason):
    with pytest.raises(ValidationError) as excinfo, commit():
        services.registration_decline(registration=application, by=secretariat, reason=reason)

    assert excinfo.value.message_dict == {"reason": ["Give the reason for declining."]}
    application.refresh_from_db()
    assert application.state == State.APPLIED
    assert application.decided_at is None
    assert audit(application) == [("", State.APPLIED, "")]
    assert mailoutbox == []


def test_registration_decline_emails_reason_to_focal_points(application, secretariat, commit, mailoutbox):
    reason = "The Extended Bureau gave priority to organisations working on the topic of the dialogue."

    with commit():
        services.registration_decline(registration=application, by=secretariat, reason=f"  {reason}\n")

    application.refresh_from_db()
    assert application.state == State.DECLINED
    assert application.decline_reason == reason
    assert application.decided_at is not None
    assert audit(application)[-1] == (State.APPLIED, State.DECLINED, reason)
    assert sorted(message.to[0] for message in mailoutbox) == sorted(FOCAL_POINTS)
    for message in mailoutbox:
        assert message.subject == "[Dialogue Portal] Application declined: Sahel Human Security Network"
        assert f"The reason given:\n{reason}" in message.body
        assert MEETING_LINK not in message.body


def test_registration_declined_organisation_never_emailed_meeting_link(
    dialogue, organisation, focal_user, reps, secretariat, commit, mailoutbox
):
    approved_rep = RepresentativeFactory(organisation=admitted_organisation(), email="ok@approved.example")
    with commit():
        [declined] = apply(organisation, [dialogue], focal_user, reps)
        [approved] = apply(approved_rep.organisation, [dialogue], secretariat, [approved_rep])
        services.registration_decline(registration=declined, by=secretariat, reason="Not on the topic.")
        services.registration_approve(registration=approved, by=secretariat)
        services.dialogue_postpone(
            dialogue=dialogue,
            by=secretariat,
            date=datetime.date(2030, 3, 7),
            start_time=datetime.time(10, 0),
            end_time=datetime.time(13, 0),
        )
        services.dialogue_cancel(dialogue=dialogue, by=secretariat, reason="The room is not available.")

    declined_addresses = (*FOCAL_POINTS, *REPRESENTATIVES)
    to_declined = sent_to(mailoutbox, *declined_addresses)
    # The receipt and the decision, to each focal point; nothing to the representatives.
    assert sorted(message.to[0] for message in to_declined) == sorted(FOCAL_POINTS * 2)
    for message in to_declined:
        assert MEETING_LINK not in message.body
        assert MEETING_LINK not in message.subject
    # The link did go out, to the approved organisation's representative.
    assert any(MEETING_LINK in message.body for message in sent_to(mailoutbox, "ok@approved.example"))


# --- Withdrawing ----------------------------------------------------------------------


def test_registration_withdraw_withdraws_open_floor_requests(
    dialogue, organisation, focal_user, reps, secretariat
):
    [registration] = apply(organisation, [dialogue], focal_user, reps)
    services.registration_approve(registration=registration, by=secretariat)
    item = AgendaItem.objects.create(dialogue=dialogue, number=1, title="Inputs from participants")
    requested = services.intervention_request(
        registration=registration, agenda_item=item, speaker=reps[0], by=focal_user
    )
    scheduled = services.intervention_request(
        registration=registration, agenda_item=item, speaker=reps[1], by=focal_user
    )
    services.intervention_schedule(intervention=scheduled, by=secretariat)
    delivered = services.intervention_request(
        registration=registration, agenda_item=item, speaker=reps[0], by=focal_user
    )
    services.intervention_schedule(intervention=delivered, by=secretariat)
    services.intervention_deliver(intervention=delivered, by=secretariat)

    services.registration_withdraw(registration=registration, by=focal_user)

    registration.refresh_from_db()
    assert registration.state == State.WITHDRAWN
    for intervention in (requested, scheduled):
        intervention.refresh_from_db()
        assert intervention.state == Intervention.State.WITHDRAWN
        assert intervention.position is None
        assert audit(intervention)[-1][1:] == (Intervention.State.WITHDRAWN, "The application was withdrawn.")
    delivered.refresh_from_db()
    assert delivered.state == Intervention.State.DELIVERED
    assert delivered.position == 2


def test_registration_withdraw_refused_once_the_dialogue_is_held(db):
    registration = RegistrationFactory(state="approved")
    Dialogue.objects.filter(pk=registration.dialogue_id).update(state="held")
    registration.refresh_from_db()
    with pytest.raises(ValidationError):
        services.registration_withdraw(registration=registration, by=None)
    registration.refresh_from_db()
    assert registration.state == "approved"


@pytest.mark.parametrize("state", ["cancelled", "held"])
def test_registration_approve_refused_once_the_dialogue_is_over(db, state):
    registration = RegistrationFactory(state="applied")
    Dialogue.objects.filter(pk=registration.dialogue_id).update(state=state)
    registration.refresh_from_db()
    with pytest.raises(ValidationError):
        services.registration_approve(registration=registration, by=None)
    registration.refresh_from_db()
    assert registration.state == "applied"
