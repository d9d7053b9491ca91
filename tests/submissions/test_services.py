"""Written comments' services: drafts and their attachments, submission, moderation, the lifecycle."""

import datetime
import io
import itertools
import re
import zipfile

import pytest
from django.contrib.postgres.search import SearchQuery
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from dialogue_portal.models import AuditEvent
from dialogue_portal.transitions import TransitionNotAllowed
from sessions.models import Dialogue
from stakeholders.models import Accreditation
from submissions import services
from submissions.models import Attachment, WrittenComment
from tests.factories import (
    AccreditationFactory,
    AgendaItemFactory,
    DialogueFactory,
    FocalPointFactory,
    OrganisationFactory,
    WrittenCommentFactory,
    admitted_organisation,
    vienna,
)

State = WrittenComment.State

# DialogueFactory's deadline for comments: a week before the dialogue of 6 March 2030.
DEADLINE = vienna(datetime.date(2030, 2, 27))


# --- Fixtures and helpers -------------------------------------------------------------------


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run the on-commit callbacks (the e-mails) of what happens inside, as a commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def files_under(root) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


@pytest.fixture
def dialogue(db):
    return DialogueFactory(state=Dialogue.State.OPEN)


@pytest.fixture
def organisation(db):
    return admitted_organisation(name="Fundación Ñandú")


@pytest.fixture
def focal(organisation):
    return FocalPointFactory(organisation=organisation).user


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", b"<w:document/>")
    return buffer.getvalue()


def odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "mimetype", b"application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED
        )
        archive.writestr("content.xml", b"<office:document-content/>")
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def draft(organisation, dialogue, focal, **fields) -> WrittenComment:
    values = {
        "title": "Data on firearms trafficking",
        "body": "Civil society holds data on firearms trafficking that the review should use.",
        "language": "en",
        "consent_to_publish": True,
    }
    values.update(fields)
    return services.comment_save_draft(organisation=organisation, dialogue=dialogue, by=focal, **values)


def audit(comment) -> list[tuple[str, str, str]]:
    return [
        (event.from_state, event.to_state, event.note)
        for event in AuditEvent.objects.for_object(comment).order_by("id")
    ]


# --- The lifecycle: every move through its service -------------------------------------------------


def move(comment, to, by):
    """Call the service that moves a comment to ``to``."""
    if to == State.SUBMITTED:
        return services.comment_submit(comment=comment, by=by)
    if to == State.PUBLISHED:
        return services.comment_publish(comment=comment, by=by)
    if to == State.REJECTED:
        return services.comment_reject(comment=comment, by=by, reason="Off the dialogue's subject.")
    if to == State.WITHDRAWN:
        return services.comment_withdraw(comment=comment, by=by)
    if to == State.UNPUBLISHED:
        return services.comment_unpublish(comment=comment, by=by, reason="Names a private person.")
    raise AssertionError(f"no service moves a comment to {to}")


# No service moves a comment back to draft: a draft is made by comment_save_draft.
TARGETS = [State.SUBMITTED, State.PUBLISHED, State.REJECTED, State.WITHDRAWN, State.UNPUBLISHED]
LEGAL_MOVES = sorted((src, dst) for src, targets in services.NEXT_STATES.items() for dst in targets)
# Submitting a submitted comment again is the double submit: answered, not refused (below).
ILLEGAL_MOVES = [
    (src, dst)
    for src, dst in itertools.product(State.values, TARGETS)
    if dst not in services.NEXT_STATES[src] and (src, dst) != (State.SUBMITTED, State.SUBMITTED)
]

# DESIGN.md § Vocabulary, WrittenComment.
DESIGN_MOVES = [
    (State.DRAFT, State.SUBMITTED),
    (State.DRAFT, State.WITHDRAWN),
    (State.PUBLISHED, State.UNPUBLISHED),
    (State.SUBMITTED, State.PUBLISHED),
    (State.SUBMITTED, State.REJECTED),
    (State.SUBMITTED, State.WITHDRAWN),
]

E_MAILED = {State.SUBMITTED, State.PUBLISHED, State.REJECTED, State.UNPUBLISHED}


def test_next_states_are_the_designed_moves():
    assert sorted(DESIGN_MOVES) == LEGAL_MOVES
    assert set(services.NEXT_STATES) == set(State.values)


