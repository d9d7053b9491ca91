"""What the tests of services share (moved from test_services.py)."""

import datetime
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from dialogue_portal.models import AuditEvent
from submissions import services
from submissions.models import WrittenComment
from tests.factories import vienna

State = WrittenComment.State


# DialogueFactory's deadline for comments: a week before the dialogue of 6 March 2030.
DEADLINE = vienna(datetime.date(2030, 2, 27))


def files_under(root) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


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
