"""The secretariat records a written comment received by e-mail, on the organisation's
behalf, through the focal points' services: for a live dialogue (the receipt to the focal
points, the deadline applied to the date received) and for one already held (recorded after
the fact: its year's tracking number, the date it was really published, no e-mail)."""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from post_office.models import Email

from dialogue_portal.models import AuditEvent
from sessions.models import Dialogue
from submissions import services
from submissions.models import WrittenComment
from tests.factories import (
    AgendaItemFactory,
    DialogueFactory,
    FocalPointFactory,
    HeldDialogueFactory,
    OrganisationFactory,
    UserFactory,
    WrittenCommentFactory,
    admitted_organisation,
    vienna,
)

State = WrittenComment.State
RECORD = reverse("submissions:staff_record")
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def organisation(db):
    return admitted_organisation(name="Sahel Migration Watch", acronym="SMW")


@pytest.fixture
def focal_user(organisation):
    return FocalPointFactory(organisation=organisation, user__email="amadou@smw.example").user


@pytest.fixture
def live(db):
    """Open, its comments deadline two hours ago: a focal point can no longer comment."""
    return DialogueFactory(
        state=Dialogue.State.OPEN, comments_deadline=timezone.now() - datetime.timedelta(hours=2)
    )


@pytest.fixture
def held(db):
    return HeldDialogueFactory()


def _url(organisation, dialogue) -> str:
    return f"{RECORD}?organisation={organisation.pk}&dialogue={dialogue.pk}"


def _local(moment: datetime.datetime, dialogue) -> str:
    return timezone.localtime(moment, dialogue.zone).strftime("%Y-%m-%dT%H:%M")


def _form(**overrides) -> dict:
    return {
        "title": "Rescue at sea must never be criminalised",
        "body": "Our teams documented pushbacks in the central Mediterranean.",
        "language": "en",
        "about": "",
        "consent_to_publish": "on",
        **overrides,
    }


def _field_errors(page: str, field: str) -> str:
    match = re.search(rf'<ul class="errorlist"[^>]*id="id_{field}_error">(.*?)</ul>', page, re.S)
    return match.group(1) if match else ""


# --- The pages ----------------------------------------------------------------------------


def test_queue_links_to_the_record_page(secretariat_client):
    page = secretariat_client.get(reverse("submissions:staff_queue")).content.decode()
    assert f'href="{RECORD}"' in page
    assert "Record a comment received by e-mail" in page


def test_record_page_refused_to_focal_points_and_visitors(client, focal_user, organisation, held):
    assert client.get(_url(organisation, held)).status_code == 302  # to the login page
    client.force_login(focal_user)
    assert client.get(_url(organisation, held)).status_code == 404
    assert client.post(_url(organisation, held), _form(received_at="2023-04-20T10:00")).status_code == 404
    assert not WrittenComment.objects.exists()


def test_record_chooser_offers_admitted_organisations_and_recordable_dialogues(
    secretariat_client, organisation, held, live
):
    not_admitted = OrganisationFactory(name="Not Yet Admitted")
    scheduled = DialogueFactory(state=Dialogue.State.SCHEDULED)
    page = secretariat_client.get(RECORD).content.decode()
    assert f'<option value="{organisation.pk}">Sahel Migration Watch (SMW)</option>' in page
    assert "Not Yet Admitted" not in page
    assert f'<option value="{held.pk}">' in page
    assert f'<option value="{live.pk}">' in page
    assert f'<option value="{scheduled.pk}">' not in page
    # A choice not offered is asked again, not a form of its own.
    page = secretariat_client.get(
        f"{RECORD}?organisation={not_admitted.pk}&dialogue={held.pk}"
    ).content.decode()
    assert 'name="body"' not in page
    assert "Select a valid choice" in page


def test_record_linked_from_an_organisations_page_has_it_chosen(secretariat_client, organisation, held):
    page = secretariat_client.get(f"{RECORD}?organisation={organisation.pk}").content.decode()
    assert f'<option value="{organisation.pk}" selected>' in page
    assert "This field is required" not in page
    assert 'name="body"' not in page


def test_record_form_for_held_dialogue_offers_publication(secretariat_client, organisation, held, live):
    page = secretariat_client.get(_url(organisation, held)).content.decode()
    assert 'type="datetime-local" name="received_at"' in page
    assert 'name="published_at"' in page
    assert "nobody is e-mailed" in page
    page = secretariat_client.get(_url(organisation, live)).content.decode()
    assert 'name="received_at"' in page
    assert 'name="published_at"' not in page


