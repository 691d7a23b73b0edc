"""Attachment checks: the type is read from the content (magic bytes), never from the file name.

Word and Excel files are zip archives: their list of entries is read to tell them apart. An
archive with very many entries takes long to read, and one that claims to unpack to gigabytes is
a zip bomb for whoever opens it; both are refused (:class:`ArchiveTooLargeError`) before or instead of
being read, and the reading itself runs in a thread (:func:`inspect`) so that the event loop keeps
serving other requests meanwhile.
"""

from __future__ import annotations

import asyncio
import io
import re
import struct
import unicodedata
import zipfile
from dataclasses import dataclass

from core.tenancy.models import Tenant

DEFAULT_MAX_MB = 10
DEFAULT_MAX_COUNT = 5
# A Word or Excel file has tens of entries (a few thousand for a workbook with very many sheets).
MAX_ARCHIVE_ENTRIES = 5_000
MAX_ARCHIVE_INFLATED = 200 * 1024 * 1024  # what its entries add up to once unpacked
MAX_ARCHIVE_RATIO = 200  # unpacked size ÷ packed size of one entry (text compresses about 10×)
# Below this size the content is checked on the event loop: a thread hop costs more than the check.
_INLINE_BYTES = 64 * 1024
_EOCD = b"PK\x05\x06"
_EOCD_SIZE = 22

_SIGNATURES: tuple[tuple[bytes, int, str, str], ...] = (
    (b"%PDF-", 0, "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png", "png"),
    (b"\xff\xd8\xff", 0, "image/jpeg", "jpg"),
    (b"GIF87a", 0, "image/gif", "gif"),
    (b"GIF89a", 0, "image/gif", "gif"),
)
_OOXML = {
    "word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


@dataclass(frozen=True)
class Limits:
    """How many files, and how big, a tenant accepts per message."""

    max_bytes: int
    max_count: int

    @classmethod
    def for_tenant(cls, tenant: Tenant) -> Limits:
        """The tenant's limits (``settings["ticketing"]["max_attachment_mb"|"max_attachments"]``)."""
        config = (tenant.settings or {}).get("ticketing", {})
        megabytes = int(config.get("max_attachment_mb", DEFAULT_MAX_MB))
        return cls(max_bytes=megabytes * 1024 * 1024, max_count=int(config.get("max_attachments", DEFAULT_MAX_COUNT)))

    @property
    def max_megabytes(self) -> int:
        """The size limit in MB, for messages."""
        return self.max_bytes // (1024 * 1024)


class ArchiveTooLargeError(ValueError):
    """A zip archive with more entries, or a larger unpacked size, than an attachment may have."""


def _declared_entries(content: bytes) -> int | None:
    """The number of entries the archive's end record declares (read without parsing the archive)."""
    start = content.rfind(_EOCD, max(0, len(content) - _EOCD_SIZE - 0xFFFF))
    if start < 0 or len(content) < start + _EOCD_SIZE:
        return None
    (total,) = struct.unpack_from("<H", content, start + 10)
    return int(total)


def _archive_names(content: bytes) -> list[str]:
    """The entry names of a zip archive within the limits; :class:`ArchiveTooLargeError` otherwise."""
    declared = _declared_entries(content)
    if declared is not None and declared > MAX_ARCHIVE_ENTRIES:  # 0xFFFF (zip64) is over it too
        raise ArchiveTooLargeError("too many entries")
    infos = zipfile.ZipFile(io.BytesIO(content)).infolist()
    if len(infos) > MAX_ARCHIVE_ENTRIES:
        raise ArchiveTooLargeError("too many entries")
    if sum(info.file_size for info in infos) > MAX_ARCHIVE_INFLATED or any(
        info.file_size > MAX_ARCHIVE_RATIO * max(info.compress_size, 1024) for info in infos
    ):
        raise ArchiveTooLargeError("unpacks to too much")
    return [info.filename for info in infos]


def sniff(content: bytes) -> tuple[str, str] | None:
    """(MIME type, extension) of an accepted file, or ``None`` when the content is not allowed.

    Raises :class:`ArchiveTooLargeError` for a zip archive over the limits. Blocking: use :func:`inspect`
    from a page.
    """
    for magic, offset, mime, ext in _SIGNATURES:
        if content[offset : offset + len(magic)] == magic:
            return mime, ext
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp", "webp"
    if content[:4] == b"PK\x03\x04":
        return _office_document(content)
    if content and b"\x00" not in content[:8192]:
        return _plain_text(content)
    return None


def _office_document(content: bytes) -> tuple[str, str] | None:
    """A Word or Excel file (OOXML) from a zip archive; ``None`` for any other or unreadable archive."""
    try:
        names = _archive_names(content)
    except ArchiveTooLargeError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, struct.error, ValueError):
        return None  # not a readable archive: not a Word or Excel file either
    if "[Content_Types].xml" in names:
        for prefix, answer in _OOXML.items():
            if any(name.startswith(prefix) for name in names):
                return answer
    return None


def _plain_text(content: bytes) -> tuple[str, str] | None:
    """UTF-8 text without markup, as ``text/plain``; ``None`` otherwise."""
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "<" in text and re.search(r"<\s*(script|html|svg|iframe|body)\b", text, re.IGNORECASE):
        return None  # markup is never accepted as "text"
    return "text/plain", "txt"


async def inspect(content: bytes) -> tuple[str, str] | None:
    """:func:`sniff` in a worker thread for anything but small files, so the event loop stays free."""
    if len(content) <= _INLINE_BYTES:
        return sniff(content)
    return await asyncio.to_thread(sniff, content)


def safe_filename(name: str, extension: str) -> str:
    """A display name made of safe characters, ending with the extension of the detected type."""
    base = unicodedata.normalize("NFKC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = re.sub(r"[^\w\- ]+", "_", stem).strip(" ._")[:80] or "attachment"
    return f"{stem}.{extension}"
