"""Lumen pages: the signed access-request form (``/register``), its PDF, and the B2B ordering area."""

from __future__ import annotations

from decimal import Decimal
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
    audit,
    client_ip,
    current_locale,
    current_membership,
    current_staff,
    current_user,
    flash,
    format_money,
    format_phone,
    get_portal,
    get_throttle,
    gettext,
    login_required,
    parse_int,
    plugin_settings,
    prefixed,
    queue_mail,
    redirect_to,
    render,
    service,
    tenant_db,
    utcnow,
    visible_tenant_ids,
)
from plugins.lumen_ecommerce.access_requests import file_request, store_request
from plugins.lumen_ecommerce.backend import CustomerRegistry
from plugins.lumen_ecommerce.evidence import TERMS, decode_signature
from plugins.lumen_ecommerce.forms import AccessRequestForm, OrderDecisionForm, add_error
from plugins.lumen_ecommerce.models import (
    LumenAccessRequest,
    LumenCustomer,
    LumenOrder,
    LumenOrderLine,
    OrderStatus,
    RequestAction,
)
from plugins.lumen_ecommerce.request_checks import check_request
from plugins.lumen_ecommerce.rules import (
    ADMIN_ROLES,
    PERM_ORDER,
    PERM_ORDER_APPROVAL,
    PERMISSION_OF_CHOICE,
    describe_permission,
)
from plugins.lumen_ecommerce.settings import LumenSettings

CART_KEY = "lumen_cart"
LOOKUPS_PER_IP = parse("30/hour")
SIGNED_PER_IP = parse("10/hour")
MAX_QUANTITY = 9999


def _go(request: Request, path: str) -> RedirectResponse:
    return RedirectResponse(prefixed(request, path), status_code=303)


# -- access request -------------------------------------------------------------------------------


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
        return _go(request, "/password/forgot")
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
    return _go(request, "/register/done")


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
        return _go(request, "/register")
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


# -- dashboard ---------------------------------------------------------------------------------------


async def account_widget(request: Request) -> dict[str, Any]:
    """The signed-in user's e-commerce account: permission, shortcuts, orders waiting for approval."""
    membership = await current_membership(request)
    if membership is None:
        return {"membership": None}
    is_admin = membership.role in ADMIN_ROLES
    waiting = 0
    if is_admin:
        async with tenant_db(request) as db:
            waiting = len(
                (
                    await db.scalars(
                        select(LumenOrder.id).where(
                            LumenOrder.account_id == membership.account_id,
                            LumenOrder.status == OrderStatus.PENDING_APPROVAL,
                        )
                    )
                ).all()
            )
    return {
        "membership": membership,
        "account": membership.account,
        "permission_label": describe_permission(membership.permissions or []),
        "can_order": can_order(membership),
        "is_admin": is_admin,
        "waiting": waiting,
    }


# -- ordering ---------------------------------------------------------------------------------------


async def _member(request: Request) -> Membership:
    membership = await current_membership(request)
    if membership is None:
        raise HTTPException(status_code=403)
    return membership


def can_order(membership: Membership) -> bool:
    """The membership may put products in a cart and submit orders (directly or for approval)."""
    return membership.grants(PERM_ORDER) or membership.grants(PERM_ORDER_APPROVAL)


def money(value: Decimal) -> str:
    """An amount in Canadian dollars for the active locale."""
    return format_money(value, "CAD")


@login_required
async def catalogue(request: Request) -> Response:
    """Products with prices (every member sees them) and, for buyers, an "Add to cart" button."""
    membership = await _member(request)
    query = request.query_params.get("q", "")[:100]
    tenant = request.state.tenant
    async with tenant_db(request) as db:
        products = await service(tenant, CustomerRegistry).products(db, query)
    return await render(
        request,
        "lumen_ecommerce/catalogue.html",
        {
            "products": products,
            "query": query,
            "can_order": can_order(membership),
            "membership": membership,
            "permission_label": describe_permission(membership.permissions or []),
            "money": money,
            "lang": current_locale(),
            "cart_count": sum(_cart(request).values()),
        },
    )


def _cart(request: Request) -> dict[str, int]:
    raw = request.state.session.get(CART_KEY) or {}
    return {str(k): int(v) for k, v in raw.items() if isinstance(v, int) and v > 0}


