"""The signed-in user's profile: read it, and change what the portal's profile page lets a customer change."""

from __future__ import annotations

from core.audit.service import record as audit
from core.headless.bodies import Profile, ProfileChange
from core.headless.contract import ApiCall, ApiError, ApiRoute
from core.i18n import gettext as _
from core.identity.forms import ProfileForm
from core.identity.models import User
from core.web.rendering import locale_choices


def _profile(call: ApiCall, user: User) -> Profile:
    return Profile(
        email=user.email,
        username=user.username,
        first_name=user.first_name,
        last_name=user.last_name,
        locale=user.locale or call.tenant.default_locale,
        locales=list(call.tenant.locales),
        two_step=bool(user.totp_secret),
    )


async def read_profile(call: ApiCall) -> Profile:
    """Who the token's user is."""
    return _profile(call, call.me)


async def change_profile(call: ApiCall) -> Profile:
    """Change names and language with the profile page's form checks; field errors come back as a 422."""
    change = await call.json(ProfileChange)
    me = call.me
    current = {
        "first_name": me.first_name,
        "last_name": me.last_name,
        "locale": me.locale or call.tenant.default_locale,
    }
    values = {**current, **change.model_dump(exclude_none=True)}
    form = ProfileForm.from_values(values)
    form.locale.choices = locale_choices(call.tenant.locales)
    if not form.validate():
        raise ApiError(422, "invalid_request", _("Check the fields."), fields=form.field_errors())
    me.first_name = form.first_name.data
    me.last_name = form.last_name.data
    me.locale = form.locale.data
    audit(
        call.db,
        "identity.profile_changed",
        request=call.request,
        actor_type="user",
        actor_id=me.id,
        subject_type="user",
        subject_id=me.id,
        via="api",
    )
    await call.db.commit()
    return _profile(call, me)


def profile_routes() -> list[ApiRoute]:
    """The profile endpoints."""
    tags = ("Profile",)
    return [
        ApiRoute("/me", read_profile, "GET", "profile", "The signed-in user", Profile, tags=tags),
        ApiRoute(
            "/me",
            change_profile,
            "PATCH",
            "profile_change",
            "Change names or language",
            Profile,
            body=ProfileChange,
            tags=tags,
        ),
    ]