# --- A live dialogue: on behalf, after the deadline with the date received ------------------


def test_comment_received_before_deadline_recorded_after_it_on_behalf(
    secretariat_client, secretariat, organisation, focal_user, live, django_capture_on_commit_callbacks
):
    received = live.comments_deadline - datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat_client.post(
            _url(organisation, live),
            _form(received_at=_local(received, live), attachments=[SimpleUploadedFile("annex.pdf", PDF)]),
            follow=True,
        )
    comment = WrittenComment.objects.get()
    assert response.redirect_chain[-1][0] == reverse("submissions:staff_comment", args=[comment.pk])
    assert (comment.state, comment.organisation, comment.author) == (State.SUBMITTED, organisation, None)
    assert comment.received_at == received.replace(second=0, microsecond=0)
    assert comment.tracking_number == f"WC-{timezone.localtime(received).year}-{live.pk}-1"
    assert [a.original_name for a in comment.attachments.all()] == ["annex.pdf"]
    assert f"tracking number {comment.tracking_number}" in response.content.decode()
    # The audit rows name the staff member and the organisation, at the time received.
    events = list(AuditEvent.objects.for_object(comment).order_by("id"))
    assert [(e.from_state, e.to_state) for e in events] == [("", State.DRAFT), (State.DRAFT, State.SUBMITTED)]
    for event in events:
        assert event.actor == secretariat
        assert event.on_behalf_of == "Sahel Migration Watch"
        assert event.note.startswith("On behalf of Sahel Migration Watch.")
        assert event.occurred_at == comment.received_at
    # The focal points get the receipt, as if they had submitted it.
    (email,) = mail.outbox
    assert email.to == [focal_user.email]
    assert comment.tracking_number in email.body


def test_focal_point_still_refused_after_the_deadline(client, focal_user, organisation, live):
    client.force_login(focal_user)
    new = f"{reverse('submissions:new', args=[organisation.pk])}?dialogue={live.pk}"
    assert "closed on" in client.get(new).content.decode()
    client.post(new, _form(save="1"))
    assert not WrittenComment.objects.exists()
    draft = WrittenCommentFactory(organisation=organisation, author=focal_user, dialogue=live)
    client.post(reverse("submissions:submit", args=[organisation.pk, draft.pk]))
    draft.refresh_from_db()
    assert draft.state == State.DRAFT
    with pytest.raises(ValidationError, match="closed on"):
        services.comment_submit(comment=draft, by=focal_user)


