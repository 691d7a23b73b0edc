"""Attachment checks: the type is read from the content (magic bytes), never from the file name."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from core.tenancy.models import Tenant

DEFAULT_MAX_MB = 10
DEFAULT_MAX_COUNT = 5

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


def sniff(content: bytes) -> tuple[str, str] | None:
    """(MIME type, extension) of an accepted file, or ``None`` when the content is not allowed."""
    for magic, offset, mime, ext in _SIGNATURES:
        if content[offset : offset + len(magic)] == magic:
            return mime, ext
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp", "webp"
    if content[:4] == b"PK\x03\x04":
        try:
            names = zipfile.ZipFile(io.BytesIO(content)).namelist()
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names:
            for prefix, answer in _OOXML.items():
                if any(name.startswith(prefix) for name in names):
                    return answer
        return None
    if content and b"\x00" not in content[:8192]:
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            return None
        if "<" in text and re.search(r"<\s*(script|html|svg|iframe|body)\b", text, re.IGNORECASE):
            return None  # markup is never accepted as "text"
        return "text/plain", "txt"
    return None


def safe_filename(name: str, extension: str) -> str:
    """A display name made of safe characters, ending with the extension of the detected type."""
    base = unicodedata.normalize("NFKC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = re.sub(r"[^\w\- ]+", "_", stem).strip(" ._")[:80] or "attachment"
    return f"{stem}.{extension}"
