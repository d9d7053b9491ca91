"""The written comments' services: a draft's attachments."""

import re

import pytest
from django.core.exceptions import ValidationError

from submissions import services
from submissions.models import Attachment, WrittenComment

from .support import ELF, PDF, docx, draft, files_under, odt, upload

# --- comment_save_draft: attachments -------------------------------------------------------


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
