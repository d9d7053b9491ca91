"""Publication of the CRP: the secretariat publishes the PDF of an approved summary, the
Chairs and the participating organisations are told, the file never changes, and a
correction is published as /Rev.1 beside the first, which stays."""

import hashlib

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from dialogue_portal.models import AuditEvent
from reports import selectors, services
from reports.models import ChairSummary, CrpDocument
from reports.permissions import drafter
from tests.factories import ApprovedRegistrationFactory, RegistrationFactory, SummaryRevisionFactory

from .crp_pdf import page_texts

TEXT = "# Introduction\n\nThe first paragraph of the summary.\n\nThe second paragraph."


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.REQUIRE_MFA = False


@pytest.fixture
def approved(summary, chair_user):
    SummaryRevisionFactory(summary=summary, text=TEXT, author=chair_user)
    ChairSummary.objects.filter(pk=summary.pk).update(state=ChairSummary.State.APPROVED)
    summary.refresh_from_db()
    return summary


@pytest.fixture
def staff(secretariat):
    client = Client()
    client.force_login(secretariat)
    return client


@pytest.fixture
def press(django_capture_on_commit_callbacks):
    """A POST through the page, with what it asks after commit (the render, the e-mail) done."""

    def post(client, url, data=None):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, data or {})
        assert response.status_code == 302, response.content.decode()[:2000]
        return client.get(response["Location"])

    return post


def _generate_url(summary):
    return reverse("reports:summary_generate", args=[summary.dialogue_id])


def _action(summary, slug):
    return reverse("reports:summary_action", args=[summary.dialogue_id, slug])


def _file_bytes(document) -> bytes:
    with document.file.open("rb") as file:
        return file.read()


def test_the_secretariat_publishes_the_pdf_and_the_chairs_and_participants_are_told(
    approved, staff, press, secretariat, chair_user
):
    participant = ApprovedRegistrationFactory(dialogue=approved.dialogue, focal_point=True)
    outsider = RegistrationFactory(dialogue=approved.dialogue, focal_point=True)  # never admitted
    press(staff, _generate_url(approved))
    page = staff.get(reverse("reports:summary", args=[approved.dialogue_id])).content.decode()
    assert "Publish the Conference Room Paper" in page
    confirmation = staff.get(_action(approved, "publish")).content.decode()
    assert "never changes" in confirmation
    mail.outbox.clear()

    response = press(staff, _action(approved, "publish"))

    approved.refresh_from_db()
    document = CrpDocument.objects.get()
    assert approved.is_published
    assert document.published_by == secretariat
    assert document.published_at is not None
    assert f"{approved.symbol} is published" in response.content.decode()
    event = AuditEvent.objects.get(object_id=str(approved.pk), from_state="approved", to_state="published")
    assert event.actor == secretariat
    assert event.note == approved.symbol
    recipients = {address for message in mail.outbox for address in message.to}
    assert chair_user.email in recipients
    assert participant.organisation.focal_points.get().user.email in recipients
    assert outsider.organisation.focal_points.get().user.email not in recipients
    assert secretariat.email not in recipients
    body = mail.outbox[0].body
    assert approved.symbol in mail.outbox[0].subject
    assert reverse("reports:document_latest", args=[services.document_slug(approved.symbol)]) in body


def test_publish_is_not_offered_before_the_pdf_is_made_and_refused_if_asked(approved, staff):
    page = staff.get(reverse("reports:summary", args=[approved.dialogue_id])).content.decode()
    assert "Publish the Conference Room Paper" not in page

    response = staff.post(_action(approved, "publish"))

    assert "Generate the PDF of the approved text first" in response.content.decode()
    approved.refresh_from_db()
    assert approved.is_approved
    assert not CrpDocument.objects.published().exists()


def test_a_chair_cannot_publish(approved, press, chair_user):
    chair = Client()
    chair.force_login(chair_user)
    press(chair, _generate_url(approved))

    chair.post(_action(approved, "publish"))

    approved.refresh_from_db()
    assert approved.is_approved
    assert not CrpDocument.objects.published().exists()


def test_a_draft_is_not_published(summary, chair_user, staff, press):
    SummaryRevisionFactory(summary=summary, text=TEXT, author=chair_user)
    press(staff, _generate_url(summary))

    staff.post(_action(summary, "publish"))

    summary.refresh_from_db()
    assert summary.is_draft
    assert not CrpDocument.objects.published().exists()


def test_a_correction_is_published_as_rev_1_and_the_first_stays_as_it_was(
    approved, staff, press, secretariat, chair_user
):
    press(staff, _generate_url(approved))
    press(staff, _action(approved, "publish"))
    first = CrpDocument.objects.get()
    first_bytes = _file_bytes(first)

    # The secretariat reopens it to correct a figure; the Chair approves the correction.
    press(staff, _action(approved, "reopen"), {"reason": "A figure in paragraph 2 was wrong."})
    approved.refresh_from_db()
    assert approved.is_draft
    SummaryRevisionFactory(summary=approved, text=TEXT.replace("second", "corrected second"))
    approved.refresh_from_db()
    role = drafter(chair_user, approved.dialogue)
    services.summary_send_for_review(summary=approved, by=chair_user, role=role)
    services.summary_approve(summary=approved, by=chair_user, role=role)
    press(staff, _generate_url(approved))
    press(staff, _action(approved, "publish"))

    correction = CrpDocument.objects.exclude(pk=first.pk).get()
    assert correction.symbol == f"{approved.symbol}/Rev.1"
    assert correction.correction == 1
    assert correction.published_at is not None
    assert f"{approved.symbol}/Rev.1" in page_texts(_file_bytes(correction))[0]
    first.refresh_from_db()
    assert first.published_at is not None
    assert _file_bytes(first) == first_bytes
    assert first.file.name == f"crp/{hashlib.sha256(first_bytes).hexdigest()}.pdf"
    assert selectors.next_crp_symbol(approved) == f"{approved.symbol}/Rev.2"


def test_only_the_secretariat_reopens_a_published_summary_and_its_symbol_stays(
    approved, staff, press, chair_user
):
    press(staff, _generate_url(approved))
    press(staff, _action(approved, "publish"))
    chair = Client()
    chair.force_login(chair_user)

    chair.post(_action(approved, "reopen"), {"reason": "Mine."})

    approved.refresh_from_db()
    assert approved.is_published
    press(staff, _action(approved, "reopen"), {"reason": "A correction."})
    page = staff.get(reverse("reports:summary", args=[approved.dialogue_id])).content.decode()
    assert "Change the symbol" not in page
    symbol = approved.symbol

    staff.post(
        reverse("reports:summary_symbol", args=[approved.dialogue_id]),
        {"symbol": "CTOC/COP/WG.99/2023/CRP.77"},
    )

    approved.refresh_from_db()
    assert approved.symbol == symbol
