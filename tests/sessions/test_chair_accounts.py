"""The account with which a Chair drafts: linked by the secretariat on the Chairs page,
unlinked, or by the Chair accepting an invitation sent by e-mail; and the second factor
that a linked Chair then needs."""

import datetime
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from dialogue_portal.models import AuditEvent
from sessions.models import ChairInvitation, DialogueChair
from sessions.services import (
    chair_landing_url,
    dialogue_chair_invite,
    dialogue_chair_link,
    dialogue_chair_unlink,
)
from tests.factories import ChairInvitationFactory, DialogueChairFactory, DialogueFactory, UserFactory


@pytest.fixture
def chair(db):
    return DialogueChairFactory(name="Alejandro Celorio Alcántara", honorific=DialogueChair.Honorific.MR)


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run what the request queued for after its commit (the e-mails), as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _chairs_url(chair) -> str:
    return reverse("staff_dialogue_chairs", args=[chair.dialogue_id])


def _url(name: str, chair) -> str:
    return reverse(name, args=[chair.dialogue_id, chair.pk])


def _page(response) -> str:
    return response.content.decode()


def _notes(chair) -> list[tuple[str, str]]:
    return [(event.to_state, event.note) for event in AuditEvent.objects.for_object(chair).order_by("id")]


def _invitation_path(message) -> str:
    url = re.search(r"https?://\S+/chair-invitations/\S+/", message.body).group(0)
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


# --- Linking and unlinking on the Chairs page -----------------------------------------------


def test_chairs_page_offers_link_and_invite_for_a_chair_without_account(secretariat_client, chair):
    page = _page(secretariat_client.get(_chairs_url(chair)))
    assert "No drafting account yet." in page
    assert _url("staff_dialogue_chair_link", chair) in page
    assert _url("staff_dialogue_chair_invite", chair) in page
    assert _url("staff_dialogue_chair_unlink", chair) not in page


def test_link_by_address_links_the_account_and_tells_its_owner(secretariat_client, secretariat, chair, sent):
    account = UserFactory(email="a.celorio@sre.example.org")
    with sent():
        response = secretariat_client.post(
            _url("staff_dialogue_chair_link", chair), {"email": "A.Celorio@sre.example.org", "linked": ""}
        )
    assert response["Location"] == _chairs_url(chair)
    chair.refresh_from_db()
    assert chair.user == account
    assert _notes(chair) == [
        ("linked", "Linked to the account a.celorio@sre.example.org by the secretariat.")
    ]
    assert AuditEvent.objects.for_object(chair).get().actor == secretariat
    (message,) = mail.outbox
    assert message.to == ["a.celorio@sre.example.org"]
    assert "linked your Dialogue Portal account to Mr. Alejandro Celorio Alcántara" in message.body
    assert chair_landing_url(chair.dialogue) in message.body
    page = _page(secretariat_client.get(_chairs_url(chair)))
    assert "Drafts with the account <bdi>a.celorio@sre.example.org</bdi>." in page
    assert _url("staff_dialogue_chair_unlink", chair) in page


def test_link_refuses_an_address_that_no_account_has_confirmed(secretariat_client, chair):
    unconfirmed = UserFactory(email="first@sre.example.org")
    EmailAddress.objects.create(user=unconfirmed, email="second@sre.example.org", verified=False)
    for email in ("nobody@sre.example.org", "second@sre.example.org"):
        response = secretariat_client.post(
            _url("staff_dialogue_chair_link", chair), {"email": email, "linked": ""}
        )
        assert response.status_code == 200
        assert response.context["form"].errors["email"] == ["No portal account has this confirmed address."]
        assert f'value="{email}"' in _page(response)
    chair.refresh_from_db()
    assert chair.user is None
    assert _notes(chair) == []


def test_link_refuses_an_account_that_already_chairs_the_dialogue(secretariat_client, chair):
    co_chair = DialogueChairFactory(dialogue=chair.dialogue, user=UserFactory(email="co@mfa.example.org"))
    response = secretariat_client.post(
        _url("staff_dialogue_chair_link", chair), {"email": "co@mfa.example.org", "linked": ""}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "co@mfa.example.org already drafts for another Chair of this dialogue."
    ]
    chair.refresh_from_db()
    assert chair.user is None
    assert co_chair.user.dialogue_chairs.count() == 1


