"""Hostile values where the portal reads ids, numbers, tokens and e-mail addresses: each is refused
(a 404, a 403, the expired-link page or a message next to the field), never a 500."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator
from urllib.parse import quote

import aiosmtplib
import httpx
import pyotp
import pytest
from sqlalchemy import func, select
from starlette.routing import Route

from core.identity.models import User, UserStatus
from core.identity.users import create_user
from core.mail.addresses import normalized_address
from core.mail.models import OutboxMessage
from core.mail.worker import MAX_ATTEMPTS, deliver_pending
from core.staff.accounts import create_staff
from core.web.forms import PortiqueForm, WholeNumberField
from core.web.ids import ID_MAX, IdConvertor, parse_id, parse_int
from tests.core.identity.identity_helpers import PASSWORD, csrf_of, sign_in

HUGE = ("2147483648", str(2**63), "99999999999999999999")
STAFF_PASSWORD = "staff password 123"


def _client(app, host: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, raise_app_exceptions=False), base_url=f"http://{host}"
    )


# -- ids ----------------------------------------------------------------------------------------------
def test_the_id_convertor_matches_exactly_the_ids_a_row_can_have():
    route = Route("/things/{thing_id:id}", lambda request: None, name="thing")
    for value, expected in [("0", True), ("1", True), (str(ID_MAX), True), ("0001", True)]:
        assert bool(route.path_regex.match(f"/things/{value}")) is expected, value
    for value in [
        str(ID_MAX + 1),
        "2147483650",
        "9999999999",
        str(2**63),
        "-1",
        "+1",
        "²",
        "١",
        "1e3",
        "",
        "00000000001",
    ]:
        assert route.path_regex.match(f"/things/{value}") is None, value
    assert isinstance(route.param_convertors["thing_id"], IdConvertor)
    assert route.url_path_for("thing", thing_id=42) == "/things/42"


def test_numbers_are_ascii_digits_within_range():
    assert parse_id("42") == 42
    assert parse_id(str(ID_MAX)) == ID_MAX
    for value in ["0", "-1", " 7", "7 ", "²", "٣", "１２", "1_000", "0x10", str(ID_MAX + 1), "9" * 5000, None, 7]:
        assert parse_id(value) is None, value
    assert parse_int("0") == 0
    assert parse_int("12", maximum=10) is None


async def test_a_whole_number_field_refuses_other_digits_with_a_translated_message(app, portal):
    class CountForm(PortiqueForm):
        count = WholeNumberField("Count")

    from core.i18n.context import use_locale

    class Data(dict):
        def getlist(self, key):
            return [self[key]] if key in self else []

    with use_locale("fr", portal.translations(None, "fr")):
        form = CountForm(formdata=Data(count="٣"))
        assert not form.validate()
        assert form.count.errors == ["Saisissez un nombre entier, avec des chiffres uniquement."]
        assert form.count._value() == "٣", "what was typed is kept"
    form = CountForm(formdata=Data(count="12"))
    assert form.validate()
    assert form.count.data == 12


@pytest.fixture
async def tenants(make_tenant):
    lumen = await make_tenant("lumen", plugins=["lumen_ecommerce"], locales=["fr_CA", "en_CA"], default_locale="fr_CA")
    omicron = await make_tenant("omicron", plugins=["omicron_registration"], locales=["en", "de", "fr"])
    acme = await make_tenant("acme")
    return {"lumen": lumen, "omicron": omicron, "acme": acme}


@pytest.mark.parametrize("huge", HUGE)
async def test_ids_beyond_the_column_are_a_404_signed_out(app, tenants, huge):
    paths = {
        "lumen.localhost": [f"/lumen/requests/{huge}/pdf", f"/lumen/orders/{huge}"],
        "omicron.localhost": [f"/omicron/updates/{huge}/download", f"/omicron/library/{huge}/download"],
        "acme.localhost": [f"/tickets/ABC-1/attachments/{huge}", f"/dev/mail/{huge}"],
        "localhost": [f"/lumen/requests/lumen/{huge}/pdf", f"/console/tickets/{huge}", f"/console/users/{huge}"],
    }
    for host, urls in paths.items():
        async with _client(app, host) as client:
            for url in urls:
                response = await client.get(url)
                assert response.status_code == 404, (host, url, response.status_code)


async def test_a_huge_member_id_is_a_404_for_a_signed_in_user(app, portal, tenants):
    acme = tenants["acme"]
    async with portal.database.session(acme.id) as db:
        await create_user(db, email="ada@example.com", password=PASSWORD, status=UserStatus.ACTIVE)
        await db.commit()
    async with _client(app, "acme.localhost") as client:
        assert (await sign_in(client, "ada@example.com")).status_code == 303
        token = csrf_of((await client.get("/profile")).text)
        for huge in HUGE:
            response = await client.post(f"/account/users/{huge}/remove", data={"csrf_token": token})
            assert response.status_code == 404, huge


@contextlib.asynccontextmanager
async def _console_client(app, portal, tenant, *, operator: bool = False) -> AsyncIterator[httpx.AsyncClient]:
    """A console session: the tenant's agent on its host, or an operator on the operator host."""
    secret = pyotp.random_base32()
    async with portal.database.session() as db:
        staff = await create_staff(
            db,
            email="staff@ops.test",
            name="Staff",
            password=STAFF_PASSWORD,
            role="operator" if operator else "agent",
            tenants=[] if operator else [tenant],
        )
        if operator:
            staff.totp_secret = secret
        await db.commit()
    async with _client(app, "localhost" if operator else f"{tenant.slug}.localhost") as client:
        page = await client.get("/console/login")
        code = pyotp.TOTP(secret).now() if operator else ""
        answer = await client.post(
            "/console/login",
            data={
                "csrf_token": csrf_of(page.text),
                "email": "staff@ops.test",
                "password": STAFF_PASSWORD,
                "code": code,
            },
        )
        assert answer.status_code == 303, answer.text[-400:]
        yield client


