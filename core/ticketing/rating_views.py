"""The customer's rating page: the link of the resolution mail records the score in one click,
then offers an optional comment (sending it uses the link up)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from core.i18n import lazy_gettext
from core.i18n.context import activate
from core.i18n.middleware import LOCALE_COOKIE
from core.identity.tokens import TokenProblem, check_token, consume_token
from core.portal import get_portal
from core.ticketing.models import RatingScore, Ticket
from core.ticketing.satisfaction import MAX_COMMENT, RATING_PURPOSE, record_rating
from core.web.flow import tenant_db
from core.web.forms import PortiqueForm
from core.web.rendering import render


class RatingForm(PortiqueForm):
    """Good or poor, and an optional comment."""

    score = RadioField(
        lazy_gettext("Your rating"),
        choices=[
            SelectChoice(RatingScore.GOOD.value, lazy_gettext("Satisfied")),
            SelectChoice(RatingScore.POOR.value, lazy_gettext("Not satisfied")),
        ],
        validators=[InputRequired(message=lazy_gettext("Choose satisfied or not satisfied."))],
        validate_choice=True,
    )
    comment = TextAreaField(lazy_gettext("Your comment (optional)"), validators=[Length(max=MAX_COMMENT)])


async def _ticket_of(db: AsyncSession, request: Request, *, use: bool) -> tuple[Ticket, TokenProblem | None]:
    """The ticket of the link's token and what is wrong with the token (404 when it was never issued here)."""
    raw = request.path_params["token"]
    check = await (consume_token if use else check_token)(db, raw, RATING_PURPOSE)
    if check.problem == TokenProblem.UNKNOWN or check.token is None:
        raise HTTPException(status_code=404)  # never issued, or another tenant's: nothing to tell
    ticket_id = (check.token.payload or {}).get("ticket")
    ticket = await db.get(Ticket, ticket_id) if isinstance(ticket_id, int) else None
    if ticket is None:
        raise HTTPException(status_code=404)
    return ticket, check.problem


async def rate(request: Request) -> Response:
    """``GET /tickets/rate/{token}/{score}``: record the score of the link, then offer a comment."""
    score = request.path_params["score"]
    if score not in (RatingScore.GOOD, RatingScore.POOR):
        raise HTTPException(status_code=404)
    async with tenant_db(request) as db:
        ticket, problem = await _ticket_of(db, request, use=False)
        if problem is None:
            await record_rating(db, ticket, score, request=request)
            await db.commit()
    form = RatingForm(score=score)
    return await _page(request, ticket, form, problem=problem, done=False)


async def comment(request: Request) -> Response:
    """``POST /tickets/rate/{token}``: the final score and comment; the link is then used up."""
    form = await RatingForm.from_request(request)
    async with tenant_db(request) as db:
        ticket, problem = await _ticket_of(db, request, use=False)
        if problem is None:
            if not form.validate():
                return await _page(request, ticket, form, problem=None, done=False, status_code=400)
            await _ticket_of(db, request, use=True)
            await record_rating(db, ticket, form.score.data, form.comment.data or "", request=request)
            await db.commit()
    return await _page(request, ticket, form, problem=problem, done=problem is None)


async def _page(
    request: Request,
    ticket: Ticket,
    form: RatingForm,
    *,
    problem: TokenProblem | None,
    done: bool,
    status_code: int | None = None,
) -> Response:
    tenant = request.state.tenant
    chosen = LOCALE_COOKIE in request.cookies or request.state.session.get("locale")
    if not chosen and ticket.requester_locale in tenant.locales:
        # the page speaks the language of the mail it comes from, unless this browser chose another one
        activate(ticket.requester_locale, get_portal().translations(tenant, ticket.requester_locale))
    return await render(
        request,
        "ticketing/rate.html",
        {"ticket": ticket, "form": form, "problem": problem, "done": done, "token": request.path_params["token"]},
        status_code=status_code or (410 if problem else 200),
    )
