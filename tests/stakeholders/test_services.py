"""The stakeholders' services: registration and duplicates, focal points, and the whole
accreditation lifecycle under the non-objection procedure, with its e-mails."""

import datetime
import itertools
import threading
import time

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from dialogue_portal.models import AuditEvent
from dialogue_portal.transitions import TransitionNotAllowed
from stakeholders import services
from stakeholders.models import (
    Accreditation,
    Category,
    CirculationList,
    EcosocStatus,
    FocalPoint,
    Invitation,
    JoinRequest,
    Objection,
    Organisation,
)
from tests.factories import (
    AccreditationFactory,
    CirculationListFactory,
    DialogueFactory,
    FocalPointFactory,
    InvitationFactory,
    JoinRequestFactory,
    OrganisationFactory,
    SecretariatFactory,
    UserFactory,
    admitted_organisation,
)

State = Accreditation.State

# CirculationListFactory's dates: circulated on 10 January 2030, objections until 10 February.
DEADLINE = datetime.date(2030, 2, 10)
AFTER_DEADLINE = DEADLINE + datetime.timedelta(days=1)

on_postgresql = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="row locks and concurrent transactions need PostgreSQL",
)


@pytest.fixture
def commit(db, django_capture_on_commit_callbacks):
    """Run the on-commit callbacks (the e-mails) of what happens inside, as a commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def details(**overrides):
    """What a focal point fills in to register an organisation."""
    fields = {
        "name": "Fundación Ñandú",
        "acronym": "FN",
        "category": Category.NGO,
        "country": "AR",
        "ecosoc_status": EcosocStatus.NONE,
        "website": "https://www.nandu.example.org/",
        "postal_address": "Calle Falsa 123, Buenos Aires",
        "description": "Support to victims of trafficking in persons.",
    }
    fields.update(overrides)
    return fields


def organisation_with_focal_points(count=2, **fields):
    organisation = OrganisationFactory(**fields)
    for _ in range(count):
        FocalPointFactory(organisation=organisation)
    return organisation


def focal_point_emails(organisation):
    return sorted(organisation.focal_points.values_list("user__email", flat=True))


def audit_rows(obj):
    return list(AuditEvent.objects.for_object(obj).values_list("from_state", "to_state", "actor_id", "note"))


def run_at_once(*functions):
    """Run each function in its own thread, all released at one barrier; re-raise any crash."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)
    crashes = []

    def run(index, function):
        try:
            connection.ensure_connection()  # connect first, so that both start together
            barrier.wait(timeout=10)
            results[index] = function()
        except Exception as error:  # handed back to the test's thread
            results[index] = error
            if not isinstance(error, ValidationError):
                crashes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    if crashes:
        raise crashes[0]
    return results


# --- Registration and duplicates ------------------------------------------------------


def test_organisation_register_creates_organisation_and_focal_point(db, user):
    organisation = services.organisation_register(user=user, **details())

    organisation.refresh_from_db()
    assert organisation.name == "Fundación Ñandú"
    assert organisation.name_key == "fundacion nandu"
    assert organisation.website_domain == "example.org"
    assert organisation.country.code == "AR"
    assert list(organisation.focal_points.values_list("user", flat=True)) == [user.pk]
    assert not organisation.accreditations.exists()


def test_organisation_register_same_folded_name_refused(db, user):
    existing = OrganisationFactory(name="fundacion nandu", website="https://nandu.example.net/")

    with pytest.raises(services.DuplicateOrganisation) as excinfo:
        services.organisation_register(
            user=user, **details(name="Fundación  Ñandú", website="https://other.example.com/")
        )

    assert excinfo.value.existing == existing
    assert list(excinfo.value.message_dict) == ["name"]
    assert "fundacion nandu" in excinfo.value.message_dict["name"][0]
    assert list(Organisation.objects.all()) == [existing]
    assert not FocalPoint.objects.filter(user=user).exists()


def test_organisation_register_same_registered_domain_refused(db, user):
    existing = OrganisationFactory(name="Example Watch", website="http://example.org")

    with pytest.raises(services.DuplicateOrganisation) as excinfo:
        services.organisation_register(
            user=user, **details(name="Another Name", website="https://www.example.org/about")
        )

    assert excinfo.value.existing == existing
    assert list(excinfo.value.message_dict) == ["website"]
    assert "Example Watch" in excinfo.value.message_dict["website"][0]
    assert list(Organisation.objects.all()) == [existing]
    assert not FocalPoint.objects.filter(user=user).exists()