async def test_bulk_assignment_with_a_huge_or_foreign_digit_id_changes_nothing_and_says_so(app, portal, tenants):
    async with _console_client(app, portal, tenants["acme"]) as client:
        queue = await client.get("/console/tickets")
        token = csrf_of(queue.text)
        for bad in [*HUGE, "²", "٣"]:
            response = await client.post("/console/tickets/bulk", data={"csrf_token": token, "ticket": ["1", bad]})
            assert response.status_code == 303, (bad, response.status_code)
            page = await client.get("/console/tickets")
            assert "Some of the chosen tickets or the assignee do not exist. Nothing was changed." in page.text
        response = await client.post(
            "/console/tickets/bulk", data={"csrf_token": token, "ticket": "1", "assignee": "99999999999"}
        )
        assert response.status_code == 303


# -- digits that are not ASCII ---------------------------------------------------------------------------
@pytest.mark.parametrize("digit", ["²", "٣", "１"])
async def test_digits_that_are_not_ascii_are_no_numbers(app, portal, tenants, digit):
    async with _console_client(app, portal, tenants["acme"], operator=True) as client:
        for url in (
            f"/console/tickets?tenant={quote(digit)}&assignee={quote(digit)}",
            f"/console/audit?before={quote(digit)}&tenant={quote(digit)}",
            f"/console/outbox?before={quote(digit)}&tenant={quote(digit)}",
            f"/console/users?tenant={quote(digit)}&q=a",
        ):
            response = await client.get(url)
            assert response.status_code == 200, (url, response.status_code)


# -- tokens ------------------------------------------------------------------------------------------------
HOSTILE_TOKENS = ["é", "\u00ff" * 64, "x" * 5000, "a\u0000b" * 22, "²" * 43]


@pytest.mark.parametrize("token", HOSTILE_TOKENS)
async def test_a_non_ascii_csrf_token_is_refused_not_a_server_error(app, tenants, token):
    async with _client(app, "acme.localhost") as client:
        await client.get("/login")
        by_field = await client.post("/login", data={"csrf_token": token, "login": "a@example.com", "password": "x"})
        assert by_field.status_code == 403
        assert "This form has expired or did not come from this site." in by_field.text
        by_header = await client.post(
            "/login", headers={"X-CSRF-Token": token.encode("utf-8")}, content=b"login=a&password=b"
        )
        assert by_header.status_code == 403


