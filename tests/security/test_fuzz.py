"""Every route of the four demo portals and of the operator host, signed out and signed in, answers
hostile requests without a server error or a traceback.

The routes are listed from the application itself (its routers), so a new page is fuzzed the day
it is added. Each page's forms are read from the page, and Hypothesis sends their fields with
hostile values (unicode, NUL, huge numbers, very long strings, repeated and missing fields), as a
form, as multipart with a file, as JSON, as plain text or with a broken content type, with a
valid, missing or hostile CSRF token. The ``ci`` profile (bounded, derandomized) runs in
``make test``; ``PORTIQUE_FUZZ_PROFILE=fuzz`` runs a larger search by hand.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
import pyotp
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from core.plugins import resolve
from core.staff.models import Staff, StaffRole
from core.tenancy.models import Tenant
from core.tenancy.service import create_tenant
from core.web.routing import Dispatcher
from tests.security.fuzzing import (
    FormFields,
    Target,
    csrf_token_of,
    encode,
    form_fields,
    path_values,
    profile,
    submissions,
    targets,
)

T = TypeVar("T")
# Pages that end the fuzzer's own session: fuzzed signed out only.
SESSION_ENDERS = ("/logout", "/console/logout", "/profile/sessions")
CONSOLE_PASSWORD = "Console-Demo-2026!"
# PORTIQUE_FUZZ_COLLECT=1: note every server error and go on (to list them all) instead of stopping
# at the first one with Hypothesis's smallest example.
COLLECT = os.environ.get("PORTIQUE_FUZZ_COLLECT") == "1"


@dataclass
class Context:
    """A host the fuzzer talks to, in one state (signed out, or signed in as someone)."""

    label: str
    base_url: str
    routes: list[Target]
    known: dict[str, list[str]]
    cookies: httpx.Cookies = field(default_factory=httpx.Cookies)
    signed_in: bool = False
    token: str | None = None
    forms: dict[str, FormFields] = field(default_factory=dict)


@dataclass
class Findings:
    """What the sweep saw."""

    examples: int = 0
    requests: int = 0
    server_errors: list[str] = field(default_factory=list)


class _ErrorLog(logging.Handler):
    """Keeps the last exception the error page logged (to say why a request failed)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.last = ""

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            exc = record.exc_info[1]
            self.last = f"{type(exc).__name__}: {exc}"[:300]