@pytest.mark.parametrize(("src", "dst"), LEGAL_MOVES)
def test_comment_transition_legal_move_recorded(src, dst, dialogue, secretariat, commit):
    comment = WrittenCommentFactory(state=src, dialogue=dialogue, anonymity_requested=False)
    by = comment.author if dst in (State.SUBMITTED, State.WITHDRAWN) else secretariat

    with commit():
        move(comment, dst, by)

    comment.refresh_from_db()
    assert comment.state == dst
    events = AuditEvent.objects.for_object(comment)
    assert [(e.from_state, e.to_state, e.actor) for e in events] == [(src, dst, by)]
    if dst in E_MAILED:
        assert [message.to for message in mail.outbox] == [[comment.author.email]]
        assert comment.tracking_number in mail.outbox[0].subject
    else:
        assert mail.outbox == []


@pytest.mark.parametrize(("src", "dst"), ILLEGAL_MOVES)
def test_comment_transition_illegal_move_refused_nothing_written(src, dst, dialogue, secretariat, commit):
    comment = WrittenCommentFactory(state=src, dialogue=dialogue)
    before = WrittenComment.objects.values().get(pk=comment.pk)

    with pytest.raises(TransitionNotAllowed) as excinfo, commit():
        move(comment, dst, secretariat)

    assert excinfo.value.code == "illegal_transition"
    assert excinfo.value.messages == [
        f"This written comment cannot go from “{State(src).label}” to “{State(dst).label}”."
    ]
    assert WrittenComment.objects.values().get(pk=comment.pk) == before
    assert not AuditEvent.objects.for_object(comment).exists()
    assert mail.outbox == []


# --- comment_save_draft ------------------------------------------------------------------------------


def test_comment_save_draft_creates_a_draft(organisation, dialogue, focal):
    item = AgendaItemFactory(dialogue=dialogue)

    comment = draft(
        organisation,
        dialogue,
        focal,
        agenda_item=item,
        language="fr",
        anonymity_requested=True,
        title="Données sur le trafic d'armes",
    )

    comment.refresh_from_db()
    assert comment.state == State.DRAFT
    assert (comment.organisation, comment.dialogue, comment.author) == (organisation, dialogue, focal)
    assert comment.title == "Données sur le trafic d'armes"
    assert comment.language == "fr"
    assert comment.agenda_item == item
    assert comment.consent_to_publish is True
    assert comment.anonymity_requested is True
    assert comment.published_anonymously is False
    assert comment.tracking_number is None
    assert comment.sequence is None
    assert comment.received_at is None
    assert audit(comment) == [("", State.DRAFT, "")]


def test_comment_save_draft_updates_the_same_draft(organisation, dialogue, focal):
    comment = draft(organisation, dialogue, focal)

    again = services.comment_save_draft(
        organisation=organisation,
        dialogue=dialogue,
        by=focal,
        comment=comment,
        title="A better title",
        body="A second thought.",
    )

    assert again.pk == comment.pk
    comment.refresh_from_db()
    assert comment.title == "A better title"
    assert comment.body == "A second thought."
    assert comment.consent_to_publish is True  # what was not sent is kept
    assert comment.state == State.DRAFT
    assert WrittenComment.objects.count() == 1
    assert audit(comment) == [("", State.DRAFT, "")]


@pytest.mark.parametrize("state", [State.SUBMITTED, State.PUBLISHED, State.REJECTED, State.WITHDRAWN])
def test_comment_save_draft_update_of_a_non_draft_refused(state, dialogue):
    comment = WrittenCommentFactory(state=state, dialogue=dialogue, title="As received")

    with pytest.raises(ValidationError) as excinfo:
        services.comment_save_draft(
            organisation=comment.organisation,
            dialogue=dialogue,
            by=comment.author,
            comment=comment,
            title="Changed afterwards",
        )

    assert excinfo.value.messages == [
        f"This comment was {State(state).label} meanwhile (perhaps in another tab), so these changes "
        "were not saved. What you typed is kept below: copy it before you leave the page."
    ]
    comment.refresh_from_db()
    assert comment.title == "As received"
    assert comment.state == state


def test_comment_save_draft_too_many_words_refused_on_body(organisation, dialogue, focal, settings):
    body = "word " * (settings.WRITTEN_COMMENT_MAX_WORDS + 1)

    with pytest.raises(ValidationError) as excinfo:
        draft(organisation, dialogue, focal, body=body)

    assert excinfo.value.message_dict == {"body": ["The comment has 2001 words; at most 2000 are accepted."]}
    assert not WrittenComment.objects.exists()


