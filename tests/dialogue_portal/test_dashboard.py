"""The secretariat's dashboard at /staff/, the page each role lands on after sign-in, and the
header's links to the account's own settings."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dialogue_portal.models import AuditEvent
from dialogue_portal.transitions import record
from sessions.models import Dialogue, Registration
from stakeholders.models import Accreditation
from submissions.models import WrittenComment
from tests.factories import (
    AccreditationFactory,
    CirculationListFactory,
    DialogueChairFactory,
    DialogueFactory,
    FocalPointFactory,
    OrganisationFactory,
    RegistrationFactory,
    UserFactory,
    WrittenCommentFactory,
)

pytestmark = pytest.mark.django_db

# Session, user, groups; the three counts of accreditation and comments; the applications
# per dialogue; the summaries in review; the next dialogues; the audit rows: a fixed
# number whatever waits.
DASHBOARD_QUERIES = 10
# Session, user; organisations, accreditations, applications, their dialogues, comments, join requests.
ORGANISATIONS_QUERIES = 8
# Session, user, the dialogues, their chairs.
CHAIR_QUERIES = 4


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    # The second factor has its own tests (test_accounts); here only where sign-in leads.
    settings.REQUIRE_MFA = False


def _sign_in(client, user, password):
    return client.post(reverse("account_login"), {"login": user.email, "password": password}, follow=True)


# --- Landing --------------------------------------------------------------------------


def test_landing_secretariat_goes_to_the_dashboard(client, secretariat, password):
    response = _sign_in(client, secretariat, password)
    assert response.redirect_chain[-1][0] == reverse("staff_dashboard")
    assert "Secretariat dashboard" in response.content.decode()


def test_landing_chair_goes_to_their_dialogues(client, password):
    chair = DialogueChairFactory(user=UserFactory(), name="Carmen Chair")
    DialogueChairFactory(name="Someone Else")  # another dialogue's Chair: not listed
    response = _sign_in(client, chair.user, password)
    assert response.redirect_chain[-1][0] == reverse("my_dialogues")
    page = response.content.decode()
    assert "Carmen Chair" in page
    assert "Someone Else" not in page
    assert "(cancelled)" not in page  # the dialogue came with its ordinal
    assert reverse("staff_speakers", args=[chair.dialogue.pk]) in page


def test_landing_focal_point_goes_to_their_organisations(client, password):
    focal_point = FocalPointFactory(organisation__name="Small Arms Watch")
    response = _sign_in(client, focal_point.user, password)
    assert response.redirect_chain[-1][0] == reverse("stakeholders:mine")
    assert "Small Arms Watch" in response.content.decode()


def test_landing_respects_next(client, secretariat, password):
    response = client.post(
        reverse("account_login") + "?next=" + reverse("staff_calendar"),
        {"login": secretariat.email, "password": password},
    )
    assert response["Location"] == reverse("staff_calendar")


def test_landing_anonymous_is_asked_to_sign_in(client):
    response = client.get(reverse("landing"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- Who may see the dashboard ---------------------------------------------------------------


def test_dashboard_anonymous_is_asked_to_sign_in(client):
    response = client.get(reverse("staff_dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_dashboard_is_404_for_focal_points_and_staff_outside_secretariat(client):
    client.force_login(FocalPointFactory().user)
    assert client.get(reverse("staff_dashboard")).status_code == 404
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("staff_dashboard")).status_code == 404


# --- The counts ---------------------------------------------------------------------------


def _waiting(secretariat_client) -> dict[str, tuple[int, str]]:
    """The dashboard's counts, as label -> (number, link)."""
    response = secretariat_client.get(reverse("staff_dashboard"))
    assert response.status_code == 200
    return {item.label: (item.count, item.url) for item in response.context["waiting"]}


