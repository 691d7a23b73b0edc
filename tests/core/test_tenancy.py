"""Tenant resolution: by host, by /t/<slug>/ prefix, unknown hosts, disabled tenants."""

from __future__ import annotations

import httpx


async def test_tenant_home_by_host_shows_its_name(make_tenant, tenant_client):
    await make_tenant("acme", name="Acme Portal")
    response = await tenant_client("acme").get("/")
    assert response.status_code == 200
    assert "Acme Portal" in response.text


async def test_tenant_home_by_path_prefix(app, make_tenant):
    await make_tenant("acme", name="Acme Portal")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as client:
        response = await client.get("/t/acme/")
        assert response.status_code == 200
        assert "Acme Portal" in response.text
        assert 'href="/t/acme/login"' in response.text
        redirect = await client.get("/t/acme")
        assert redirect.status_code == 307
        assert redirect.headers["location"].endswith("/t/acme/")


async def test_unknown_host_and_unknown_slug_get_the_operator_404(app, make_tenant):
    await make_tenant("acme", name="Acme Portal")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://nope.localhost") as client:
        response = await client.get("/")
        assert response.status_code == 404
        assert "Acme Portal" not in response.text
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as client:
        response = await client.get("/t/nope/")
        assert response.status_code == 404


async def test_extra_hostname_resolves_the_tenant(app, make_tenant):
    await make_tenant("acme", name="Acme Portal", hostnames=["portal.acme.test"])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://portal.acme.test") as client:
        assert "Acme Portal" in (await client.get("/")).text


async def test_language_switcher_sets_cookie_and_translates(make_tenant, tenant_client):
    await make_tenant("acme", locales=["en", "fr"], default_locale="en")
    client = tenant_client("acme")
    assert 'lang="en"' in (await client.get("/")).text
    switched = await client.get("/locale/fr?next=/", follow_redirects=True)
    assert 'lang="fr"' in switched.text
    assert "Se connecter" in switched.text


async def test_accept_language_picks_a_tenant_locale(make_tenant, tenant_client):
    await make_tenant("acme", locales=["en", "fr"], default_locale="en")
    response = await tenant_client("acme").get("/", headers={"Accept-Language": "fr-CA,fr;q=0.9"})
    assert 'lang="fr"' in response.text


async def test_health_endpoints(app):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as client:
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        assert (await client.get("/readyz")).json()["database"] == "ok"
        await client.get("/")
        metrics = (await client.get("/metrics")).text
        assert "portique_requests_total" in metrics


async def test_security_headers_on_every_page(make_tenant, tenant_client):
    await make_tenant("acme")
    response = await tenant_client("acme").get("/")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"]


async def test_disabled_tenant_answers_404(portal, make_tenant, tenant_client):
    from core.tenancy.service import update_tenant

    tenant = await make_tenant("acme", name="Acme Portal")
    assert (await tenant_client("acme").get("/")).status_code == 200
    async with portal.database.session() as db:
        merged = await db.merge(tenant)
        await update_tenant(db, portal.plugins, merged, enabled=False)
        await db.commit()
    await portal.registry.refresh(force=True)
    response = await tenant_client("acme").get("/")
    assert response.status_code == 404
    assert "Acme Portal" not in response.text


async def test_access_log_is_json_with_request_id_and_tenant(make_tenant, portique_settings, capsys):
    import httpx

    from core.app import create_app

    app = create_app(portique_settings.model_copy(update={"log_json": True}), access_log=True)
    portal = app.state.portal
    portal.activate()
    async with portal.database.session() as db:
        from core.tenancy.service import create_tenant

        await create_tenant(db, portal.plugins, slug="logged", name="Logged")
        await db.commit()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://logged.localhost") as c:
        response = await c.get("/")
    await portal.database.dispose()
    import json

    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    access = [line for line in lines if line.get("message") == "request"]
    assert access
    assert access[-1]["tenant"] == "logged"
    assert access[-1]["request_id"] == response.headers["x-request-id"]
    assert access[-1]["status"] == 200