def test_link_is_refused_when_the_account_changed_since_the_page_showed_it(
    secretariat_client, secretariat, chair
):
    # The page showed no account; meanwhile a colleague linked one.
    first = UserFactory()
    dialogue_chair_link(chair=chair, user=first, by=secretariat)
    UserFactory(email="second@mfa.example.org")
    response = secretariat_client.post(
        _url("staff_dialogue_chair_link", chair), {"email": "second@mfa.example.org", "linked": ""}
    )
    assert response.status_code == 200
    assert "Someone else changed this Chair&#x27;s account meanwhile" in _page(response)
    chair.refresh_from_db()
    assert chair.user == first


def test_link_replaces_the_account_the_page_showed(secretariat_client, secretariat, chair):
    first = UserFactory()
    dialogue_chair_link(chair=chair, user=first, by=secretariat)
    second = UserFactory(email="second@mfa.example.org")
    page = _page(secretariat_client.get(_url("staff_dialogue_chair_link", chair)))
    assert f'name="linked" value="{first.pk}"' in page
    response = secretariat_client.post(
        _url("staff_dialogue_chair_link", chair), {"email": "second@mfa.example.org", "linked": first.pk}
    )
    assert response["Location"] == _chairs_url(chair)
    chair.refresh_from_db()
    assert chair.user == second


def test_unlink_leaves_the_chair_without_account(secretariat_client, secretariat, chair):
    account = UserFactory(email="a.celorio@sre.example.org")
    dialogue_chair_link(chair=chair, user=account, by=secretariat)
    response = secretariat_client.post(
        _url("staff_dialogue_chair_unlink", chair), {"linked": account.pk}, follow=True
    )
    assert "Mr. Alejandro Celorio Alcántara is no longer linked to an account." in _page(response)
    chair.refresh_from_db()
    assert chair.user is None
    assert _notes(chair)[-1] == (
        "unlinked",
        "Unlinked from the account a.celorio@sre.example.org by the secretariat.",
    )


def test_unlink_is_refused_when_another_account_was_linked_meanwhile(secretariat_client, secretariat, chair):
    first, second = UserFactory(), UserFactory()
    dialogue_chair_link(chair=chair, user=first, by=secretariat)
    dialogue_chair_link(chair=chair, user=second, by=secretariat)
    response = secretariat_client.post(
        _url("staff_dialogue_chair_unlink", chair), {"linked": first.pk}, follow=True
    )
    assert "Someone else changed this Chair&#x27;s account meanwhile" in _page(response)
    chair.refresh_from_db()
    assert chair.user == second


# --- Inviting by e-mail -------------------------------------------------------------------


def test_invite_sends_the_link_and_the_page_lists_the_invitation(
    secretariat_client, secretariat, chair, sent
):
    with sent():
        response = secretariat_client.post(
            _url("staff_dialogue_chair_invite", chair), {"email": "a.celorio@sre.example.org"}, follow=True
        )
    page = _page(response)
    assert "The invitation was sent to a.celorio@sre.example.org." in page
    assert "Invited at <bdi>a.celorio@sre.example.org</bdi> on" in page
    invitation = ChairInvitation.objects.get()
    assert (invitation.chair, invitation.email, invitation.invited_by) == (
        chair,
        "a.celorio@sre.example.org",
        secretariat,
    )
    assert abs(
        invitation.expires_at - invitation.created_at - datetime.timedelta(days=14)
    ) < datetime.timedelta(seconds=5)
    (message,) = mail.outbox
    assert message.to == ["a.celorio@sre.example.org"]
    assert "Invitation to draft the Chair's summary" in message.subject
    assert "invites Mr. Alejandro Celorio Alcántara to draft" in message.body
    assert _invitation_path(message) == reverse("chair_invitation", args=[invitation.token])
    assert _notes(chair) == [
        ("invited", "Invited by e-mail at a.celorio@sre.example.org to link an account.")
    ]


