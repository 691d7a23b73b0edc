"""Behind TLS: __Host- session cookie with Secure, and HSTS."""

from __future__ import annotations

import httpx

from core.app import create_app
from core.tenancy.service import create_tenant


async def test_tls_deployment_uses_host_cookie_and_hsts(portique_settings):
    app = create_app(portique_settings.model_copy(update={"https": True}), access_log=False)
    portal = app.state.portal
    portal.activate()
    async with portal.database.session() as db:
        await create_tenant(db, portal.plugins, slug="acme", name="Acme")
        await db.commit()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://acme.localhost") as client:
        response = await client.get("/")
    await portal.database.dispose()
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("__Host-portique_session=")
    assert "Secure" in cookie
    assert "Path=/;" in cookie
    assert response.headers["strict-transport-security"].startswith("max-age=")