def test_organisation_register_shared_host_page_not_a_match(db, user):
    first = OrganisationFactory(name="First Page NGO", website="https://www.facebook.com/first-ngo")

    second = services.organisation_register(
        user=user, **details(name="Second Page NGO", website="https://www.facebook.com/second-ngo")
    )

    assert set(Organisation.objects.all()) == {first, second}
    second.refresh_from_db()
    assert second.website_domain == ""
    assert second.website == "https://www.facebook.com/second-ngo"


def test_organisation_register_blog_on_same_platform_not_a_match(db, user):
    OrganisationFactory(name="First Blog NGO", website="https://first.blogspot.com")

    services.organisation_register(
        user=user, **details(name="Second Blog NGO", website="https://second.blogspot.com")
    )

    assert Organisation.objects.count() == 2


def test_organisation_update_keeps_own_name_and_website(db, user):
    organisation = OrganisationFactory(name="Fundación Ñandú", website="https://www.nandu.example.org/")
    organisation.acronym = "FUNAN"
    organisation.name = "FUNDACION  NANDU"

    services.organisation_update(organisation=organisation, by=user)

    organisation.refresh_from_db()
    assert organisation.acronym == "FUNAN"
    assert organisation.name == "FUNDACION  NANDU"
    assert organisation.name_key == "fundacion nandu"


def test_organisation_update_to_another_organisations_name_refused(db, user):
    other = OrganisationFactory(name="Transparency Watch")
    organisation = OrganisationFactory(name="Fundación Ñandú")
    organisation.name = "transparency  watch!"

    with pytest.raises(services.DuplicateOrganisation) as excinfo:
        services.organisation_update(organisation=organisation, by=user)

    assert excinfo.value.existing == other
    organisation.refresh_from_db()
    assert organisation.name == "Fundación Ñandú"


def test_organisation_update_to_another_organisations_domain_refused(db, user):
    other = OrganisationFactory(website="https://example.org/")
    organisation = OrganisationFactory(website="https://www.nandu.example.net/")
    organisation.website = "https://news.example.org/"

    with pytest.raises(services.DuplicateOrganisation) as excinfo:
        services.organisation_update(organisation=organisation, by=user)

    assert excinfo.value.existing == other
    assert list(excinfo.value.message_dict) == ["website"]
    organisation.refresh_from_db()
    assert organisation.website == "https://www.nandu.example.net/"


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_organisation_register_same_name_at_once_one_registered():
    first, second = UserFactory(), UserFactory()

    results = run_at_once(
        lambda: services.organisation_register(user=first, **details(website="https://a.example.net/")),
        lambda: services.organisation_register(
            user=second, **details(name="FUNDACION NANDU", website="https://b.example.net/")
        ),
    )

    registered = [r for r in results if isinstance(r, Organisation)]
    refused = [r for r in results if isinstance(r, services.DuplicateOrganisation)]
    assert len(registered) == 1
    assert len(refused) == 1
    assert refused[0].existing == registered[0]
    assert Organisation.objects.count() == 1
    assert FocalPoint.objects.count() == 1


# --- The accreditation lifecycle ------------------------------------------------------


@pytest.fixture
def circulation_list(db):
    return CirculationListFactory()


def move(accreditation, to, by, circulation_list):
    """Call the service that moves an accreditation to ``to``."""
    if to == State.ADMITTED:
        return services.accreditation_admit(accreditation=accreditation, by=by, today=AFTER_DEADLINE)
    if to == State.RETURNED:
        return services.accreditation_return(accreditation=accreditation, by=by, note="Add the statutes.")
    if to == State.REJECTED:
        return services.accreditation_reject(accreditation=accreditation, by=by, reason="Not an NGO.")
    if to == State.CIRCULATED:
        return services.accreditation_circulate(
            accreditation=accreditation, circulation_list=circulation_list, by=by
        )
    if to == State.WITHDRAWN:
        return services.accreditation_withdraw(accreditation=accreditation, by=by)
    if to == State.SUBMITTED:
        return services.accreditation_resubmit(accreditation=accreditation, by=by)
    if to == State.OBJECTED:
        return services.objection_record(
            by=by, state_party="FR", made_on=DEADLINE, accreditation=accreditation
        )
    raise AssertionError(f"no service moves an accreditation to {to}")


LEGAL_MOVES = sorted((src, dst) for src, targets in services.NEXT_STATES.items() for dst in targets)
ILLEGAL_MOVES = [
    (src, dst)
    for src, dst in itertools.product(State.values, State.values)
    if dst not in services.NEXT_STATES[src]
]


