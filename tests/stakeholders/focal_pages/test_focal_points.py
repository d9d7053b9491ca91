"""The focal point's organisation pages: join requests, invitations, handing over and leaving."""

import re

from django.core import mail
from django.urls import reverse

from stakeholders.models import FocalPoint, Invitation, JoinRequest
from tests.factories import AccreditationFactory, FocalPointFactory, JoinRequestFactory, UserFactory

from .support import MINE, _manage_url, _page

# --- Join requests -------------------------------------------------------------------------


def _ask_to_join(client, organisation, user, django_capture_on_commit_callbacks):
    # Only an admitted organisation can be joined.
    AccreditationFactory(organisation=organisation, state="admitted")
    client.force_login(user)
    join_url = reverse("stakeholders:join", args=[organisation.pk])
    assert organisation.name in _page(client.get(join_url))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(join_url, {"message": "I coordinate our firearms programme."}, follow=True)
    assert response.redirect_chain[-1][0] == MINE
    assert "Your request was sent to the organisation&#x27;s focal points." in _page(response)
    return JoinRequest.objects.get(organisation=organisation, user=user)


def test_join_request_approved_makes_requester_focal_point(
    client, focal_point, django_capture_on_commit_callbacks
):
    organisation = focal_point.organisation
    requester = UserFactory(email="bea@red.example")
    join_request = _ask_to_join(client, organisation, requester, django_capture_on_commit_callbacks)
    assert [message.to for message in mail.outbox] == [["ana@red.example"]]
    assert "bea@red.example asks to become a focal point of Red de Víctimas" in mail.outbox[0].body
    mail.outbox.clear()

    client.force_login(focal_point.user)
    page = _page(client.get(_manage_url(organisation)))
    assert "<bdi>bea@red.example</bdi> asked on" in page
    assert "I coordinate our firearms programme." in page
    decide_url = reverse("stakeholders:join_request_decide", args=[organisation.pk, join_request.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(decide_url, {"decision": "approve"}, follow=True)
    assert "bea@red.example is now a focal point of the organisation." in _page(response)
    join_request.refresh_from_db()
    assert join_request.state == "approved"
    assert organisation.focal_points.filter(user=requester).exists()
    assert [message.to for message in mail.outbox] == [["bea@red.example"]]
    assert "Your request was approved" in mail.outbox[0].body

    client.force_login(requester)
    assert client.get(_manage_url(organisation)).status_code == 200


def test_join_request_declined_leaves_requester_out(client, focal_point, django_capture_on_commit_callbacks):
    organisation = focal_point.organisation
    requester = UserFactory(email="bea@red.example")
    join_request = _ask_to_join(client, organisation, requester, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    client.force_login(focal_point.user)
    decide_url = reverse("stakeholders:join_request_decide", args=[organisation.pk, join_request.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(decide_url, {"decision": "decline"})
    join_request.refresh_from_db()
    assert join_request.state == "declined"
    assert not organisation.focal_points.filter(user=requester).exists()
    assert mail.outbox[0].to == ["bea@red.example"]
    assert "was declined" in mail.outbox[0].body
    # Decided: it leaves the focal point's page and cannot be decided again.
    assert "<bdi>bea@red.example</bdi> asked on" not in _page(client.get(_manage_url(organisation)))
    assert client.post(decide_url, {"decision": "approve"}).status_code == 404


def test_join_request_decide_without_decision_changes_nothing(focal_client, focal_point):
    join_request = JoinRequestFactory(organisation=focal_point.organisation)
    decide_url = reverse(
        "stakeholders:join_request_decide", args=[focal_point.organisation.pk, join_request.pk]
    )
    response = focal_client.post(decide_url, {"decision": "maybe"}, follow=True)
    assert "Choose to approve or to decline the request." in _page(response)
    join_request.refresh_from_db()
    assert join_request.state == "pending"


def test_join_by_current_focal_point_is_refused(focal_client, focal_point):
    AccreditationFactory(organisation=focal_point.organisation, state="admitted")
    join_url = reverse("stakeholders:join", args=[focal_point.organisation.pk])
    assert "You are already a focal point of this organisation." in _page(focal_client.get(join_url))
    response = focal_client.post(join_url, {"message": ""})
    assert response.status_code == 200
    assert "You are already a focal point of this organisation." in _page(response)
    assert not JoinRequest.objects.exists()


# --- Invitations, hand over, leave ---------------------------------------------------------


def _invite(client, organisation, email, django_capture_on_commit_callbacks, hand_over=False) -> str:
    data = {"email": email, **({"hand_over": "on"} if hand_over else {})}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("stakeholders:invite", args=[organisation.pk]), data, follow=True)
    assert f"The invitation was sent to {email}." in _page(response)
    assert mail.outbox[-1].to == [email]
    url = re.search(r"https?://\S+/invitations/\S+/", mail.outbox[-1].body).group(0)
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_invitation_accepted_by_invitee_makes_them_focal_point(
    client, focal_client, focal_point, django_capture_on_commit_callbacks
):
    organisation = focal_point.organisation
    url = _invite(focal_client, organisation, "carla@red.example", django_capture_on_commit_callbacks)
    assert "ana@red.example invites you to become a focal point of Red de Víctimas" in mail.outbox[-1].body
    assert "carla@red.example" in _page(focal_client.get(_manage_url(organisation)))

    invitee = UserFactory(email="carla@red.example")
    client.force_login(invitee)
    page = _page(client.get(url))
    assert "Invitation to manage Red de Víctimas" in page
    assert "ana@red.example" in page
    response = client.post(url)
    assert response["Location"] == _manage_url(organisation)
    assert set(organisation.focal_points.values_list("user__email", flat=True)) == {
        "ana@red.example",
        "carla@red.example",
    }
    assert Invitation.objects.get().accepted_at is not None
    # Used: the link answers 404 now.
    assert client.get(url).status_code == 404


def test_invitation_url_is_404_for_another_user(
    client, focal_client, focal_point, django_capture_on_commit_callbacks
):
    url = _invite(
        focal_client, focal_point.organisation, "carla@red.example", django_capture_on_commit_callbacks
    )
    client.force_login(UserFactory(email="mallory@elsewhere.example"))
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert not focal_point.organisation.focal_points.filter(user__email="mallory@elsewhere.example").exists()
    assert Invitation.objects.get().accepted_at is None


def test_invitation_with_hand_over_removes_the_inviter(
    client, focal_client, focal_point, django_capture_on_commit_callbacks
):
    organisation = focal_point.organisation
    url = _invite(
        focal_client, organisation, "carla@red.example", django_capture_on_commit_callbacks, hand_over=True
    )
    assert "asks you to take over as focal point" in mail.outbox[-1].body
    client.force_login(UserFactory(email="carla@red.example"))
    assert "hands the organisation over to you" in _page(client.get(url))
    client.post(url)
    assert list(organisation.focal_points.values_list("user__email", flat=True)) == ["carla@red.example"]
    focal_client.force_login(focal_point.user)
    assert focal_client.get(_manage_url(organisation)).status_code == 404


def test_invite_current_focal_point_shows_error_next_to_email(focal_client, focal_point):
    response = focal_client.post(
        reverse("stakeholders:invite", args=[focal_point.organisation.pk]), {"email": "ANA@red.example"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "This person is already a focal point of the organisation."
    ]
    assert 'value="ANA@red.example"' in _page(response)
    assert not Invitation.objects.exists()


def test_invite_bad_email_shows_error_and_keeps_input(focal_client, focal_point):
    response = focal_client.post(
        reverse("stakeholders:invite", args=[focal_point.organisation.pk]), {"email": "carla-at-red"}
    )
    assert response.context["form"].errors["email"]
    assert 'value="carla-at-red"' in _page(response)
    assert not Invitation.objects.exists()


def test_leave_refused_for_the_last_focal_point(focal_client, focal_point):
    leave_url = reverse("stakeholders:leave", args=[focal_point.organisation.pk])
    assert "only focal point, and an organisation always has one" in _page(focal_client.get(leave_url))
    response = focal_client.post(leave_url)
    assert response.status_code == 200
    assert "invite someone to take over (hand over) before you leave" in _page(response)
    assert FocalPoint.objects.filter(pk=focal_point.pk).exists()


def test_leave_allowed_when_another_focal_point_remains(focal_client, focal_point):
    organisation = focal_point.organisation
    other = FocalPointFactory(organisation=organisation)
    response = focal_client.post(reverse("stakeholders:leave", args=[organisation.pk]), follow=True)
    assert response.redirect_chain[-1][0] == MINE
    assert "You no longer manage Red de Víctimas" in _page(response)
    assert list(organisation.focal_points.all()) == [other]
    assert focal_client.get(_manage_url(organisation)).status_code == 404