async def test_a_non_ascii_csrf_token_is_refused_on_the_console(app, portal, tenants):
    async with _console_client(app, portal, tenants["acme"]) as client:
        for path in ("/console/tickets/bulk", "/console/logout"):
            response = await client.post(path, data={"csrf_token": "é", "ticket": "1"})
            assert response.status_code == 403, path


@pytest.mark.parametrize("token", ["é", "%C3%A9", "²" * 43, "x" * 5000, "..%2F..%2Fetc", "%E2%80%AE" * 10])
async def test_a_malformed_action_token_is_the_unknown_link_page(app, tenants, token):
    async with _client(app, "acme.localhost") as client:
        for path in ("/confirm/", "/password/reset/", "/invitation/", "/profile/email/", "/tickets/access/"):
            response = await client.get(path + token)
            assert response.status_code in (303, 404), (path, response.status_code)
            assert "Traceback" not in response.text


# -- e-mail addresses ----------------------------------------------------------------------------------------
BAD_ADDRESSES = ["x@probe.example/../../etc/passwd", "a@b", "ada@example..com", "ada@localhost", "<a@example.com>"]


@pytest.mark.parametrize("address", BAD_ADDRESSES)
async def test_registration_refuses_an_address_no_mail_can_reach(app, portal, tenants, address):
    acme = tenants["acme"]
    async with _client(app, "acme.localhost") as client:
        client.headers["Accept-Language"] = "fr"
        token = csrf_of((await client.get("/register")).text)
        response = await client.post(
            "/register",
            data={
                "csrf_token": token,
                "email": address,
                "first_name": "Ada",
                "last_name": "Lovelace",
                "password": "a long passphrase 77",
                "password_confirm": "a long passphrase 77",
                "accept_terms": "y",
            },
        )
    assert response.status_code == 200
    assert re.search(r'<p class="error" id="email-error">[^<]*(adresse|courriel|e-mail)', response.text)
    async with portal.database.session(acme.id) as db:
        assert await db.scalar(select(func.count()).select_from(User)) == 0


@pytest.mark.parametrize("address", ["agent@ops.test", "desk@support.test"])
def test_an_address_on_a_private_domain_is_refused_when_typed_and_kept_when_configured(address):
    assert normalized_address(address) is None
    assert normalized_address(address, special_use=True) == address


async def test_the_outbox_gives_up_at_once_on_an_address_no_mail_can_reach(portal):
    async with portal.database.session() as db:
        db.add(
            OutboxMessage(
                template="t", sender="P <p@example.com>", recipient=BAD_ADDRESSES[0], subject="s", text_body="b"
            )
        )
        await db.commit()
    await deliver_pending(portal)
    async with portal.database.session() as db:
        row = await db.scalar(select(OutboxMessage))
    assert (row.status, row.attempts) == ("failed", 1)
    assert "not an e-mail address" in row.last_error


class _RefusingBackend:
    def __init__(self, exc: Exception) -> None:
        self.exc = exc
        self.calls = 0

    async def deliver(self, message, *, folder: str) -> None:
        self.calls += 1
        raise self.exc


@pytest.mark.parametrize(
    ("exc", "status"),
    [
        (
            aiosmtplib.SMTPRecipientsRefused([aiosmtplib.SMTPRecipientRefused(550, "no such user", "a@example.com")]),
            "failed",
        ),
        (aiosmtplib.SMTPResponseException(553, "mailbox name not allowed"), "failed"),
        (aiosmtplib.SMTPResponseException(451, "try again later"), "queued"),
        (aiosmtplib.SMTPConnectError("connection refused"), "queued"),
    ],
)
async def test_a_permanent_smtp_refusal_is_given_up_a_transient_one_retried(portal, monkeypatch, exc, status):
    monkeypatch.setattr(portal, "mail_backend", _RefusingBackend(exc))
    async with portal.database.session() as db:
        db.add(
            OutboxMessage(
                template="t", sender="P <p@example.com>", recipient="a@example.com", subject="s", text_body="b"
            )
        )
        await db.commit()
    await deliver_pending(portal)
    async with portal.database.session() as db:
        row = await db.scalar(select(OutboxMessage))
    assert (row.status, row.attempts) == (status, 1)
    assert MAX_ATTEMPTS > 1