# DESIGN.md § Vocabulary, Accreditation.
DESIGN_MOVES = [
    (State.SUBMITTED, State.ADMITTED),
    (State.SUBMITTED, State.RETURNED),
    (State.SUBMITTED, State.REJECTED),
    (State.SUBMITTED, State.CIRCULATED),
    (State.SUBMITTED, State.WITHDRAWN),
    (State.RETURNED, State.SUBMITTED),
    (State.RETURNED, State.WITHDRAWN),
    (State.CIRCULATED, State.ADMITTED),
    (State.CIRCULATED, State.OBJECTED),
    (State.OBJECTED, State.ADMITTED),
    (State.OBJECTED, State.REJECTED),
    (State.ADMITTED, State.WITHDRAWN),
]


def test_lifecycle_matches_design():
    assert set(services.NEXT_STATES) == set(State.values)
    assert sorted(DESIGN_MOVES) == LEGAL_MOVES
    assert len(ILLEGAL_MOVES) == 7 * 7 - 12


@pytest.mark.parametrize(("src", "dst"), LEGAL_MOVES)
def test_accreditation_legal_move_done(src, dst, secretariat, circulation_list, commit, mailoutbox):
    # In ECOSOC status, so that "submitted → admitted" is a legal move too.
    organisation = organisation_with_focal_points(1, ecosoc_status=EcosocStatus.SPECIAL)
    accreditation = AccreditationFactory(organisation=organisation, state=src)

    with commit():
        move(accreditation, dst, secretariat, circulation_list)

    accreditation.refresh_from_db()
    assert accreditation.state == dst
    [(from_state, to_state, actor_id, _note)] = audit_rows(accreditation)
    assert (from_state, to_state, actor_id) == (src, dst, secretariat.pk)
    assert (accreditation.decided_at is not None) == (dst in (State.ADMITTED, State.REJECTED))
    assert Objection.objects.filter(accreditation=accreditation).count() == (dst == State.OBJECTED)
    if dst == State.CIRCULATED:
        assert accreditation.circulation_list == circulation_list
    to_organisation = [m for m in mailoutbox if m.to == focal_point_emails(organisation)]
    assert len(to_organisation) == 1
    assert to_organisation[0].subject.endswith(f": {accreditation.get_state_display()}")


@pytest.mark.parametrize(("src", "dst"), ILLEGAL_MOVES)
def test_accreditation_illegal_move_refused(src, dst, secretariat, circulation_list, commit, mailoutbox):
    organisation = organisation_with_focal_points(1, ecosoc_status=EcosocStatus.SPECIAL)
    accreditation = AccreditationFactory(organisation=organisation, state=src)
    before = accreditation.circulation_list_id

    with commit(), pytest.raises(TransitionNotAllowed) as excinfo:
        move(accreditation, dst, secretariat, circulation_list)

    assert excinfo.value.messages
    assert str(excinfo.value.messages[0])
    accreditation.refresh_from_db()
    assert accreditation.state == src
    assert accreditation.circulation_list_id == before
    assert accreditation.decided_at is None
    assert accreditation.message == ""
    assert not AuditEvent.objects.exists()
    assert not Objection.objects.exists()
    assert mailoutbox == []


@pytest.mark.parametrize("status", [EcosocStatus.GENERAL, EcosocStatus.SPECIAL, EcosocStatus.ROSTER])
def test_accreditation_admit_submitted_in_ecosoc_status_admitted(status, secretariat, commit):
    accreditation = AccreditationFactory(organisation=OrganisationFactory(ecosoc_status=status))

    with commit():
        services.accreditation_admit(accreditation=accreditation, by=secretariat)

    accreditation.refresh_from_db()
    assert accreditation.state == State.ADMITTED
    assert [row[:2] for row in audit_rows(accreditation)] == [(State.SUBMITTED, State.ADMITTED)]


def test_accreditation_admit_submitted_without_ecosoc_status_refused(secretariat, commit, mailoutbox):
    organisation = organisation_with_focal_points(1, ecosoc_status=EcosocStatus.NONE)
    accreditation = AccreditationFactory(organisation=organisation)

    with commit(), pytest.raises(ValidationError) as excinfo:
        services.accreditation_admit(accreditation=accreditation, by=secretariat)

    assert "circulate" in excinfo.value.messages[0]
    accreditation.refresh_from_db()
    assert accreditation.state == State.SUBMITTED
    assert audit_rows(accreditation) == []
    assert mailoutbox == []


@pytest.mark.parametrize("today", [DEADLINE - datetime.timedelta(days=20), DEADLINE])
def test_accreditation_admit_circulated_before_deadline_refused(today, secretariat, commit, mailoutbox):
    accreditation = AccreditationFactory(state=State.CIRCULATED)

    with commit(), pytest.raises(ValidationError) as excinfo:
        services.accreditation_admit(accreditation=accreditation, by=secretariat, today=today)

    assert "10 February 2030" in excinfo.value.messages[0]
    accreditation.refresh_from_db()
    assert accreditation.state == State.CIRCULATED
    assert audit_rows(accreditation) == []
    assert mailoutbox == []


