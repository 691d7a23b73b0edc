"""The core's care actions, each one a call of an existing identity service (never a copy of it).

:func:`everyday_actions` are offered on every ticket of a known requester; a plugin offers the others
on its care categories (``core.api``: ``care_change_email()``, ``care_resend_confirmation()``,
``care_restore_membership()``, ``care_temporary_password()``).
"""

from __future__ import annotations

from sqlalchemy import select

from core.i18n import gettext as _
from core.i18n import lazy_gettext, ngettext
from core.identity.flows import (
    change_email,
    restore_membership,
    send_confirmation,
    send_password_reset,
    set_temporary_password,
)
from core.identity.models import Membership, UserStatus
from core.identity.reauthentication import reauthentication_bucket
from core.identity.throttle import get_throttle, login_buckets
from core.identity.users import find_user_by_email
from core.mail.addresses import is_email_address
from core.ticketing.care.actions import CareAction, CareContext, CareDone, CareInput, CareRefusedError


async def _password_reset(context: CareContext) -> CareDone:
    await send_password_reset(context.db, context.tenant, context.user)
    return CareDone(_("Password-reset link sent to %(email)s.", email=context.user.email))


def care_password_reset() -> CareAction:
    """Send a password-reset link to the address on file (``core.identity.flows.send_password_reset``)."""
    return CareAction(
        code="password_reset",
        label=lazy_gettext("E-mail a password-reset link"),
        help=lazy_gettext("The link goes to the address on file."),
        run=_password_reset,
    )


async def _unlock_sign_in(context: CareContext) -> CareDone:
    user = context.user
    _ip_buckets, account_buckets = login_buckets(context.tenant.id, "", f"user:{user.id}")
    reauth = reauthentication_bucket(context.tenant.id, user.id)
    await get_throttle().clear(*account_buckets, reauth)
    return CareDone(_("Sign-in unlocked after too many attempts."))


def care_unlock_sign_in() -> CareAction:
    """Forget the failed sign-ins of the requester's account (the core throttle's per-account counters)."""
    return CareAction(
        code="unlock_sign_in",
        label=lazy_gettext("Unlock sign-in"),
        help=lazy_gettext("Forgets the failed sign-ins that locked the account for a while."),
        run=_unlock_sign_in,
    )


async def _change_email(context: CareContext) -> CareDone:
    new_email = context.values.get("new_email", "").strip()
    if not is_email_address(new_email):
        raise CareRefusedError(_("Enter a valid e-mail address, like name@example.com."))
    taken = await find_user_by_email(context.db, new_email)
    if taken is not None:
        raise CareRefusedError(_("Another user of this portal already has this e-mail address."))
    await change_email(context.db, context.tenant, context.user, new_email, confirmed=False)
    return CareDone(_("Confirmation link sent to %(email)s: the address changes when it is opened.", email=new_email))


def care_change_email(prefill_from: str = "new_email") -> CareAction:
    """Change the e-mail address through the core's flow: a confirmation link goes to the new address.

    :param prefill_from: the ticket field holding the address the customer asked for.
    """
    return CareAction(
        code="change_email",
        label=lazy_gettext("Change the e-mail address"),
        help=lazy_gettext("A confirmation link goes to the new address; the address changes when it is opened."),
        run=_change_email,
        inputs=(CareInput("new_email", lazy_gettext("New e-mail address"), "email", prefill_from=prefill_from),),
    )


async def _resend_confirmation(context: CareContext) -> CareDone:
    if context.user.status not in (UserStatus.PENDING_EMAIL, UserStatus.INVITED):
        raise CareRefusedError(_("This user has already confirmed their e-mail address."))
    await send_confirmation(context.db, context.tenant, context.user)
    return CareDone(_("Confirmation or activation e-mail sent again to %(email)s.", email=context.user.email))


def care_resend_confirmation() -> CareAction:
    """Send the confirmation (or the plugin's activation) again (``core.identity.flows.send_confirmation``)."""
    return CareAction(
        code="resend_confirmation",
        label=lazy_gettext("E-mail the confirmation again"),
        help=lazy_gettext("Older links stop working."),
        run=_resend_confirmation,
    )


async def _restore_membership(context: CareContext) -> CareDone:
    suspended = list(
        await context.db.scalars(
            select(Membership)
            .where(Membership.user_id == context.user.id, Membership.suspended.is_(True))
            .order_by(Membership.id)
        )
    )
    if not suspended:
        raise CareRefusedError(_("No access of this user is suspended."))
    for membership in suspended:
        await restore_membership(context.db, context.tenant, membership, context.user)
    return CareDone(
        ngettext(
            "Suspended access restored on %(num)s account.",
            "Suspended access restored on %(num)s accounts.",
            len(suspended),
        )
    )


def care_restore_membership() -> CareAction:
    """Give back every suspended access of the requester (``core.identity.flows.restore_membership``)."""
    return CareAction(
        code="restore_membership",
        label=lazy_gettext("Restore suspended access"),
        help=lazy_gettext("Gives back the access an account administrator suspended."),
        run=_restore_membership,
    )


async def _temporary_password(context: CareContext) -> CareDone:
    password = await set_temporary_password(context.db, context.user)
    return CareDone(_("Temporary password issued: it must be changed at the next sign-in."), shown_once=password)


def care_temporary_password() -> CareAction:
    """Issue a password the requester must change at the next sign-in (``core.identity.flows.set_temporary_password``).

    The agent sees it once and passes it on; it is never written to the thread or the audit log.
    """
    return CareAction(
        code="temporary_password",
        label=lazy_gettext("Issue a temporary password"),
        help=lazy_gettext("Shown to you once; the customer must change it at the next sign-in. Ends their sessions."),
        run=_temporary_password,
    )


def everyday_actions() -> list[CareAction]:
    """What the core offers on every ticket whose requester has a user: a reset link, unlocking sign-in."""
    return [care_password_reset(), care_unlock_sign_in()]
