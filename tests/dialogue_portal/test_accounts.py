"""Accounts through django-allauth: e-mail login, mandatory verification, rate limits, TOTP."""

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, DialogueChairFactory, SecretariatFactory, UserFactory


def totp_code(secret: str) -> str:
    """The code of the current period, as an authenticator app shows it. Close to the end of
    a period the next one is waited for: a code typed in its last second reaches the
    server in the next period (no tolerance is configured) and is refused."""
    from allauth.mfa import app_settings

    left = app_settings.TOTP_PERIOD - time.time() % app_settings.TOTP_PERIOD
    if left < 5:
        time.sleep(left + 0.1)
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
    assert response["Location"] == reverse("landing")


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


def test_require_mfa_sends_staff_outside_secretariat_to_set_one_up(client, db, require_mfa):
    # Staff without the Secretariat group still reach /admin/, with whatever
    # permissions they were given one by one.
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_require_mfa_sends_superuser_to_set_one_up(client, db, require_mfa):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get("/admin/")["Location"].startswith(reverse("mfa_activate_totp"))


def test_require_mfa_lets_staff_with_totp_in(client, db, require_mfa):
    staff = UserFactory(is_staff=True)
    TOTP.activate(staff, generate_totp_secret())
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200


# --- Sign-in limits: the client's address, the account's lockout ------------------------

TOO_MANY = "Too many failed login attempts"


def _login(client, login, password, *, forwarded_for=None, remote_addr="127.0.0.1"):
    headers = {"x-forwarded-for": forwarded_for} if forwarded_for else {}
    return client.post(
        reverse("account_login"),
        {"login": login, "password": password},
        headers=headers,
        REMOTE_ADDR=remote_addr,
    )


def test_login_failures_behind_proxy_block_only_their_client(client, user, password, settings):
    # The proxy (REMOTE_ADDR 127.0.0.1 for every request) appends the client's address.
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    for number in range(10):
        _login(client, f"guess{number}@example.org", "wrong-password", forwarded_for="203.0.113.5")
    refused = _login(client, "guess@example.org", "wrong-password", forwarded_for="203.0.113.5")
    assert TOO_MANY in refused.content.decode()

    response = _login(client, user.email, password, forwarded_for="203.0.113.6")
    assert response.status_code == 302
    assert response["Location"] == reverse("landing")


def test_login_forwarded_for_trusted_only_from_the_last_proxy(client, user, password, settings):
    # A client may send its own X-Forwarded-For; the proxy appends the address it saw,
    # and only that last entry counts.
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    for number in range(10):
        _login(
            client,
            f"guess{number}@example.org",
            "wrong-password",
            forwarded_for=f"198.51.100.{number}, 203.0.113.5",
        )
    refused = _login(
        client, "guess@example.org", "wrong-password", forwarded_for="198.51.100.99, 203.0.113.5"
    )
    assert TOO_MANY in refused.content.decode()


def test_login_forged_forwarded_for_ignored_without_trusted_proxy(client, user, password, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    # Each failure claims another address: without a trusted proxy they all count
    # against the real one, REMOTE_ADDR.
    for number in range(10):
        _login(
            client,
            f"guess{number}@example.org",
            "wrong-password",
            forwarded_for=f"198.51.100.{number}",
            remote_addr="192.0.2.10",
        )
    refused = _login(client, user.email, password, forwarded_for="198.51.100.200", remote_addr="192.0.2.10")
    assert TOO_MANY in refused.content.decode()

    response = _login(client, user.email, password, remote_addr="192.0.2.11")
    assert response.status_code == 302


def _lock_out(client, user):
    """Five failed sign-ins for ``user``, each from another address: the account's limit."""
    for number in range(5):
        _login(client, user.email, "wrong-password", remote_addr=f"192.0.2.{number + 20}")
    refused = _login(client, user.email, PASSWORD, remote_addr="192.0.2.99")
    assert TOO_MANY in refused.content.decode()


def test_login_account_lockout_lapses_after_five_minutes(client, user, password, monkeypatch):
    _lock_out(client, user)
    started = time.time()

    def later(seconds):
        monkeypatch.setattr(time, "time", lambda: started + seconds)

    # Tries while locked out are refused without being counted: they cannot keep the
    # account locked beyond the window.
    later(240)
    assert TOO_MANY in _login(client, user.email, "wrong-password").content.decode()
    later(5 * 60 + 1)
    response = _login(client, user.email, password, remote_addr="192.0.2.100")
    assert response.status_code == 302
    assert response["Location"] == reverse("landing")


def test_login_account_lockout_ended_by_password_reset(client, user, password):
    _lock_out(client, user)
    client.post(reverse("account_reset_password"), {"email": user.email})
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", mail.outbox[-1].body).group(0)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    form_url = client.get(path)["Location"]
    new_password = "another-long-password-42"
    client.post(form_url, {"password1": new_password, "password2": new_password})

    response = _login(client, user.email, new_password, remote_addr="192.0.2.100")
    assert response.status_code == 302


def test_admin_clear_sign_in_lockout_lets_account_sign_in_at_once(client, user, password):
    _lock_out(client, user)

    secretariat = SecretariatFactory()
    client.force_login(secretariat)
    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "clear_sign_in_lockout", "_selected_action": [user.pk], "index": 0},
        follow=True,
    )
    assert "The sign-in lockout of 1 account was cleared" in response.content.decode()
    client.logout()

    response = _login(client, user.email, password, remote_addr="192.0.2.100")
    assert response.status_code == 302
    assert response["Location"] == reverse("landing")


def test_admin_clear_sign_in_lockout_also_ends_second_factor_lockout(client, db, password):
    staff = UserFactory()
    TOTP.activate(staff, secret := generate_totp_secret())
    assert _login(client, staff.email, password)["Location"] == reverse("mfa_authenticate")
    for _ in range(5):
        client.post(reverse("mfa_authenticate"), {"code": "000000"})
    locked = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert TOO_MANY in locked.content.decode()

    admin_client = type(client)()
    admin_client.force_login(SecretariatFactory())
    admin_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "clear_sign_in_lockout", "_selected_action": [staff.pk], "index": 0},
    )

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)