def test_comment_save_draft_words_at_the_limit_accepted(organisation, dialogue, focal, settings):
    comment = draft(organisation, dialogue, focal, body="word " * settings.WRITTEN_COMMENT_MAX_WORDS)

    comment.refresh_from_db()
    assert comment.state == State.DRAFT


def test_comment_save_draft_agenda_item_of_another_dialogue_refused(organisation, dialogue, focal):
    other = AgendaItemFactory(dialogue=DialogueFactory(state=Dialogue.State.OPEN))

    with pytest.raises(ValidationError) as excinfo:
        draft(organisation, dialogue, focal, agenda_item=other)

    assert excinfo.value.message_dict == {"agenda_item": ["Choose an agenda item of this dialogue."]}
    assert not WrittenComment.objects.exists()


def test_comment_save_draft_update_to_another_dialogues_agenda_item_refused(organisation, dialogue, focal):
    comment = draft(organisation, dialogue, focal, agenda_item=AgendaItemFactory(dialogue=dialogue))
    other = AgendaItemFactory(dialogue=DialogueFactory(state=Dialogue.State.OPEN))

    with pytest.raises(ValidationError) as excinfo:
        services.comment_save_draft(
            organisation=organisation, dialogue=dialogue, by=focal, comment=comment, agenda_item=other
        )

    assert list(excinfo.value.message_dict) == ["agenda_item"]
    comment.refresh_from_db()
    assert comment.agenda_item.dialogue == dialogue


def test_comment_save_draft_organisation_not_admitted_refused(dialogue):
    organisation = OrganisationFactory()
    AccreditationFactory(organisation=organisation, state=Accreditation.State.SUBMITTED)
    focal = FocalPointFactory(organisation=organisation).user

    with pytest.raises(ValidationError) as excinfo:
        draft(organisation, dialogue, focal)

    assert excinfo.value.messages == ["Only organisations admitted as observers can send written comments."]
    assert not WrittenComment.objects.exists()


# --- comment_save_draft: attachments ---------------------------------------------------------------


def test_comment_save_draft_three_attachments_stored(organisation, dialogue, focal, media):
    comment = draft(
        organisation,
        dialogue,
        focal,
        attachments=[
            upload("Statement – final.pdf", PDF),
            upload("Annex.docx", docx()),
            upload("Annexe.odt", odt()),
        ],
    )

    attachments = list(comment.attachments.order_by("id"))
    assert [(a.original_name, a.kind, a.size) for a in attachments] == [
        ("Statement – final.pdf", "pdf", len(PDF)),
        ("Annex.docx", "docx", len(docx())),
        ("Annexe.odt", "odt", len(odt())),
    ]
    for attachment, suffix, content in zip(
        attachments, ["pdf", "docx", "odt"], [PDF, docx(), odt()], strict=True
    ):
        # A random stored name: nothing of the original name but its extension.
        assert re.fullmatch(rf"attachments/[0-9a-f]{{32}}\.{suffix}", attachment.file.name), (
            attachment.file.name
        )
        assert (media / attachment.file.name).read_bytes() == content
    assert files_under(media) == sorted(a.file.name for a in attachments)


def test_comment_save_draft_same_name_twice_stored_apart(organisation, dialogue, focal, media):
    comment = draft(
        organisation,
        dialogue,
        focal,
        attachments=[upload("statement.pdf", PDF), upload("statement.pdf", PDF)],
    )

    names = [a.file.name for a in comment.attachments.all()]
    assert len(set(names)) == 2
    assert len(files_under(media)) == 2
    assert [a.original_name for a in comment.attachments.all()] == ["statement.pdf", "statement.pdf"]


def test_comment_save_draft_fourth_attachment_refused(organisation, dialogue, focal, media):
    comment = draft(
        organisation,
        dialogue,
        focal,
        attachments=[upload("one.pdf", PDF), upload("two.pdf", PDF), upload("three.pdf", PDF)],
    )
    stored = files_under(media)

    with pytest.raises(ValidationError) as excinfo:
        services.comment_save_draft(
            organisation=organisation,
            dialogue=dialogue,
            by=focal,
            comment=comment,
            attachments=[upload("four.pdf", PDF)],
        )

    assert excinfo.value.message_dict == {"attachments": ["At most 3 attachments per comment."]}
    assert sorted(a.original_name for a in comment.attachments.all()) == ["one.pdf", "three.pdf", "two.pdf"]
    assert files_under(media) == stored


