"""What a written comment may hold: a length in words, and attachments whose bytes match their name.

An attachment is judged by its content, not its name: a PDF starts with ``%PDF-``; DOCX
and ODT are ZIP archives, opened to find the entries that make them what they claim.

An archive is judged by what its entries really unpack to, never by the sizes it declares
(a "zip bomb" declares 1 KiB and inflates to 150 MiB): each entry is inflated here, a
piece of at most ``CHUNK`` bytes at a time, counted and thrown away, and the check stops
as soon as the total passes ``ATTACHMENT_MAX_UNPACKED_BYTES``; an entry that unpacks to
other bytes than its header declares (size or CRC) is damaged.

A DOCX or ODT may not embed another archive, whatever the entry is called: it is
recognised by its first bytes (``ARCHIVE_SIGNATURES``), as the program that opens it
would. That refuses what the check above cannot see into (a bomb one level down), and
also some documents a word processor writes: an embedded spreadsheet or a chart's data
is an XLSX (a ZIP) in ``word/embeddings/``, and any other embedded object an OLE
compound file, which can carry any file at all. The message asks to remove them or to
send a PDF. Images, fonts and the sub-documents an ODT keeps as folders of its own
archive ("Object 1/content.xml") are not archives and pass.
"""

import re
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
CJK_LANGUAGES = {"zh", "ja", "ko"}
# What checking an archive holds in memory at once: one piece read, one piece inflated.
CHUNK = 64 * 1024
# Enough of an entry's first bytes to recognise an archive (tar's mark sits at 257).
HEAD = 512
# A ZIP entry's local header: its signature, then (after 22 bytes of fields the central
# directory repeats) the lengths of the name and extra field that precede the data.
LOCAL_HEADER = struct.Struct("<4s22xHH")
ARCHIVE_SIGNATURES = (
    b"PK\x03\x04",  # a ZIP: DOCX, XLSX, PPTX, ODT, ODS, JAR, …
    b"PK\x05\x06",  # an empty ZIP (its end record alone)
    b"PK\x07\x08",  # a ZIP split in parts
    b"\x1f\x8b\x08",  # gzip
    *(b"BZh%d" % level for level in range(1, 10)),  # bzip2
    b"\xfd7zXZ\x00",  # xz
    b"\x28\xb5\x2f\xfd",  # Zstandard
    b"7z\xbc\xaf\x27\x1c",  # 7-Zip
    b"Rar!\x1a\x07",  # RAR 4 and 5
    b"MSCF\x00\x00\x00\x00",  # Microsoft Cabinet
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",  # OLE compound file: what holds an embedded object
)
# A word, with its inner hyphens and apostrophes: "anti-trafficking" and "States’" count once.
WORD = re.compile(r"\w+(?:['’-]\w+)*")


def _is_cjk(character: str) -> bool:
    name = unicodedata.name(character, "")
    return name.startswith(("CJK", "HIRAGANA", "KATAKANA", "HANGUL"))


def count_words(text: str, language: str = "") -> int:
    """Words as a reader counts them. In Chinese, Japanese and Korean, which do not separate
    words with spaces, every two characters count as one word."""
    cjk = sum(1 for character in text if _is_cjk(character))
    if language in CJK_LANGUAGES or cjk > len(text) / 4:
        rest = "".join(" " if _is_cjk(character) else character for character in text)
        return (cjk + 1) // 2 + len(WORD.findall(rest))
    return len(WORD.findall(text))


def check_length(text: str, language: str = "") -> None:
    words = count_words(text, language)
    limit = settings.WRITTEN_COMMENT_MAX_WORDS
    if words > limit:
        raise ValidationError(
            _("The comment has %(words)d words; at most %(limit)d are accepted.")
            % {"words": words, "limit": limit},
            code="too_long",
        )


def _refuse(name: str, why: str) -> ValidationError:
    return ValidationError(
        _("“%(name)s” is refused: %(why)s") % {"name": name, "why": why}, code="attachment"
    )


def _is_archive(head: bytes) -> bool:
    return head.startswith(ARCHIVE_SIGNATURES) or head[257:262] == b"ustar"


