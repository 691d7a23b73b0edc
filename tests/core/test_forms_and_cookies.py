"""Form macros carry the page's CSRF token even when imported without context; cookies only when needed."""

from __future__ import annotations

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from core.api import PluginInfo, hookimpl
from core.web.rendering import page_context


class MacroPlugin:
    """Renders a page whose form imports the macros without the page's context."""

    @staticmethod
    @hookimpl
    def portique_plugin_info() -> PluginInfo:
        return PluginInfo(name="macro", version="1")

    @staticmethod
    @hookimpl
    def portique_routes() -> list[Route]:
        async def form_page(request: Request) -> Response:
            portal = request.app.state.portal
            template = portal.environment(request.state.tenant).from_string(
                '{% import "macros/forms.html" as forms %}<form method="post">{{ forms.csrf() }}</form>'
            )
            return Response(template.render(await page_context(request)), media_type="text/html")

        return [Route("/macro/form", form_page)]


@pytest.fixture
def portique_extra_plugins():
    return {"macro": MacroPlugin}


async def test_macro_imported_without_context_renders_the_token(make_tenant, tenant_client):
    await make_tenant("acme", plugins=["macro"])
    client = tenant_client("acme")
    html = (await client.get("/macro/form")).text
    meta = (await client.get("/")).text
    token = html.split('name="csrf_token" value="')[1].split('"')[0]
    assert len(token) == 64
    assert f'<meta name="csrf-token" content="{token}">' in meta


async def test_static_files_and_health_checks_set_no_cookie(app, make_tenant):
    await make_tenant("acme")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as client:
        static = await client.get("/static/core/portique.css")
        assert static.status_code == 200
        assert "set-cookie" not in static.headers
        assert "set-cookie" not in (await client.get("/healthz")).headers
        page = await client.get("/t/acme/")
        assert "Path=/t/acme/" in page.headers["set-cookie"]


async def test_a_body_over_the_limit_gets_a_413_page_before_any_page_reads_it(portique_settings):
    from core.app import create_app
    from core.tenancy.service import create_tenant

    app = create_app(portique_settings.model_copy(update={"max_request_mb": 1}), access_log=False)
    portal = app.state.portal
    portal.activate()
    async with portal.database.session() as db:
        await create_tenant(db, portal.plugins, slug="acme", name="Acme")
        await db.commit()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://acme.localhost") as client:
        response = await client.post("/login", content=b"x" * (1024 * 1024 + 1))
    await portal.database.dispose()
    assert response.status_code == 413
    assert "larger than this site accepts" in response.text