def test_comment_save_draft_four_attachments_at_once_refused(organisation, dialogue, focal, media):
    with pytest.raises(ValidationError) as excinfo:
        draft(organisation, dialogue, focal, attachments=[upload(f"{n}.pdf", PDF) for n in range(4)])

    assert list(excinfo.value.message_dict) == ["attachments"]
    assert not WrittenComment.objects.exists()
    assert not Attachment.objects.exists()
    assert files_under(media) == []


def test_comment_save_draft_replacing_an_attachment_at_the_limit_accepted(
    organisation, dialogue, focal, media, django_capture_on_commit_callbacks
):
    comment = draft(
        organisation,
        dialogue,
        focal,
        attachments=[upload("one.pdf", PDF), upload("two.pdf", PDF), upload("three.pdf", PDF)],
    )
    two = comment.attachments.get(original_name="two.pdf")

    with django_capture_on_commit_callbacks(execute=True):
        services.comment_save_draft(
            organisation=organisation,
            dialogue=dialogue,
            by=focal,
            comment=comment,
            remove_attachments=[two.pk],
            attachments=[upload("two, corrected.pdf", PDF)],
        )

    assert sorted(a.original_name for a in comment.attachments.all()) == [
        "one.pdf",
        "three.pdf",
        "two, corrected.pdf",
    ]
    assert files_under(media) == sorted(a.file.name for a in comment.attachments.all())


@pytest.mark.parametrize(
    ("refused", "message"),
    [
        (upload("program.pdf", ELF), "“program.pdf” is refused: it is not a PDF document."),
        (
            upload("page.pdf", b"<html><script>alert(1)</script></html>"),
            "“page.pdf” is refused: it is not a PDF document.",
        ),
        (upload("tool.exe", ELF), "“tool.exe” is refused: only PDF, DOCX and ODT documents are accepted."),
        (upload("empty.pdf", b""), "“empty.pdf” is refused: the file is empty."),
    ],
    ids=["elf", "html", "exe", "empty"],
)
def test_comment_save_draft_refused_attachment_among_valid_ones_stores_none(
    refused, message, organisation, dialogue, focal, media
):
    with pytest.raises(ValidationError) as excinfo:
        draft(
            organisation,
            dialogue,
            focal,
            attachments=[upload("ok.pdf", PDF), refused, upload("ok.docx", docx())],
        )

    assert excinfo.value.message_dict == {"attachments": [message]}
    assert not WrittenComment.objects.exists()
    assert not Attachment.objects.exists()
    assert files_under(media) == []


def test_comment_save_draft_refused_attachment_on_update_keeps_the_draft(
    organisation, dialogue, focal, media
):
    comment = draft(organisation, dialogue, focal, attachments=[upload("ok.pdf", PDF)])
    stored = files_under(media)

    with pytest.raises(ValidationError) as excinfo:
        services.comment_save_draft(
            organisation=organisation,
            dialogue=dialogue,
            by=focal,
            comment=comment,
            title="Changed with a bad file",
            attachments=[upload("second.pdf", PDF), upload("program.pdf", ELF)],
        )

    assert list(excinfo.value.message_dict) == ["attachments"]
    comment.refresh_from_db()
    assert comment.title == "Data on firearms trafficking"  # the whole save is undone
    assert [a.original_name for a in comment.attachments.all()] == ["ok.pdf"]
    assert files_under(media) == stored


