"""A written comment's checks: attachments accepted, and refused by their bytes, name or size."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from submissions.validation import check_attachment

from .support import (
    CONTENT_TYPES,
    DOCUMENT_XML,
    ELF,
    HTML,
    ODS_MIMETYPE,
    ODT_MIMETYPE,
    PDF,
    PNG,
    CountedReads,
    declaring,
    docx,
    docx_with_data_descriptors,
    docx_with_zip64_extra_fields,
    make_zip,
    opendocument,
    refusal,
    upload,
    with_central_record_repeated,
    xlsx,
)

# --- check_attachment: accepted ------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("statement.pdf", PDF, "pdf"),
        ("statement.docx", docx(), "docx"),
        ("statement.odt", opendocument(ODT_MIMETYPE), "odt"),
        ("STATEMENT.PDF", PDF, "pdf"),
        ("Déclaration de la société civile.Odt", opendocument(ODT_MIMETYPE), "odt"),
    ],
)
def test_check_attachment_real_document_accepted(name, content, kind):
    file = upload(name, content)

    assert check_attachment(file) == kind
    # Left ready to be stored from its first byte.
    assert file.tell() == 0
    assert file.read() == content


@pytest.mark.parametrize(
    "content",
    [docx_with_data_descriptors(), docx_with_zip64_extra_fields()],
    ids=["data descriptors", "zip64 extra fields"],
)
def test_check_attachment_docx_as_other_writers_make_it_accepted(content):
    assert check_attachment(upload("statement.docx", content)) == "docx"


def test_check_attachment_docx_with_pictures_and_fonts_accepted():
    content = docx(
        ("word/media/image1.png", PNG),
        ("word/media/image2.jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(range(256))),
        # An embedded font is obfuscated: its first bytes are scrambled, whatever they were.
        ("word/fonts/font1.odttf", bytes((i * 37) % 256 for i in range(4096))),
    )

    assert check_attachment(upload("statement.docx", content)) == "docx"


def test_check_attachment_odt_with_a_picture_and_a_chart_accepted():
    # LibreOffice keeps an embedded chart as a folder of the ODT itself, with a picture of it.
    content = opendocument(
        ODT_MIMETYPE,
        ("Pictures/1000000000000100000001001F.png", PNG),
        ("Object 1/content.xml", b"<office:document-content/>"),
        ("ObjectReplacements/Object 1", b"VCLMTF" + bytes(100)),
        ("Thumbnails/thumbnail.png", PNG),
    )

    assert check_attachment(upload("statement.odt", content)) == "odt"


def test_check_attachment_odt_mimetype_with_trailing_newline_accepted():
    assert check_attachment(upload("statement.odt", opendocument(ODT_MIMETYPE + b"\n"))) == "odt"


def test_check_attachment_archive_of_exactly_the_entry_limit_accepted(settings):
    entries = [(f"word/media/image{i}.xml", b"") for i in range(settings.ATTACHMENT_MAX_ENTRIES - 3)]
    content = docx(*entries)
    assert len(zipfile.ZipFile(io.BytesIO(content)).infolist()) == settings.ATTACHMENT_MAX_ENTRIES

    assert check_attachment(upload("statement.docx", content)) == "docx"


def test_check_attachment_of_exactly_the_size_limit_accepted(settings):
    settings.ATTACHMENT_MAX_BYTES = 4096
    content = PDF + b"%" * (4096 - len(PDF))

    assert check_attachment(upload("statement.pdf", content)) == "pdf"


# --- check_attachment: refused by their bytes ----------------------------------------------


def test_check_attachment_elf_renamed_pdf_refused():
    assert refusal(upload("statement.pdf", ELF)) == ["“statement.pdf” is refused: it is not a PDF document."]


def test_check_attachment_elf_renamed_docx_refused():
    assert refusal(upload("statement.docx", ELF)) == [
        "“statement.docx” is refused: it is not a DOCX document."
    ]


def test_check_attachment_elf_with_a_docx_appended_refused():
    with pytest.raises(ValidationError):
        check_attachment(upload("statement.docx", ELF + docx()))


def test_check_attachment_html_named_pdf_refused():
    assert refusal(upload("statement.pdf", HTML)) == ["“statement.pdf” is refused: it is not a PDF document."]


def test_check_attachment_pdf_marker_not_at_the_start_refused():
    assert refusal(upload("statement.pdf", b"\n" + PDF)) == [
        "“statement.pdf” is refused: it is not a PDF document."
    ]


def test_check_attachment_xlsx_named_docx_refused():
    assert refusal(upload("statement.docx", xlsx())) == [
        "“statement.docx” is refused: it is not a Word (DOCX) text document."
    ]


def test_check_attachment_docx_without_its_document_refused():
    content = make_zip([("[Content_Types].xml", CONTENT_TYPES), ("word/styles.xml", b"<styles/>")])

    assert refusal(upload("statement.docx", content)) == [
        "“statement.docx” is refused: it is not a Word (DOCX) text document."
    ]


def test_check_attachment_ods_named_odt_refused():
    assert refusal(upload("statement.odt", opendocument(ODS_MIMETYPE))) == [
        "“statement.odt” is refused: it is not an OpenDocument text (ODT) document."
    ]


def test_check_attachment_docx_named_odt_refused():
    assert refusal(upload("statement.odt", docx())) == [
        "“statement.odt” is refused: it is not an OpenDocument text (ODT) document."
    ]


def test_check_attachment_odt_named_docx_refused():
    assert refusal(upload("statement.docx", opendocument(ODT_MIMETYPE))) == [
        "“statement.docx” is refused: it is not a Word (DOCX) text document."
    ]


def test_check_attachment_pdf_named_docx_refused():
    assert refusal(upload("statement.docx", PDF)) == [
        "“statement.docx” is refused: it is not a DOCX document."
    ]


def test_check_attachment_damaged_archive_refused():
    # The end record is intact (so it looks like a ZIP) but the central directory is not.
    content = docx().replace(b"PK\x01\x02", b"XX\x01\x02")
    assert zipfile.is_zipfile(io.BytesIO(content))

    assert refusal(upload("statement.docx", content)) == [
        "“statement.docx” is refused: the archive is damaged."
    ]


def test_check_attachment_truncated_archive_refused():
    content = docx()[:-30]

    assert refusal(upload("statement.docx", content)) == [
        "“statement.docx” is refused: it is not a DOCX document."
    ]


def test_check_attachment_deflate_data_garbled_refused():
    content = bytearray(docx())
    info = zipfile.ZipFile(io.BytesIO(bytes(content))).getinfo("word/document.xml")
    data_start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    content[data_start : data_start + info.compress_size] = b"\xff" * info.compress_size

    assert refusal(upload("statement.docx", bytes(content))) == [
        "“statement.docx” is refused: the archive is damaged."
    ]


@pytest.mark.parametrize(
    "declared",
    [
        {"crc": 0x12345678},
        {"size": len(DOCUMENT_XML) - 1},
        {"size": len(DOCUMENT_XML) + 1},
        {"packed": 10},
    ],
    ids=["another CRC", "a smaller size", "a larger size", "a shorter compressed size"],
)
def test_check_attachment_entry_that_is_not_what_it_declares_refused(declared):
    content = declaring(docx(), "word/document.xml", **declared)

    assert refusal(upload("statement.docx", content)) == [
        "“statement.docx” is refused: the archive is damaged."
    ]


@pytest.mark.parametrize("compression", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA], ids=["bzip2", "lzma"])
def test_check_attachment_compressed_as_no_word_processor_does_refused(compression):
    content = make_zip(
        [("[Content_Types].xml", CONTENT_TYPES), ("word/document.xml", DOCUMENT_XML)], compression=compression
    )

    assert refusal(upload("statement.docx", content)) == [
        "“statement.docx” is refused: the archive is damaged."
    ]


def test_check_attachment_overlapping_entries_refused():
    # Three directory records for one picture: each would inflate the same bytes again.
    content = docx(("word/media/image1.png", PNG * 100))
    content = with_central_record_repeated(content, "word/media/image1.png", 3)
    assert len(zipfile.ZipFile(io.BytesIO(content)).infolist()) == 6

    assert refusal(upload("statement.docx", content)) == [
        "“statement.docx” is refused: the archive is damaged."
    ]


def test_check_attachment_odt_with_an_encrypted_mimetype_refused():
    content = bytearray(opendocument(ODT_MIMETYPE))
    # Flag the first entry (mimetype) "encrypted" in its local header and its central directory
    # record; zipfile's writer would clear the flag, so it is set in the bytes.
    assert content[:4] == b"PK\x03\x04"
    content[6] |= 0x1
    central = content.index(b"PK\x01\x02")
    content[central + 8] |= 0x1
    assert zipfile.ZipFile(io.BytesIO(bytes(content))).infolist()[0].flag_bits & 0x1

    with pytest.raises(ValidationError):
        check_attachment(upload("statement.odt", bytes(content)))


# --- check_attachment: refused by name or size ---------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("statement.exe", ELF),
        ("statement.txt", b"Civil society holds data.\n"),
        ("statement.html", HTML),
        ("statement.doc", PDF),
        ("statement.pdf.exe", PDF),
        ("statement", PDF),
        ("statement.xlsx", xlsx()),
    ],
)
def test_check_attachment_other_extension_refused(name, content):
    assert refusal(upload(name, content)) == [
        f"“{name}” is refused: only PDF, DOCX and ODT documents are accepted."
    ]


@pytest.mark.parametrize("name", ["empty.pdf", "empty.docx", "empty.odt"])
def test_check_attachment_empty_file_refused(name):
    assert refusal(upload(name, b"")) == [f"“{name}” is refused: the file is empty."]


def test_check_attachment_name_shown_without_its_folders():
    assert refusal(upload("../../etc/statement.pdf", ELF)) == [
        "“statement.pdf” is refused: it is not a PDF document."
    ]


@pytest.mark.parametrize(("name", "content"), [("big.pdf", PDF), ("big.docx", docx())])
def test_check_attachment_one_byte_over_the_size_limit_refused_unread(settings, name, content):
    assert settings.ATTACHMENT_MAX_BYTES == 10 * 1024 * 1024
    # A real document padded to one byte over the limit: the size alone refuses it.
    data = content + b"\0" * (settings.ATTACHMENT_MAX_BYTES + 1 - len(content))
    file = CountedReads(data)

    messages = refusal(UploadedFile(file=file, name=name, size=len(data)))

    assert messages == [f"“{name}” is refused: it is larger than 10.0\xa0MB."]
    assert file.reads == 0


def test_check_attachment_oversized_impostor_refused_for_its_size(settings):
    settings.ATTACHMENT_MAX_BYTES = 1024

    assert refusal(upload("statement.pdf", ELF * 10)) == [
        "“statement.pdf” is refused: it is larger than 1.0\xa0KB."
    ]