def test_accreditation_admit_circulated_with_objection_refused(secretariat, commit, mailoutbox):
    accreditation = AccreditationFactory(state=State.CIRCULATED)
    # Still "circulated": as if the objection were being recorded at this very moment.
    Objection.objects.create(accreditation=accreditation, state_party="FR", made_on=DEADLINE)

    with commit(), pytest.raises(ValidationError) as excinfo:
        services.accreditation_admit(accreditation=accreditation, by=secretariat, today=AFTER_DEADLINE)

    assert "Conference" in excinfo.value.messages[0]
    accreditation.refresh_from_db()
    assert accreditation.state == State.CIRCULATED
    assert audit_rows(accreditation) == []
    assert mailoutbox == []


@pytest.mark.parametrize("note", ["", "   \n "])
def test_accreditation_return_without_note_refused(note, secretariat, commit, mailoutbox):
    accreditation = AccreditationFactory()

    with commit(), pytest.raises(ValidationError) as excinfo:
        services.accreditation_return(accreditation=accreditation, by=secretariat, note=note)

    assert list(excinfo.value.message_dict) == ["note"]
    accreditation.refresh_from_db()
    assert (accreditation.state, accreditation.message) == (State.SUBMITTED, "")
    assert audit_rows(accreditation) == []
    assert mailoutbox == []


@pytest.mark.parametrize("src", [State.SUBMITTED, State.OBJECTED])
@pytest.mark.parametrize("reason", ["", "   "])
def test_accreditation_reject_without_reason_refused(src, reason, secretariat, commit, mailoutbox):
    accreditation = AccreditationFactory(state=src)

    with commit(), pytest.raises(ValidationError) as excinfo:
        services.accreditation_reject(accreditation=accreditation, by=secretariat, reason=reason)

    assert list(excinfo.value.message_dict) == ["reason"]
    accreditation.refresh_from_db()
    assert (accreditation.state, accreditation.message, accreditation.decided_at) == (src, "", None)
    assert audit_rows(accreditation) == []
    assert mailoutbox == []


def test_accreditation_return_note_kept_for_organisation(secretariat, commit):
    accreditation = AccreditationFactory()

    with commit():
        services.accreditation_return(
            accreditation=accreditation, by=secretariat, note="  Attach the statutes.  "
        )

    accreditation.refresh_from_db()
    assert accreditation.message == "Attach the statutes."
    [(_from, _to, _actor, note)] = audit_rows(accreditation)
    assert note == "Attach the statutes."


# --- Circulation and objections -------------------------------------------------------


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


# --- Requesting accreditation ---------------------------------------------------------


def test_accreditation_request_creates_submitted_request(commit):
    organisation = organisation_with_focal_points(1)
    focal_point = organisation.focal_points.get().user

    with commit():
        accreditation = services.accreditation_request(organisation=organisation, by=focal_point)

    accreditation.refresh_from_db()
    assert accreditation.state == State.SUBMITTED
    assert list(organisation.accreditations.all()) == [accreditation]
    assert [row[:3] for row in audit_rows(accreditation)] == [("", State.SUBMITTED, focal_point.pk)]


def test_accreditation_request_emails_secretariat_and_focal_points(commit, mailoutbox):
    organisation = organisation_with_focal_points(2, name="Fundación Ñandú", country="KE")
    secretariat = [SecretariatFactory(), SecretariatFactory()]
    SecretariatFactory(is_active=False)
    UserFactory(is_staff=True)  # staff, but not of the secretariat

    with commit():
        services.accreditation_request(organisation=organisation, by=organisation.focal_points.first().user)

    to_secretariat = [m for m in mailoutbox if "New accreditation request" in m.subject]
    receipts = [m for m in mailoutbox if m not in to_secretariat]
    assert sorted(m.to[0] for m in to_secretariat) == sorted(user.email for user in secretariat)
    assert all(len(m.to) == 1 for m in mailoutbox)
    for message in to_secretariat:
        assert "Fundación Ñandú" in message.subject
        assert "Fundación Ñandú requests accreditation." in message.body
        assert "Kenya" in message.body
        assert "Non-governmental organization" in message.body
    assert sorted(m.to[0] for m in receipts) == focal_point_emails(organisation)
    for message in receipts:
        assert "We received the request for accreditation of Fundación Ñandú" in message.body