def test_comment_save_draft_oversized_attachment_refused(organisation, dialogue, focal, media, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024

    with pytest.raises(ValidationError) as excinfo:
        draft(organisation, dialogue, focal, attachments=[upload("big.pdf", PDF + b"%" * 1024)])

    assert excinfo.value.message_dict == {
        "attachments": ["“big.pdf” is refused: it is larger than 1.0\xa0KB."]
    }
    assert files_under(media) == []


def test_comment_save_draft_remove_attachment_deletes_its_file(
    organisation, dialogue, focal, media, django_capture_on_commit_callbacks
):
    comment = draft(
        organisation, dialogue, focal, attachments=[upload("one.pdf", PDF), upload("two.pdf", PDF)]
    )
    one, two = comment.attachments.order_by("id")
    assert (media / one.file.name).exists()

    with django_capture_on_commit_callbacks(execute=True):
        services.comment_save_draft(
            organisation=organisation,
            dialogue=dialogue,
            by=focal,
            comment=comment,
            remove_attachments=[one.pk],
        )

    assert list(comment.attachments.all()) == [two]
    assert not (media / one.file.name).exists()
    assert files_under(media) == [two.file.name]


def test_comment_save_draft_remove_another_comments_attachment_ignored(organisation, dialogue, focal, media):
    other = draft(organisation, dialogue, focal, attachments=[upload("other.pdf", PDF)])
    comment = draft(organisation, dialogue, focal)
    theirs = other.attachments.get()

    services.comment_save_draft(
        organisation=organisation,
        dialogue=dialogue,
        by=focal,
        comment=comment,
        remove_attachments=[theirs.pk],
    )

    assert Attachment.objects.filter(pk=theirs.pk).exists()
    assert (media / theirs.file.name).exists()


def test_comment_save_draft_refused_upload_keeps_the_removed_attachments_file(
    organisation, dialogue, focal, media
):
    comment = draft(organisation, dialogue, focal, attachments=[upload("keep.pdf", PDF)])
    kept = comment.attachments.get()

    with pytest.raises(ValidationError):
        services.comment_save_draft(
            organisation=organisation,
            dialogue=dialogue,
            by=focal,
            comment=comment,
            remove_attachments=[kept.pk],
            attachments=[upload("program.pdf", ELF)],
        )

    # The refused save is undone: the attachment is still there, and so must its file be.
    assert list(comment.attachments.all()) == [kept]
    assert (media / kept.file.name).exists()


# --- comments_refusal --------------------------------------------------------------------------------


def test_comments_refusal_admitted_organisation_open_dialogue_none(organisation, dialogue):
    assert services.comments_refusal(organisation=organisation, dialogue=dialogue) is None


@pytest.mark.parametrize(
    "accreditation",
    [None, *(s for s in Accreditation.State.values if s != Accreditation.State.ADMITTED)],
)
def test_comments_refusal_organisation_not_admitted(accreditation, dialogue):
    organisation = OrganisationFactory()
    if accreditation:
        AccreditationFactory(organisation=organisation, state=accreditation)

    assert services.comments_refusal(organisation=organisation, dialogue=dialogue) == (
        "Only organisations admitted as observers can send written comments."
    )


@pytest.mark.parametrize(
    "state",
    [Dialogue.State.SCHEDULED, Dialogue.State.CLOSED, Dialogue.State.HELD, Dialogue.State.CANCELLED],
)
def test_comments_refusal_dialogue_not_open(state, organisation):
    dialogue = DialogueFactory(state=state)

    assert services.comments_refusal(organisation=organisation, dialogue=dialogue) == (
        f"This dialogue is not open for written comments (it is {Dialogue.State(state).label})."
    )


def test_comments_refusal_after_the_deadline_shows_the_deadline(organisation, dialogue):
    assert dialogue.comments_deadline == DEADLINE

    refusal = services.comments_refusal(
        organisation=organisation, dialogue=dialogue, now=DEADLINE + datetime.timedelta(minutes=1)
    )

    assert refusal == "Written comments for this dialogue closed on 27 February 2030, 23:59 CET."


def test_comments_refusal_at_the_deadline_none(organisation, dialogue):
    assert services.comments_refusal(organisation=organisation, dialogue=dialogue, now=DEADLINE) is None


def test_comments_refusal_deadline_shown_in_the_dialogues_time_zone(organisation):
    deadline = datetime.datetime(2030, 2, 27, 17, 0, tzinfo=datetime.UTC)
    dialogue = DialogueFactory(
        state=Dialogue.State.OPEN, comments_deadline=deadline, time_zone="America/New_York"
    )

    refusal = services.comments_refusal(
        organisation=organisation, dialogue=dialogue, now=deadline + datetime.timedelta(hours=1)
    )

    assert refusal == "Written comments for this dialogue closed on 27 February 2030, 12:00 EST."


# --- comment_submit ------------------------------------------------------------------------------


def test_comment_submit_gives_tracking_numbers_per_dialogue(organisation, dialogue, focal, commit):
    other_dialogue = DialogueFactory(state=Dialogue.State.OPEN)
    first = draft(organisation, dialogue, focal)
    second = draft(organisation, dialogue, focal)
    elsewhere = draft(organisation, other_dialogue, focal)
    before = timezone.now()

    with commit():
        for comment in (first, second, elsewhere):
            services.comment_submit(comment=comment, by=focal)

    after = timezone.now()
    for comment in (first, second, elsewhere):
        comment.refresh_from_db()
        assert comment.state == State.SUBMITTED
        assert before <= comment.received_at <= after
    year = timezone.localtime(first.received_at).year
    assert (first.sequence, first.tracking_number) == (1, f"WC-{year}-{dialogue.pk}-1")
    assert (second.sequence, second.tracking_number) == (2, f"WC-{year}-{dialogue.pk}-2")
    assert (elsewhere.sequence, elsewhere.tracking_number) == (1, f"WC-{year}-{other_dialogue.pk}-1")


def test_comment_submit_sends_a_receipt_to_the_author(organisation, dialogue, focal, commit):
    comment = draft(organisation, dialogue, focal, title="Data on firearms trafficking")

    with commit():
        services.comment_submit(comment=comment, by=focal)

    comment.refresh_from_db()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [focal.email]
    assert message.subject == f"[Dialogue Portal] Written comment received: {comment.tracking_number}"
    assert f"Tracking number: {comment.tracking_number}" in message.body
    assert "“Data on firearms trafficking” of Fundación Ñandú" in message.body
    assert f"/my/organisations/{organisation.pk}/comments/{comment.pk}/" in message.body
    assert "with your consent, it publishes it" in message.body
    assert audit(comment) == [("", State.DRAFT, ""), (State.DRAFT, State.SUBMITTED, "")]


def test_comment_submit_without_consent_receipt_says_it_will_not_be_published(
    organisation, dialogue, focal, commit
):
    comment = draft(organisation, dialogue, focal, consent_to_publish=False)

    with commit():
        services.comment_submit(comment=comment, by=focal)

    assert "You did not consent to publication" in mail.outbox[0].body


def test_comment_submit_twice_gives_one_submission(organisation, dialogue, focal, commit):
    comment = draft(organisation, dialogue, focal)
    with commit():
        first = services.comment_submit(comment=comment, by=focal)
    first.refresh_from_db()
    received = (first.sequence, first.tracking_number, first.received_at, first.updated_at)

    with commit():
        second = services.comment_submit(comment=comment, by=focal)

    assert second.pk == comment.pk
    assert second.state == State.SUBMITTED
    assert (second.sequence, second.tracking_number, second.received_at, second.updated_at) == received
    comment.refresh_from_db()
    assert (comment.sequence, comment.tracking_number, comment.received_at, comment.updated_at) == received
    assert AuditEvent.objects.for_object(comment).filter(to_state=State.SUBMITTED).count() == 1
    assert len(mail.outbox) == 1


def test_comment_submit_after_a_withdrawal_continues_the_sequence(organisation, dialogue, focal):
    first = services.comment_submit(comment=draft(organisation, dialogue, focal), by=focal)
    services.comment_withdraw(comment=first, by=focal)

    second = services.comment_submit(comment=draft(organisation, dialogue, focal), by=focal)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, first.sequence) == (State.WITHDRAWN, 1)  # keeps its number
    assert second.sequence == 2


