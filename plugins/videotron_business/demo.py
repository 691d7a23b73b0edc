"""Demo records of the Vidéotron Business tenant (``portique demo``): idempotent."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.api import (
    DemoAccount,
    Role,
    UserStatus,
    create_user,
    find_user_by_username,
    get_or_create_account,
    grant_membership,
    utcnow,
)
from plugins.videotron_business.models import (
    AuthorizedUserType,
    HolderRegistration,
    RegistryAccount,
    RegistryAuthorizedUser,
    RegistryServiceLine,
)

DEMO_PASSWORD = "Affaires2026"  # noqa: S105 - a published demo password (6-16 chars, letter and digit)

ACCOUNTS: list[dict[str, Any]] = [
    {
        "number": "800100001",
        "company": "Boulangerie Saint-Denis inc.",
        "holder_first_name": "Marie",
        "holder_last_name": "Tremblay",
        "email_on_file": "marie.tremblay@boulangerie-stdenis.example",
        "service_address": "4321, rue Saint-Denis, Montréal (Québec)",
        "postal_code": "H2J2L1",
        "mobility": False,
        "lines": [
            ("internet", "", "Internet Affaires 400", "Business Internet 400"),
            ("telephony", "514 555-0101", "Téléphonie Affaires", "Business Telephony"),
        ],
        "authorized": [
            ("Luc", "Gagnon", "luc.gagnon@boulangerie-stdenis.example", AuthorizedUserType.SECONDARY),
            ("Sophie", "Roy", "sophie.roy@techniciens.example", AuthorizedUserType.TECHNICAL),
        ],
        "registered_as": "marie.tremblay",
    },
    {
        "number": "800100002",
        "company": "Garage Lévesque et fils",
        "holder_first_name": "Jean",
        "holder_last_name": "Lévesque",
        "email_on_file": "jean.levesque@garage-levesque.example",
        "service_address": "210, boulevard Charest Est, Québec (Québec)",
        "postal_code": "G1K3H1",
        "mobility": True,
        "lines": [
            ("mobility", "418 555-0142", "Mobilité Affaires", "Business Mobility"),
            ("mobility", "418 555-0143", "Mobilité Affaires", "Business Mobility"),
        ],
        "authorized": [("Julie", "Lévesque", "julie@garage-levesque.example", AuthorizedUserType.SECONDARY)],
        "registered_as": None,
    },
    {
        "number": "800100003",
        "company": "Cabinet Nguyen CPA",
        "holder_first_name": "Anh",
        "holder_last_name": "Nguyen",
        "email_on_file": "anh.nguyen@cabinet-nguyen.example",
        "service_address": "1500, rue Saint-Charles Ouest, Longueuil (Québec)",
        "postal_code": "J4K2T5",
        "mobility": False,
        "lines": [
            ("internet", "", "Internet Affaires 1 Gbit/s", "Business Internet 1 Gbit/s"),
            ("tv", "", "Télé Affaires", "Business TV"),
        ],
        "authorized": [],
        "registered_as": None,
    },
]


async def create_demo_data(db: AsyncSession) -> list[DemoAccount]:
    """Registry accounts, service lines, authorized users, and one registered holder."""
    created: list[DemoAccount] = []
    for spec in ACCOUNTS:
        row = await db.scalar(select(RegistryAccount).where(RegistryAccount.number == spec["number"]))
        if row is None:
            row = RegistryAccount(
                **{k: v for k, v in spec.items() if k not in ("lines", "authorized", "registered_as")}
            )
            db.add(row)
            await db.flush()
            for kind, identifier, description, description_en in spec["lines"]:
                db.add(
                    RegistryServiceLine(
                        account_id=row.id,
                        kind=kind,
                        identifier=identifier,
                        description=description,
                        description_en=description_en,
                    )
                )
            for first, last, email, kind in spec["authorized"]:
                db.add(
                    RegistryAuthorizedUser(account_id=row.id, first_name=first, last_name=last, email=email, kind=kind)
                )
            await db.flush()
        else:  # a demo made before the English product names: give them their English name
            for line in await db.scalars(select(RegistryServiceLine).where(RegistryServiceLine.account_id == row.id)):
                english = {(k, i, d): en for k, i, d, en in spec["lines"]}.get(
                    (line.kind, line.identifier, line.description)
                )
                if english and not line.description_en:
                    line.description_en = english
        username = spec["registered_as"]
        if username:
            user = await find_user_by_username(db, username)
            if user is None:
                user = await create_user(
                    db,
                    email=spec["email_on_file"],
                    username=username,
                    password=DEMO_PASSWORD,
                    status=UserStatus.ACTIVE,
                    first_name=spec["holder_first_name"],
                    last_name=spec["holder_last_name"],
                    company=spec["company"],
                    locale="fr_CA",
                    plugin_data={"videotron_business": {"account": spec["number"], "via": "demo", "role": "holder"}},
                )
                user.confirmed_at = utcnow()
                account = await get_or_create_account(
                    db, spec["number"], name=spec["company"], address=spec["service_address"]
                )
                await grant_membership(db, user, account, Role.HOLDER)
                db.add(HolderRegistration(account_number=spec["number"], user_id=user.id))
            created.append(
                DemoAccount(username, DEMO_PASSWORD, f"holder of account {spec['number']} ({spec['company']})")
            )
        else:
            created.append(
                DemoAccount(
                    "-",
                    "-",
                    f"account {spec['number']}, postal code {spec['postal_code']}: request the activation e-mail "
                    "or register without it",
                )
            )
    return created
