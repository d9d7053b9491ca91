"""Access to the focal points' pages: another organisation's private pages answer 404, an
anonymous visitor is sent to the login page, and nothing changes either way."""

import pytest
from django.core import mail
from django.urls import reverse

from dialogue_portal.models import AuditEvent
from stakeholders.models import Invitation, JoinRequest, Organisation
from tests.factories import (
    AccreditationFactory,
    FocalPointFactory,
    InvitationFactory,
    JoinRequestFactory,
    RepresentativeFactory,
    UserFactory,
)

LOGIN = reverse("account_login")


# Every private page of one organisation, with the methods its view answers; any other
# method gets 405 from anyone, whatever the organisation, which tells nothing either.
PRIVATE = {
    "manage": {"get"},
    "edit": {"get", "post"},
    "representative_add": {"get", "post"},
    "representative_edit": {"get", "post"},
    "representative_remove": {"get", "post"},
    "accreditation_request": {"post"},
    "accreditation_resubmit": {"post"},
    "accreditation_withdraw": {"get", "post"},
    "join_request_decide": {"post"},
    "invite": {"get", "post"},
    "leave": {"get", "post"},
}


class World:
    """Organisation A, with something for every page to change; organisation B."""

    def __init__(self, *, accreditation: bool):
        self.focal_point = FocalPointFactory(organisation__name="Alpha Alliance")
        self.organisation = self.focal_point.organisation
        FocalPointFactory(organisation=self.organisation)  # so that leaving would be allowed
        self.representative = RepresentativeFactory(organisation=self.organisation)
        self.join_request = JoinRequestFactory(organisation=self.organisation)
        if accreditation:
            AccreditationFactory(organisation=self.organisation, state="returned", message="Fix it.")
        self.other = FocalPointFactory(organisation__name="Beta Bureau")

    def url(self, name: str) -> str:
        args = [self.organisation.pk]
        if name.startswith("representative_") and name != "representative_add":
            args.append(self.representative.pk)
        if name == "join_request_decide":
            args.append(self.join_request.pk)
        return reverse(f"stakeholders:{name}", args=args)

    def post_data(self, name: str) -> dict:
        """What the organisation's own focal point would send: valid, so it would change something."""
        return {
            "edit": {
                "name": "Renamed Alliance",
                "acronym": "RA",
                "category": "academia",
                "country": "CL",
                "ecosoc_status": "special",
                "website": "https://renamed.example/",
                "postal_address": "Somewhere else",
                "description": "Other work.",
            },
            "representative_add": {
                "name": "New Person",
                "title": "",
                "email": "new@alpha.example",
                "gender": "",
            },
            "representative_edit": {
                "name": "Changed",
                "title": "",
                "email": "changed@alpha.example",
                "gender": "",
            },
            "join_request_decide": {"decision": "approve"},
            "invite": {"email": "intruder@beta.example", "hand_over": "on"},
        }.get(name, {})

    def snapshot(self) -> dict:
        organisation = self.organisation
        return {
            "organisation": Organisation.objects.filter(pk=organisation.pk).values().get(),
            "focal_points": sorted(organisation.focal_points.values_list("user_id", flat=True)),
            "representatives": sorted(
                organisation.representatives.values_list("pk", "name", "title", "email")
            ),
            "accreditations": sorted(organisation.accreditations.values_list("pk", "state", "message")),
            "join_requests": sorted(JoinRequest.objects.values_list("pk", "state")),
            "invitations": Invitation.objects.count(),
            "audit": AuditEvent.objects.count(),
        }


def _world(name: str) -> World:
    # A request for accreditation needs none current; the others need one to act on.
    return World(accreditation=name != "accreditation_request")


def _cases():
    return [(name, method) for name in PRIVATE for method in ("get", "post")]


@pytest.mark.parametrize(("name", "method"), _cases())
def test_private_page_of_another_organisation_is_404(
    client, db, name, method, django_capture_on_commit_callbacks
):
    world = _world(name)
    before = world.snapshot()
    client.force_login(world.other.user)
    request = getattr(client, method)
    with django_capture_on_commit_callbacks(execute=True):
        response = (
            request(world.url(name), world.post_data(name)) if method == "post" else request(world.url(name))
        )
    assert response.status_code == (404 if method in PRIVATE[name] else 405)
    assert world.snapshot() == before
    assert mail.outbox == []


