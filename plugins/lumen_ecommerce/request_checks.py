"""Checking an access request before it is signed: the registry knows the customer number, the answers
and contact details are valid, the user blocks are complete, and a change names people of the account."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.api import Account, Membership, Role, Tenant, User, find_user_by_email, lazy_gettext, normalize_email
from plugins.lumen_ecommerce.backend import CustomerRegistry, normalize_customer_number
from plugins.lumen_ecommerce.forms import (
    PLATFORMS,
    USER_PERMISSIONS,
    AccessRequestForm,
    add_error,
    normalize_phone,
    normalize_postal_code,
)
from plugins.lumen_ecommerce.models import RequestAction
from plugins.lumen_ecommerce.rules import ADMIN_ROLES, CHANGES


async def admin_membership_of(db: AsyncSession, number: str, email: str) -> Membership | None:
    """The administrator membership of ``email`` on the account with this customer number."""
    row = await db.scalar(
        select(Membership)
        .join(Account, Account.id == Membership.account_id)
        .join(User, User.id == Membership.user_id)
        .where(
            Account.number == number,
            User.email_normalized == normalize_email(email),
            Membership.role.in_([str(r) for r in ADMIN_ROLES]),
            Membership.suspended.is_(False),
        )
    )
    return row


async def member_emails(db: AsyncSession, number: str) -> set[str]:
    """Normalised e-mails of the users of the account with this customer number."""
    return set(await member_roles(db, number))


async def member_roles(db: AsyncSession, number: str) -> dict[str, str]:
    """The role of each user (by normalised e-mail) of the account with this customer number."""
    rows = await db.execute(
        select(User.email_normalized, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .join(Account, Account.id == Membership.account_id)
        .where(Account.number == number)
    )
    return {str(email): str(role) for email, role in rows.all()}


async def check_request(
    form: AccessRequestForm, db: AsyncSession, tenant: Tenant, registry: CustomerRegistry
) -> dict[str, Any]:
    """Check the request against the registry and the form's rules; errors go next to the fields.

    :return: normalised values (customer number, postal code, phone).
    """
    clean: dict[str, Any] = {}
    action = form.action.data
    number = normalize_customer_number(form.customer_number.data or "")
    clean["customer_number"] = number
    _check_answers(form)
    if form.customer_number.data and not form.customer_number.errors:
        clean.update(await _check_customer_number(form, db, registry, number))
    clean.update(_check_contact(form))
    _check_users(form, action)
    if clean.get("has_ecommerce") and action in CHANGES:
        await _check_changes(form, db, number, action)
    return clean


def _check_answers(form: AccessRequestForm) -> None:
    """The yes/no prerequisites (an active account, signed by its administrator) and the platforms."""
    if form.has_account.data == "no":
        add_error(
            form.has_account,
            lazy_gettext(
                "An e-commerce account requires an active Lumen customer account. Contact your Lumen branch "
                "to open one, then come back with your customer number."
            ),
        )
    if not form.platforms.data:
        add_error(form.platforms, lazy_gettext("Choose at least one platform."))
    elif any(value not in dict(PLATFORMS) for value in form.platforms.data):
        add_error(form.platforms, lazy_gettext("Choose among the platforms listed."))
    if form.is_admin.data == "no":
        add_error(
            form.is_admin,
            lazy_gettext("Only the account administrator may sign this request. Ask your administrator to fill it in."),
        )


def _check_contact(form: AccessRequestForm) -> dict[str, str]:
    """The postal code and phone number, normalised; errors next to the fields."""
    clean: dict[str, str] = {}
    if form.postal_code.data and not form.postal_code.errors:
        postal = normalize_postal_code(form.postal_code.data)
        if postal is None:
            add_error(form.postal_code, lazy_gettext("Enter a Canadian postal code, like H2X 1Y4."))
        else:
            clean["postal_code"] = postal
            form.postal_code.data = postal
    if form.phone.data and not form.phone.errors:
        phone = normalize_phone(form.phone.data)
        if phone is None:
            add_error(form.phone, lazy_gettext("Enter a valid Canadian phone number, like 514 555-0123."))
        else:
            clean["phone"] = phone
    return clean


async def _check_changes(form: AccessRequestForm, db: AsyncSession, number: str, action: str) -> None:
    """A change to an existing e-commerce account: signed by its administrator, about people it has (or not)."""
    if (
        form.admin_email.data
        and not form.admin_email.errors
        and await admin_membership_of(db, number, form.admin_email.data) is None
    ):
        add_error(
            form.admin_email,
            lazy_gettext(
                "Adding, modifying or removing users must be signed by the account administrator: enter the "
                "administrator's e-mail address registered for this account."
            ),
        )
    if action == RequestAction.MODIFY:
        await _check_modifications(form, db, number)
        return
    members = await member_emails(db, number)
    administrator = normalize_email(form.admin_email.data or "")
    for block in form.filled_users():
        email = normalize_email(block.email.data or "")
        if not email or block.email.errors:
            continue
        if action == RequestAction.ADD and email in members:
            add_error(
                block.email,
                lazy_gettext(
                    "This person is already a user of this account. To change what they may do, choose "
                    "“Modify one or more users”."
                ),
            )
        if action == RequestAction.REMOVE and email not in members:
            add_error(block.email, lazy_gettext("This person is not a user of this account."))
        if action == RequestAction.REMOVE and email == administrator:
            add_error(block.email, lazy_gettext("The administrator cannot remove themselves."))


async def _check_customer_number(
    form: AccessRequestForm, db: AsyncSession, registry: CustomerRegistry, number: str
) -> dict[str, Any]:
    """The customer number is known, active, and equipped or not as the request's action needs.

    :return: what the registry says of an active number (``customer_active``, ``has_ecommerce``).
    """
    record = await registry.lookup(db, number)
    if record is None:
        add_error(
            form.customer_number,
            lazy_gettext("We do not know this customer number. Check it on your invoice or statement."),
        )
        return {}
    if not record.active:
        add_error(
            form.customer_number,
            lazy_gettext(
                "This customer account is not active. Contact your Lumen branch to reactivate it before "
                "requesting e-commerce access."
            ),
        )
        return {}
    exists = await registry.has_ecommerce_account(db, number)
    action = form.action.data
    if action == RequestAction.CREATE and exists:
        add_error(
            form.customer_number,
            lazy_gettext(
                "This customer number already has an e-commerce account. To add users, choose "
                "“Add one or more users”: the account administrator must sign the form."
            ),
        )
    if action in CHANGES and not exists:
        add_error(
            form.customer_number,
            lazy_gettext("This customer number has no e-commerce account yet. Choose “Create an e-commerce account”."),
        )
    return {"customer_active": True, "has_ecommerce": exists}


def modified_email(block: Any) -> str:
    """The address a modification block designates the user by: the current one, else the (unchanged) e-mail."""
    return normalize_email(block.current_email.data or "") or normalize_email(block.email.data or "")


async def _check_modifications(form: AccessRequestForm, db: AsyncSession, number: str) -> None:
    """Each block of a modification names a member of the account (not its holder); a new address is free."""
    roles = await member_roles(db, number)
    targets: set[str] = set()
    for block in form.filled_users():
        if block.email.errors or block.current_email.errors:
            continue
        target = modified_email(block)
        field = block.current_email if (block.current_email.data or "").strip() else block.email
        if not target:
            continue
        if target in targets:
            add_error(field, lazy_gettext("This user is already modified by another block of this form."))
        targets.add(target)
        if target not in roles:
            add_error(field, lazy_gettext("This person is not a user of this account."))
            continue
        if roles[target] == Role.HOLDER:
            add_error(
                field,
                lazy_gettext("The account administrator's access cannot be modified with this form. Contact Lumen."),
            )
            continue
        new_email = normalize_email(block.email.data or "")
        if new_email and new_email != target and await find_user_by_email(db, new_email) is not None:
            add_error(block.email, lazy_gettext("Another user already has this e-mail address. Enter another one."))


def _check_users(form: AccessRequestForm, action: str) -> None:
    """User blocks: count matches, each filled block is complete, e-mails are distinct."""
    blocks = form.filled_users()
    count = form.user_count.data
    if count is not None and not form.user_count.errors and count != len(blocks):
        add_error(
            form.user_count,
            lazy_gettext(
                "The number of users (%(count)s) does not match the user blocks filled in (%(blocks)s). "
                "Correct the number of users or the user blocks.",
                count=count,
                blocks=len(blocks),
            ),
        )
    if not blocks:
        first = form.users.entries[0].form
        add_error(first.first_name, lazy_gettext("Enter at least one user."))
        return
    seen: set[str] = set()
    email_message = lazy_gettext("Enter a valid e-mail address, like name@company.ca.")
    for block in blocks:
        for field in (block.first_name, block.last_name, block.email):
            if not (field.data or "").strip():
                add_error(field, lazy_gettext("This field is required."))
        email = normalize_email(block.email.data or "")
        if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
            add_error(block.email, email_message)
        elif email in seen:
            add_error(block.email, lazy_gettext("This e-mail address is already used for another user of this form."))
        seen.add(email)
        if action != RequestAction.REMOVE and block.permission.data not in dict(USER_PERMISSIONS):
            add_error(block.permission, lazy_gettext("Choose what this user is authorised to do."))
    if (
        action == RequestAction.CREATE
        and form.admin_email.data
        and normalize_email(blocks[0].email.data or "") != normalize_email(form.admin_email.data)
    ):
        add_error(
            blocks[0].email,
            lazy_gettext("For a new account, user 1 is the administrator: enter the administrator's e-mail address."),
        )
