"""What the tests of validation share (moved from test_validation.py)."""

import bz2
import gzip
import io
import lzma
import struct
import tarfile
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from submissions.validation import check_attachment

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
