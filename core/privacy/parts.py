"""What a plugin contributes to a user's data export (``portique_export_user_data``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ExportFile:
    """A file the customer receives as it is (an invoice PDF, a signed request, an attachment).

    :param name: the file's name in the archive (``invoice-2024-0001.pdf``); the core keeps only
        safe characters and makes names unique inside the part.
    :param content_type: its media type (``application/pdf``).
    :param content: its bytes.
    """

    name: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class ExportPart:
    """One JSON document of the export, with the files that go with it.

    Written as ``<plugin>/<name>.json``, its files under ``<plugin>/<name>/``.

    :param name: a short name of what it holds (``invoices``, ``devices``); letters, digits, ``-``, ``_``.
    :param data: JSON-able data (dicts, lists, strings, numbers, booleans, ``None``); dates, times,
        decimals and enumerations are written as ISO strings, strings and values.
    :param files: files to add beside the JSON.
    """

    name: str
    data: Any
    files: tuple[ExportFile, ...] = field(default=())
