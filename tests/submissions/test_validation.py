"""What a written comment may hold: its length in words, and attachments judged by their bytes.

Every file here is made in the test, byte for byte: a PDF, a DOCX, an ODT, and the
impostors the portal must refuse (a renamed ELF, HTML named .pdf, an XLSX named .docx,
an ODS named .odt, zip bombs, archives that lie about their entries, damaged archives, and
documents that embed other archives).
"""

import bz2
import gzip
import io
import lzma
import struct
import tarfile
import tracemalloc
import zipfile
import zlib

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
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
MIB = 1024 * 1024


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


def opendocument(mimetype: bytes, *extra) -> bytes:
    """An OpenDocument package: the ``mimetype`` entry first and stored, as the standard says."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", b"<office:document-content/>")
        archive.writestr("META-INF/manifest.xml", b"<manifest:manifest/>")
        for name, data in extra:
            archive.writestr(name, data)
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


def _central_record(content: bytes, entry_name: str) -> int:
    """Where the central directory record of ``entry_name`` starts."""
    name = entry_name.encode()
    record = content.index(b"PK\x01\x02")
    while struct.unpack_from("<H", content, record + 28)[0] != len(name) or (
        content[record + 46 : record + 46 + len(name)] != name
    ):
        record = content.index(b"PK\x01\x02", record + 1)
    return record


def declaring(content: bytes, entry_name: str, **declared: int) -> bytes:
    """``content`` with what ``entry_name`` declares (its ``method``, ``crc``, ``packed`` and
    ``size``) rewritten in its local header and its central directory record: an archive
    that lies, which zipfile never writes."""
    local = {"method": ("<H", 8), "crc": ("<L", 14), "packed": ("<L", 18), "size": ("<L", 22)}
    central = {"method": ("<H", 10), "crc": ("<L", 16), "packed": ("<L", 20), "size": ("<L", 24)}
    data = bytearray(content)
    header = zipfile.ZipFile(io.BytesIO(content)).getinfo(entry_name).header_offset
    for start, fields in ((header, local), (_central_record(content, entry_name), central)):
        for field, value in declared.items():
            layout, at = fields[field]
            struct.pack_into(layout, data, start + at, value)
    return bytes(data)


def deflated_zeros(mebibytes: int) -> bytes:
    """A raw deflate stream of ``mebibytes`` MiB of zero bytes, made in milliseconds: one MiB
    deflated and flushed with nothing left to refer back to, repeated, then the final block."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    mebibyte = compressor.compress(b"\0" * MIB) + compressor.flush(zlib.Z_FULL_FLUSH)
    return mebibyte * mebibytes + compressor.flush()


def docx_of_deflated_document(stream: bytes, **declared: int) -> bytes:
    """A DOCX whose document is the raw deflate ``stream``, declaring what ``declared`` says.

    zipfile deflates what it is given: the stream goes in stored, and its headers then say
    deflated."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", b"<Relationships/>")
        archive.writestr("word/document.xml", stream, compress_type=zipfile.ZIP_STORED)
    return declaring(buffer.getvalue(), "word/document.xml", method=zipfile.ZIP_DEFLATED, **declared)


def with_central_record_repeated(content: bytes, entry_name: str, times: int) -> bytes:
    """``content`` whose central directory lists ``entry_name`` ``times`` times, every record
    pointing at the same bytes: entries that overlap."""
    end = content.rindex(b"PK\x05\x06")
    count, directory_size, directory_offset = struct.unpack_from("<HLL", content, end + 10)
    record = _central_record(content, entry_name)
    name_length, extra_length, comment_length = struct.unpack_from("<3H", content, record + 28)
    record_bytes = content[record : record + 46 + name_length + extra_length + comment_length]
    directory = content[directory_offset : directory_offset + directory_size] + record_bytes * (times - 1)
    end_record = bytearray(content[end:])
    struct.pack_into(
        "<HHLL", end_record, 8, count + times - 1, count + times - 1, len(directory), directory_offset
    )
    return content[:directory_offset] + directory + bytes(end_record)


class Unseekable(io.RawIOBase):
    """A stream zipfile can only write forward: it then follows each entry with a data
    descriptor and leaves the sizes in the local header zero, as some writers do."""

    def __init__(self):
        self.written = bytearray()

    def writable(self):
        return True

    def write(self, data):
        self.written += data
        return len(data)


def docx_with_data_descriptors() -> bytes:
    stream = Unseekable()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("word/document.xml", DOCUMENT_XML)
        archive.writestr("word/media/image1.png", PNG)
    return bytes(stream.written)


def docx_with_zip64_extra_fields() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in [("[Content_Types].xml", CONTENT_TYPES), ("word/document.xml", DOCUMENT_XML)]:
            with archive.open(name, "w", force_zip64=True) as entry:
                entry.write(data)
    return buffer.getvalue()


def tar_archive() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        member = tarfile.TarInfo("statement.txt")
        member.size = 4
        archive.addfile(member, io.BytesIO(b"text"))
    return buffer.getvalue()


# Archives as their own programs write them where the standard library can; otherwise their
# signature and enough bytes to look like a header (what the check reads is the start).
NESTED_ARCHIVES = {
    "zip": make_zip([("statement.txt", b"text")]),
    "empty zip": make_zip([]),
    "xlsx": xlsx(),
    "gzip": gzip.compress(b"text"),
    "bzip2": bz2.compress(b"text"),
    "xz": lzma.compress(b"text"),
    "tar": tar_archive(),
    "7z": b"7z\xbc\xaf\x27\x1c\x00\x04" + bytes(24),
    "rar": b"Rar!\x1a\x07\x01\x00" + bytes(24),
    "zstd": b"\x28\xb5\x2f\xfd\x20\x04\x21\x00\x00text",
    "cab": b"MSCF\x00\x00\x00\x00" + bytes(28),
    "ole": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
}


class CountedReads(io.BytesIO):
    """A file that counts how often it is read and how many bytes it gives."""

    reads = 0
    bytes_read = 0

    def read(self, *args):
        self.reads += 1
        data = super().read(*args)
        self.bytes_read += len(data)
        return data


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


# --- check_attachment: documents that embed other archives -------------------------------------------------

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
