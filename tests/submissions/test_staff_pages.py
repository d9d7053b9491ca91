"""The secretariat's written-comment pages and admin, used as the secretariat would: the
moderation queue, one comment and its decisions; what changed is checked in the database,
in the audit log, on the page and in the outbox."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import reverse

from dialogue_portal.models import AuditEvent
from dialogue_portal.roles import SECRETARIAT_GROUP
from dialogue_portal.transitions import record
from sessions.models import Dialogue
from submissions.models import Attachment, WrittenComment
from tests.factories import (
    DialogueFactory,
    FocalPointFactory,
    UserFactory,
    WrittenCommentFactory,
    admitted_organisation,
)

State = WrittenComment.State
QUEUE = reverse("submissions:staff_queue")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def dialogue(db):
    return DialogueFactory(state=Dialogue.State.OPEN)


@pytest.fixture
def organisation(db):
    return admitted_organisation(name="Observatorio de Armas", acronym="ODA")


@pytest.fixture
def author(organisation):
    return FocalPointFactory(organisation=organisation, user__email="lucia@oda.example").user


@pytest.fixture
def submitted(dialogue, organisation, author):
    return WrittenCommentFactory(
        dialogue=dialogue,
        organisation=organisation,
        author=author,
        state=State.SUBMITTED,
        title="Tracing seized firearms",
        body="Paragraph one <script>alert('x')</script>.\n\nParagraph two.",
    )


@pytest.fixture
def act(secretariat_client, django_capture_on_commit_callbacks):
    """POST one decision from the comment's page; e-mails queued on commit are sent."""

    def post(comment: WrittenComment, action: str, **data):
        with django_capture_on_commit_callbacks(execute=True):
            return secretariat_client.post(_action_url(comment, action), data, follow=True)

    return post


def _detail_url(comment: WrittenComment) -> str:
    return reverse("submissions:staff_comment", args=[comment.pk])


def _action_url(comment: WrittenComment, action: str) -> str:
    return reverse("submissions:staff_action", args=[comment.pk, action])


def _page(response) -> str:
    return response.content.decode()


def _transitions(comment: WrittenComment) -> list[tuple[str, str]]:
    return list(AuditEvent.objects.for_object(comment).order_by("id").values_list("from_state", "to_state"))


# --- The queue -------------------------------------------------------------------------------------


def test_queue_lists_submitted_comments_by_default(secretariat_client, submitted, dialogue):
    WrittenCommentFactory(dialogue=dialogue, state=State.PUBLISHED, title="Already published")
    WrittenCommentFactory(dialogue=dialogue, state=State.DRAFT, title="A draft nobody sent")
    page = _page(secretariat_client.get(QUEUE))
    assert "Tracing seized firearms" in page
    assert submitted.tracking_number in page
    assert _detail_url(submitted) in page
    assert "Already published" not in page
    assert "A draft nobody sent" not in page


def test_queue_all_states_never_lists_drafts(secretariat_client, submitted, dialogue):
    WrittenCommentFactory(dialogue=dialogue, state=State.PUBLISHED, title="Already published")
    WrittenCommentFactory(dialogue=dialogue, state=State.DRAFT, title="A draft nobody sent")
    page = _page(secretariat_client.get(QUEUE, {"state": "all"}))
    assert "Tracing seized firearms" in page
    assert "Already published" in page
    assert "A draft nobody sent" not in page


@pytest.mark.parametrize(
    ("filter_name", "matching", "other"),
    [
        ("dialogue", {}, {"dialogue": "other"}),
        ("language", {"language": "fr"}, {"language": "es"}),
        ("organisation", {}, {"organisation": "other"}),
        ("state", {"state": State.REJECTED}, {"state": State.WITHDRAWN}),
    ],
)
def test_queue_filters(secretariat_client, dialogue, organisation, filter_name, matching, other):
    other_dialogue = DialogueFactory(state=Dialogue.State.OPEN)
    other_organisation = admitted_organisation(name="Another network")
    defaults = {
        "state": State.SUBMITTED,
        "dialogue": dialogue,
        "organisation": organisation,
        "language": "en",
    }
    wanted = WrittenCommentFactory(**(defaults | matching), title="The wanted comment")
    unwanted_fields = defaults | other
    if other.get("dialogue") == "other":
        unwanted_fields["dialogue"] = other_dialogue
    if other.get("organisation") == "other":
        unwanted_fields["organisation"] = other_organisation
    WrittenCommentFactory(**unwanted_fields, title="The unwanted comment")

    value = {
        "dialogue": dialogue.pk,
        "language": "fr",
        "organisation": organisation.pk,
        "state": State.REJECTED,
    }[filter_name]
    page = _page(secretariat_client.get(QUEUE, {filter_name: value}))
    assert "The wanted comment" in page
    assert "The unwanted comment" not in page
    assert wanted.tracking_number in page


