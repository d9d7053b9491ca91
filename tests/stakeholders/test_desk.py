"""The secretariat's desk, used as the secretariat would: registering an organisation that
wrote by e-mail, inviting its focal point, adding its representatives, recording its
request and what happened to it, each with its audit row naming the staff member and the
organisation; checked in the database, on the page and in the outbox."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dialogue_portal.models import AuditEvent
from stakeholders.models import Accreditation, FocalPoint, Invitation, Organisation, Representative
from tests.factories import (
    AccreditationFactory,
    CirculationListFactory,
    FocalPointFactory,
    OrganisationFactory,
    SecretariatFactory,
    UserFactory,
)

State = Accreditation.State
REGISTER = reverse("stakeholders:staff_organisation_register")
ORGANISATIONS = reverse("stakeholders:staff_organisations")


def _page(response) -> str:
    return response.content.decode()


def _url(name: str, organisation) -> str:
    return reverse(f"stakeholders:{name}", args=[organisation.pk])


def _today() -> datetime.date:
    return timezone.localdate()


def _days_ago(days: int) -> datetime.date:
    return _today() - datetime.timedelta(days=days)


@pytest.fixture
def post(secretariat_client, django_capture_on_commit_callbacks):
    """POST as the secretariat; e-mails queued on commit are sent."""

    def post(url: str, data: dict, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return secretariat_client.post(url, data, **kwargs)

    return post


def _details(**overrides) -> dict:
    return {
        "name": "Asociación Ñandú contra la Trata",
        "acronym": "ANT",
        "category": "ngo",
        "country": "PY",
        "ecosoc_status": "none",
        "website": "https://www.nandu.example/",
        "postal_address": "Calle 1, Asunción",
        "description": "Support to victims of trafficking in persons.",
        **overrides,
    }


def _event(obj) -> AuditEvent:
    return AuditEvent.objects.for_object(obj).order_by("-created_at", "-id").first()


# --- Registering on behalf ------------------------------------------------------------


def test_register_on_behalf_creates_organisation_without_focal_point(secretariat, post):
    response = post(REGISTER, _details(), follow=True)
    organisation = Organisation.objects.get()
    assert response.redirect_chain[-1][0] == _url("staff_organisation", organisation)
    page = _page(response)
    assert "Asociación Ñandú contra la Trata is registered" in page
    assert "None yet: the secretariat acts on the organisation" in page
    assert not FocalPoint.objects.exists()
    event = _event(organisation)
    assert event.actor == secretariat
    assert event.on_behalf_of == "Asociación Ñandú contra la Trata"
    assert event.note.startswith("On behalf of Asociación Ñandú contra la Trata.")
    assert f"by {secretariat.email} for the organisation" in page
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "ASOCIACION  nandu contra la trata!", "website": ""}, "name"),
        ({"name": "Another name", "website": "http://nandu.example/about"}, "website"),
    ],
)
def test_register_on_behalf_refuses_duplicate_next_to_field(secretariat_client, post, overrides, field):
    existing = OrganisationFactory(
        name="Asociación Ñandú contra la Trata", website="https://www.nandu.example/"
    )
    response = post(REGISTER, _details(**overrides))
    assert response.status_code == 200
    page = _page(response)
    assert "is already registered: Asociación Ñandú contra la Trata." in page
    # Next to the field, in its error list, and in the summary at the top, linked to it.
    assert re.search(rf'<ul class="errorlist" id="id_{field}_error">\s*<li>An organisation with', page)
    assert f'<a href="#id_{field}">' in page
    assert _url("staff_organisation", existing) in page
    # What was typed is kept.
    assert 'value="Another name"' in page or 'value="ASOCIACION  nandu contra la trata!"' in page
    assert Organisation.objects.count() == 1


def test_register_page_marks_required_fields_and_summarises_errors(secretariat_client, post):
    page = _page(secretariat_client.get(REGISTER))
    assert re.search(
        r'<label for="id_name" class="required">Name <span class="required-mark">\(required\)', page
    )
    assert re.search(r'<input type="text" name="name"[^>]*required', page)
    assert '<label for="id_acronym">Acronym</label>' in page
    refused = _page(post(REGISTER, _details(name="")))
    assert refused.index('class="error-summary"') < refused.index("<form")
    assert '<a href="#id_name">Name: This field is required.</a>' in refused


# --- Inviting the focal point ---------------------------------------------------------


def _signup_and_verify(client, email: str, password: str, capture) -> None:
    with capture(execute=True):
        client.post("/accounts/signup/", {"email": email, "password1": password, "password2": password})
    confirm = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    client.post("/" + confirm.split("://", 1)[1].split("/", 1)[1])
    client.logout()
    assert client.login(email=email, password=password)


def test_invitation_sent_and_accepted_by_new_user_who_then_manages(
    secretariat, post, password, django_capture_on_commit_callbacks
):
    client = Client()  # the invitee's browser; the secretariat's is the ``client`` fixture
    organisation = OrganisationFactory(name="Red de Víctimas", acronym="")
    response = post(
        _url("staff_organisation_invite", organisation), {"email": "carla@red.example"}, follow=True
    )
    assert "The invitation was sent to carla@red.example." in _page(response)
    assert "<bdi>carla@red.example</bdi>, invited on" in _page(response)
    message = mail.outbox[-1]
    assert message.to == ["carla@red.example"]
    assert (
        "The secretariat of the UNTOC review mechanism invites you to become the focal point of"
        in message.body
    )
    invitation = Invitation.objects.get()
    assert invitation.invited_by == secretariat
    assert not invitation.hand_over
    link = re.search(r"https?://\S+/invitations/\S+/", message.body).group(0)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]

    # A person new to the portal signs up with the invited address, and accepts.
    _signup_and_verify(client, "carla@red.example", password, django_capture_on_commit_callbacks)
    assert "Invitation to manage Red de Víctimas" in _page(client.get(path))
    response = client.post(path, follow=True)
    assert "You are now a focal point of Red de Víctimas." in _page(response)
    assert list(organisation.focal_points.values_list("user__email", flat=True)) == ["carla@red.example"]
    # … and manages the organisation: its page, its representatives.
    assert client.get(_url("manage", organisation)).status_code == 200
    client.post(
        reverse("stakeholders:representative_add", args=[organisation.pk]),
        {"name": "Carla Ruiz", "title": "", "email": "carla@red.example", "gender": ""},
    )
    assert organisation.representatives.get().name == "Carla Ruiz"


def test_invitation_to_a_focal_point_already_there_is_refused_next_to_field(post):
    focal_point = FocalPointFactory(user__email="ana@red.example")
    response = post(_url("staff_organisation_invite", focal_point.organisation), {"email": "ANA@red.example"})
    assert re.search(
        r'id="id_email_error">\s*<li>This person is already a focal point of the organisation.',
        _page(response),
    )
    assert not Invitation.objects.exists()
    assert mail.outbox == []


# --- Representatives ------------------------------------------------------------------


def test_representative_added_by_secretariat(secretariat_client, post):
    organisation = OrganisationFactory()
    response = post(
        _url("staff_representative_add", organisation),
        {"name": "Rosa Benítez", "title": "Director", "email": "rosa@nandu.example", "gender": "female"},
        follow=True,
    )
    assert "Rosa Benítez is added." in _page(response)
    assert "rosa@nandu.example" in _page(response)
    assert organisation.representatives.get().gender == Representative.Gender.FEMALE


def test_representative_twice_is_refused_next_to_field(post):
    organisation = OrganisationFactory()
    data = {"name": "Rosa Benítez", "title": "", "email": "rosa@nandu.example", "gender": ""}
    post(_url("staff_representative_add", organisation), data)
    response = post(_url("staff_representative_add", organisation), {**data, "email": "ROSA@nandu.example"})
    assert "This person is already a representative of the organisation." in _page(response)
    assert 'value="Rosa Benítez"' in _page(response)
    assert organisation.representatives.count() == 1


# --- Recording the request ------------------------------------------------------------


def test_request_recorded_with_day_received(secretariat, post):
    organisation = OrganisationFactory(name="Fundación Ñandú")
    received = _days_ago(20)
    response = post(
        _url("staff_accreditation_record", organisation), {"received_at": received.isoformat()}, follow=True
    )
    assert "The request for accreditation of Fundación Ñandú" in _page(response)
    accreditation = Accreditation.objects.get()
    assert accreditation.state == State.SUBMITTED
    assert timezone.localdate(accreditation.submitted_at) == received
    event = _event(accreditation)
    assert (event.actor, event.on_behalf_of, event.to_state) == (
        secretariat,
        "Fundación Ñandú",
        State.SUBMITTED,
    )
    assert timezone.localdate(event.occurred_at) == received
    assert event.note.startswith("On behalf of Fundación Ñandú.")
    page = _page(response)
    assert f"{secretariat.email}, on behalf of <bdi>Fundación Ñandú</bdi>" in page
    assert received.strftime("%-d %B %Y") in page
    # No focal point to send a receipt to, and the secretariat recorded it itself.
    assert mail.outbox == []


def test_request_recorded_today_sends_receipt_to_focal_point(post):
    focal_point = FocalPointFactory(user__email="ana@red.example")
    post(_url("staff_accreditation_record", focal_point.organisation), {"received_at": _today().isoformat()})
    accreditation = Accreditation.objects.get()
    assert _event(accreditation).occurred_at is None
    assert [message.to for message in mail.outbox] == [["ana@red.example"]]


def test_request_received_in_future_is_refused_next_to_field(secretariat_client, post):
    organisation = OrganisationFactory()
    # The picker stops at today; a date typed past it is refused by the service.
    form = _page(secretariat_client.get(_url("staff_accreditation_record", organisation)))
    today = _today().isoformat()
    assert re.search(rf'<input type="date" name="received_at" value="{today}"[^>]*max="{today}"', form)
    tomorrow = _today() + datetime.timedelta(days=1)
    response = post(_url("staff_accreditation_record", organisation), {"received_at": tomorrow.isoformat()})
    page = _page(response)
    assert re.search(r'id="id_received_at_error">\s*<li>This date is in the future', page)
    assert f'value="{tomorrow.isoformat()}"' in page
    assert not Accreditation.objects.exists()
    assert not AuditEvent.objects.exists()


def test_second_request_is_refused(post):
    accreditation = AccreditationFactory()
    response = post(
        _url("staff_accreditation_record", accreditation.organisation), {"received_at": _today().isoformat()}
    )
    assert "The organisation&#x27;s accreditation is already submitted." in _page(response)
    assert Accreditation.objects.count() == 1


# --- Recording what happened ----------------------------------------------------------


def _decide(post, accreditation, **data):
    return post(_url("staff_accreditation_decision", accreditation.organisation), data, follow=True)


def _submitted(days_ago: int = 40, **organisation_fields) -> Accreditation:
    accreditation = AccreditationFactory(organisation=OrganisationFactory(**organisation_fields))
    Accreditation.objects.filter(pk=accreditation.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    accreditation.refresh_from_db()
    return accreditation


def test_admission_recorded_with_past_date_sends_nothing(secretariat, post):
    accreditation = _submitted(ecosoc_status="special")
    FocalPointFactory(organisation=accreditation.organisation)
    decided = _days_ago(10)
    response = _decide(post, accreditation, action="admit", decided_at=decided.isoformat(), note="")
    assert "is now admitted" in _page(response)
    accreditation.refresh_from_db()
    assert accreditation.state == State.ADMITTED
    assert timezone.localdate(accreditation.decided_at) == decided
    event = _event(accreditation)
    assert event.actor == secretariat
    assert timezone.localdate(event.occurred_at) == decided
    # A decision is the secretariat's own, not the organisation's.
    assert event.on_behalf_of == ""
    assert mail.outbox == []


def test_return_recorded_today_tells_focal_point(post):
    accreditation = _submitted()
    FocalPointFactory(organisation=accreditation.organisation, user__email="ana@red.example")
    _decide(post, accreditation, action="return", decided_at=_today().isoformat(), note="Give the address.")
    accreditation.refresh_from_db()
    assert (accreditation.state, accreditation.message) == (State.RETURNED, "Give the address.")
    assert [message.to for message in mail.outbox] == [["ana@red.example"]]


def test_rejection_needs_reason_next_to_note(post):
    accreditation = _submitted()
    response = _decide(post, accreditation, action="reject", decided_at=_days_ago(3).isoformat(), note="")
    assert re.search(r'id="id_note_error">\s*<li>Give the reason for the rejection.', _page(response))
    accreditation.refresh_from_db()
    assert accreditation.state == State.SUBMITTED


def test_decision_in_future_or_before_request_is_refused_next_to_field(post):
    accreditation = _submitted(days_ago=5)
    tomorrow = (_today() + datetime.timedelta(days=1)).isoformat()
    page = _page(_decide(post, accreditation, action="return", decided_at=tomorrow, note="Fix it."))
    assert re.search(r'id="id_decided_at_error">\s*<li>This date is in the future', page)
    assert "Fix it." in page
    page = _page(_decide(post, accreditation, action="return", decided_at=_days_ago(9).isoformat(), note="x"))
    assert re.search(r'id="id_decided_at_error">\s*<li>The request was received on', page)
    accreditation.refresh_from_db()
    assert accreditation.state == State.SUBMITTED
    assert not AuditEvent.objects.for_object(accreditation).exists()


def test_circulation_recorded_on_past_list(post):
    accreditation = _submitted(days_ago=60)
    circulation_list = CirculationListFactory(circulated_on=_days_ago(50), deadline=_days_ago(20))
    _decide(
        post,
        accreditation,
        action="circulate",
        circulation_list=circulation_list.pk,
        decided_at=_days_ago(50).isoformat(),
        note="",
    )
    accreditation.refresh_from_db()
    assert (accreditation.state, accreditation.circulation_list) == (State.CIRCULATED, circulation_list)
    # Its deadline has passed with no objection: the admission can now be recorded too.
    _decide(post, accreditation, action="admit", decided_at=_days_ago(19).isoformat(), note="")
    accreditation.refresh_from_db()
    assert accreditation.state == State.ADMITTED
    assert mail.outbox == []


def test_withdrawal_received_by_email_is_on_behalf(secretariat, post):
    accreditation = _submitted(name="Fundación Ñandú")
    received = _days_ago(2)
    _decide(post, accreditation, action="withdraw", decided_at=received.isoformat(), note="")
    accreditation.refresh_from_db()
    assert accreditation.state == State.WITHDRAWN
    event = _event(accreditation)
    assert (event.actor, event.on_behalf_of) == (secretariat, "Fundación Ñandú")
    assert event.note.startswith("On behalf of Fundación Ñandú.")
    assert timezone.localdate(event.occurred_at) == received


def test_decision_page_offers_only_allowed_moves(secretariat_client):
    accreditation = _submitted(ecosoc_status="none")
    page = _page(secretariat_client.get(_url("staff_accreditation_decision", accreditation.organisation)))
    offered = re.findall(r'name="action" value="(\w+)"', page)
    assert offered == ["circulate", "return", "reject", "withdraw"]
    Accreditation.objects.filter(pk=accreditation.pk).update(state=State.ADMITTED)
    page = _page(secretariat_client.get(_url("staff_accreditation_decision", accreditation.organisation)))
    assert re.findall(r'name="action" value="(\w+)"', page) == ["withdraw"]


def test_decision_not_offered_is_refused(post):
    accreditation = _submitted(ecosoc_status="none")
    response = _decide(post, accreditation, action="admit", decided_at=_today().isoformat(), note="")
    assert "Select a valid choice." in _page(response)
    accreditation.refresh_from_db()
    assert accreditation.state == State.SUBMITTED


# --- The list, and who may see the desk -----------------------------------------------


def test_list_searches_by_name_ignoring_accents_and_by_acronym(secretariat_client):
    OrganisationFactory(name="Fundación Ñandú", acronym="FN")
    OrganisationFactory(name="Other Network", acronym="ON")
    page = _page(secretariat_client.get(ORGANISATIONS, {"q": "fundacion nandu"}))
    assert "Fundación Ñandú" in page
    assert "Other Network" not in page
    page = _page(secretariat_client.get(ORGANISATIONS, {"q": "fn"}))
    assert "Fundación Ñandú" in page
    assert "Other Network" not in page
    page = _page(secretariat_client.get(ORGANISATIONS, {"q": "NETWORK"}))
    assert "Other Network" in page
    assert "Fundación Ñandú" not in page


def test_list_shows_accreditation_state_and_focal_points(secretariat_client):
    AccreditationFactory(organisation=OrganisationFactory(name="Admitted One"), state=State.ADMITTED)
    OrganisationFactory(name="Alone")
    page = _page(secretariat_client.get(ORGANISATIONS))
    assert '<span class="badge badge-admitted">Admitted</span>' in page
    assert "not requested" in page
    assert "none yet" in page


@pytest.mark.parametrize("size", [2, 12])
def test_list_runs_a_fixed_number_of_queries(secretariat_client, size, django_assert_max_num_queries):
    for organisation in OrganisationFactory.create_batch(size):
        AccreditationFactory(organisation=organisation)
        FocalPointFactory(organisation=organisation)
    secretariat_client.get(ORGANISATIONS)  # the session and the user are cached after this
    with django_assert_max_num_queries(7):
        response = secretariat_client.get(ORGANISATIONS)
    assert _page(response).count('class="badge badge-submitted"') == size


def _desk_urls(organisation) -> list[str]:
    return [
        ORGANISATIONS,
        REGISTER,
        *(
            _url(name, organisation)
            for name in (
                "staff_organisation",
                "staff_organisation_invite",
                "staff_organisation_edit",
                "staff_representative_add",
                "staff_accreditation_record",
                "staff_accreditation_decision",
            )
        ),
    ]


def test_desk_is_404_for_focal_points_and_plain_staff(client, db):
    focal_point = FocalPointFactory()
    plain_staff = UserFactory(is_staff=True)
    for user in (focal_point.user, plain_staff):
        client.force_login(user)
        for url in _desk_urls(focal_point.organisation):
            assert client.get(url).status_code == 404, url
            assert (
                client.post(url, {"email": "x@example.org", "received_at": "2020-01-01"}).status_code == 404
            )
    assert not Invitation.objects.exists()
    assert not Accreditation.objects.exists()


def test_desk_sends_visitors_to_login(client, db):
    organisation = OrganisationFactory()
    for url in _desk_urls(organisation):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url


def test_desk_reachable_from_navigation_and_queue(secretariat_client):
    accreditation = AccreditationFactory()
    queue = _page(secretariat_client.get(reverse("stakeholders:staff_queue")))
    assert f'href="{REGISTER}"' in queue
    assert f'href="{ORGANISATIONS}"' in queue
    detail = _page(
        secretariat_client.get(reverse("stakeholders:staff_accreditation", args=[accreditation.pk]))
    )
    assert _url("staff_organisation", accreditation.organisation) in detail


def test_another_secretariat_member_sees_who_acted(client, post, secretariat):
    post(REGISTER, _details())
    organisation = Organisation.objects.get()
    client.force_login(SecretariatFactory())
    assert f"by {secretariat.email} for the organisation" in _page(
        client.get(_url("staff_organisation", organisation))
    )


def test_details_corrected_on_behalf(post):
    organisation = OrganisationFactory(name="Red Andina", acronym="RA", postal_address="Old")
    form = _details(name="Red Andina", acronym="RA", postal_address="Av. Nueva 5, Lima")
    response = post(_url("staff_organisation_edit", organisation), form, follow=True)
    assert "The details are saved." in _page(response)
    organisation.refresh_from_db()
    assert organisation.postal_address == "Av. Nueva 5, Lima"


def test_details_under_circulation_stay_as_circulated(post):
    accreditation = AccreditationFactory(state=State.CIRCULATED)
    organisation = accreditation.organisation
    response = post(_url("staff_organisation_edit", organisation), _details(name="Renamed"))
    assert "This stays as it was circulated to the States parties" in _page(response)
    organisation.refresh_from_db()
    assert organisation.name != "Renamed"


def test_focal_point_sees_day_the_request_was_received(client, post):
    focal_point = FocalPointFactory()
    received = _days_ago(15)
    post(_url("staff_accreditation_record", focal_point.organisation), {"received_at": received.isoformat()})
    client.force_login(focal_point.user)
    page = _page(client.get(_url("manage", focal_point.organisation)))
    assert re.search(rf"<td><time [^>]*>{received.strftime('%-d %B %Y')}</time></td>", page)