@pytest.mark.parametrize(
    "state", [State.SUBMITTED, State.RETURNED, State.CIRCULATED, State.OBJECTED, State.ADMITTED]
)
def test_accreditation_request_while_one_current_refused(state, commit, mailoutbox):
    SecretariatFactory()
    organisation = organisation_with_focal_points(1)
    current = AccreditationFactory(organisation=organisation, state=state)

    with commit(), pytest.raises(ValidationError) as excinfo:
        services.accreditation_request(organisation=organisation, by=organisation.focal_points.get().user)

    assert current.get_state_display() in excinfo.value.messages[0]
    assert list(organisation.accreditations.all()) == [current]
    assert not AuditEvent.objects.exists()
    assert mailoutbox == []


@pytest.mark.parametrize("state", [State.REJECTED, State.WITHDRAWN])
def test_accreditation_request_after_rejection_or_withdrawal_allowed(state, commit):
    organisation = organisation_with_focal_points(1)
    previous = AccreditationFactory(organisation=organisation, state=state)

    with commit():
        accreditation = services.accreditation_request(
            organisation=organisation, by=organisation.focal_points.get().user
        )

    assert accreditation != previous
    assert set(organisation.accreditations.values_list("state", flat=True)) == {state, State.SUBMITTED}
    previous.refresh_from_db()
    assert previous.state == state


# --- E-mails at every decision --------------------------------------------------------


DECISIONS = [
    pytest.param(
        State.SUBMITTED,
        lambda a, by, cl: services.accreditation_admit(accreditation=a, by=by),
        ["Fundación Ñandú is admitted as an observer."],
        id="admitted-ecosoc",
    ),
    pytest.param(
        State.CIRCULATED,
        lambda a, by, cl: services.accreditation_admit(accreditation=a, by=by, today=AFTER_DEADLINE),
        ["Fundación Ñandú is admitted as an observer."],
        id="admitted-after-silence",
    ),
    pytest.param(
        State.SUBMITTED,
        lambda a, by, cl: services.accreditation_return(accreditation=a, by=by, note="Attach the statutes."),
        ["returned the request for accreditation of Fundación Ñandú for correction", "Attach the statutes."],
        id="returned",
    ),
    pytest.param(
        State.OBJECTED,
        lambda a, by, cl: services.accreditation_reject(accreditation=a, by=by, reason="Decided by the COP."),
        ["The request for accreditation of Fundación Ñandú was rejected", "Decided by the COP."],
        id="rejected",
    ),
    pytest.param(
        State.SUBMITTED,
        lambda a, by, cl: services.accreditation_circulate(accreditation=a, circulation_list=cl, by=by),
        ["circulated to the States parties", "If no State party objects by 10 February 2030"],
        id="circulated",
    ),
    pytest.param(
        State.CIRCULATED,
        lambda a, by, cl: services.objection_record(
            by=by, state_party="FR", made_on=DEADLINE, note="France objects.", accreditation=a
        ),
        ["An objection was made to the accreditation of Fundación Ñandú"],
        id="objected",
    ),
    pytest.param(
        State.ADMITTED,
        lambda a, by, cl: services.accreditation_withdraw(accreditation=a, by=by),
        ["The accreditation of Fundación Ñandú was withdrawn."],
        id="withdrawn",
    ),
    pytest.param(
        State.RETURNED,
        lambda a, by, cl: services.accreditation_resubmit(accreditation=a, by=by),
        ["We received the request for accreditation of Fundación Ñandú"],
        id="resubmitted",
    ),
]


@pytest.mark.parametrize(("src", "decide", "texts"), DECISIONS)
def test_accreditation_decision_emails_each_focal_point(
    src, decide, texts, secretariat, circulation_list, commit, mailoutbox
):
    organisation = organisation_with_focal_points(
        3, name="Fundación Ñandú", ecosoc_status=EcosocStatus.SPECIAL
    )
    accreditation = AccreditationFactory(organisation=organisation, state=src)

    with commit():
        decide(accreditation, secretariat, circulation_list)

    accreditation.refresh_from_db()
    to_organisation = [m for m in mailoutbox if m.to != [secretariat.email]]
    assert sorted(m.to[0] for m in to_organisation) == focal_point_emails(organisation)
    assert all(len(m.to) == 1 for m in to_organisation)
    for message in to_organisation:
        assert message.subject == (
            f"[Dialogue Portal] Accreditation of Fundación Ñandú: {accreditation.get_state_display()}"
        )
        for text in texts:
            assert text in message.body
        assert "France" not in message.body
        assert f"/organisations/{organisation.pk}/" in message.body or settings.SITE_URL in message.body


