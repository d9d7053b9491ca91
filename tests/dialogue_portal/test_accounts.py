"""Accounts through django-allauth: e-mail login, mandatory verification, rate limits, TOTP."""

import re

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core import mail
from django.urls import reverse

from tests.factories import DialogueChairFactory, SecretariatFactory, UserFactory


def totp_code(secret: str) -> str:
    counter = next(yield_hotp_counters_from_time())
    return f"{hotp_value(secret, counter):06d}"


def test_signup_requires_email_verification_before_login(client, db, password):
    response = client.post(
        reverse("account_signup"),
        {"email": "amina@ngo.example.org", "password1": password, "password2": password},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert mail.outbox[-1].to == ["amina@ngo.example.org"]
    # Not verified yet: a login is sent back to verification, not let in.
    client.logout()
    response = client.post(reverse("account_login"), {"login": "amina@ngo.example.org", "password": password})
    assert response["Location"] == reverse("account_email_verification_sent")

    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    confirm = link.split("://", 1)[1].split("/", 1)[1]
    client.post("/" + confirm)
    response = client.post(reverse("account_login"), {"login": "amina@ngo.example.org", "password": password})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_signup_bad_input_is_shown_next_to_field_and_kept(client, db):
    response = client.post(
        reverse("account_signup"),
        {"email": "amina@ngo.example.org", "password1": "short", "password2": "short"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["password1"]
    assert 'value="amina@ngo.example.org"' in response.content.decode()


def test_login_rate_limit_stops_password_guessing(client, user):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": user.email, "password": "wrong-password"})
    response = client.post(reverse("account_login"), {"login": user.email, "password": "wrong-password"})
    assert "Too many failed login attempts" in response.content.decode()


def test_admin_login_goes_through_allauth(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.fixture
def require_mfa(settings):
    settings.REQUIRE_MFA = True


def test_require_mfa_sends_secretariat_without_totp_to_set_one_up(client, secretariat, require_mfa):
    client.force_login(secretariat)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_require_mfa_sends_chair_without_totp_to_set_one_up(client, db, require_mfa):
    chair = DialogueChairFactory(user=UserFactory()).user
    client.force_login(chair)
    response = client.get(reverse("home"))
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_require_mfa_leaves_focal_points_alone(client, user, require_mfa):
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 200


def test_require_mfa_off_lets_secretariat_in_without_totp(client, secretariat, settings):
    settings.REQUIRE_MFA = False
    client.force_login(secretariat)
    assert client.get("/admin/").status_code == 200


def test_secretariat_login_asks_for_second_factor(client, db, password, require_mfa):
    secretariat = SecretariatFactory()
    secret = generate_totp_secret()
    TOTP.activate(secretariat, secret)
    response = client.post(reverse("account_login"), {"login": secretariat.email, "password": password})
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get("/admin/").status_code == 302  # not in yet

    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["code"]

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