class Fuzzer:
    """Sends the requests on the test's event loop while Hypothesis runs in a thread."""

    def __init__(self, app: Any, loop: asyncio.AbstractEventLoop) -> None:
        self.app = app
        self.loop = loop
        self.findings = Findings()
        self.errors = _ErrorLog()
        self.rng = random.Random(22)

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` on the test's loop and wait for it (from the Hypothesis thread)."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=120)

    def client(self, context: Context) -> httpx.AsyncClient:
        """A client with the context's cookies, from an address of its own (throttles are per address)."""
        address = f"10.{self.rng.randrange(256)}.{self.rng.randrange(256)}.{self.rng.randrange(1, 255)}"
        transport = httpx.ASGITransport(app=self.app, raise_app_exceptions=False, client=(address, 40000))
        return httpx.AsyncClient(transport=transport, base_url=context.base_url, cookies=context.cookies)

    async def page(self, context: Context, path: str) -> httpx.Response:
        """GET a page in the context (no fuzzing)."""
        async with self.client(context) as client:
            response = await client.get(path)
            context.cookies.update(client.cookies)
        return response

    async def fields_of(self, context: Context, target: Target, path: str) -> FormFields:
        """The form fields of the route's page (or of the nearest page above it)."""
        if target.path in context.forms:
            return context.forms[target.path]
        fields = FormFields()
        candidates = [path]
        parts = path.rstrip("/").split("/")
        candidates += ["/".join(parts[:i]) or "/" for i in range(len(parts) - 1, 0, -1)]
        for candidate in candidates:
            response = await self.page(context, candidate)
            if response.status_code == 200 and "<form" in response.text:
                form_fields(response.text, fields)
                break
        context.forms[target.path] = fields
        return fields

    def concrete(self, context: Context, target: Target, draw: Any) -> str:
        """The route's path with a value drawn for each parameter."""
        path = target.path
        for name, takes_id in target.params:
            value = draw(path_values(name, takes_id, context.known.get(name, [])))
            path = path.replace("{" + name + (":id}" if takes_id else "}"), quote(value, safe=""), 1)
        return path

    async def send(self, context: Context, method: str, path: str, submission: dict[str, Any]) -> httpx.Response:
        headers, body, files = encode(submission, context.token)
        async with self.client(context) as client:
            query = submission["query"]
            if files is not None:
                return await client.request(method, path, params=query, headers=headers, files=files)
            return await client.request(method, path, params=query, headers=headers, content=body)

    def check(self, context: Context, method: str, path: str, response: httpx.Response, detail: str) -> None:
        self.findings.requests += 1
        broken = response.status_code >= 500 or "Traceback (most recent call last)" in response.text
        if broken:
            finding = f"{context.label} {method} {path[:120]} → {response.status_code} ({self.errors.last}) {detail}"
            self.findings.server_errors.append(finding)
            if not COLLECT:
                raise AssertionError(finding)

    def sweep(self, contexts: list[Context]) -> Findings:
        """Every route of every context, with the profile's number of examples each."""
        for context in contexts:
            for target in context.routes:
                for method in ("GET", "POST") if target.accepts_post else ("GET",):
                    if method not in target.methods:
                        continue
                    if context.signed_in and any(target.path.endswith(p) for p in SESSION_ENDERS):
                        continue
                    self.fuzz(context, target, method)
        return self.findings

    def fuzz(self, context: Context, target: Target, method: str) -> None:
        sample_path = target.path
        for name, takes_id in target.params:
            value = (context.known.get(name) or ["1"])[0] if not takes_id else "1"
            sample_path = sample_path.replace("{" + name + (":id}" if takes_id else "}"), quote(value, safe=""))
        fields = self.run(self.fields_of(context, target, sample_path)) if method == "POST" else FormFields()

        @profile()
        @given(data=st.data())
        def example(data: Any) -> None:
            self.findings.examples += 1
            path = self.concrete(context, target, data.draw)
            submission = data.draw(submissions(fields))
            if method == "GET":
                submission = {**submission, "encoding": "none", "csrf": "missing", "pairs": []}
            response = self.run(self.send(context, method, path, submission))
            summary = f"[{submission['encoding']}, csrf {submission['csrf']}, {len(submission['pairs'])} fields]"
            self.check(context, method, path, response, summary)

        example()


async def _demo_world(portal: Any) -> dict[str, tuple[Tenant, list[Any]]]:
    world: dict[str, tuple[Tenant, list[Any]]] = {}
    for name in portal.plugins.provider_names:
        spec = portal.plugins.infos[name].demo_tenant
        if not spec:
            continue
        async with portal.database.session() as session:
            tenant = await create_tenant(session, portal.plugins, plugins=[name], **spec)
            await session.commit()
        async with portal.database.session(tenant.id) as session:
            accounts = await resolve(portal.hooks(tenant).portique_demo_data(tenant=tenant, db=session))
            await session.commit()
        world[tenant.slug] = (tenant, [a for group in accounts for a in group])
    await portal.registry.refresh(force=True)
    return world


async def _sign_in_customer(fuzzer: Fuzzer, context: Context, accounts: list[Any]) -> bool:
    for account in accounts:
        if account.password in ("", "-") or "console" in account.note:
            continue
        page = await fuzzer.page(context, "/login")
        async with fuzzer.client(context) as client:
            answer = await client.post(
                "/login",
                data={
                    "csrf_token": csrf_token_of(page.text) or "",
                    "login": account.login,
                    "password": account.password,
                },
            )
            context.cookies.update(client.cookies)
        if answer.status_code == 303 and "/login" not in answer.headers.get("location", ""):
            return True
    return False


async def _sign_in_staff(fuzzer: Fuzzer, context: Context, email: str, code: str = "") -> bool:
    page = await fuzzer.page(context, "/console/login")
    async with fuzzer.client(context) as client:
        data = {"csrf_token": csrf_token_of(page.text) or "", "email": email, "password": CONSOLE_PASSWORD}
        if code:
            data["code"] = code
        answer = await client.post("/console/login", data=data)
        context.cookies.update(client.cookies)
    return answer.status_code == 303


async def _contexts(fuzzer: Fuzzer, app: Any, portal: Any) -> list[Context]:
    world = await _demo_world(portal)
    dispatcher = next(route.app for route in app.routes if isinstance(getattr(route, "app", None), Dispatcher))
    contexts: list[Context] = []
    slugs = [tenant.slug for tenant, _ in world.values()]
    for slug, (tenant, accounts) in sorted(world.items()):
        routes = list(targets(list(dispatcher.router_for(tenant).routes)))
        known = {
            "category": [c.code for c in portal.categories(tenant)],
            "code": list(tenant.locales),
            "slug": slugs,
            "tenant_slug": slugs,
        }
        base = f"http://{slug}.localhost"
        for state in ("signed out", "customer", "agent"):
            context = Context(f"{slug} ({state})", base, routes, known)
            if state == "customer":
                context.signed_in = await _sign_in_customer(fuzzer, context, accounts)
                assert context.signed_in, f"no demo customer could sign in on {slug}"
            elif state == "agent":
                context.signed_in = await _sign_in_staff(fuzzer, context, "agent@portique.example")
                assert context.signed_in, f"the demo agent could not sign in on {slug}"
            context.token = csrf_token_of((await fuzzer.page(context, "/")).text)
            contexts.append(context)
    operator_routes = list(targets(list(dispatcher.operator_router.routes)))
    # /healthz, /readyz, /metrics and /theme/{name}.css (static files are no pages: targets() skips them)
    process_routes = list(targets([route for route in app.routes if route.path != ""]))
    known = {"slug": slugs, "tenant_slug": slugs, "name": ["default", "lumen"]}
    secret = pyotp.random_base32()  # the fuzzer's own authenticator for the demo operator
    async with portal.database.session() as db:
        operator = await db.scalar(select(Staff).where(Staff.role == StaffRole.OPERATOR).order_by(Staff.id))
        assert operator is not None
        operator.totp_secret = secret
        await db.commit()
    for state in ("signed out", "operator"):
        context = Context(f"operator host ({state})", "http://localhost", [*process_routes, *operator_routes], known)
        if state == "operator":
            code = pyotp.TOTP(secret).now()
            context.signed_in = await _sign_in_staff(fuzzer, context, operator.email, code)
            assert context.signed_in, "the demo operator could not sign in"
        context.token = csrf_token_of((await fuzzer.page(context, "/console/login")).text)
        contexts.append(context)
    return contexts


async def test_no_route_answers_a_server_error_to_hostile_requests(app, portal, capsys):
    fuzzer = Fuzzer(app, asyncio.get_running_loop())
    logging.getLogger("portique.errors").addHandler(fuzzer.errors)
    try:
        contexts = await _contexts(fuzzer, app, portal)
        routes = sum(len(c.routes) for c in contexts)
        findings = await asyncio.to_thread(fuzzer.sweep, contexts)
    finally:
        logging.getLogger("portique.errors").removeHandler(fuzzer.errors)
    with capsys.disabled():
        for finding in findings.server_errors:
            print(finding)
        print(
            f"\nfuzz: {len(contexts)} contexts, {routes} routes, {findings.examples} examples, "
            f"{findings.requests} requests, {len(findings.server_errors)} server errors"
        )
    assert findings.server_errors == []
    assert routes > 300, "every route of every tenant and of the operator host is listed"