def test_invite_is_refused_for_a_chair_already_linked(secretariat_client, secretariat, chair):
    dialogue_chair_link(chair=chair, user=UserFactory(email="linked@mfa.example.org"), by=secretariat)
    response = secretariat_client.post(
        _url("staff_dialogue_chair_invite", chair), {"email": "other@mfa.example.org"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "This Chair is already linked to the account linked@mfa.example.org: unlink it first."
    ]
    assert not ChairInvitation.objects.exists()


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("staff_dialogue_chair_link", "get"),
        ("staff_dialogue_chair_link", "post"),
        ("staff_dialogue_chair_invite", "get"),
        ("staff_dialogue_chair_invite", "post"),
        ("staff_dialogue_chair_unlink", "post"),
    ],
)
def test_chair_account_pages_are_the_secretariats_only(client, user, chair, name, method):
    url = _url(name, chair)
    data = {"email": user.email, "linked": ""}
    response = getattr(client, method)(url, data)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    client.force_login(user)
    assert getattr(client, method)(url, data).status_code == 404
    chair.refresh_from_db()
    assert chair.user is None
    assert not ChairInvitation.objects.exists()


def test_chair_account_pages_are_404_for_a_chair_of_another_dialogue(secretariat_client, chair):
    other = DialogueFactory()
    url = reverse("staff_dialogue_chair_link", args=[other.pk, chair.pk])
    assert secretariat_client.get(url).status_code == 404


# --- Accepting the invitation ---------------------------------------------------------------


def _invite(chair, email: str, secretariat) -> ChairInvitation:
    return dialogue_chair_invite(chair=chair, email=email, by=secretariat)


def test_invitation_tells_a_visitor_to_sign_up_or_sign_in_and_come_back(client, secretariat, chair):
    invitation = _invite(chair, "a.celorio@sre.example.org", secretariat)
    path = reverse("chair_invitation", args=[invitation.token])
    page = _page(client.get(path))
    assert "<h1>Invitation to draft a Chair's summary</h1>" in page
    assert "a.celorio@sre.example.org" in page
    assert f'href="{reverse("account_signup")}?next={path}"' in page
    assert f'href="{reverse("account_login")}?next={path}"' in page
    assert "Accept the invitation" not in page
    # A visitor's POST accepts nothing: it is sent to sign in.
    response = client.post(path)
    assert response["Location"] == f"{reverse('account_login')}?next={path}"
    chair.refresh_from_db()
    assert chair.user is None


def test_invitation_accepted_after_sign_up_lands_on_the_summary(client, secretariat, chair, password, sent):
    with sent():
        _invite(chair, "a.celorio@sre.example.org", secretariat)
    path = _invitation_path(mail.outbox[-1])
    with sent():
        response = client.post(
            f"{reverse('account_signup')}?next={path}",
            {"email": "a.celorio@sre.example.org", "password1": password, "password2": password},
        )
    assert response["Location"] == reverse("account_email_verification_sent")
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    response = client.post("/" + link.split("://", 1)[1].split("/", 1)[1])
    # Confirming the address signs the new account in and brings it back to the invitation.
    assert response["Location"] == path
    assert "Accept the invitation" in _page(client.get(path))
    response = client.post(path)
    assert response["Location"] == chair_landing_url(chair.dialogue)
    chair.refresh_from_db()
    assert chair.user.email == "a.celorio@sre.example.org"
    invitation = ChairInvitation.objects.get()
    assert invitation.accepted_by == chair.user
    assert invitation.accepted_at is not None
    assert _notes(chair)[-1] == (
        "linked",
        "Linked to the account a.celorio@sre.example.org: the invitation sent to "
        "a.celorio@sre.example.org was accepted.",
    )


def test_invitation_accepted_by_an_existing_account(client, secretariat, chair):
    account = UserFactory(email="personal@example.org")
    EmailAddress.objects.create(user=account, email="a.celorio@sre.example.org", verified=True)
    invitation = _invite(chair, "A.Celorio@sre.example.org", secretariat)
    path = reverse("chair_invitation", args=[invitation.token])
    client.force_login(account)
    assert "Accept the invitation" in _page(client.get(path))
    response = client.post(path, follow=True)
    assert response.redirect_chain[0][0] == chair_landing_url(chair.dialogue)
    assert "Your account is linked to Mr. Alejandro Celorio Alcántara" in _page(response)
    chair.refresh_from_db()
    assert chair.user == account
    # The link has done its work: the page says so, and offers the summary.
    page = _page(client.get(path))
    assert "Your account is already linked to this Chair." in page
    assert "Accept the invitation" not in page


