"""The back-office backend: how the portal reads Vidéotron's account registry.

:class:`VideotronBackend` is the protocol; :class:`LocalBackend` reads the plugin's own tables
(filled by CSV import and demo data). An operator may plug a connector to the real systems: a plugin
registering another implementation of :class:`VideotronBackend` through ``portique_services``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from sqlalchemy import Integer, String, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.api import normalize_email
from plugins.videotron_business.models import (
    AuthorizedUserType,
    RegistryAccount,
    RegistryAuthorizedUser,
    RegistryServiceLine,
)

_POSTAL_CODE = re.compile(r"[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z]\d[ABCEGHJ-NPRSTV-Z]\d")


def normalize_account_number(value: str) -> str:
    """Digits only: ``"123 456-789"`` → ``"123456789"`` (customers copy it from a bill with spaces)."""
    return re.sub(r"[\s-]", "", value or "")


def normalize_postal_code(value: str) -> str:
    """Upper case without spaces: ``"h2x 1y4"`` → ``"H2X1Y4"`` (any case, with or without the space)."""
    return re.sub(r"[\s-]", "", value or "").upper()


def is_postal_code(value: str) -> bool:
    """``value`` (normalised) has the shape of a Canadian postal code."""
    return _POSTAL_CODE.fullmatch(normalize_postal_code(value)) is not None


def format_postal_code(value: str) -> str:
    """``"H2X1Y4"`` → ``"H2X 1Y4"``."""
    code = normalize_postal_code(value)
    return f"{code[:3]} {code[3:]}" if len(code) == 6 else code


@dataclass(frozen=True)
class AccountRecord:
    """A business account as the registry knows it."""

    number: str
    company: str
    holder_first_name: str
    holder_last_name: str
    email_on_file: str
    service_address: str
    postal_code: str
    mobility: bool
    locale: str

    @property
    def holder_name(self) -> str:
        """The holder's full name."""
        return f"{self.holder_first_name} {self.holder_last_name}".strip()


@dataclass(frozen=True)
class ServiceLine:
    """One service of an account; the product's name in French (``description``) and in English."""

    kind: str
    identifier: str
    description: str
    description_en: str = ""

    def description_for(self, locale: str) -> str:
        """The product's name in ``locale`` (the French name when no English one is on file)."""
        return self.description_en if locale.startswith("en") and self.description_en else self.description


@dataclass(frozen=True)
class AuthorizedUser:
    """A person named on the account by the holder (``kind``: secondary or technical)."""

    id: int
    first_name: str
    last_name: str
    email: str
    kind: str
    user_id: int | None

    @property
    def full_name(self) -> str:
        """First and last name."""
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def eligible(self) -> bool:
        """Only secondary users may get an access to the customer space (technical users may not)."""
        return self.kind == AuthorizedUserType.SECONDARY


@runtime_checkable
class VideotronBackend(Protocol):
    """What the portal needs from Vidéotron's back office. Every method works in ``db``'s tenant."""

    async def find_account(self, db: AsyncSession, number: str) -> AccountRecord | None:
        """The account with this number (normalised first), or ``None``."""
        ...

    async def match_account(self, db: AsyncSession, number: str, postal_code: str) -> AccountRecord | None:
        """The account when both its number and its postal code match (both normalised), else ``None``."""
        ...

    async def service_lines(self, db: AsyncSession, number: str) -> list[ServiceLine]:
        """The account's services."""
        ...

    async def account_overview(self, db: AsyncSession, number: str) -> tuple[AccountRecord, list[ServiceLine]] | None:
        """The account with its services (the dashboard's overview), or ``None``."""
        ...

    async def authorized_users(self, db: AsyncSession, number: str) -> list[AuthorizedUser]:
        """The account's authorized users, secondary and technical."""
        ...

    async def add_secondary_user(
        self, db: AsyncSession, number: str, *, first_name: str, last_name: str, email: str
    ) -> AuthorizedUser:
        """Name a new secondary user on the account."""
        ...

    async def link_user(self, db: AsyncSession, number: str, authorized_id: int, user_id: int | None) -> None:
        """Record which portal user an authorized user is (``None`` to unlink)."""
        ...

    async def remove_authorized_user(self, db: AsyncSession, number: str, authorized_id: int) -> None:
        """Remove a secondary user from the account."""
        ...


def _account(row: RegistryAccount) -> AccountRecord:
    return AccountRecord(
        number=row.number,
        company=row.company,
        holder_first_name=row.holder_first_name,
        holder_last_name=row.holder_last_name,
        email_on_file=row.email_on_file,
        service_address=row.service_address,
        postal_code=row.postal_code,
        mobility=row.mobility,
        locale=row.locale,
    )


def _authorized(row: RegistryAuthorizedUser) -> AuthorizedUser:
    return AuthorizedUser(
        id=row.id,
        first_name=row.first_name,
        last_name=row.last_name,
        email=row.email,
        kind=row.kind,
        user_id=row.user_id,
    )