@pytest.mark.parametrize(
    ("received", "message"),
    [
        (
            lambda d: d.comments_deadline + datetime.timedelta(minutes=1),
            "a comment received after it cannot be recorded",
        ),
        (lambda d: timezone.now() + datetime.timedelta(days=1), "cannot be in the future"),
    ],
    ids=["after-the-deadline", "in-the-future"],
)
def test_received_date_refused_next_to_the_field_nothing_recorded(
    secretariat_client, organisation, received, message
):
    dialogue = DialogueFactory(
        state=Dialogue.State.OPEN, comments_deadline=timezone.now() - datetime.timedelta(days=2)
    )
    if message == "cannot be in the future":
        dialogue.comments_deadline = timezone.now() + datetime.timedelta(days=5)
        dialogue.save()
    response = secretariat_client.post(
        _url(organisation, dialogue),
        _form(received_at=_local(received(dialogue), dialogue), title="Kept title"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert message in _field_errors(page, "received_at")
    assert 'value="Kept title"' in page
    assert not WrittenComment.objects.exists()
    assert not AuditEvent.objects.filter(to_state=State.DRAFT).exists()


def test_record_form_sent_twice_records_once(secretariat_client, organisation, live):
    page = secretariat_client.get(_url(organisation, live)).content.decode()
    token = re.search(r'name="form_token" value="([0-9a-f]+)"', page).group(1)
    data = _form(
        received_at=_local(live.comments_deadline - datetime.timedelta(hours=3), live), form_token=token
    )
    secretariat_client.post(_url(organisation, live), data)
    secretariat_client.post(_url(organisation, live), data)
    assert WrittenComment.objects.get().sequence == 1


def test_record_with_agenda_item_of_the_one_control(secretariat_client, organisation, live):
    item = AgendaItemFactory(dialogue=live, title="Rescue at sea")
    secretariat_client.post(
        _url(organisation, live),
        _form(
            received_at=_local(live.comments_deadline - datetime.timedelta(hours=3), live),
            about=f"item:{item.pk}",
        ),
    )
    comment = WrittenComment.objects.get()
    assert (comment.agenda_item, comment.cluster) == (item, "")


# --- A dialogue already held: recorded after the fact ----------------------------------------


def test_held_dialogue_comment_recorded_with_its_year_published_date_and_no_email(
    secretariat_client, secretariat, organisation, focal_user, held, django_capture_on_commit_callbacks
):
    received = vienna(datetime.date(2023, 4, 18), 9, 30)
    published = vienna(datetime.date(2023, 5, 12), 14, 0)
    with django_capture_on_commit_callbacks(execute=True):
        secretariat_client.post(
            _url(organisation, held),
            _form(
                received_at=_local(received, held),
                publication="publish",
                published_at=_local(published, held),
            ),
        )
    comment = WrittenComment.objects.get()
    assert comment.state == State.PUBLISHED
    assert comment.tracking_number == f"WC-2023-{held.pk}-1"
    assert (comment.received_at, comment.published_at) == (received, published)
    assert comment.published_anonymously is False
    # Nobody is e-mailed for what is recorded after the fact: no message queued, none sent.
    assert mail.outbox == []
    assert not Email.objects.exists()
    publication = AuditEvent.objects.for_object(comment).get(to_state=State.PUBLISHED)
    assert (publication.actor, publication.occurred_at) == (secretariat, published)
    # On the public page, with the date it was really published.
    page = secretariat_client.get(reverse("submissions:detail", args=[comment.pk])).content.decode()
    assert "12 May 2023" in page


def test_held_dialogue_comment_published_anonymously_only_when_asked(secretariat_client, organisation, held):
    data = _form(
        received_at="2023-04-18T09:30", publication="publish-anonymously", published_at="2023-05-12T14:00"
    )
    page = secretariat_client.post(_url(organisation, held), data).content.decode()
    assert "did not ask to be published without its name" in page
    assert not WrittenComment.objects.exists()
    secretariat_client.post(_url(organisation, held), {**data, "anonymity_requested": "on"})
    comment = WrittenComment.objects.get()
    assert (comment.state, comment.published_anonymously) == (State.PUBLISHED, True)


def test_held_dialogue_publication_date_before_received_refused(secretariat_client, organisation, held):
    data = _form(received_at="2023-04-18T09:30", publication="publish", published_at="2023-04-01T10:00")
    page = secretariat_client.post(_url(organisation, held), data).content.decode()
    assert "cannot be before the date received" in _field_errors(page, "published_at")
    assert not WrittenComment.objects.exists()


def test_held_dialogue_comment_left_to_moderate_when_not_published(secretariat_client, organisation, held):
    secretariat_client.post(_url(organisation, held), _form(received_at="2023-04-18T09:30"))
    comment = WrittenComment.objects.get()
    assert (comment.state, comment.published_at) == (State.SUBMITTED, None)
    assert comment.tracking_number == f"WC-2023-{held.pk}-1"
    assert not Email.objects.exists()


def test_service_records_received_comment_for_a_later_year_of_the_same_dialogue(organisation, held):
    """Numbers stay gapless per dialogue whoever records them, the year the one received."""
    staff = UserFactory(is_staff=True)
    first = services.comment_record_received(
        organisation=organisation,
        dialogue=held,
        by=staff,
        received_at=vienna(datetime.date(2023, 4, 1), 12, 0),
        title="One",
        body="First.",
        language="en",
        consent_to_publish=True,
    )
    second = services.comment_record_received(
        organisation=organisation,
        dialogue=held,
        by=staff,
        received_at=vienna(datetime.date(2023, 4, 2), 12, 0),
        title="Two",
        body="Second.",
        language="en",
        consent_to_publish=False,
    )
    assert [first.tracking_number, second.tracking_number] == [f"WC-2023-{held.pk}-1", f"WC-2023-{held.pk}-2"]


def test_service_refuses_organisation_not_admitted(held):
    with pytest.raises(ValidationError, match="Only organisations admitted"):
        services.comment_record_received(
            organisation=OrganisationFactory(),
            dialogue=held,
            by=UserFactory(is_staff=True),
            received_at=vienna(datetime.date(2023, 4, 1), 12, 0),
            title="One",
            body="First.",
            language="en",
        )
    assert not WrittenComment.objects.exists()