def test_queue_ignores_a_malformed_filter(secretariat_client, submitted):
    response = secretariat_client.get(QUEUE, {"dialogue": "not-a-number", "language": "xx"})
    assert response.status_code == 200
    assert "Tracing seized firearms" in _page(response)


@pytest.mark.parametrize("rows", [5, 50])
def test_queue_runs_a_fixed_number_of_queries(
    secretariat_client, dialogue, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        comment = WrittenCommentFactory(dialogue=dialogue, state=State.SUBMITTED)
        Attachment.objects.create(
            comment=comment, file="attachments/x.pdf", original_name="x.pdf", kind="pdf", size=10
        )
    with django_assert_max_num_queries(8):
        response = secretariat_client.get(QUEUE, {"dialogue": dialogue.pk, "language": "en"})
    assert _page(response).count("1 attachment") == rows


# --- One comment ---------------------------------------------------------------------------------------


def test_comment_page_shows_text_escaped_attachments_and_history(secretariat_client, submitted, author):
    attachment = Attachment(comment=submitted, original_name="Annex on tracing.pdf", kind="pdf", size=9)
    attachment.file.save("annex.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    record(submitted, by=author, from_state="draft", to_state="submitted")
    page = _page(secretariat_client.get(_detail_url(submitted)))
    assert "<p>Paragraph one &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;.</p>" in page
    assert "<p>Paragraph two.</p>" in page
    assert "<script>alert" not in page
    assert reverse("submissions:attachment", args=[attachment.pk]) in page
    assert "Annex on tracing.pdf" in page
    assert "Observatorio de Armas" in page
    assert "lucia@oda.example" in page
    assert re.search(r"<td>Draft</td>\s*<td>Submitted</td>\s*<td>lucia@oda.example</td>", page)


def test_comment_page_offers_publication_without_name_only_when_asked(secretariat_client, dialogue):
    plain = WrittenCommentFactory(dialogue=dialogue, state=State.SUBMITTED)
    asking = WrittenCommentFactory(dialogue=dialogue, state=State.SUBMITTED, anonymity_requested=True)
    refusing = WrittenCommentFactory(dialogue=dialogue, state=State.SUBMITTED, consent_to_publish=False)
    plain_page = _page(secretariat_client.get(_detail_url(plain)))
    asking_page = _page(secretariat_client.get(_detail_url(asking)))
    refusing_page = _page(secretariat_client.get(_detail_url(refusing)))
    assert _action_url(plain, "publish") in plain_page
    assert _action_url(plain, "publish-anonymously") not in plain_page
    assert _action_url(asking, "publish-anonymously") in asking_page
    assert _action_url(refusing, "publish") not in refusing_page
    assert "did not consent to publication" in refusing_page
    assert _action_url(refusing, "reject") in refusing_page


def test_publish_publishes_with_name_and_tells_submitter(act, submitted, secretariat, author, client):
    response = act(submitted, "publish")
    submitted.refresh_from_db()
    assert submitted.state == State.PUBLISHED
    assert submitted.published_at is not None
    assert submitted.published_anonymously is False
    assert f"The comment {submitted.tracking_number} is published." in _page(response)
    assert list(AuditEvent.objects.for_object(submitted).values_list("from_state", "to_state", "actor")) == [
        ("submitted", "published", secretariat.pk)
    ]
    (email,) = mail.outbox
    assert email.to == [author.email]
    assert submitted.tracking_number in email.body
    public = _page(client.get(reverse("submissions:detail", args=[submitted.pk])))
    assert "Observatorio de Armas" in public


def test_publish_anonymously_hides_the_organisation(act, dialogue, organisation, author, client):
    comment = WrittenCommentFactory(
        dialogue=dialogue,
        organisation=organisation,
        author=author,
        state=State.SUBMITTED,
        anonymity_requested=True,
        title="Threats against our researchers",
    )
    response = act(comment, "publish-anonymously")
    comment.refresh_from_db()
    assert (comment.state, comment.published_anonymously) == (State.PUBLISHED, True)
    assert "without the organisation&#x27;s name" in _page(response)
    assert AuditEvent.objects.for_object(comment).get().note == "Without the organisation's name."
    assert [email.to for email in mail.outbox] == [[author.email]]
    public = client.get(reverse("submissions:detail", args=[comment.pk]))
    assert public.status_code == 200
    assert "Threats against our researchers" in _page(public)
    assert "Observatorio de Armas" not in _page(public)
    assert "ODA" not in _page(public)


def test_publish_anonymously_refused_when_not_asked(act, submitted):
    response = act(submitted, "publish-anonymously")
    submitted.refresh_from_db()
    assert (submitted.state, submitted.published_anonymously) == (State.SUBMITTED, False)
    assert "did not ask to be published without its name" in _page(response)
    assert _transitions(submitted) == []
    assert mail.outbox == []


def test_publish_without_consent_refused_in_the_error_summary(act, dialogue):
    comment = WrittenCommentFactory(dialogue=dialogue, state=State.SUBMITTED, consent_to_publish=False)
    response = act(comment, "publish")
    comment.refresh_from_db()
    assert comment.state == State.SUBMITTED
    assert comment.published_at is None
    page = _page(response)
    assert "The organisation did not consent to publication: the comment is read, never published." in page
    assert 'class="error-summary"' in page
    assert _transitions(comment) == []
    assert mail.outbox == []


def test_reject_with_reason_tells_submitter(act, submitted, author, client):
    response = act(submitted, "reject", reason="  Outside the dialogue's topic.  ")
    submitted.refresh_from_db()
    assert submitted.state == State.REJECTED
    assert submitted.reason == "Outside the dialogue's topic."
    assert "is rejected" in _page(response)
    event = AuditEvent.objects.for_object(submitted).get()
    assert (event.from_state, event.to_state, event.note) == (
        "submitted",
        "rejected",
        "Outside the dialogue's topic.",
    )
    (email,) = mail.outbox
    assert email.to == [author.email]
    assert "Outside the dialogue's topic." in email.body
    client.force_login(author)
    mine = reverse("submissions:mine", args=[submitted.organisation_id, submitted.pk])
    assert "Outside the dialogue&#x27;s topic." in _page(client.get(mine))


def test_reject_without_reason_refused_next_to_field(act, submitted):
    response = act(submitted, "reject", reason="   ")
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED
    assert submitted.reason == ""
    page = _page(response)
    assert response.status_code == 200
    assert re.search(
        r'<ul class="errorlist" id="id_reject_reason_error">'
        r"<li>Give the reason; the submitter reads it.</li>",
        page,
    )
    assert 'href="#id_reject_reason"' in page  # the error summary links to the field
    assert _transitions(submitted) == []
    assert mail.outbox == []


def test_unpublish_with_reason(act, dialogue, author, organisation):
    comment = WrittenCommentFactory(
        dialogue=dialogue, organisation=organisation, author=author, state=State.PUBLISHED
    )
    page = _page(act(comment, "unpublish", reason="It names a victim."))
    comment.refresh_from_db()
    assert (comment.state, comment.reason) == (State.UNPUBLISHED, "It names a victim.")
    assert "taken off the public page" in page
    assert _transitions(comment) == [("published", "unpublished")]
    assert [email.to for email in mail.outbox] == [[author.email]]


def test_unpublish_without_reason_refused(act, dialogue):
    comment = WrittenCommentFactory(dialogue=dialogue, state=State.PUBLISHED)
    response = act(comment, "unpublish", reason="")
    comment.refresh_from_db()
    assert comment.state == State.PUBLISHED
    assert "Give the reason; the submitter reads it." in _page(response)
    assert _transitions(comment) == []


def test_publish_of_rejected_comment_refused_as_message(act, dialogue):
    comment = WrittenCommentFactory(dialogue=dialogue, state=State.REJECTED, reason="No.")
    response = act(comment, "publish")
    comment.refresh_from_db()
    assert comment.state == State.REJECTED
    assert "cannot go from “rejected” to “published”" in _page(response)


def test_unknown_action_is_404(secretariat_client, submitted):
    assert secretariat_client.post(_action_url(submitted, "delete")).status_code == 404
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED


def test_action_by_get_is_refused(secretariat_client, submitted):
    assert secretariat_client.get(_action_url(submitted, "publish")).status_code == 405
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED


# --- Who may --------------------------------------------------------------------------------------------


def _focal_point(comment):
    return comment.author


def _staff_outside_secretariat(comment):
    return UserFactory(is_staff=True)


def _plain_user(comment):
    return UserFactory()


@pytest.mark.parametrize("who", [_focal_point, _staff_outside_secretariat, _plain_user])
@pytest.mark.parametrize("page", ["queue", "comment", "publish"])
def test_staff_pages_are_404_to_everyone_else(client, submitted, who, page):
    client.force_login(who(submitted))
    if page == "queue":
        response = client.get(QUEUE)
    elif page == "comment":
        response = client.get(_detail_url(submitted))
    else:
        response = client.post(_action_url(submitted, "publish"))
    assert response.status_code == 404
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED


def test_staff_pages_send_visitors_to_login(client, submitted):
    for response in (
        client.get(QUEUE),
        client.get(_detail_url(submitted)),
        client.post(_action_url(submitted, "publish")),
    ):
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED


def test_secretariat_group_member_who_is_not_staff_gets_404(client, submitted):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))
    client.force_login(user)
    assert client.get(QUEUE).status_code == 404