def test_comment_submit_after_the_deadline_refused_stays_draft(organisation, focal, commit):
    deadline = vienna(datetime.date(2024, 5, 1), 12, 0)
    dialogue = DialogueFactory(state=Dialogue.State.OPEN, comments_deadline=deadline)
    # Written while the dialogue took comments; the deadline has passed since.
    comment = WrittenCommentFactory(
        state=State.DRAFT, organisation=organisation, author=focal, dialogue=dialogue
    )

    with pytest.raises(ValidationError) as excinfo, commit():
        services.comment_submit(comment=comment, by=focal)

    assert excinfo.value.messages == ["Written comments for this dialogue closed on 1 May 2024, 12:00 CEST."]
    comment.refresh_from_db()
    assert comment.state == State.DRAFT
    assert comment.tracking_number is None
    assert comment.received_at is None
    assert not AuditEvent.objects.for_object(comment).exists()
    assert mail.outbox == []


def test_comment_submit_dialogue_no_longer_open_refused_stays_draft(organisation, dialogue, focal):
    comment = draft(organisation, dialogue, focal)
    Dialogue.objects.filter(pk=dialogue.pk).update(state=Dialogue.State.CANCELLED)

    with pytest.raises(ValidationError):
        services.comment_submit(comment=comment, by=focal)

    comment.refresh_from_db()
    assert comment.state == State.DRAFT
    assert comment.tracking_number is None


def test_comment_submit_organisation_no_longer_admitted_refused(organisation, dialogue, focal):
    comment = draft(organisation, dialogue, focal)
    organisation.accreditations.update(state=Accreditation.State.WITHDRAWN)

    with pytest.raises(ValidationError) as excinfo:
        services.comment_submit(comment=comment, by=focal)

    assert excinfo.value.messages == ["Only organisations admitted as observers can send written comments."]
    comment.refresh_from_db()
    assert comment.state == State.DRAFT