def test_accreditation_resubmit_emails_secretariat(secretariat, commit, mailoutbox):
    organisation = organisation_with_focal_points(1, name="Fundación Ñandú")
    accreditation = AccreditationFactory(organisation=organisation, state=State.RETURNED)

    with commit():
        services.accreditation_resubmit(accreditation=accreditation, by=organisation.focal_points.get().user)

    [to_secretariat] = [m for m in mailoutbox if m.to == [secretariat.email]]
    assert to_secretariat.subject == "[Dialogue Portal] Accreditation request resubmitted: Fundación Ñandú"
    assert "Fundación Ñandú corrected and resubmitted its request" in to_secretariat.body


# --- Join requests --------------------------------------------------------------------


def test_join_request_create_emails_focal_points_and_secretariat(secretariat, commit, mailoutbox):
    organisation = organisation_with_focal_points(2, name="Fundación Ñandú")
    requester = UserFactory()

    with commit():
        join_request = services.join_request_create(
            organisation=organisation, user=requester, message="I run the Salta office."
        )

    join_request.refresh_from_db()
    assert (join_request.state, join_request.user, join_request.organisation) == (
        JoinRequest.State.PENDING,
        requester,
        organisation,
    )
    assert [row[:3] for row in audit_rows(join_request)] == [("", "pending", requester.pk)]
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [*focal_point_emails(organisation), secretariat.email]
    )
    for message in mailoutbox:
        assert f"{requester.email} asks to become a focal point of Fundación Ñandú" in message.body
        assert "I run the Salta office." in message.body
    assert not organisation.focal_points.filter(user=requester).exists()


def test_join_request_create_twice_returns_pending_request(commit, mailoutbox):
    organisation = organisation_with_focal_points(1)
    requester = UserFactory()
    with commit():
        first = services.join_request_create(organisation=organisation, user=requester)
    sent = len(mailoutbox)

    with commit():
        second = services.join_request_create(organisation=organisation, user=requester)

    assert second.pk == first.pk
    assert JoinRequest.objects.count() == 1
    assert len(audit_rows(first)) == 1
    assert len(mailoutbox) == sent == 1


def test_join_request_create_by_focal_point_refused(commit, mailoutbox):
    organisation = organisation_with_focal_points(1)
    focal_point = organisation.focal_points.get().user

    with commit(), pytest.raises(ValidationError) as excinfo:
        services.join_request_create(organisation=organisation, user=focal_point)

    assert "already a focal point" in excinfo.value.messages[0]
    assert not JoinRequest.objects.exists()
    assert mailoutbox == []


def test_join_request_decide_approve_adds_focal_point(commit, mailoutbox):
    organisation = organisation_with_focal_points(1, name="Fundación Ñandú")
    approver = organisation.focal_points.get().user
    join_request = JoinRequestFactory(organisation=organisation)

    with commit():
        services.join_request_decide(join_request=join_request, by=approver, approve=True)

    join_request.refresh_from_db()
    assert join_request.state == JoinRequest.State.APPROVED
    assert organisation.focal_points.filter(user=join_request.user).exists()
    assert [row[:3] for row in audit_rows(join_request)] == [("pending", "approved", approver.pk)]
    [message] = mailoutbox
    assert message.to == [join_request.user.email]
    assert "you are now a focal point of Fundación Ñandú" in message.body


def test_join_request_decide_decline_adds_no_focal_point(secretariat, commit, mailoutbox):
    organisation = organisation_with_focal_points(1, name="Fundación Ñandú")
    join_request = JoinRequestFactory(organisation=organisation)

    with commit():
        services.join_request_decide(join_request=join_request, by=secretariat, approve=False)

    join_request.refresh_from_db()
    assert join_request.state == JoinRequest.State.DECLINED
    assert not organisation.focal_points.filter(user=join_request.user).exists()
    assert organisation.focal_points.count() == 1
    assert [row[:3] for row in audit_rows(join_request)] == [("pending", "declined", secretariat.pk)]
    [message] = mailoutbox
    assert message.to == [join_request.user.email]
    assert "Your request to become a focal point of Fundación Ñandú was declined." in message.body
    assert "you are now a focal point" not in message.body


@pytest.mark.parametrize(("first", "second"), list(itertools.product([True, False], [True, False])))
def test_join_request_decide_twice_refused(first, second, secretariat, commit, mailoutbox):
    organisation = organisation_with_focal_points(1)
    join_request = JoinRequestFactory(organisation=organisation)
    services.join_request_decide(join_request=join_request, by=secretariat, approve=first)
    decided = join_request.state
    focal_points = set(organisation.focal_points.values_list("user", flat=True))

    with commit(), pytest.raises(TransitionNotAllowed):
        services.join_request_decide(join_request=join_request, by=secretariat, approve=second)

    join_request.refresh_from_db()
    assert join_request.state == decided
    assert len(audit_rows(join_request)) == 1
    assert set(organisation.focal_points.values_list("user", flat=True)) == focal_points
    assert mailoutbox == []


