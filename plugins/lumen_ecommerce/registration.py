"""The access-request pages: the signed form on ``/register`` (create an account, add, modify or remove
users), its thank-you page, the signed requests of an account and their PDF (on the tenant and the
operator host)."""

from __future__ import annotations

from typing import Any

from limits import parse
from sqlalchemy import select
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from core.api import (
    Account,
    Bucket,
    Membership,
    Role,
    Tenant,
    User,
    client_ip,
    current_membership,
    current_staff,
    current_user,
    format_phone,
    get_portal,
    get_throttle,
    gettext,
    login_required,
    parse_int,
    plugin_settings,
    redirect_to,
    render,
    service,
    tenant_db,
    visible_tenant_ids,
)
from plugins.lumen_ecommerce.access_requests import file_request, store_request
from plugins.lumen_ecommerce.backend import CustomerRegistry
from plugins.lumen_ecommerce.evidence import TERMS, decode_signature
from plugins.lumen_ecommerce.forms import AccessRequestForm, add_error
from plugins.lumen_ecommerce.models import LumenAccessRequest, LumenCustomer, RequestAction
from plugins.lumen_ecommerce.request_checks import check_request
from plugins.lumen_ecommerce.rules import ADMIN_ROLES, PERMISSION_OF_CHOICE
from plugins.lumen_ecommerce.settings import LumenSettings

LOOKUPS_PER_IP = parse("30/hour")
SIGNED_PER_IP = parse("10/hour")


async def _admin_membership(request: Request) -> Membership | None:
    membership = await current_membership(request)
    if membership is not None and membership.role in ADMIN_ROLES:
        return membership
    return None


async def _initial_request(request: Request, user: User | None, admin: Membership | None) -> dict[str, Any]:
    """What the empty form starts with: the action asked for and, for a signed-in administrator, the account."""
    initial: dict[str, Any] = {}
    wanted = request.query_params.get("action")
    if wanted in (RequestAction.ADD, RequestAction.MODIFY, RequestAction.REMOVE, RequestAction.CREATE):
        initial["action"] = wanted
    if admin is None or user is None:
        return initial
    account: Account = admin.account
    initial.update(
        customer_number=account.number,
        company=account.name,
        admin_first_name=user.first_name,
        admin_last_name=user.last_name,
        admin_email=user.email,
        is_admin="yes",
    )
    initial.setdefault("action", RequestAction.ADD)
    async with tenant_db(request) as db:
        customer = await db.scalar(select(LumenCustomer).where(LumenCustomer.number == account.number))
    if customer is not None:
        initial.update(address=customer.address, city=customer.city, postal_code=customer.postal_code)
    phone = (account.plugin_data or {}).get("phone") or (customer.phone if customer else "")
    if phone:
        initial["phone"] = format_phone(phone)
    member = await _member_to_modify(request, account)
    if member is not None:
        initial.update(action=RequestAction.MODIFY, user_count=1, users=[member])
    return initial