def test_comment_submit_too_long_refused_on_body(organisation, dialogue, focal, settings):
    comment = draft(organisation, dialogue, focal, body="word " * 20)
    settings.WRITTEN_COMMENT_MAX_WORDS = 10

    with pytest.raises(ValidationError) as excinfo:
        services.comment_submit(comment=comment, by=focal)

    assert list(excinfo.value.message_dict) == ["body"]
    comment.refresh_from_db()
    assert comment.state == State.DRAFT


# --- comment_publish -------------------------------------------------------------------------------


def test_comment_publish_sets_the_time_and_e_mails_the_author(dialogue, secretariat, commit, settings):
    comment = WrittenCommentFactory(state=State.SUBMITTED, dialogue=dialogue)
    before = timezone.now()

    with commit():
        services.comment_publish(comment=comment, by=secretariat)

    comment.refresh_from_db()
    assert comment.state == State.PUBLISHED
    assert before <= comment.published_at <= timezone.now()
    assert comment.published_anonymously is False
    assert audit(comment) == [(State.SUBMITTED, State.PUBLISHED, "")]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [comment.author.email]
    assert message.subject == f"[Dialogue Portal] Published: {comment.tracking_number}"
    assert "is published on the public page of written comments" in message.body
    assert f"{settings.SITE_URL}/comments/{comment.pk}/\n" in message.body
    assert "without the organisation's name" not in message.body


def test_comment_publish_without_consent_refused_nothing_written(dialogue, secretariat, commit):
    comment = WrittenCommentFactory(state=State.SUBMITTED, dialogue=dialogue, consent_to_publish=False)
    before = WrittenComment.objects.values().get(pk=comment.pk)

    with pytest.raises(ValidationError) as excinfo, commit():
        services.comment_publish(comment=comment, by=secretariat)

    assert excinfo.value.messages == [
        "The organisation did not consent to publication: the comment is read, never published."
    ]
    assert WrittenComment.objects.values().get(pk=comment.pk) == before
    assert not AuditEvent.objects.for_object(comment).exists()
    assert mail.outbox == []


def test_comment_publish_anonymously_when_asked(dialogue, secretariat, commit):
    comment = WrittenCommentFactory(state=State.SUBMITTED, dialogue=dialogue, anonymity_requested=True)

    with commit():
        services.comment_publish(comment=comment, by=secretariat, anonymously=True)

    comment.refresh_from_db()
    assert comment.state == State.PUBLISHED
    assert comment.published_anonymously is True
    assert audit(comment) == [(State.SUBMITTED, State.PUBLISHED, "Without the organisation's name.")]
    assert "without the organisation's name, as it asked" in mail.outbox[0].body


def test_comment_publish_asked_anonymity_may_still_publish_the_name(dialogue, secretariat):
    comment = WrittenCommentFactory(state=State.SUBMITTED, dialogue=dialogue, anonymity_requested=True)

    services.comment_publish(comment=comment, by=secretariat)

    comment.refresh_from_db()
    assert comment.state == State.PUBLISHED
    assert comment.published_anonymously is False


def test_comment_publish_anonymously_not_asked_refused_nothing_written(dialogue, secretariat, commit):
    comment = WrittenCommentFactory(state=State.SUBMITTED, dialogue=dialogue, anonymity_requested=False)
    before = WrittenComment.objects.values().get(pk=comment.pk)

    with pytest.raises(ValidationError) as excinfo, commit():
        services.comment_publish(comment=comment, by=secretariat, anonymously=True)

    assert excinfo.value.messages == ["The organisation did not ask to be published without its name."]
    assert WrittenComment.objects.values().get(pk=comment.pk) == before
    assert not AuditEvent.objects.for_object(comment).exists()
    assert mail.outbox == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the search vector is PostgreSQL's")
def test_comment_publish_stores_the_search_vector(dialogue, secretariat):
    comment = WrittenCommentFactory(
        state=State.SUBMITTED, dialogue=dialogue, title="Ghost guns", body="Traffickers assemble kits."
    )

    services.comment_publish(comment=comment, by=secretariat)

    assert WrittenComment.objects.filter(pk=comment.pk, search_vector__isnull=False).exists()
    found = WrittenComment.objects.filter(
        pk=comment.pk, search_vector=SearchQuery("assembling", config="english")
    )
    assert found.exists()  # English stemming: "assemble" and "assembling" are one word


