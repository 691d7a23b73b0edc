"""Demo data of the ``lumen`` tenant: customer numbers (active, inactive; 999999 is unknown), products,
and one e-commerce account whose three users show the three permissions."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from core.api import (
    DemoAccount,
    Role,
    Tenant,
    User,
    UserStatus,
    create_user,
    find_user_by_email,
    get_or_create_account,
    grant_membership,
    utcnow,
)
from plugins.lumen_ecommerce.backend import upsert_customer, upsert_product
from plugins.lumen_ecommerce.rules import PERM_ORDER, PERM_ORDER_APPROVAL, PERM_PRICES

DEMO_PASSWORD = "Lumen-Demo-2026!"  # noqa: S105 - printed by `portique demo` for trying the journeys
ACCOUNT_NUMBER = "100300"
CUSTOMERS = [
    ("100234", "Électricité Tremblay inc.", True, "1250, rue Sherbrooke Ouest", "Montréal", "H3G 1H6"),
    ("100235", "Les Installations Gagnon ltée", True, "85, boulevard Hamel", "Québec", "G1M 2R4"),
    (ACCOUNT_NUMBER, "Électricité Bélanger", True, "410, rue King Ouest", "Sherbrooke", "J1H 1R4"),
    ("200999", "Ancienne Électrique Lavoie", False, "12, rue Principale", "Granby", "J2G 2T5"),
]
PRODUCTS = [
    ("LUM-10001", "Câble NMD90 14/2, 75 m", "NMD90 14/2 cable, 75 m", "89.95", "roll"),
    ("LUM-10002", "Câble NMD90 12/2, 75 m", "NMD90 12/2 cable, 75 m", "132.50", "roll"),
    ("LUM-20010", "Disjoncteur 15 A unipolaire", "15 A single-pole breaker", "12.49", "unit"),
    ("LUM-20011", "Disjoncteur 20 A bipolaire", "20 A double-pole breaker", "34.99", "unit"),
    ("LUM-20050", "Disjoncteur DDFT 15 A", "15 A GFCI breaker", "79.00", "unit"),
    ("LUM-30100", "Panneau 200 A, 40 circuits", "200 A panel, 40 circuits", "389.00", "unit"),
    ("LUM-40020", "Prise décora 15 A blanche", "15 A decora receptacle, white", "3.29", "unit"),
    ("LUM-40021", "Interrupteur décora unipolaire", "Decora single-pole switch", "2.89", "unit"),
    ("LUM-50200", "Boîte octogonale 4 po", "4 in octagon box", "4.15", "unit"),
    ("LUM-60001", "Luminaire DEL encastré 6 po", "6 in LED recessed light", "24.75", "unit"),
    ("LUM-60002", "Tube DEL T8 4 pi (10)", "T8 4 ft LED tube (10)", "64.90", "box"),
    ("LUM-70010", "Ruban isolant noir (10)", "Black electrical tape (10)", "11.99", "pack"),
]
USERS = [
    ("julie.belanger@example.com", "jbelanger", "Julie", "Bélanger", Role.HOLDER, PERM_ORDER),
    ("marc.roy@example.com", "mroy", "Marc", "Roy", Role.MEMBER, PERM_ORDER_APPROVAL),
    ("sophie.tremblay@example.com", "stremblay", "Sophie", "Tremblay", Role.MEMBER, PERM_PRICES),
]


async def create_demo_data(tenant: Tenant, db: AsyncSession) -> list[DemoAccount]:
    """Create (or refresh) the demo registry, catalogue and account; idempotent."""
    for number, name, active, address, city, postal in CUSTOMERS:
        await upsert_customer(db, number, name, active=active, address=address, city=city, postal_code=postal)
    for sku, name_fr, name_en, price, unit in PRODUCTS:
        await upsert_product(db, sku, name_fr, name_en, Decimal(price), unit)
    account = await get_or_create_account(
        db, ACCOUNT_NUMBER, name="Électricité Bélanger", address="410, rue King Ouest, Sherbrooke J1H 1R4"
    )
    account.plugin_data = {**(account.plugin_data or {}), "ecommerce": True, "platforms": ["lumen_app"]}
    for email, username, first, last, role, permission in USERS:
        user: User | None = await find_user_by_email(db, email)
        if user is None:
            user = await create_user(
                db,
                email=email,
                username=username,
                password=DEMO_PASSWORD,
                status=UserStatus.ACTIVE,
                first_name=first,
                last_name=last,
                company="Électricité Bélanger",
                locale="fr_CA",
            )
            user.confirmed_at = utcnow()
        await grant_membership(db, user, account, role, [permission])
    await db.flush()
    return [
        DemoAccount("jbelanger", DEMO_PASSWORD, "account administrator of 100300: places orders, approves orders"),
        DemoAccount("mroy", DEMO_PASSWORD, "places orders for approval"),
        DemoAccount("stremblay", DEMO_PASSWORD, "sees prices only (cannot order)"),
        DemoAccount("/register", "-", "request access: 100234 active, 200999 inactive, 999999 unknown"),
    ]