def _quantity(value: object) -> int | None:
    return parse_int(str(value).strip(), maximum=MAX_QUANTITY)


@login_required
async def cart_add(request: Request) -> Response:
    """Add a product to the cart (buyers only: checked here, not by hiding the button)."""
    membership = await _member(request)
    if not can_order(membership):
        raise HTTPException(status_code=403, detail="permission")
    form = await request.form()
    sku = str(form.get("sku", ""))[:40]
    quantity = _quantity(form.get("quantity", "1"))
    async with tenant_db(request) as db:
        product = await service(request.state.tenant, CustomerRegistry).product(db, sku)
    if product is None or not quantity:
        flash(request, gettext("Enter a quantity from 1 to %(max)s.", max=MAX_QUANTITY), "error")
        return redirect_to(request, "lumen_catalogue")
    cart = _cart(request)
    cart[sku] = min(MAX_QUANTITY, cart.get(sku, 0) + quantity)
    request.state.session.set(CART_KEY, cart)
    flash(request, gettext("Added to your cart."), "success")
    return redirect_to(request, "lumen_catalogue")


async def _cart_lines(request: Request) -> list[dict[str, Any]]:
    cart = _cart(request)
    lines = []
    locale = current_locale()
    async with tenant_db(request) as db:
        registry = service(request.state.tenant, CustomerRegistry)
        for sku, quantity in cart.items():
            product = await registry.product(db, sku)
            if product is not None:
                lines.append(
                    {
                        "sku": sku,
                        "name": product.name_for(locale),
                        "quantity": quantity,
                        "unit_price": product.price,
                        "total": product.price * quantity,
                    }
                )
    return lines


@login_required
async def cart_page(request: Request) -> Response:
    """The cart; buyers update quantities and submit the order."""
    membership = await _member(request)
    if not can_order(membership):
        raise HTTPException(status_code=403, detail="permission")
    if request.method == "POST":
        form = await request.form()
        cart = {}
        for sku in _cart(request):
            quantity = _quantity(form.get(f"qty-{sku}", "0"))
            if quantity:
                cart[sku] = quantity
        request.state.session.set(CART_KEY, cart)
        flash(request, gettext("Your cart was updated."), "success")
        return redirect_to(request, "lumen_cart")
    lines = await _cart_lines(request)
    total = sum((line["total"] for line in lines), Decimal("0"))
    return await render(
        request,
        "lumen_ecommerce/cart.html",
        {
            "lines": lines,
            "total": total,
            "money": money,
            "needs_approval": not membership.grants(PERM_ORDER),
        },
    )


@login_required
async def checkout(request: Request) -> Response:
    """Submit the cart: placed at once with "place orders", waiting for approval with "for approval"."""
    membership = await _member(request)
    if membership.grants(PERM_ORDER):
        status = OrderStatus.PLACED
    elif membership.grants(PERM_ORDER_APPROVAL):
        status = OrderStatus.PENDING_APPROVAL
    else:
        raise HTTPException(status_code=403, detail="permission")
    lines = await _cart_lines(request)
    if not lines:
        flash(request, gettext("Your cart is empty."), "error")
        return redirect_to(request, "lumen_cart")
    user = await current_user(request)
    assert user is not None
    tenant = request.state.tenant
    form = await request.form()
    async with tenant_db(request) as db:
        order = LumenOrder(
            account_id=membership.account_id,
            user_id=user.id,
            buyer_name=user.full_name,
            status=status,
            total=sum((line["total"] for line in lines), Decimal("0")),
            note=str(form.get("note", ""))[:500],
        )
        db.add(order)
        await db.flush()
        for line in lines:
            db.add(
                LumenOrderLine(
                    order_id=order.id,
                    sku=line["sku"],
                    name=line["name"],
                    quantity=line["quantity"],
                    unit_price=line["unit_price"],
                )
            )
        if status == OrderStatus.PENDING_APPROVAL:
            for admin in await _account_admins(db, membership.account_id):
                queue_mail(
                    db,
                    tenant,
                    admin.email,
                    "lumen_ecommerce/order_to_approve",
                    {"order": order, "buyer": user, "total": order.total},
                    locale=admin.locale,
                )
        audit(
            db,
            "lumen.order.submitted",
            request=request,
            actor_type="user",
            actor_id=user.id,
            subject_type="lumen_order",
            subject_id=order.id,
            status=str(status),
        )
        await db.commit()
        order_id = order.id
    request.state.session.set(CART_KEY, {})
    if status == OrderStatus.PLACED:
        flash(request, gettext("Your order was placed."), "success")
    else:
        flash(request, gettext("Your order was sent to your account administrator for approval."), "success")
    return redirect_to(request, "lumen_order", order_id=order_id)