def _fill(n: int, today: datetime.date) -> Dialogue:
    """n of each kind of waiting item, and one of each kind that does not wait. Returns the
    open dialogue whose applications wait."""
    for _ in range(n):
        AccreditationFactory(state=Accreditation.State.SUBMITTED)
    AccreditationFactory(state=Accreditation.State.OBJECTED)
    AccreditationFactory(state=Accreditation.State.RETURNED)  # waits for the organisation
    soon = CirculationListFactory(circulated_on=today - datetime.timedelta(days=30), deadline=today)
    for days in range(n):
        circulation_list = CirculationListFactory(
            circulated_on=today - datetime.timedelta(days=30),
            deadline=today + datetime.timedelta(days=days % 8),
        )
        AccreditationFactory(state=Accreditation.State.CIRCULATED, circulation_list=circulation_list)
    AccreditationFactory(state=Accreditation.State.OBJECTED, circulation_list=soon)  # nothing left to admit
    later = CirculationListFactory(
        circulated_on=today - datetime.timedelta(days=30), deadline=today + datetime.timedelta(days=8)
    )
    AccreditationFactory(state=Accreditation.State.CIRCULATED, circulation_list=later)

    dialogue = DialogueFactory(state=Dialogue.State.OPEN, date=today + datetime.timedelta(days=20))
    for _ in range(n):
        RegistrationFactory(dialogue=dialogue, representatives=[])
    RegistrationFactory(dialogue=dialogue, state=Registration.State.APPROVED, representatives=[])
    for _ in range(n):
        RegistrationFactory(
            dialogue=DialogueFactory(state=Dialogue.State.CLOSED, date=today + datetime.timedelta(days=30)),
            representatives=[],
        )
    held = DialogueFactory(state=Dialogue.State.HELD, date=today - datetime.timedelta(days=30))
    RegistrationFactory(dialogue=held, representatives=[])  # too late to decide: not counted

    for _ in range(n):
        WrittenCommentFactory(dialogue=dialogue, state=WrittenComment.State.SUBMITTED)
    WrittenCommentFactory(dialogue=dialogue, state=WrittenComment.State.PUBLISHED)
    return dialogue


def test_dashboard_counts_link_to_their_queues(secretariat_client):
    today = timezone.localdate()
    dialogue = _fill(3, today)
    waiting = _waiting(secretariat_client)

    assert waiting["Accreditation requests to review"] == (5, reverse("stakeholders:staff_queue"))
    assert waiting["Circulation lists whose deadline for objections falls in the next 7 days"] == (
        3,
        reverse("stakeholders:staff_circulation_lists"),
    )
    assert waiting["Written comments to moderate"] == (3, reverse("submissions:staff_queue"))
    applications = [
        (count, url) for label, (count, url) in waiting.items() if label.startswith("Applications")
    ]
    assert (3, reverse("staff_applications", args=[dialogue.pk]) + "?state=applied") in applications
    assert len(applications) == 4  # the open dialogue and the three closed ones; never the held one


def test_dashboard_count_links_open_the_queue_they_count(secretariat_client):
    today = timezone.localdate()
    dialogue = _fill(2, today)
    waiting = _waiting(secretariat_client)
    count, url = waiting["Written comments to moderate"]
    assert secretariat_client.get(url).context["page"].paginator.count == count
    count, url = next(item for label, item in waiting.items() if str(dialogue.pk) in item[1])
    page = secretariat_client.get(url).content.decode()
    assert page.count('name="registrations"') == count


def test_dashboard_shows_nothing_waits_as_zero(secretariat_client):
    waiting = _waiting(secretariat_client)
    assert waiting["Accreditation requests to review"][0] == 0
    assert waiting["Written comments to moderate"][0] == 0
    assert not [label for label in waiting if label.startswith("Applications")]


@pytest.mark.parametrize("size", [2, 20])
def test_dashboard_query_count_is_constant(secretariat_client, django_assert_max_num_queries, size):
    _fill(size, timezone.localdate())
    for _ in range(size):
        record(OrganisationFactory(), by=None, from_state="", to_state="registered")
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        response = secretariat_client.get(reverse("staff_dashboard"))
    assert response.status_code == 200


# --- The next dialogues and the last changes ----------------------------------------------


def test_dashboard_lists_next_dialogues_with_state_and_ordinal(secretariat_client):
    today = timezone.localdate()
    DialogueFactory(date=today - datetime.timedelta(days=400), state=Dialogue.State.HELD)
    upcoming = DialogueFactory(date=today + datetime.timedelta(days=10), state=Dialogue.State.OPEN)
    page = secretariat_client.get(reverse("staff_dashboard")).content.decode()
    assert "Second constructive dialogue" in page
    assert reverse("staff_dialogue", args=[upcoming.pk]) in page
    assert ">open<" in page.lower()