def while_uncommitted(insert, service):
    """Call ``service`` while another transaction holds ``insert``'s row, uncommitted, and
    commit that row only once the service's own INSERT waits on it: the moment two people
    asking at once meet, made certain."""
    inserted, release = threading.Event(), threading.Event()
    outcome = {}

    def other_transaction():
        try:
            with transaction.atomic():
                outcome["inserted"] = insert()
                inserted.set()
                release.wait(timeout=20)
        finally:
            connection.close()

    def call_service():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                outcome["pid"] = cursor.fetchone()[0]
            outcome["result"] = service()
        except Exception as error:  # handed back to the test's thread
            outcome["result"] = error
        finally:
            connection.close()

    holder = threading.Thread(target=other_transaction)
    holder.start()
    assert inserted.wait(timeout=10)
    caller = threading.Thread(target=call_service)
    caller.start()
    try:
        with connection.cursor() as cursor:
            for _ in range(200):  # until the service waits on the uncommitted row's lock
                cursor.execute(
                    "SELECT count(*) FROM pg_locks WHERE pid = %s AND NOT granted", [outcome.get("pid")]
                )
                if cursor.fetchone()[0]:
                    break
                time.sleep(0.05)
            else:
                raise AssertionError("the service never waited on the other transaction")
    finally:
        release.set()
        holder.join(timeout=20)
        caller.join(timeout=20)
    return outcome["inserted"], outcome["result"]


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_accreditation_request_at_the_same_moment_refused():
    organisation = organisation_with_focal_points(1)

    other, result = while_uncommitted(
        lambda: Accreditation.objects.create(organisation=organisation),
        lambda: services.accreditation_request(
            organisation=organisation, by=organisation.focal_points.get().user
        ),
    )

    assert isinstance(result, ValidationError)
    assert "already been requested" in result.messages[0]
    assert list(organisation.accreditations.all()) == [other]


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_join_request_create_at_the_same_moment_returns_pending_request():
    organisation = organisation_with_focal_points(1)
    requester = UserFactory()

    pending, result = while_uncommitted(
        lambda: JoinRequest.objects.create(organisation=organisation, user=requester),
        lambda: services.join_request_create(organisation=organisation, user=requester),
    )

    assert isinstance(result, JoinRequest), repr(result)
    assert result.pk == pending.pk
    assert JoinRequest.objects.count() == 1


def test_join_request_create_after_decline_allowed(secretariat, commit):
    organisation = organisation_with_focal_points(1)
    declined = JoinRequestFactory(organisation=organisation, state=JoinRequest.State.DECLINED)

    with commit():
        again = services.join_request_create(organisation=organisation, user=declined.user)

    assert again.pk != declined.pk
    assert again.state == JoinRequest.State.PENDING


# --- Invitations and leaving ----------------------------------------------------------


def test_invitation_create_emails_invitee(commit, mailoutbox):
    organisation = organisation_with_focal_points(1, name="Fundación Ñandú")
    inviter = organisation.focal_points.get().user

    with commit():
        invitation = services.invitation_create(
            organisation=organisation, email="new.person@ngo.example.org", by=inviter
        )

    invitation.refresh_from_db()
    assert (invitation.email, invitation.invited_by, invitation.hand_over) == (
        "new.person@ngo.example.org",
        inviter,
        False,
    )
    [message] = mailoutbox
    assert message.to == ["new.person@ngo.example.org"]
    assert f"{inviter.email} invites you to become a focal point of Fundación Ñandú" in message.body
    assert invitation.token in message.body


def test_invitation_create_hand_over_says_so(commit, mailoutbox):
    organisation = organisation_with_focal_points(1, name="Fundación Ñandú")

    with commit():
        services.invitation_create(
            organisation=organisation,
            email="successor@ngo.example.org",
            by=organisation.focal_points.get().user,
            hand_over=True,
        )

    [message] = mailoutbox
    assert "take over as focal point of Fundación Ñandú" in message.body
    assert "they will no longer manage the organisation" in message.body


def test_invitation_create_for_current_focal_point_refused(commit, mailoutbox):
    organisation = organisation_with_focal_points(2)
    inviter, other = (fp.user for fp in organisation.focal_points.order_by("pk"))

    with commit(), pytest.raises(ValidationError) as excinfo:
        services.invitation_create(organisation=organisation, email=other.email.upper(), by=inviter)

    assert list(excinfo.value.message_dict) == ["email"]
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_invitation_accept_adds_focal_point(db):
    organisation = organisation_with_focal_points(1)
    inviter = organisation.focal_points.get().user
    invitee = UserFactory()
    invitation = InvitationFactory(organisation=organisation, email=invitee.email, invited_by=inviter)

    focal_point = services.invitation_accept(invitation=invitation, user=invitee)

    assert (focal_point.organisation, focal_point.user) == (organisation, invitee)
    assert set(organisation.focal_points.values_list("user", flat=True)) == {inviter.pk, invitee.pk}
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None