async def register(request: Request) -> Response:
    """The e-commerce access request: create an account, add or remove users; drawn signature."""
    tenant = request.state.tenant
    user = await current_user(request)
    admin = await _admin_membership(request)
    typed_allowed = plugin_settings(tenant, LumenSettings).typed_signature
    if request.method == "GET":
        initial = await _initial_request(request, user, admin)
        form = await AccessRequestForm.from_request(request, **initial)
        return await _render_register(request, form, typed_allowed)
    form = await AccessRequestForm.from_request(request)
    raw = await request.form()
    if form.action.data == RequestAction.RECOVER:
        return redirect_to(request, "password_forgot")
    if "refresh_users" in raw:
        wanted_count = parse_int(str(raw.get("user_count", "1")).strip()) or len(form.users.entries)
        form.resize_users(wanted_count)
        return await _render_register(request, form, typed_allowed)
    form.validate()
    throttle, lookups, signed = _throttle_buckets(request)
    wait = await throttle.retry_after(*lookups, *signed)
    if wait:
        return await _render_register(
            request, form, typed_allowed, status_code=429, wait_minutes=max(1, (wait + 59) // 60)
        )
    await throttle.hit(*lookups)
    async with tenant_db(request) as db:
        clean = await check_request(form, db, tenant, service(tenant, CustomerRegistry))
        # decode_signature applies its own size limit to the drawn signature's data URL.
        signature_png = decode_signature(form.signature.data)
        typed = (form.signature_typed.data or "").strip() if typed_allowed else ""
        if signature_png is None:
            form.signature.data = ""
            if not typed:
                add_error(
                    form.signature,
                    gettext("Please sign the form: draw your signature in the box with your mouse, finger or pen."),
                )
        if form.error_list():
            return await _render_register(request, form, typed_allowed, status_code=400)
        row = await store_request(
            db,
            tenant,
            form,
            clean,
            request,
            signature_png=signature_png,
            signature_typed="" if signature_png else typed,
            submitted_by=user,
        )
        await file_request(db, tenant, row)
        await db.commit()
        await throttle.hit(*signed)
        reference, status = row.reference, row.status
    request.state.session.set("lumen_request", {"reference": reference, "status": str(status), "id": row.id})
    return redirect_to(request, "lumen_register_done")


async def _member_to_modify(request: Request, account: Account) -> dict[str, str] | None:
    """The user block of ``?member=<membership id>``: a user of the administrator's account, as they are today."""
    membership_id = parse_int(request.query_params.get("member", ""))
    if membership_id is None:
        return None
    async with tenant_db(request) as db:
        row = (
            await db.execute(
                select(Membership, User)
                .join(User, User.id == Membership.user_id)
                .where(Membership.id == membership_id, Membership.account_id == account.id)
            )
        ).first()
    if row is None or row[0].role == Role.HOLDER:
        return None
    membership, user = row
    choice = next((c for c, code in PERMISSION_OF_CHOICE.items() if code in (membership.permissions or [])), "")
    return {
        "current_email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "permission": choice,
    }


def _throttle_buckets(request: Request) -> tuple[Any, list[Any], list[Any]]:
    """Registry look-ups (30 an hour) and signed requests (10 an hour) per IP: limits number guessing and
    mail flooding. The counters are the identity core's (memory, or Redis when configured)."""
    tid, ip = str(request.state.tenant.id), client_ip(request)
    return (
        get_throttle(),
        [Bucket(LOOKUPS_PER_IP, ("lumen-lookup", tid, ip))],
        [Bucket(SIGNED_PER_IP, ("lumen-signed", tid, ip))],
    )


async def _render_register(
    request: Request, form: AccessRequestForm, typed_allowed: bool, status_code: int = 200, wait_minutes: int = 0
) -> Response:
    return await render(
        request,
        "lumen_ecommerce/register.html",
        {
            "form": form,
            "terms": TERMS,
            "typed_allowed": typed_allowed,
            "page_title": gettext("Create an account"),
            "wait_minutes": wait_minutes,
        },
        status_code=status_code,
    )


async def register_done(request: Request) -> Response:
    """Thank-you page after a signed request: what happens next (seed steps 5 and 6)."""
    info = request.state.session.get("lumen_request")
    if not info:
        return redirect_to(request, "lumen_register")
    return await render(request, "lumen_ecommerce/register_done.html", {"info": info})


async def request_pdf(request: Request) -> Response:
    """The PDF of a signed request, for staff, the signer, and the administrators of its account."""
    tenant = request.state.tenant
    if tenant is None:
        raise HTTPException(status_code=404)
    request_id = request.path_params["request_id"]
    user = await current_user(request)
    staff = request.state.session.staff_id is not None
    own = (request.state.session.get("lumen_request") or {}).get("id") == request_id
    async with tenant_db(request) as db:
        row = await db.get(LumenAccessRequest, request_id)
        if row is None:
            raise HTTPException(status_code=404)
        allowed = staff or own
        if not allowed and user is not None:
            allowed = row.submitted_by == user.id
            if not allowed:
                number = row.customer_number
                allowed = (
                    await db.scalar(
                        select(Membership.id)
                        .join(Account, Account.id == Membership.account_id)
                        .where(
                            Membership.user_id == user.id,
                            Account.number == number,
                            Membership.role.in_([str(r) for r in ADMIN_ROLES]),
                            Membership.suspended.is_(False),
                        )
                    )
                    is not None
                )
        if not allowed:
            raise HTTPException(status_code=404)
        return _pdf_response(row)


async def operator_request_pdf(request: Request) -> Response:
    """The PDF of a signed request on the operator host, for staff who may work on its tenant."""
    staff = await current_staff(request)
    if staff is None:
        return RedirectResponse("/console/login?next=" + request.url.path, status_code=303)
    portal = get_portal()
    async with portal.database.session() as db:
        tenant = await db.scalar(select(Tenant).where(Tenant.slug == request.path_params["tenant_slug"]))
    if tenant is None or tenant.id not in await visible_tenant_ids(request, staff):
        raise HTTPException(status_code=404)
    async with portal.database.session(tenant.id) as db:
        row = await db.get(LumenAccessRequest, request.path_params["request_id"])
        if row is None:
            raise HTTPException(status_code=404)
        return _pdf_response(row)


def _pdf_response(row: LumenAccessRequest) -> Response:
    return Response(
        row.pdf or b"",
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="lumen-{row.reference}.pdf"',
            "Cache-Control": "no-store",
        },
    )


@login_required
async def requests_list(request: Request) -> Response:
    """The signed requests of the administrator's account, with their PDF."""
    admin = await _admin_membership(request)
    if admin is None:
        raise HTTPException(status_code=403)
    async with tenant_db(request) as db:
        rows = (
            await db.scalars(
                select(LumenAccessRequest)
                .where(LumenAccessRequest.customer_number == admin.account.number)
                .order_by(LumenAccessRequest.id.desc())
            )
        ).all()
    return await render(request, "lumen_ecommerce/requests.html", {"rows": rows, "account": admin.account})