async def _account_admins(db: Any, account_id: int) -> list[User]:
    rows = await db.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.account_id == account_id,
            Membership.role.in_([str(r) for r in ADMIN_ROLES]),
            Membership.suspended.is_(False),
        )
    )
    return list(rows.all())


@login_required
async def orders(request: Request) -> Response:
    """The account's order history."""
    membership = await _member(request)
    async with tenant_db(request) as db:
        rows = (
            await db.scalars(
                select(LumenOrder).where(LumenOrder.account_id == membership.account_id).order_by(LumenOrder.id.desc())
            )
        ).all()
    return await render(
        request,
        "lumen_ecommerce/orders.html",
        {"orders": rows, "money": money, "is_admin": membership.role in ADMIN_ROLES},
    )


async def _order_of_account(db: Any, order_id: int, membership: Membership) -> LumenOrder:
    order = await db.get(LumenOrder, order_id)
    if order is None or order.account_id != membership.account_id:
        raise HTTPException(status_code=404)
    return order  # type: ignore[no-any-return]


@login_required
async def order_detail(request: Request) -> Response:
    """One order of the account; the administrator approves or rejects it when it waits."""
    membership = await _member(request)
    async with tenant_db(request) as db:
        order = await _order_of_account(db, request.path_params["order_id"], membership)
        lines = (await db.scalars(select(LumenOrderLine).where(LumenOrderLine.order_id == order.id))).all()
    return await render(
        request,
        "lumen_ecommerce/order.html",
        {
            "order": order,
            "lines": lines,
            "money": money,
            "can_decide": membership.role in ADMIN_ROLES and order.status == OrderStatus.PENDING_APPROVAL,
            "form": OrderDecisionForm(),
        },
    )


@login_required
async def order_decide(request: Request) -> Response:
    """The account administrator approves or rejects an order waiting for approval; the buyer gets a mail."""
    membership = await _member(request)
    if membership.role not in (Role.HOLDER, Role.ADMIN):
        raise HTTPException(status_code=403, detail="role")
    user = await current_user(request)
    assert user is not None
    form = await OrderDecisionForm.from_request(request)
    decision = (await request.form()).get("decision")
    if decision not in ("approve", "reject") or not form.validate():
        raise HTTPException(status_code=400)
    tenant = request.state.tenant
    async with tenant_db(request) as db:
        order = await _order_of_account(db, request.path_params["order_id"], membership)
        if order.status != OrderStatus.PENDING_APPROVAL:
            flash(request, gettext("This order was already decided."), "warning")
            return redirect_to(request, "lumen_order", order_id=order.id)
        order.status = OrderStatus.PLACED if decision == "approve" else OrderStatus.REJECTED
        order.reason = (form.reason.data or "").strip()
        order.decided_by = user.id
        order.decided_at = utcnow()
        buyer = await db.get(User, order.user_id) if order.user_id else None
        if buyer is not None:
            queue_mail(
                db,
                tenant,
                buyer.email,
                "lumen_ecommerce/order_decided",
                {"order": order, "approved": decision == "approve", "total": order.total},
                locale=buyer.locale,
            )
        audit(
            db,
            f"lumen.order.{'approved' if decision == 'approve' else 'rejected'}",
            request=request,
            actor_type="user",
            actor_id=user.id,
            subject_type="lumen_order",
            subject_id=order.id,
        )
        await db.commit()
        order_id = order.id
    flash(
        request,
        gettext("The order was approved and placed.") if decision == "approve" else gettext("The order was rejected."),
        "success",
    )
    return redirect_to(request, "lumen_order", order_id=order_id)