def test_invitation_is_refused_to_an_account_without_the_invited_address(client, secretariat, chair):
    invitation = _invite(chair, "a.celorio@sre.example.org", secretariat)
    path = reverse("chair_invitation", args=[invitation.token])
    client.force_login(UserFactory(email="mallory@elsewhere.example"))
    page = _page(client.get(path))
    assert (
        "This invitation was sent to a.celorio@sre.example.org, which is not an address of your account"
        in page
    )
    assert "Accept the invitation" not in page
    response = client.post(path)
    assert response.status_code == 200
    assert "which is not an address of your account" in _page(response)
    chair.refresh_from_db()
    assert chair.user is None


def test_invitation_expired_cannot_be_accepted(client, chair):
    invitation = ChairInvitationFactory(
        chair=chair,
        email="a.celorio@sre.example.org",
        expires_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    client.force_login(UserFactory(email="a.celorio@sre.example.org"))
    path = reverse("chair_invitation", args=[invitation.token])
    assert "This invitation expired on" in _page(client.get(path))
    response = client.post(path)
    assert "This invitation expired on" in _page(response)
    assert "Accept the invitation" not in _page(response)
    chair.refresh_from_db()
    assert chair.user is None


def test_invitation_used_once_cannot_be_used_again(client, secretariat, chair):
    invitation = _invite(chair, "a.celorio@sre.example.org", secretariat)
    path = reverse("chair_invitation", args=[invitation.token])
    first = UserFactory(email="a.celorio@sre.example.org")
    client.force_login(first)
    client.post(path)
    # The secretariat unlinks that account; the used link does not link it again.
    chair.refresh_from_db()
    dialogue_chair_unlink(chair=chair, by=secretariat)
    response = client.post(path)
    assert "This invitation has already been used." in _page(response)
    chair.refresh_from_db()
    assert chair.user is None


def test_second_invitation_answers_that_the_chair_is_linked_once_the_first_is_accepted(
    client, secretariat, chair
):
    first = _invite(chair, "a.celorio@sre.example.org", secretariat)
    second = _invite(chair, "office@sre.example.org", secretariat)
    celorio, office = (
        UserFactory(email="a.celorio@sre.example.org"),
        UserFactory(email="office@sre.example.org"),
    )
    # Both work until one is used: the second replaced nothing.
    client.force_login(celorio)
    assert "Accept the invitation" in _page(client.get(reverse("chair_invitation", args=[first.token])))
    client.force_login(office)
    client.post(reverse("chair_invitation", args=[second.token]))
    chair.refresh_from_db()
    assert chair.user == office

    client.force_login(celorio)
    response = client.post(reverse("chair_invitation", args=[first.token]))
    assert "This Chair is already linked to an account" in _page(response)
    chair.refresh_from_db()
    assert chair.user == office
    assert ChairInvitation.objects.get(pk=first.pk).accepted_at is None


def test_invitation_of_an_unknown_link_is_404(client, db):
    assert client.get(reverse("chair_invitation", args=["not-a-token"])).status_code == 404


# --- The second factor ------------------------------------------------------------------------


def test_require_mfa_sends_a_chair_who_just_accepted_to_set_up_an_authenticator(
    client, secretariat, chair, settings
):
    settings.REQUIRE_MFA = True
    invitation = _invite(chair, "a.celorio@sre.example.org", secretariat)
    path = reverse("chair_invitation", args=[invitation.token])
    client.force_login(UserFactory(email="a.celorio@sre.example.org"))
    # Not a Chair yet: nothing asks for a second factor before accepting.
    assert client.get(path).status_code == 200
    landing = client.post(path)["Location"]
    response = client.get(landing)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('mfa_activate_totp')}?next={landing}"


def test_require_mfa_sends_a_chair_linked_by_the_secretariat_to_set_up_an_authenticator(
    client, secretariat, chair, settings
):
    settings.REQUIRE_MFA = True
    account = UserFactory()
    dialogue_chair_link(chair=chair, user=account, by=secretariat)
    client.force_login(account)
    response = client.get(reverse("home"))
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