# --- comment_reject, comment_unpublish ----------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   \n "])
@pytest.mark.parametrize(
    ("state", "service"),
    [(State.SUBMITTED, services.comment_reject), (State.PUBLISHED, services.comment_unpublish)],
    ids=["reject", "unpublish"],
)
def test_comment_decision_without_reason_refused_on_reason(
    state, service, reason, dialogue, secretariat, commit
):
    comment = WrittenCommentFactory(state=state, dialogue=dialogue)
    before = WrittenComment.objects.values().get(pk=comment.pk)

    with pytest.raises(ValidationError) as excinfo, commit():
        service(comment=comment, by=secretariat, reason=reason)

    assert excinfo.value.message_dict == {"reason": ["Give the reason; the submitter reads it."]}
    assert WrittenComment.objects.values().get(pk=comment.pk) == before
    assert not AuditEvent.objects.for_object(comment).exists()
    assert mail.outbox == []


def test_comment_reject_keeps_the_reason_and_e_mails_it(dialogue, secretariat, commit):
    comment = WrittenCommentFactory(state=State.SUBMITTED, dialogue=dialogue)

    with commit():
        services.comment_reject(comment=comment, by=secretariat, reason="  It names a private person.\n")

    comment.refresh_from_db()
    assert comment.state == State.REJECTED
    assert comment.reason == "It names a private person."
    assert comment.published_at is None
    assert audit(comment) == [(State.SUBMITTED, State.REJECTED, "It names a private person.")]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [comment.author.email]
    assert message.subject == f"[Dialogue Portal] Not published: {comment.tracking_number}"
    assert "The secretariat did not publish your written comment" in message.body
    assert "It names a private person." in message.body


def test_comment_unpublish_keeps_the_reason_and_e_mails_it(dialogue, secretariat, commit):
    comment = WrittenCommentFactory(state=State.PUBLISHED, dialogue=dialogue)

    with commit():
        services.comment_unpublish(comment=comment, by=secretariat, reason="Asked by the organisation.")

    comment.refresh_from_db()
    assert comment.state == State.UNPUBLISHED
    assert comment.reason == "Asked by the organisation."
    assert audit(comment) == [(State.PUBLISHED, State.UNPUBLISHED, "Asked by the organisation.")]
    message = mail.outbox[0]
    assert message.to == [comment.author.email]
    assert message.subject == f"[Dialogue Portal] Taken off the public page: {comment.tracking_number}"
    assert "Asked by the organisation." in message.body
    assert not WrittenComment.objects.published().filter(pk=comment.pk).exists()


# --- comment_withdraw --------------------------------------------------------------------------------


def test_comment_withdraw_a_draft(organisation, dialogue, focal, commit):
    comment = draft(organisation, dialogue, focal)

    with commit():
        services.comment_withdraw(comment=comment, by=focal)

    comment.refresh_from_db()
    assert comment.state == State.WITHDRAWN
    assert comment.tracking_number is None
    assert audit(comment)[-1] == (State.DRAFT, State.WITHDRAWN, "")
    assert mail.outbox == []


def test_comment_withdraw_a_submitted_comment_keeps_its_tracking_number(organisation, dialogue, focal):
    comment = services.comment_submit(comment=draft(organisation, dialogue, focal), by=focal)
    tracking_number = comment.tracking_number

    services.comment_withdraw(comment=comment, by=focal)

    comment.refresh_from_db()
    assert comment.state == State.WITHDRAWN
    assert comment.tracking_number == tracking_number
    assert audit(comment)[-1] == (State.SUBMITTED, State.WITHDRAWN, "")


def test_comment_withdraw_once_published_refused(dialogue):
    comment = WrittenCommentFactory(state=State.PUBLISHED, dialogue=dialogue)

    with pytest.raises(TransitionNotAllowed):
        services.comment_withdraw(comment=comment, by=comment.author)

    comment.refresh_from_db()
    assert comment.state == State.PUBLISHED
    assert not AuditEvent.objects.for_object(comment).exists()


def test_comment_withdraw_stale_copy_refused(organisation, dialogue, focal, secretariat):
    comment = services.comment_submit(comment=draft(organisation, dialogue, focal), by=focal)
    stale = WrittenComment.objects.get(pk=comment.pk)
    services.comment_publish(comment=comment, by=secretariat)

    # The focal point's page still showed it submitted: the compare-and-set refuses.
    with pytest.raises(TransitionNotAllowed) as excinfo:
        services.comment_withdraw(comment=stale, by=focal)

    assert excinfo.value.code == "stale_state"
    comment.refresh_from_db()
    assert comment.state == State.PUBLISHED