def _unpacked(upload: UploadedFile, entry: zipfile.ZipInfo) -> Iterator[bytes]:
    """What ``entry`` really unpacks to, at most CHUNK bytes at a time, whatever it declares.

    zipfile cuts an entry at its declared size (an entry that declares 1 KiB reads as
    1 KiB there, with a matching CRC), while a word processor inflates the deflate
    stream to its end: so does this. Raises BadZipFile for an entry that cannot be read.
    """
    if entry.flag_bits & 0x1:
        raise zipfile.BadZipFile(f"{entry.filename!r} is encrypted")
    # Office and OpenDocument packages are stored or deflated (ECMA-376 part 2, ODF 1.2
    # part 3); bzip2 or LZMA is no document a word processor opens.
    if entry.compress_type not in {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}:
        raise zipfile.BadZipFile(f"{entry.filename!r} uses compression method {entry.compress_type}")
    upload.seek(entry.header_offset)
    signature, name_length, extra_length = LOCAL_HEADER.unpack(upload.read(LOCAL_HEADER.size))
    if signature != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"no local header for {entry.filename!r}")
    position = entry.header_offset + LOCAL_HEADER.size + name_length + extra_length
    packed_left = entry.compress_size
    inflater = zlib.decompressobj(-zlib.MAX_WBITS) if entry.compress_type == zipfile.ZIP_DEFLATED else None
    pending = b""
    while inflater is None or not inflater.eof:
        if not pending and packed_left:
            upload.seek(position)
            pending = upload.read(min(CHUNK, packed_left))
            if not pending:
                raise zipfile.BadZipFile(f"the archive ends inside {entry.filename!r}")
            position += len(pending)
            packed_left -= len(pending)
        if inflater is None:
            if not pending:
                return
            piece, pending = pending, b""
        else:
            piece = inflater.decompress(pending, CHUNK)
            pending = inflater.unconsumed_tail
            if not (piece or pending or packed_left or inflater.eof):
                raise zipfile.BadZipFile(
                    f"the data of {entry.filename!r} goes on past its compressed size or stops short"
                )
        if piece:
            yield piece


def _check_archive(upload: UploadedFile, name: str, kind: str) -> None:
    upload.seek(0)
    # A ZIP is found from its end: an executable with an archive appended would pass as
    # one. A document starts with its first entry.
    starts_as_zip = upload.read(4) == b"PK\x03\x04"
    upload.seek(0)
    if not starts_as_zip or not zipfile.is_zipfile(upload):
        raise _refuse(name, _("it is not a %(kind)s document.") % {"kind": kind.upper()})
    upload.seek(0)
    limit = settings.ATTACHMENT_MAX_UNPACKED_BYTES
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
        if len(entries) > settings.ATTACHMENT_MAX_ENTRIES:
            raise _refuse(name, _("the archive holds too many files."))
        too_much = _("the archive would unpack to too much data.")
        # A declared size is believed when it says too much, never when it says little.
        if sum(entry.file_size for entry in entries) > limit:
            raise _refuse(name, too_much)
        # Honest entries sit one after the other. More packed data than the file holds
        # means entries that share their bytes, each inflating them again.
        if sum(entry.compress_size for entry in entries) > upload.size:
            raise zipfile.BadZipFile("entries overlap")
        names = {entry.filename for entry in entries}
        if kind == "docx" and not {"[Content_Types].xml", "word/document.xml"} <= names:
            raise _refuse(name, _("it is not a Word (DOCX) text document."))
        if kind == "odt" and "mimetype" not in names:
            raise _refuse(name, _("it is not an OpenDocument text (ODT) document."))
        unpacked = 0
        mimetype = b""
        for entry in entries:
            head, size, crc = b"", 0, 0
            for piece in _unpacked(upload, entry):
                unpacked += len(piece)
                if unpacked > limit:
                    raise _refuse(name, too_much)
                size += len(piece)
                crc = zlib.crc32(piece, crc)
                if len(head) < HEAD:
                    head += piece[: HEAD - len(head)]
            if size != entry.file_size or crc != entry.CRC:
                raise zipfile.BadZipFile(f"{entry.filename!r} is not what its header declares")
            if _is_archive(head):
                raise _refuse(
                    name,
                    _(
                        "it embeds another file or archive, such as a spreadsheet, a chart’s data "
                        "or an attached file. Remove the embedded objects, or save the document "
                        "as PDF, and upload it again."
                    ),
                )
            if entry.filename == "mimetype":
                mimetype = head if size <= HEAD else b""
        if kind == "odt" and mimetype.strip() != ODT_MIMETYPE:
            raise _refuse(name, _("it is not an OpenDocument text (ODT) document."))
    except (
        zipfile.BadZipFile,
        zlib.error,
        struct.error,
        RuntimeError,
        NotImplementedError,
        ValueError,
        EOFError,
    ) as exc:
        # Damaged, encrypted or oddly compressed: not a document anyone can open.
        raise _refuse(name, _("the archive is damaged.")) from exc
    finally:
        upload.seek(0)


def check_attachment(upload: UploadedFile) -> str:
    """The kind of an acceptable attachment ("pdf", "docx" or "odt"), or a ValidationError.

    Reads only the file in hand (memory or the upload's temporary file), never MEDIA_ROOT:
    a refused upload leaves nothing behind.
    """
    name = PurePath(upload.name or "").name
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise _refuse(
            name, _("it is larger than %(limit)s.") % {"limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES)}
        )
    if upload.size == 0:
        raise _refuse(name, _("the file is empty."))
    kind = PurePath(name).suffix.lower().lstrip(".")
    if kind not in {"pdf", "docx", "odt"}:
        raise _refuse(name, _("only PDF, DOCX and ODT documents are accepted."))
    if kind == "pdf":
        upload.seek(0)
        head = upload.read(5)
        upload.seek(0)
        if head != b"%PDF-":
            raise _refuse(name, _("it is not a PDF document."))
    else:
        _check_archive(upload, name, kind)
    return kind
