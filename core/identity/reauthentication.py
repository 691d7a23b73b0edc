"""The current password typed again before a sensitive change (password, e-mail, deleting the account),
throttled per account like a sign-in."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from wtforms import Field

from core.i18n import gettext as _
from core.identity.models import User
from core.identity.pages import throttled
from core.identity.passwords import verify_password
from core.identity.throttle import LOGIN_PER_ACCOUNT, Bucket, get_throttle


def reauthentication_bucket(tenant_id: int, user_id: int) -> Bucket:
    """The throttle bucket counting a user's wrong current passwords on a tenant."""
    return Bucket(LOGIN_PER_ACCOUNT, ("reauth", str(tenant_id), str(user_id)))


async def confirm_current_password(request: Request, user: User, field: Field) -> Response | bool:
    """Whether ``field`` holds ``user``'s current password.

    ``False``: it does not; the error is on the field and the try is counted. After too many wrong
    tries, the translated 429 page to answer instead (nothing is checked then).
    """
    bucket = reauthentication_bucket(request.state.tenant.id, user.id)
    wait = await get_throttle().retry_after(bucket)
    if wait:
        return await throttled(request, wait)
    if await verify_password(user.password_hash, field.data):
        return True
    await get_throttle().hit(bucket)
    field.errors = [_("The current password is incorrect.")]
    return False
