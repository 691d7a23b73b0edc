"""Registry imports as a service: read a CSV or XLSX file, preview it, apply it all or nothing.

The console's import page and ``portique registry import`` both call it; the importers themselves
come from the tenant's plugins (``portique_registry_importers``).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core.audit.service import record as audit
from core.console.language import tenant_words
from core.i18n import gettext as _
from core.imports import RegistryImporter, RowError
from core.plugins import flatten
from core.portal import get_portal
from core.tenancy.models import Tenant

ZIP_MAGIC = b"PK\x03\x04"  # an XLSX file is a ZIP archive
MAX_BYTES = 20 * 1024 * 1024  # larger files are refused before they are read
APPLY_CHUNK = 200  # rows written between two progress reports


@dataclass(frozen=True)
class Preview:
    """What a file would import: every row, and every problem found (nothing is written)."""

    rows: list[dict[str, str]]
    errors: list[RowError]

    @property
    def count(self) -> int:
        """How many data rows the file holds."""
        return len(self.rows)


@dataclass
class ImportRejectedError(Exception):
    """The file has errors: nothing was written."""

    errors: list[RowError] = field(default_factory=list)


class ImportFailedError(Exception):
    """The backend failed while writing: the transaction was rolled back, nothing was written."""


def importers(tenant: Tenant) -> list[RegistryImporter]:
    """The registry importers the tenant's plugins offer."""
    return flatten(get_portal().hooks(tenant).portique_registry_importers(tenant=tenant))


def find_importer(tenant: Tenant, code: str) -> RegistryImporter | None:
    """The tenant's importer named ``code``, if any."""
    return next((importer for importer in importers(tenant) if importer.code == code), None)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # 100234.0 in a spreadsheet is the customer number 100234
    return str(value).strip()


def _xlsx_table(content: bytes) -> list[list[str]] | None:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        return None
    try:
        sheet = book.worksheets[0]
        return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _csv_table(text: str) -> list[list[str]]:
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [[(v or "").strip() for v in row] for row in csv.reader(io.StringIO(text), dialect=dialect)]


def read_rows(content: bytes, columns: tuple[str, ...]) -> tuple[list[dict[str, str]], list[RowError]]:
    """Rows of a UTF-8 CSV (BOM allowed) or an XLSX file (first sheet); header problems are line-1 errors.

    Line numbers follow the file: the header is line 1, blank lines keep their number.
    """
    if content.startswith(ZIP_MAGIC):
        table = _xlsx_table(content)
        if table is None:
            return [], [RowError(1, "", _("The file is not a readable spreadsheet."))]
    else:
        try:
            table = _csv_table(content.decode("utf-8-sig"))
        except UnicodeDecodeError:
            return [], [RowError(1, "", _("The file is not UTF-8 text."))]
    header = [h.strip() for h in table[0]] if table else []
    missing = [c for c in columns if c not in header]
    if missing:
        return [], [RowError(1, c, _("Missing column.")) for c in missing]
    rows = []
    for values in table[1:]:
        if not any(values):
            continue
        rows.append({name: (values[i] if i < len(values) else "") for i, name in enumerate(header) if name})
    return rows, []


async def _validate(db: AsyncSession, tenant: Tenant, importer: RegistryImporter, content: bytes) -> Preview:
    rows, errors = read_rows(content, importer.columns)
    if not errors:
        with tenant_words(tenant):  # the plugin's messages, in the caller's language
            errors = await importer.validate(db, tenant, rows)
    return Preview(rows, errors)


async def preview(tenant: Tenant, importer: RegistryImporter, content: bytes) -> Preview:
    """Read and validate the file against the tenant's data; nothing is written."""
    async with get_portal().database.session(tenant.id) as db:
        result = await _validate(db, tenant, importer, content)
        await db.rollback()
    return result


async def commit(
    tenant: Tenant,
    importer: RegistryImporter,
    content: bytes,
    *,
    audit_as: dict[str, Any],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Validate the file again and write every row in one transaction, with an audit event.

    :param audit_as: who imports (``actor_type``, ``actor_id``, ``request``…), passed to the audit log.
    :param progress: called with the number of rows written after each chunk.
    :raises ImportRejectedError: some row has errors (nothing written).
    :raises ImportFailedError: the backend failed (rolled back, nothing written).
    :returns: the number of rows the importer reports written.
    """
    async with get_portal().database.session(tenant.id) as db:
        checked = await _validate(db, tenant, importer, content)
        if checked.errors:
            await db.rollback()
            raise ImportRejectedError(checked.errors)
        count = 0
        try:
            for start in range(0, checked.count, APPLY_CHUNK):
                chunk = checked.rows[start : start + APPLY_CHUNK]
                count += await importer.apply(db, tenant, chunk)
                await db.flush()
                if progress is not None:
                    progress(len(chunk))
        except Exception as exc:  # a backend failure must leave nothing behind
            await db.rollback()
            raise ImportFailedError(str(exc)) from exc
        audit(
            db,
            "console.registry_imported",
            tenant_id=tenant.id,
            subject_type="import",
            subject_id=importer.code,
            rows=count,
            **audit_as,
        )
        await db.commit()
    return count