@pytest.mark.parametrize(("name", "method"), _cases())
def test_private_page_sends_anonymous_visitor_to_login(
    client, db, name, method, django_capture_on_commit_callbacks
):
    world = _world(name)
    before = world.snapshot()
    url = world.url(name)
    request = getattr(client, method)
    with django_capture_on_commit_callbacks(execute=True):
        response = request(url, world.post_data(name)) if method == "post" else request(url)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={url}"
    assert world.snapshot() == before
    assert mail.outbox == []


@pytest.mark.parametrize("name", [name for name, methods in PRIVATE.items() if "post" in methods])
def test_private_page_post_by_own_focal_point_changes_something(client, db, name):
    """The control for the two tests above: the same request, by the right person, does change."""
    world = _world(name)
    before = world.snapshot()
    client.force_login(world.focal_point.user)
    response = client.post(world.url(name), world.post_data(name))
    assert response.status_code == 302
    assert world.snapshot() != before


def test_secretariat_user_is_not_a_focal_point(client, secretariat, settings):
    settings.REQUIRE_MFA = False
    world = World(accreditation=True)
    client.force_login(secretariat)
    assert client.get(world.url("manage")).status_code == 404
    assert client.post(world.url("accreditation_request")).status_code == 404


@pytest.mark.parametrize("url_name", ["register", "mine"])
def test_own_pages_send_anonymous_visitor_to_login(client, db, url_name):
    url = reverse(f"stakeholders:{url_name}")
    response = client.get(url)
    assert response["Location"] == f"{LOGIN}?next={url}"


def test_join_page_is_open_to_signed_in_users_only(client, db):
    world = World(accreditation=False)
    AccreditationFactory(organisation=world.organisation, state="admitted")
    url = reverse("stakeholders:join", args=[world.organisation.pk])
    response = client.post(url, {"message": "Let me in."})
    assert response["Location"] == f"{LOGIN}?next={url}"
    assert not JoinRequest.objects.filter(message="Let me in.").exists()
    # Anyone signed in may ask: the focal points decide.
    client.force_login(world.other.user)
    assert "Ask to join Alpha Alliance" in client.get(url).content.decode()


@pytest.mark.parametrize("state", [None, "submitted", "returned", "circulated", "rejected", "withdrawn"])
def test_join_page_of_organisation_not_admitted_is_404(client, db, state):
    organisation = FocalPointFactory(organisation__name="Hidden Refused Org").organisation
    if state:
        AccreditationFactory(organisation=organisation, state=state)
    url = reverse("stakeholders:join", args=[organisation.pk])
    client.force_login(UserFactory())

    page = client.get(url)
    assert page.status_code == 404
    assert "Hidden Refused Org" not in page.content.decode()
    assert client.post(url, {"message": "Let me in."}).status_code == 404
    assert not JoinRequest.objects.exists()
    assert mail.outbox == []


def test_invitation_is_404_for_a_user_with_another_email(client, db):
    invitation = InvitationFactory(email="carla@alpha.example")
    url = reverse("stakeholders:invitation_accept", args=[invitation.token])
    client.force_login(UserFactory(email="mallory@beta.example"))
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert not invitation.organisation.focal_points.exists()


def test_invitation_is_404_for_an_unverified_matching_email(client, db):
    invitation = InvitationFactory(email="carla@alpha.example")
    user = UserFactory(email="carla@alpha.example")
    user.emailaddress_set.update(verified=False)
    client.force_login(user)
    url = reverse("stakeholders:invitation_accept", args=[invitation.token])
    assert client.post(url).status_code == 404
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_invitation_sends_anonymous_visitor_to_login(client, db):
    invitation = InvitationFactory(email="carla@alpha.example")
    url = reverse("stakeholders:invitation_accept", args=[invitation.token])
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 302
        assert response["Location"] == f"{LOGIN}?next={url}"
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_unknown_invitation_token_is_404(client, user):
    client.force_login(user)
    assert client.get(reverse("stakeholders:invitation_accept", args=["no-such-token"])).status_code == 404