def test_every_email_field_of_the_plugins_uses_the_core_check():
    """No plugin keeps a hand-written e-mail pattern of its own."""
    from pathlib import Path

    for path in Path("plugins").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"EMAIL\w* = re\.compile", text), path


# -- bodies -------------------------------------------------------------------------------------------------
async def test_a_chunked_body_over_the_limit_is_a_413_and_a_length_that_is_no_number_a_400(portique_settings):
    from core.app import create_app

    small = create_app(portique_settings.model_copy(update={"max_request_mb": 1}), access_log=False)

    async def chunks():
        for _ in range(12):
            yield b"a=" + b"x" * 100_000

    form = {"content-type": "application/x-www-form-urlencoded"}
    try:
        async with _client(small, "localhost") as client:
            over = await client.post("/console/login", content=chunks(), headers=form)
            assert over.status_code == 413
            assert "larger than this site accepts" in over.text
            odd = await client.post("/console/login", content=b"a=b", headers={**form, "content-length": "²".encode()})
            assert odd.status_code == 400
    finally:
        await small.state.portal.database.dispose()


@pytest.mark.parametrize(("value", "accepted"), [("12.50", True), ("12,5", True), ("-3", True), ("1 000", True),
    ("nan", False), ("inf", False), ("1e309", False), ("١٢", False), ("1_000", False), ("12.5.1", False)])  # fmt: skip
def test_a_number_field_of_a_ticket_takes_ascii_digits_only(value, accepted):
    from wtforms.validators import ValidationError

    from core.ticketing.forms import _check_number

    class Field:
        data = value

    if accepted:
        _check_number(None, Field())
    else:
        with pytest.raises(ValidationError):
            _check_number(None, Field())


# -- NUL characters (PostgreSQL refuses them in any text) ------------------------------------------------------
async def test_a_nul_in_the_path_or_the_query_is_a_400(app, portal, tenants):
    acme = tenants["acme"]
    async with portal.database.session(acme.id) as db:
        await create_user(db, email="ada@example.com", password=PASSWORD, status=UserStatus.ACTIVE)
        await db.commit()
    async with _client(app, "acme.localhost") as client:
        assert (await sign_in(client, "ada@example.com")).status_code == 303
        for url in ("/tickets/a%00b", "/tickets/%00/attachments/1", "/tickets?status=%00", "/?next=/%00"):
            response = await client.get(url)
            assert response.status_code == 400, url
            assert "The request could not be understood." in response.text


async def test_a_nul_in_a_console_search_is_a_400_and_dropped_from_a_form(app, portal, tenants):
    async with _console_client(app, portal, tenants["acme"], operator=True) as client:
        response = await client.get(f"/console/users?tenant={tenants['acme'].id}&q=a%00b")
        assert response.status_code == 400
        token = csrf_of((await client.get("/console/tickets")).text)
        # In a form, NUL characters are dropped (for pages reading the raw form too): ticket 1 is unknown.
        response = await client.post("/console/tickets/bulk", data={"csrf_token": token, "ticket": "1\x00"})
        assert response.status_code == 404


async def test_a_tenant_form_with_an_overlong_name_and_time_zone_says_so(app, portal, tenants):
    async with _console_client(app, portal, tenants["acme"], operator=True) as client:
        token = csrf_of((await client.get("/console/tenants/new")).text)
        response = await client.post(
            "/console/tenants/new",
            data={"csrf_token": token, "slug": "longname", "name": "N" * 10_000, "timezone": "a" * 10_000},
        )
    assert response.status_code < 500
    assert "Use at most 120 characters." in response.text
    assert "Unknown time zone" in response.text