def test_invitation_accept_hand_over_inviter_leaves(db):
    organisation = organisation_with_focal_points(2)
    inviter, stays = (fp.user for fp in organisation.focal_points.order_by("pk"))
    successor = UserFactory()
    invitation = InvitationFactory(
        organisation=organisation, email=successor.email, invited_by=inviter, hand_over=True
    )

    services.invitation_accept(invitation=invitation, user=successor)

    assert set(organisation.focal_points.values_list("user", flat=True)) == {stays.pk, successor.pk}


def test_invitation_accept_hand_over_by_only_focal_point_leaves_successor(db):
    organisation = organisation_with_focal_points(1)
    inviter = organisation.focal_points.get().user
    successor = UserFactory()
    invitation = InvitationFactory(
        organisation=organisation, email=successor.email, invited_by=inviter, hand_over=True
    )

    services.invitation_accept(invitation=invitation, user=successor)

    assert list(organisation.focal_points.values_list("user", flat=True)) == [successor.pk]


def test_invitation_accept_twice_refused(db):
    organisation = organisation_with_focal_points(1)
    invitee, someone_else = UserFactory(), UserFactory()
    invitation = InvitationFactory(organisation=organisation, email=invitee.email)
    services.invitation_accept(invitation=invitation, user=invitee)
    invitation.refresh_from_db()
    accepted_at = invitation.accepted_at

    with pytest.raises(ValidationError) as excinfo:
        services.invitation_accept(invitation=invitation, user=someone_else)

    assert "already been accepted" in excinfo.value.messages[0]
    assert not organisation.focal_points.filter(user=someone_else).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at == accepted_at


def test_focal_point_leave_last_refused(db):
    organisation = organisation_with_focal_points(1)
    only = organisation.focal_points.get().user

    with pytest.raises(ValidationError) as excinfo:
        services.focal_point_leave(organisation=organisation, user=only)

    assert "only focal point" in excinfo.value.messages[0]
    assert list(organisation.focal_points.values_list("user", flat=True)) == [only.pk]


def test_focal_point_leave_with_two_allowed(db):
    organisation = organisation_with_focal_points(2)
    leaving, staying = (fp.user for fp in organisation.focal_points.order_by("pk"))

    services.focal_point_leave(organisation=organisation, user=leaving)

    assert list(organisation.focal_points.values_list("user", flat=True)) == [staying.pk]


def test_focal_point_leave_by_someone_else_refused(db):
    organisation = organisation_with_focal_points(2)

    with pytest.raises(ValidationError):
        services.focal_point_leave(organisation=organisation, user=UserFactory())

    assert organisation.focal_points.count() == 2


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_focal_point_leave_both_at_once_one_stays():
    organisation = organisation_with_focal_points(2)
    first, second = (fp.user for fp in organisation.focal_points.order_by("pk"))

    results = run_at_once(
        lambda: services.focal_point_leave(organisation=organisation, user=first),
        lambda: services.focal_point_leave(organisation=organisation, user=second),
    )

    assert sum(isinstance(result, ValidationError) for result in results) == 1
    assert organisation.focal_points.count() == 1


def test_accreditation_circulate_onto_a_list_too_late_refused(secretariat):
    """A request added after the list went out still gets the whole period for objections."""
    circulation_list = CirculationListFactory(
        circulated_on=datetime.date(2030, 1, 10), deadline=datetime.date(2030, 2, 10)
    )
    accreditation = AccreditationFactory(state="submitted")
    with pytest.raises(ValidationError) as excinfo:
        services.accreditation_circulate(
            accreditation=accreditation,
            circulation_list=circulation_list,
            by=secretariat,
            today=datetime.date(2030, 1, 20),
        )
    assert "less than 30 days to object" in excinfo.value.message_dict["circulation_list"][0]
    accreditation.refresh_from_db()
    assert accreditation.state == "submitted"


def test_objection_record_before_circulation_refused(secretariat):
    accreditation = AccreditationFactory(state="circulated")
    too_early = accreditation.circulation_list.circulated_on - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as excinfo:
        services.objection_record(
            by=secretariat, state_party="FR", made_on=too_early, accreditation=accreditation
        )
    assert "cannot be earlier" in excinfo.value.message_dict["made_on"][0]
    accreditation.refresh_from_db()
    assert accreditation.state == "circulated"
