"""What a written comment may hold: a length in words, and attachments whose bytes match their name.

An attachment is judged by its content, not its name: a PDF starts with ``%PDF-``; DOCX
and ODT are ZIP archives, opened to find the entries that make them what they claim
(and refused when they would unpack to too much, a "zip bomb").
"""

import re
import unicodedata
import zipfile
import zlib
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
CJK_LANGUAGES = {"zh", "ja", "ko"}
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


def _check_archive(upload: UploadedFile, name: str, kind: str) -> None:
    upload.seek(0)
    # A ZIP is found from its end: an executable with an archive appended would pass as
    # one. A document starts with its first entry.
    starts_as_zip = upload.read(4) == b"PK\x03\x04"
    upload.seek(0)
    if not starts_as_zip or not zipfile.is_zipfile(upload):
        raise _refuse(name, _("it is not a %(kind)s document.") % {"kind": kind.upper()})
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            if len(entries) > settings.ATTACHMENT_MAX_ENTRIES:
                raise _refuse(name, _("the archive holds too many files."))
            if sum(entry.file_size for entry in entries) > settings.ATTACHMENT_MAX_UNPACKED_BYTES:
                raise _refuse(name, _("the archive would unpack to too much data."))
            names = {entry.filename for entry in entries}
            if kind == "docx":
                if not {"[Content_Types].xml", "word/document.xml"} <= names:
                    raise _refuse(name, _("it is not a Word (DOCX) text document."))
            elif "mimetype" not in names or archive.read("mimetype").strip() != ODT_MIMETYPE:
                raise _refuse(name, _("it is not an OpenDocument text (ODT) document."))
    except (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError, ValueError, EOFError) as exc:
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
