"""A written comment's checks: zip bombs, archives of too many files, documents embedding archives."""

import io
import tracemalloc
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import UploadedFile

from submissions.validation import check_attachment

from .support import (
    CONTENT_TYPES,
    MIB,
    NESTED_ARCHIVES,
    ODT_MIMETYPE,
    CountedReads,
    deflated_zeros,
    docx,
    docx_of_deflated_document,
    opendocument,
    refusal,
    upload,
    xlsx,
    zeros_docx,
)

# --- check_attachment: zip bombs and archives of too many files ----------------------------


def test_check_attachment_zip_bomb_of_101_mb_refused(settings):
    assert settings.ATTACHMENT_MAX_UNPACKED_BYTES == 100 * 1024 * 1024
    content = zeros_docx(101 * 1024 * 1024)
    assert len(content) < 200 * 1024  # what is uploaded is small; what it unpacks to is not

    assert refusal(upload("statement.docx", content)) == [
        "“statement.docx” is refused: the archive would unpack to too much data."
    ]


def test_check_attachment_archive_just_over_the_unpacked_limit_refused(settings):
    settings.ATTACHMENT_MAX_UNPACKED_BYTES = 64 * 1024
    size_of_the_rest = len(CONTENT_TYPES)

    assert check_attachment(upload("ok.docx", zeros_docx(64 * 1024 - size_of_the_rest))) == "docx"
    assert refusal(upload("bomb.docx", zeros_docx(64 * 1024 - size_of_the_rest + 1))) == [
        "“bomb.docx” is refused: the archive would unpack to too much data."
    ]


def test_check_attachment_bomb_spread_over_many_entries_refused(settings):
    settings.ATTACHMENT_MAX_UNPACKED_BYTES = 64 * 1024
    # No entry is over the limit; together they are.
    entries = [(f"word/media/part{i}.bin", b"\0" * (20 * 1024)) for i in range(4)]

    assert refusal(upload("statement.docx", docx(*entries))) == [
        "“statement.docx” is refused: the archive would unpack to too much data."
    ]


def test_check_attachment_odt_bomb_refused(settings):
    settings.ATTACHMENT_MAX_UNPACKED_BYTES = 64 * 1024
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", ODT_MIMETYPE, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", b"\0" * (65 * 1024))

    assert refusal(upload("statement.odt", buffer.getvalue())) == [
        "“statement.odt” is refused: the archive would unpack to too much data."
    ]


def test_check_attachment_docx_declaring_1_kib_that_unpacks_to_150_mib_refused(settings):
    assert settings.ATTACHMENT_MAX_UNPACKED_BYTES == 100 * MIB
    # With the CRC of the 1 KiB it declares, zipfile itself reads the document as 1 KiB.
    content = docx_of_deflated_document(deflated_zeros(150), size=1024, crc=zlib.crc32(b"\0" * 1024))
    assert len(content) < 160 * 1024
    assert zipfile.ZipFile(io.BytesIO(content)).read("word/document.xml") == b"\0" * 1024
    file = CountedReads(content)

    tracemalloc.start()
    try:
        messages = refusal(UploadedFile(file=file, name="statement.docx", size=len(content)))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert messages == ["“statement.docx” is refused: the archive would unpack to too much data."]
    # Refused before the end of the file, holding a few pieces at a time, never the document.
    assert file.bytes_read < len(content)
    assert peak < MIB


def test_check_attachment_lying_bomb_inflated_only_up_to_the_limit(settings):
    settings.ATTACHMENT_MAX_UNPACKED_BYTES = MIB
    content = docx_of_deflated_document(deflated_zeros(150), size=1024, crc=zlib.crc32(b"\0" * 1024))
    file = CountedReads(content)

    assert refusal(UploadedFile(file=file, name="statement.docx", size=len(content))) == [
        "“statement.docx” is refused: the archive would unpack to too much data."
    ]
    # The first MiB takes a hundred-and-fiftieth of the file: what is read past it is the
    # rest of the piece it came in, not the 150 MiB.
    assert file.bytes_read < len(content) // 2


def test_check_attachment_archive_of_1001_entries_refused(settings):
    assert settings.ATTACHMENT_MAX_ENTRIES == 1000
    entries = [(f"word/media/image{i}.xml", b"") for i in range(1001 - 3)]
    content = docx(*entries)
    assert len(zipfile.ZipFile(io.BytesIO(content)).infolist()) == 1001

    assert refusal(upload("statement.docx", content)) == [
        "“statement.docx” is refused: the archive holds too many files."
    ]


# --- check_attachment: documents that embed other archives ---------------------------------


NESTED = (
    "it embeds another file or archive, such as a spreadsheet, a chart’s data or an attached file. "
    "Remove the embedded objects, or save the document as PDF, and upload it again."
)


def test_check_attachment_docx_embedding_a_spreadsheet_refused():
    # What Word writes for an embedded Excel sheet (and for a chart's data).
    content = docx(("word/embeddings/Microsoft_Excel_Worksheet.xlsx", xlsx()))

    assert refusal(upload("statement.docx", content)) == [f"“statement.docx” is refused: {NESTED}"]


def test_check_attachment_odt_embedding_another_odt_refused():
    content = opendocument(ODT_MIMETYPE, ("Object 1", opendocument(ODT_MIMETYPE)))

    assert refusal(upload("statement.odt", content)) == [f"“statement.odt” is refused: {NESTED}"]


@pytest.mark.parametrize("archive", NESTED_ARCHIVES.values(), ids=NESTED_ARCHIVES.keys())
@pytest.mark.parametrize(
    ("name", "make", "entry_name"),
    [
        ("statement.docx", docx, "word/media/image1.png"),
        ("statement.odt", lambda *extra: opendocument(ODT_MIMETYPE, *extra), "Pictures/image1.png"),
    ],
    ids=["docx", "odt"],
)
def test_check_attachment_archive_inside_named_as_a_picture_refused(archive, name, make, entry_name):
    content = make((entry_name, archive))

    assert refusal(upload(name, content)) == [f"“{name}” is refused: {NESTED}"]