def _line(row: RegistryServiceLine) -> ServiceLine:
    return ServiceLine(
        kind=row.kind, identifier=row.identifier, description=row.description, description_en=row.description_en
    )


_NUMBER = bindparam("number", type_=String)

# Built once, with the normalised account number bound as ``number``: building and keying these
# statements cost more than running them.
ACCOUNT = select(RegistryAccount).where(RegistryAccount.number == _NUMBER)
"""The account."""

SERVICE_LINES = (
    select(RegistryServiceLine)
    .join(RegistryAccount, RegistryAccount.id == RegistryServiceLine.account_id)
    .where(RegistryAccount.number == _NUMBER)
    .order_by(RegistryServiceLine.id)
)
"""The account's services, in a stable order."""

ACCOUNT_WITH_LINES = (
    select(RegistryAccount, RegistryServiceLine)
    .outerjoin(RegistryServiceLine, RegistryServiceLine.account_id == RegistryAccount.id)
    .where(RegistryAccount.number == _NUMBER)
    .order_by(RegistryServiceLine.id)
)
"""The account, once per service (once with ``None`` when it has none)."""

AUTHORIZED_USERS = (
    select(RegistryAuthorizedUser)
    .join(RegistryAccount, RegistryAccount.id == RegistryAuthorizedUser.account_id)
    .where(RegistryAccount.number == _NUMBER)
    .order_by(RegistryAuthorizedUser.id)
)
"""The account's authorized users, in the order they were named."""

AUTHORIZED_USER = AUTHORIZED_USERS.where(RegistryAuthorizedUser.id == bindparam("authorized_id", type_=Integer))
"""One authorized user of the account, bound as ``authorized_id``."""


class LocalBackend:
    """The registry kept in the plugin's own tables."""

    async def _row(self, db: AsyncSession, number: str) -> RegistryAccount | None:
        normalized = normalize_account_number(number)
        if not normalized:
            return None
        return await db.scalar(ACCOUNT, {"number": normalized})

    async def find_account(self, db: AsyncSession, number: str) -> AccountRecord | None:
        """The account with this number, or ``None``."""
        row = await self._row(db, number)
        return _account(row) if row else None

    async def match_account(self, db: AsyncSession, number: str, postal_code: str) -> AccountRecord | None:
        """The account when number and postal code both match."""
        row = await self._row(db, number)
        if row is None or row.postal_code != normalize_postal_code(postal_code):
            return None
        return _account(row)

    async def service_lines(self, db: AsyncSession, number: str) -> list[ServiceLine]:
        """The account's services, in a stable order."""
        normalized = normalize_account_number(number)
        if not normalized:
            return []
        return [_line(line) for line in await db.scalars(SERVICE_LINES, {"number": normalized})]

    async def account_overview(self, db: AsyncSession, number: str) -> tuple[AccountRecord, list[ServiceLine]] | None:
        """The account and its services, in one statement."""
        normalized = normalize_account_number(number)
        if not normalized:
            return None
        rows = (await db.execute(ACCOUNT_WITH_LINES, {"number": normalized})).all()
        if not rows:
            return None
        return _account(rows[0][0]), [_line(line) for _account_row, line in rows if line is not None]

    async def authorized_users(self, db: AsyncSession, number: str) -> list[AuthorizedUser]:
        """The account's authorized users, in the order they were named."""
        normalized = normalize_account_number(number)
        if not normalized:
            return []
        return [_authorized(user) for user in await db.scalars(AUTHORIZED_USERS, {"number": normalized})]

    async def add_secondary_user(
        self, db: AsyncSession, number: str, *, first_name: str, last_name: str, email: str
    ) -> AuthorizedUser:
        """Name a new secondary user (the account must exist)."""
        row = await self._row(db, number)
        if row is None:
            raise LookupError(number)
        user = RegistryAuthorizedUser(
            account_id=row.id,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            email=normalize_email(email),
            kind=AuthorizedUserType.SECONDARY,
        )
        db.add(user)
        await db.flush()
        return _authorized(user)

    async def _authorized_row(self, db: AsyncSession, number: str, authorized_id: int) -> RegistryAuthorizedUser | None:
        normalized = normalize_account_number(number)
        if not normalized:
            return None
        return await db.scalar(AUTHORIZED_USER, {"number": normalized, "authorized_id": authorized_id})

    async def link_user(self, db: AsyncSession, number: str, authorized_id: int, user_id: int | None) -> None:
        """Record the portal user of an authorized user."""
        found = await self._authorized_row(db, number, authorized_id)
        if found is not None:
            found.user_id = user_id

    async def remove_authorized_user(self, db: AsyncSession, number: str, authorized_id: int) -> None:
        """Remove a secondary user (technical users are managed by customer service)."""
        found = await self._authorized_row(db, number, authorized_id)
        if found is not None and found.kind == AuthorizedUserType.SECONDARY:
            await db.delete(found)
            await db.flush()