def test_dashboard_last_changes_name_who_acted_on_whose_behalf(secretariat_client, secretariat):
    accreditation = AccreditationFactory(organisation__name="Coalition for Safer Communities")
    when = timezone.now() - datetime.timedelta(days=3)
    record(
        accreditation,
        by=secretariat,
        from_state="",
        to_state=Accreditation.State.SUBMITTED,
        on_behalf_of="Coalition for Safer Communities",
        occurred_at=when,
    )
    page = secretariat_client.get(reverse("staff_dashboard")).content.decode()
    assert secretariat.email in page
    assert "on behalf of <bdi>Coalition for Safer Communities</bdi>" in page
    assert "Submitted" in page  # the state's label, not its value
    assert timezone.localtime(when).strftime("%-d") in page
    assert AuditEvent.objects.count() == 1


@pytest.mark.parametrize("size", [2, 20])
def test_chair_dialogues_query_count_is_constant(client, django_assert_max_num_queries, size):
    user = UserFactory()
    for _ in range(size):
        chair = DialogueChairFactory(user=user)
        DialogueChairFactory(dialogue=chair.dialogue)  # a Co-Chair
    client.force_login(user)
    with django_assert_max_num_queries(CHAIR_QUERIES):
        response = client.get(reverse("my_dialogues"))
    assert response.content.decode().count('class="card"') == size


# --- The focal point's organisations --------------------------------------------------------


def _organisations_of(user, n: int) -> None:
    for _ in range(n):
        focal_point = FocalPointFactory(user=user)
        AccreditationFactory(organisation=focal_point.organisation, state=Accreditation.State.ADMITTED)
        RegistrationFactory(organisation=focal_point.organisation, representatives=[])
        WrittenCommentFactory(organisation=focal_point.organisation, author=user)


def test_organisations_page_shows_state_of_each_application_and_comment(client):
    focal_point = FocalPointFactory()
    organisation = focal_point.organisation
    AccreditationFactory(organisation=organisation, state=Accreditation.State.ADMITTED)
    registration = RegistrationFactory(
        organisation=organisation, state=Registration.State.APPROVED, representatives=[]
    )
    comment = WrittenCommentFactory(
        organisation=organisation, author=focal_point.user, state=WrittenComment.State.SUBMITTED
    )
    RegistrationFactory(representatives=[])  # another organisation's: not shown
    client.force_login(focal_point.user)
    page = client.get(reverse("stakeholders:mine")).content.decode()
    assert reverse("my_application", args=[organisation.pk, registration.pk]) in page
    assert "First constructive dialogue" in page  # the ordinal came with the row
    assert "Approved" in page or "approved" in page
    assert reverse("submissions:mine", args=[organisation.pk, comment.pk]) in page
    assert comment.tracking_number in page
    assert page.count("my/organisations/") >= 2


@pytest.mark.parametrize("size", [2, 20])
def test_organisations_page_query_count_is_constant(client, django_assert_max_num_queries, size):
    user = UserFactory()
    _organisations_of(user, size)
    client.force_login(user)
    with django_assert_max_num_queries(ORGANISATIONS_QUERIES):
        response = client.get(reverse("stakeholders:mine"))
    assert response.content.decode().count('class="card"') == size


# --- The header -------------------------------------------------------------------------------


def test_header_links_to_account_settings(client, user):
    client.force_login(user)
    page = client.get(reverse("home")).content.decode()
    for name in ("account_email", "account_change_password", "mfa_index"):
        assert f'href="{reverse(name)}"' in page


def test_header_links_secretariat_to_dashboard(secretariat_client):
    page = secretariat_client.get(reverse("home")).content.decode()
    assert f'href="{reverse("staff_dashboard")}"' in page


def test_dashboard_links_to_what_the_secretariat_records_on_behalf(secretariat_client):
    page = secretariat_client.get(reverse("staff_dashboard")).content.decode()
    for name in (
        "stakeholders:staff_organisation_register",
        "stakeholders:staff_organisations",
        "submissions:staff_record",
        "staff_session_new",
        "staff_dialogue_record",
    ):
        url = reverse(name)
        assert f'href="{url}"' in page
        assert secretariat_client.get(url).status_code == 200
