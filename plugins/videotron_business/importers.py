"""CSV imports of the Vidéotron Business registry: accounts (with service lines) and authorized users."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.api import RegistryImporter, RowChecks, RowError, Rows, Tenant, is_digits, lazy_gettext, normalize_email
from core.api import gettext as _
from plugins.videotron_business.backend import is_postal_code, normalize_account_number, normalize_postal_code
from plugins.videotron_business.models import (
    AuthorizedUserType,
    RegistryAccount,
    RegistryAuthorizedUser,
    RegistryServiceLine,
)

ACCOUNT_COLUMNS = (
    "account_number",
    "company",
    "holder_first_name",
    "holder_last_name",
    "email_on_file",
    "service_address",
    "postal_code",
    "mobility",
    "locale",
    "service_lines",
)
"""``service_lines``: ``kind:identifier:description[:English description]`` items separated by ``|``
(the description is the product's French name); ``mobility``: yes/no."""
USER_COLUMNS = ("account_number", "first_name", "last_name", "email", "type")
LINE_KINDS = ("internet", "telephony", "mobility", "tv", "other")
TRUE_VALUES = ("1", "yes", "oui", "true", "y", "o")
LOCALES = ("fr_CA", "en_CA")


def _valid_number(value: str) -> bool:
    number = normalize_account_number(value)
    return is_digits(number) and 6 <= len(number) <= 20


def _lines(value: str) -> list[tuple[str, str, str, str]]:
    items = []
    for item in filter(None, (part.strip() for part in (value or "").split("|"))):
        kind, _sep, rest = item.partition(":")
        identifier, _sep, rest = rest.partition(":")
        description, _sep, description_en = rest.partition(":")
        items.append((kind.strip().lower(), identifier.strip(), description.strip(), description_en.strip()))
    return items


async def validate_accounts(db: AsyncSession, tenant: Tenant, rows: Rows) -> list[RowError]:
    """Every problem of an accounts file (numbers, e-mails, postal codes, line kinds, duplicates)."""
    check = RowChecks()
    for row in check.each(rows):
        number = normalize_account_number(row.get("account_number", ""))
        if not _valid_number(number):
            check.fail("account_number", _("An account number has 6 to 20 digits."))
        else:
            check.unique("account_number", number, _("This account number appears twice in the file."))
        if "@" not in row.get("email_on_file", "") or len(row.get("email_on_file", "")) > 254:
            check.fail("email_on_file", _("Enter a valid e-mail address."))
        if not is_postal_code(row.get("postal_code", "")):
            check.fail("postal_code", _("Enter a valid postal code, for example H2X 1Y4."))
        if row.get("locale") and row["locale"] not in LOCALES:
            check.fail("locale", _("The language must be fr_CA or en_CA."))
        for kind, *_rest in _lines(row.get("service_lines", "")):
            if kind not in LINE_KINDS:
                check.fail("service_lines", _("Unknown service kind: %(kind)s", kind=kind))
    return check.errors


async def apply_accounts(db: AsyncSession, tenant: Tenant, rows: Rows) -> int:
    """Create or update the accounts; their service lines are replaced by the file's."""
    for row in rows:
        number = normalize_account_number(row["account_number"])
        account = await db.scalar(select(RegistryAccount).where(RegistryAccount.number == number))
        if account is None:
            account = RegistryAccount(number=number, email_on_file="", postal_code="")
            db.add(account)
        account.company = row.get("company", "").strip()
        account.holder_first_name = row.get("holder_first_name", "").strip()
        account.holder_last_name = row.get("holder_last_name", "").strip()
        account.email_on_file = normalize_email(row["email_on_file"])
        account.service_address = row.get("service_address", "").strip()
        account.postal_code = normalize_postal_code(row["postal_code"])
        account.mobility = row.get("mobility", "").strip().lower() in TRUE_VALUES
        account.locale = row.get("locale") or ""  # none chosen: mail follows the language of the request
        await db.flush()
        await db.execute(delete(RegistryServiceLine).where(RegistryServiceLine.account_id == account.id))
        for kind, identifier, description, description_en in _lines(row.get("service_lines", "")):
            db.add(
                RegistryServiceLine(
                    account_id=account.id,
                    kind=kind,
                    identifier=identifier,
                    description=description,
                    description_en=description_en,
                )
            )
    await db.flush()
    return len(rows)


async def validate_users(db: AsyncSession, tenant: Tenant, rows: Rows) -> list[RowError]:
    """Every problem of an authorized-users file (unknown account, e-mail, type)."""
    check = RowChecks()
    for row in check.each(rows):
        number = normalize_account_number(row.get("account_number", ""))
        exists = await db.scalar(select(RegistryAccount.id).where(RegistryAccount.number == number))
        if exists is None:
            check.fail("account_number", _("No account has this number; import it first."))
        if "@" not in row.get("email", ""):
            check.fail("email", _("Enter a valid e-mail address."))
        if row.get("type", "") not in tuple(AuthorizedUserType):
            check.fail("type", _("The type must be secondary or technical."))
    return check.errors


async def apply_users(db: AsyncSession, tenant: Tenant, rows: Rows) -> int:
    """Add the authorized users (an e-mail already named on the account is updated)."""
    for row in rows:
        number = normalize_account_number(row["account_number"])
        account_id = await db.scalar(select(RegistryAccount.id).where(RegistryAccount.number == number))
        email = normalize_email(row["email"])
        existing = await db.scalar(
            select(RegistryAuthorizedUser).where(
                RegistryAuthorizedUser.account_id == account_id, RegistryAuthorizedUser.email == email
            )
        )
        if existing is None:
            existing = RegistryAuthorizedUser(account_id=account_id, email=email)
            db.add(existing)
        existing.first_name = row.get("first_name", "").strip()
        existing.last_name = row.get("last_name", "").strip()
        existing.kind = row["type"]
    await db.flush()
    return len(rows)


def importers() -> list[RegistryImporter]:
    """The two registry imports of the plugin."""
    return [
        RegistryImporter(
            code="accounts",
            label=lazy_gettext("Vidéotron Business accounts"),
            columns=ACCOUNT_COLUMNS,
            validate=validate_accounts,
            apply=apply_accounts,
        ),
        RegistryImporter(
            code="authorized_users",
            label=lazy_gettext("Authorized users of the accounts"),
            columns=USER_COLUMNS,
            validate=validate_users,
            apply=apply_users,
        ),
    ]
