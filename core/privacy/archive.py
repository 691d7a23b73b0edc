"""The export's ZIP: ``core.json``, one JSON per plugin part, their files, and ``manifest.json``.

Layout::

    core.json                     the core's part
    core/<file>                   the tickets' attachments
    <plugin>/<part>.json          a plugin's part
    <plugin>/<part>/<file>        its files
    manifest.json                 every entry with its media type, size and SHA-256
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from core.privacy.parts import ExportFile, ExportPart

JSON_TYPE = "application/json"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def to_json_value(value: Any) -> Any:
    """What ``json`` cannot write, as it is written in the export."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(f"{type(value).__name__} is not JSON-able")


def json_bytes(data: Any) -> bytes:
    """``data`` as indented UTF-8 JSON."""
    return json.dumps(data, default=to_json_value, ensure_ascii=False, indent=2, sort_keys=True).encode()


def safe_name(name: str, fallback: str = "file") -> str:
    """A file or folder name of safe characters only (no folders, no leading dot)."""
    cleaned = _UNSAFE.sub("-", name).strip(".-")
    return cleaned[:120] or fallback


@dataclass(frozen=True)
class Contribution:
    """The parts one component (``core`` or a plugin) gave."""

    component: str
    parts: tuple[ExportPart, ...]


class _Zip:
    """Entries written once each, with the manifest's lines."""

    def __init__(self, handle: zipfile.ZipFile) -> None:
        self.handle = handle
        self.entries: list[dict[str, Any]] = []
        self.names: set[str] = set()

    def unique(self, path: str) -> str:
        stem, dot, ext = path.rpartition(".")
        candidate, count = path, 1
        while candidate in self.names:
            count += 1
            candidate = f"{stem}-{count}.{ext}" if dot and "/" not in ext else f"{path}-{count}"
        self.names.add(candidate)
        return candidate

    def write(self, path: str, content: bytes, content_type: str) -> None:
        path = self.unique(path)
        self.handle.writestr(path, content)
        digest = hashlib.sha256(content).hexdigest()
        self.entries.append({"path": path, "content_type": content_type, "size": len(content), "sha256": digest})


def _part_paths(component: str, part: ExportPart) -> tuple[str, str]:
    """(the JSON's path, the files' folder) of a part."""
    if component == "core":
        return "core.json", "core"
    folder = safe_name(component, "plugin")
    name = safe_name(part.name, "data")
    return f"{folder}/{name}.json", f"{folder}/{name}"


def _write_files(archive: _Zip, folder: str, files: Iterable[ExportFile]) -> None:
    for file in files:
        archive.write(f"{folder}/{safe_name(file.name)}", file.content, file.content_type or "application/octet-stream")


def build_zip(contributions: Iterable[Contribution], about: dict[str, Any]) -> bytes:
    """The archive of every contribution; ``about`` (who, which portal, when) heads the manifest."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as handle:
        archive = _Zip(handle)
        archive.names.add("manifest.json")
        for contribution in contributions:
            for part in contribution.parts:
                json_path, folder = _part_paths(contribution.component, part)
                archive.write(json_path, json_bytes(part.data), JSON_TYPE)
                _write_files(archive, folder, part.files)
        handle.writestr("manifest.json", json_bytes({**about, "entries": archive.entries}))
    return buffer.getvalue()