# --- The admin --------------------------------------------------------------------------------------------


def test_admin_publish_action_goes_through_service(
    secretariat_client, submitted, dialogue, secretariat, django_capture_on_commit_callbacks
):
    refusing = WrittenCommentFactory(dialogue=dialogue, state=State.SUBMITTED, consent_to_publish=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat_client.post(
            reverse("admin:submissions_writtencomment_changelist"),
            {"action": "comment_publish", "_selected_action": [submitted.pk, refusing.pk]},
            follow=True,
        )
    submitted.refresh_from_db()
    refusing.refresh_from_db()
    assert (submitted.state, refusing.state) == (State.PUBLISHED, State.SUBMITTED)
    page = _page(response)
    assert "1 comment published." in page
    assert "did not consent to publication" in page
    assert _transitions(submitted) == [("submitted", "published")]
    assert len(mail.outbox) == 1


def test_admin_change_page_is_read_only_with_attachment_links(secretariat_client, submitted):
    attachment = Attachment(comment=submitted, original_name="Annex.docx", kind="docx", size=9)
    attachment.file.save("annex.docx", ContentFile(b"PK\x03\x04"), save=True)
    page = _page(
        secretariat_client.get(reverse("admin:submissions_writtencomment_change", args=[submitted.pk]))
    )
    assert f'href="{reverse("submissions:attachment", args=[attachment.pk])}"' in page
    assert "Annex.docx" in page
    assert 'name="state"' not in page
    assert 'name="body"' not in page
    assert _detail_url(submitted) in page


def test_admin_changelist_filters_by_dialogue_state_language_organisation(
    secretariat_client, submitted, dialogue
):
    other = WrittenCommentFactory(state=State.PUBLISHED, language="fr", title="Another comment")
    url = reverse("admin:submissions_writtencomment_changelist")
    page = _page(secretariat_client.get(url, {"dialogue": dialogue.pk}))
    assert "Tracing seized firearms" in page
    assert "Another comment" not in page
    for query in (
        {"state__exact": "published"},
        {"language__exact": "fr"},
        {"organisation__id__exact": other.organisation_id},
    ):
        page = _page(secretariat_client.get(url, query))
        assert "Another comment" in page
        assert "Tracing seized firearms" not in page
    assert "Tracing seized firearms" in _page(secretariat_client.get(url, {"q": "seized"}))
