"""What a written comment may hold: its length in words, and attachments judged by their bytes.

Every file here is made in the test, byte for byte: a PDF, a DOCX, an ODT, and the
impostors the portal must refuse (a renamed ELF, HTML named .pdf, an XLSX named .docx,
an ODS named .odt, zip bombs, damaged archives).
"""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile

from submissions.validation import check_attachment, check_length, count_words

# --- Files made in the test -----------------------------------------------------------------

PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >> endobj\n"
    b"trailer << /Root 1 0 R >>\n"
    b"%%EOF\n"
)
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00\x01\x00\x00\x00" + b"\x00" * 200
HTML = b"<!DOCTYPE html><html><body><script>alert('x')</script></body></html>\n"

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="xml" ContentType="application/xml"/></Types>'
)
DOCUMENT_XML = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>Civil society holds data.</w:t></w:r></w:p></w:body></w:document>"
)
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


def make_zip(entries, *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    """A ZIP archive of ``entries`` (name → bytes), in order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def docx(*extra) -> bytes:
    return make_zip(
        [
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", b"<Relationships/>"),
            ("word/document.xml", DOCUMENT_XML),
            *extra,
        ]
    )


def opendocument(mimetype: bytes) -> bytes:
    """An OpenDocument package: the ``mimetype`` entry first and stored, as the standard says."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", b"<office:document-content/>")
        archive.writestr("META-INF/manifest.xml", b"<manifest:manifest/>")
    return buffer.getvalue()


def xlsx() -> bytes:
    return make_zip(
        [
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", b"<Relationships/>"),
            ("xl/workbook.xml", b"<workbook/>"),
            ("xl/worksheets/sheet1.xml", b"<worksheet/>"),
        ]
    )


def zeros_docx(size: int) -> bytes:
    """A DOCX whose document unpacks to ``size`` zero bytes: deflate packs it a thousandfold."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        with archive.open("word/document.xml", "w") as entry:
            chunk = b"\0" * (1024 * 1024)
            left = size
            while left:
                entry.write(chunk[: min(left, len(chunk))])
                left -= min(left, len(chunk))
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def refusal(file) -> list[str]:
    with pytest.raises(ValidationError) as excinfo:
        check_attachment(file)
    return excinfo.value.messages


# --- count_words ------------------------------------------------------------------------------


def test_count_words_english_counts_each_word():
    assert count_words("Civil society holds data on firearms trafficking.", "en") == 7


def test_count_words_english_hyphenated_and_apostrophe_words_count_once():
    text = "The State-party's follow-up isn't a well-known, long-term commitment; it’s civil society's."

    # The, State-party's, follow-up, isn't, a, well-known, long-term, commitment, it’s, civil, society's
    assert count_words(text, "en") == 11


def test_count_words_english_ignores_punctuation_and_spacing():
    assert count_words("  Firearms —   trafficking ,\n\n ... data!  ", "en") == 3
    assert count_words("", "en") == 0


def test_count_words_chinese_counts_two_characters_as_one_word():
    text = "打击跨国有组织犯罪公约"  # 11 characters

    assert count_words(text[:10], "zh") == 5
    assert count_words(text, "zh") == 6  # an odd character left over counts as a word


def test_count_words_chinese_punctuation_is_not_counted():
    assert count_words("联合公约，民间社会。", "zh") == 4  # 8 characters; the comma and stop are not words


def test_count_words_chinese_text_recognised_without_its_language():
    # Most of the text is CJK: it is counted as such even when the language says otherwise.
    assert count_words("打击跨国有组织犯罪", "en") == 5
    assert count_words("打击跨国有组织犯罪", "") == 5


def test_count_words_mixed_chinese_and_latin_words():
    # 8 CJK characters → 4 words; "UNTOC" and "2030" are words of their own.
    assert count_words("联合公约 UNTOC 民间社会 2030", "zh") == 6


def test_count_words_mixed_hyphenated_word_counts_once():
    # 6 CJK characters → 3 words, plus "anti-trafficking" as one word, as in English text.
    assert count_words("联合公约 anti-trafficking 民间", "zh") == 4


def test_count_words_english_with_a_few_chinese_characters_counts_english_words():
    # Under a quarter CJK: counted as English, the Chinese run as one word.
    assert count_words("The Convention is called 公约 in Chinese texts of the United Nations", "en") == 12


# --- check_length -------------------------------------------------------------------------------


def test_check_length_at_the_limit_accepted(settings):
    assert settings.WRITTEN_COMMENT_MAX_WORDS == 2000

    check_length("word " * settings.WRITTEN_COMMENT_MAX_WORDS, "en")


def test_check_length_one_word_over_the_limit_refused(settings):
    with pytest.raises(ValidationError) as excinfo:
        check_length("word " * (settings.WRITTEN_COMMENT_MAX_WORDS + 1), "en")

    assert excinfo.value.code == "too_long"
    assert excinfo.value.messages == ["The comment has 2001 words; at most 2000 are accepted."]


def test_check_length_follows_the_setting(settings):
    settings.WRITTEN_COMMENT_MAX_WORDS = 5

    check_length("one two three four five", "en")
    with pytest.raises(ValidationError):
        check_length("one two three four five six", "en")


def test_check_length_chinese_counts_characters_by_two(settings):
    limit = settings.WRITTEN_COMMENT_MAX_WORDS

    check_length("公" * (2 * limit), "zh")
    with pytest.raises(ValidationError) as excinfo:
        check_length("公" * (2 * limit + 1), "zh")
    assert excinfo.value.messages == ["The comment has 2001 words; at most 2000 are accepted."]


# --- check_attachment: accepted -------------------------------------------------------------------


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


# --- check_attachment: refused by their bytes -------------------------------------------------------


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


# --- check_attachment: zip bombs and archives of too many files ------------------------------------------


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


def test_check_attachment_archive_of_1001_entries_refused(settings):
    assert settings.ATTACHMENT_MAX_ENTRIES == 1000
    entries = [(f"word/media/image{i}.xml", b"") for i in range(1001 - 3)]
    content = docx(*entries)
    assert len(zipfile.ZipFile(io.BytesIO(content)).infolist()) == 1001

    assert refusal(upload("statement.docx", content)) == [
        "“statement.docx” is refused: the archive holds too many files."
    ]


# --- check_attachment: refused by name or size -------------------------------------------------------------


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


class CountedReads(io.BytesIO):
    """A file that counts how often it is read (to show that an oversized one never is)."""

    reads = 0

    def read(self, *args):
        self.reads += 1
        return super().read(*args)


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
